"""Column schemas of the data files (pandera) and the table reader that applies them.

Every file is read as UTF-8 text, all cells as strings, then coerced and checked by
its pandera schema; the first failure becomes a :class:`DataError` naming file, row
(1-based line number, header = line 1), column, value and expectation.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from analysis.data.errors import DataError

DATE = r"^\d{4}(-\d{2}-\d{2})?$"  # a year, or an ISO date
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
CODE = r"^KZ(-[0-9A-Z]+(-[0-9A-Z]+)?)?$"
IDENT = r"^[a-z][a-z0-9_]*$"

_text = dict(dtype=str, nullable=False)

# Region codes and indicator ids are checked against regions.csv / indicators.csv in
# analysis.data.checks (a membership test is both stricter and faster than a pattern).
OBSERVATION_COLUMNS = {
    "region": pa.Column(**_text),
    "year": pa.Column(int, pa.Check.in_range(1990, 2100), coerce=True),
    "indicator": pa.Column(**_text),
    "territory": pa.Column(checks=pa.Check.isin(["", "pre-2022", "post-2022"]), **_text),
    "value": pa.Column(float, pa.Check(lambda s: s.notna() & (abs(s) < float("inf"))), coerce=True),
    "source": pa.Column(checks=pa.Check.str_length(min_value=1), **_text),
    "note": pa.Column(**_text),
    "recorded": pa.Column(checks=pa.Check.str_matches(ISO_DATE), **_text),
}

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "observations.csv": pa.DataFrameSchema(OBSERVATION_COLUMNS),
    "unverified.csv": pa.DataFrameSchema(OBSERVATION_COLUMNS),
    "revisions.csv": pa.DataFrameSchema(
        {
            **OBSERVATION_COLUMNS,
            "superseded": pa.Column(checks=pa.Check.str_matches(ISO_DATE), **_text),
            "superseded_by": pa.Column(**_text),
        }
    ),
    "regions.csv": pa.DataFrameSchema(
        {
            "code": pa.Column(checks=pa.Check.str_matches(CODE), unique=True, **_text),
            "name_kk": pa.Column(checks=pa.Check.str_length(min_value=1), **_text),
            "name_ru": pa.Column(checks=pa.Check.str_length(min_value=1), **_text),
            "name_en": pa.Column(checks=pa.Check.str_length(min_value=1), **_text),
            "kind": pa.Column(checks=pa.Check.isin(["country", "oblast", "city"]), **_text),
            "valid_from": pa.Column(checks=pa.Check.str_matches(f"({DATE})|^$"), **_text),
            "valid_to": pa.Column(checks=pa.Check.str_matches(f"({DATE})|^$"), **_text),
            "parent": pa.Column(**_text),
            "successors": pa.Column(**_text),
            "split_year": pa.Column(checks=pa.Check.str_matches(r"^(\d{4})?$"), **_text),
            "backcast_from": pa.Column(checks=pa.Check.str_matches(r"^(\d{4})?$"), **_text),
            "iso_alpha_old": pa.Column(**_text),
            "kato": pa.Column(**_text),
            "note": pa.Column(**_text),
        }
    ),
    "indicators.csv": pa.DataFrameSchema(
        {
            "id": pa.Column(checks=pa.Check.str_matches(IDENT), unique=True, **_text),
            **{
                f"{field}_{lang}": pa.Column(checks=pa.Check.str_length(min_value=1), **_text)
                for field in ("name", "unit")
                for lang in ("kk", "ru", "en")
            },
            "pillar": pa.Column(checks=pa.Check.isin(["economic", "social", "environmental"]), **_text),
            "polarity": pa.Column(checks=pa.Check.isin(["positive", "negative", "neutral"]), **_text),
            "aggregation": pa.Column(
                checks=pa.Check.isin(["sum", "population_weighted", "volume_index", "derived"]), **_text
            ),
            "derived": pa.Column(checks=pa.Check.isin(["true", "false"]), **_text),
            "status": pa.Column(checks=pa.Check.isin(["verified", "unverified"]), **_text),
            "min": pa.Column(float, coerce=True),
            "max": pa.Column(float, coerce=True),
            "source": pa.Column(checks=pa.Check.str_length(min_value=1), **_text),
        }
    ),
    "programme_intensity.csv": pa.DataFrameSchema(
        {
            "programme": pa.Column(checks=pa.Check.str_matches(IDENT), **_text),
            "indicator": pa.Column(checks=pa.Check.str_matches(IDENT), **_text),
            "region": pa.Column(checks=pa.Check.str_matches(CODE), **_text),
            "year": pa.Column(int, pa.Check.in_range(1990, 2100), coerce=True),
            "map": pa.Column(checks=pa.Check.isin(["post-2022"]), **_text),
            "value": pa.Column(float, pa.Check.in_range(0, 1e6), coerce=True),
            "unit": pa.Column(checks=pa.Check.str_length(min_value=1), **_text),
            "source": pa.Column(checks=pa.Check.str_length(min_value=1), **_text),
            "note": pa.Column(**_text),
            "recorded": pa.Column(checks=pa.Check.str_matches(ISO_DATE), **_text),
        }
    ),
    "programmes.csv": pa.DataFrameSchema(
        {
            "programme": pa.Column(checks=pa.Check.str_matches(IDENT), **_text),
            "kind": pa.Column(
                checks=pa.Check.isin(["sez", "monotown", "programme", "programme_funding"]), **_text
            ),
            "name_kk": pa.Column(checks=pa.Check.str_length(min_value=1), **_text),
            "name_ru": pa.Column(checks=pa.Check.str_length(min_value=1), **_text),
            "name_en": pa.Column(checks=pa.Check.str_length(min_value=1), **_text),
            "region": pa.Column(checks=pa.Check.str_matches(CODE), **_text),
            "start": pa.Column(checks=pa.Check.str_matches(f"({DATE})|^$"), **_text),
            "end": pa.Column(checks=pa.Check.str_matches(f"({DATE})|^$"), **_text),
            "legal_act": pa.Column(**_text),
            "value": pa.Column(float, coerce=True, nullable=True),
            "unit": pa.Column(**_text),
            "source": pa.Column(checks=pa.Check.str_length(min_value=1), **_text),
            "confidence": pa.Column(checks=pa.Check.isin(["high", "medium", "low"]), **_text),
            "note": pa.Column(**_text),
        }
    ),
}


def _active(schema: pa.DataFrameSchema) -> pa.DataFrameSchema:
    """The schema without plain text columns that have no check: their presence is tested
    separately, and text read with ``na_filter=False`` cannot be null, so validating them only
    costs time (pandera's cost is per column; a load must stay well under 0.5 s)."""
    idle = [
        name for name, col in schema.columns.items()
        if not col.checks and "str" in str(col.dtype) and not col.unique
    ]
    return schema.remove_columns(idle)


_ACTIVE = {file: _active(schema) for file, schema in SCHEMAS.items()}

_EXPECTED = {
    "str_matches": "text matching {pattern}",
    "isin": "one of {allowed}",
    "in_range": "a number in [{min_value}, {max_value}]",
    "str_length": "a non-empty text",
}


def decode_utf8(raw: bytes, file: str) -> str:
    """Decode a file's bytes as UTF-8, naming the line of the first bad byte.

    Examples
    --------
    >>> decode_utf8("a,b\\n".encode(), "x.csv")
    'a,b\\n'
    """
    kind = foreign_format(raw)
    if kind is not None:
        raise DataError(file, None, None, kind, "UTF-8 text (in a spreadsheet: save as 'CSV UTF-8')")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        raise DataError(file, line, None, raw[err.start : err.start + 4], "UTF-8 text") from None
    return text.removeprefix("\ufeff")


# File signatures of what is most often saved or renamed by mistake in place of a UTF-8 CSV.
_SIGNATURES = (
    (b"\xff\xfe", "UTF-16 text (Excel's 'Unicode text')"),
    (b"\xfe\xff", "UTF-16 text"),
    (bytes.fromhex("d0cf11e0a1b11ae1"), "an Excel 97-2003 workbook (.xls) renamed"),
    (b"PK\x03\x04", "a zip archive (an .xlsx or .ods workbook renamed?)"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
)


def foreign_format(raw: bytes) -> str | None:
    """What the bytes are when they are clearly not text (a known signature, or NUL bytes)."""
    for signature, kind in _SIGNATURES:
        if raw.startswith(signature):
            return kind
    if b"\x00" in raw[:4096]:
        return "binary data (NUL bytes)"
    return None


def _expectation(check: str, schema: pa.DataFrameSchema, column: str) -> str:
    if check.startswith(("coerce_dtype", "dtype")):
        kind = check.split("'")[1] if "'" in check else check
        return {"int64": "a whole number", "float64": "a number", "str": "text"}.get(kind, kind)
    if check == "column_in_dataframe":
        return "the column to be present"
    if check == "field_uniqueness":
        return "a unique value"
    if check == "not_nullable":
        return "a value (empty cell)"
    for chk in schema.columns[column].checks:
        if chk.name and check.startswith(chk.name):
            template = _EXPECTED.get(chk.name)
            if template:
                stats = {k: (sorted(v) if isinstance(v, (set, frozenset, list)) else v)
                         for k, v in (chk.statistics or {}).items()}
                if stats.get("pattern") == ISO_DATE:
                    return "a date written YYYY-MM-DD (e.g. 2026-11-27)"
                return template.format(**stats)
    return "a finite number" if column == "value" else f"a value passing {check}"


_WHOLE = r"[-+]?[0-9]+"
_DECIMAL = r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?"


def _check_plain_numbers(cells: pd.Series, file: str, column: str, *, whole: bool, nullable: bool) -> None:
    """Numbers as the data files write them: ASCII digits, a dot for decimals, finite.

    Python's ``int``/``float`` (and so pandas' coercion) also accept full-width or Arabic-Indic
    digits, "NaN", "inf" and "1e400" (which overflows to infinity); none of them is a figure.
    """
    text = cells.astype(str).str.strip()
    ok = text.str.fullmatch(_WHOLE if whole else _DECIMAL)
    if nullable:
        ok |= cells.isna() | (text == "")
    if ok.all() and not whole:
        values = pd.to_numeric(text.where(text != "", None), errors="coerce")
        ok = values.isna() | values.abs().lt(float("inf"))
    if not ok.all():
        where = cells.index[~ok.to_numpy()][0]
        raise DataError(file, int(where) + 2, column, cells[where],
                        "a whole number written with ASCII digits (e.g. 2024)" if whole else
                        "a finite number written with ASCII digits and a dot for decimals (e.g. 1234.5)")


def validate_table(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    """Coerce and check one table with its schema; raise DataError on the first failure.

    Examples
    --------
    >>> frame = pd.DataFrame({"id": ["x"]})
    >>> validate_table(frame, "indicators.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    analysis.data.errors.DataError: indicators.csv, row 1, column 'name_kk': got 'missing', expected ...
    """
    schema = SCHEMAS[file]
    for column in schema.columns:
        if column not in frame.columns:
            raise DataError(file, 1, column, "missing", f"a header with the column {column!r}")
    for name, col in schema.columns.items():
        if str(col.dtype) in ("int64", "float64") and not pd.api.types.is_numeric_dtype(frame[name]):
            _check_plain_numbers(frame[name], file, name, whole=str(col.dtype) == "int64", nullable=col.nullable)
    for name, col in schema.columns.items():
        if col.nullable and "float" in str(col.dtype):  # an empty cell is a missing number here
            frame = frame.assign(**{name: frame[name].replace("", None)})
    try:
        return _ACTIVE[file].validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases.copy()
        cases["_row"] = pd.to_numeric(cases["index"], errors="coerce")
        cases = cases.sort_values("_row", na_position="last", kind="stable")
        first = cases.iloc[0]
        row = None if pd.isna(first["_row"]) else int(first["_row"]) + 2
        column = first["column"]
        value = first["failure_case"]
        raise DataError(file, row, column, value, _expectation(str(first["check"]), schema, column)) from None


def read_table(data_dir: Path, file: str) -> pd.DataFrame:
    """Read one CSV of the data directory as UTF-8 strings and validate it against its schema.

    Examples
    --------
    >>> from analysis.data.paths import resolve_data_dir
    >>> read_table(resolve_data_dir(None), "regions.csv").loc[0, "code"]
    'KZ'
    """
    path = data_dir / file
    if not path.is_file():
        raise DataError(file, None, None, "no such file", "the file to exist in the data directory")
    text = decode_utf8(path.read_bytes(), file)
    frame = parse_csv(text, file)
    if frame.empty and file in MUST_HAVE_ROWS:
        raise DataError(file, 2, None, "no rows", "at least one row under the header (restore the file from git)")
    return validate_table(frame, file)


#: Data files that are never empty (revisions and unverified figures may be).
MUST_HAVE_ROWS = ("observations.csv", "regions.csv", "indicators.csv", "programmes.csv")


def parse_csv(text: str, file: str) -> pd.DataFrame:
    """Cells of a CSV as strings; an empty file or a row with the wrong number of fields is a DataError.

    Examples
    --------
    >>> parse_csv("a,b\\n1,2,3\\n", "x.csv")
    Traceback (most recent call last):
    ...
    analysis.data.errors.DataError: x.csv, row 2: got '3 fields: 1,2,3', expected 2 fields as in the header (a decimal comma? write 4.5, or quote the cell)
    """
    if not text.strip():
        raise DataError(file, None, None, "an empty file", "a header line and rows (restore the file from git)")
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
    except pd.errors.ParserError as err:
        _refuse_ragged_rows(text, file)
        raise DataError(file, None, None, str(err).strip(), "well-formed CSV") from None
    if not isinstance(frame.index, pd.RangeIndex):
        # pandas takes the first field of rows that all have one field too many as an index
        _refuse_ragged_rows(text, file)
    return frame


def _refuse_ragged_rows(text: str, file: str) -> None:
    """Name the first row whose number of fields differs from the header's (a decimal comma, usually)."""
    rows = csv.reader(io.StringIO(text))
    header = next(rows)
    if len(header) < 2:
        return  # not comma-separated at all (semicolons, tabs): the header check names the columns
    lines = text.splitlines()
    for row in rows:
        if row and len(row) != len(header):
            line = rows.line_num
            shown = lines[line - 1] if line <= len(lines) else ",".join(row)
            raise DataError(file, line, None, f"{len(row)} fields: {shown}",
                            f"{len(header)} fields as in the header (a decimal comma? write 4.5, or quote the cell)")
