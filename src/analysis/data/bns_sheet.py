"""Read figures from a spreadsheet in BNS's own layout (one row per region, one column per year).

BNS dynamic tables (e.g. "Gross regional product", "Population on 1 January") list regions down
the first column -- in English transliteration ("Batys Kazakhstan", "Astana city"), sometimes with
Cyrillic look-alike letters ("Кaragandy"), or in Russian ("Актюбинская область", "г. Шымкент",
footnote marks such as "Туркестанская 1)") -- and periods across a header row. Only annual
columns (a plain year such as ``2024`` or ``"2024 2)"``) are read; quarters, formulas (BNS's
national total is often ``=SUM(...)``, not a published figure) and blanks or dashes are skipped.

Territory of Almaty oblast, Karaganda and East Kazakhstan: a year in which the sheet has a figure
for the region split off in 2022 (Jetisu, Ulytau, Abai) is on post-2022 boundaries, otherwise on
pre-2022 boundaries -- which is how BNS publishes them.

Two-row headers: BNS often merges a year over its period columns ("I quarter", ..., "year";
"I квартал", ..., "год"). When the row under the years names periods, only the column whose
sub-header names the whole year is read; a year with no such column, or with two, is refused
(never a quarter read as a year). Every row below the header is accounted for: imported, skipped
with its reason (no figures: a title, a footnote, a dash; a formula), or refused with a
:class:`DataError` (a label that names no region but carries figures; a cell that is neither a
number, a number written as text such as ``"1 234,5"``, nor a dash).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis.data.errors import DataError
from analysis.data.units import POST, PRE

# Cyrillic letters that BNS's English tables use in place of Latin look-alikes.
_LOOKALIKE = str.maketrans("АВЕКМНОРСТХаекорсух", "ABEKMHOPCTXaekopcyx")

_ALIASES = {
    "republic of kazakhstan": "KZ", "республика казахстан": "KZ", "казахстан": "KZ",
    "abay": "KZ-10", "abai": "KZ-10", "абай": "KZ-10", "абайская": "KZ-10",
    "akmola": "KZ-11", "акмолинская": "KZ-11",
    "aktobe": "KZ-15", "актюбинская": "KZ-15",
    "almaty": "KZ-19", "алматинская": "KZ-19",
    "atyrau": "KZ-23", "атырауская": "KZ-23",
    "batys kazakhstan": "KZ-27", "west kazakhstan": "KZ-27", "западно-казахстанская": "KZ-27",
    "zhambyl": "KZ-31", "jambyl": "KZ-31", "жамбылская": "KZ-31",
    "zhetisu": "KZ-33", "jetisu": "KZ-33", "жетісу": "KZ-33", "жетысу": "KZ-33",
    "karagandy": "KZ-35", "karaganda": "KZ-35", "карагандинская": "KZ-35",
    "kostanay": "KZ-39", "костанайская": "KZ-39",
    "kyzylorda": "KZ-43", "кызылординская": "KZ-43",
    "mangystau": "KZ-47", "мангистауская": "KZ-47",
    "ontustik kazakhstan": "KZ-SKO", "south kazakhstan": "KZ-SKO", "южно-казахстанская": "KZ-SKO",
    "pavlodar": "KZ-55", "павлодарская": "KZ-55",
    "soltustik kazakhstan": "KZ-59", "north kazakhstan": "KZ-59", "северо-казахстанская": "KZ-59",
    "turkistan": "KZ-61", "туркестанская": "KZ-61",
    "ulytau": "KZ-62", "ұлытау": "KZ-62", "улытау": "KZ-62",
    "shygys kazakhstan": "KZ-63", "east kazakhstan": "KZ-63", "восточно-казахстанская": "KZ-63",
    "astana city": "KZ-71", "nur-sultan city": "KZ-71", "астана": "KZ-71", "нур-султан": "KZ-71",
    "almaty city": "KZ-75", "алматы": "KZ-75",
    "shymkent city": "KZ-79", "шымкент": "KZ-79",
    # Kazakh labels ("Қызылорда облысы", "Астана қаласы"; suffixes are stripped below)
    "қазақстан республикасы": "KZ", "қазақстан": "KZ", "ақмола": "KZ-11", "ақтөбе": "KZ-15",
    "атырау": "KZ-23", "батыс қазақстан": "KZ-27", "жамбыл": "KZ-31", "қарағанды": "KZ-35",
    "қостанай": "KZ-39", "қызылорда": "KZ-43", "маңғыстау": "KZ-47", "оңтүстік қазақстан": "KZ-SKO",
    "павлодар": "KZ-55", "солтүстік қазақстан": "KZ-59", "түркістан": "KZ-61", "шығыс қазақстан": "KZ-63",
    # English spelling variants seen in BNS and UN tables
    "mangistau": "KZ-47", "kostanai": "KZ-39", "zhetysu": "KZ-33", "aktobe region": "KZ-15",
    "akmola region": "KZ-11", "north-kazakhstan": "KZ-59", "west-kazakhstan": "KZ-27", "east-kazakhstan": "KZ-63",
    "nur-sultan": "KZ-71", "astana": "KZ-71", "shymkent": "KZ-79", "kazakhstan": "KZ",
}
_CITY_WORDS = ("city", "г.", "город", "қаласы", "қ.")
_CHILDREN = {"KZ-19": "KZ-33", "KZ-35": "KZ-62", "KZ-63": "KZ-10"}
_YEAR = re.compile(r"^\s*(\d{4})(\s*\d\))?\s*$")


def region_code(label: object) -> str | None:
    """The region code for a BNS row label, or None when the row is not a region.

    Examples
    --------
    >>> region_code("Кaragandy"), region_code("г. Шымкент"), region_code("Туркестанская 1)")
    ('KZ-35', 'KZ-79', 'KZ-61')
    >>> region_code("Almaty"), region_code("Almaty city"), region_code("1) preliminary data")
    ('KZ-19', 'KZ-75', None)
    """
    if not isinstance(label, str):
        return None
    # Only English labels mix in Cyrillic look-alikes; Russian labels are left as they are.
    text = (label.translate(_LOOKALIKE) if re.search("[A-Za-z]", label) else label).lower().strip()
    text = re.sub(r"(\s*\d\)|\*+|\s+\d)$", "", text)  # footnote marks
    text = re.sub(r"^(г\.|город)\s*", "", text)
    text = re.sub(r"\s+(қаласы|қ\.)$", "", text)
    text = re.sub(r"\s+(область|обл\.|облысы|region|oblast)$|^область\s+", "", text).strip()
    if text in ("almaty", "алматы") and any(word in label.lower() for word in _CITY_WORDS):
        return "KZ-75"
    if text == "алматы":
        return "KZ-75" if label.strip().lower().startswith(("г", "город")) else "KZ-19"
    return _ALIASES.get(text)


def _not_a_workbook(path: Path, err: Exception) -> str:
    """What the file is instead of a readable workbook, in plain words."""
    from analysis.data.schemas import foreign_format

    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return type(err).__name__
    if head.startswith(b"PK\x03\x04"):
        return f"a damaged or cut-off workbook ({type(err).__name__}: {err})"
    kind = foreign_format(head)
    if kind is not None:
        return kind
    return "text, not a workbook (a CSV named .xlsx? give it the .csv extension)"


def _year(header: object) -> int | None:
    if isinstance(header, (int, float)) and not isinstance(header, bool) and float(header).is_integer():
        year = int(header)
    elif isinstance(header, str) and _YEAR.match(header):
        year = int(_YEAR.match(header).group(1))
    else:
        return None
    return year if 1990 <= year <= 2100 else None


def read_bns_sheet(path: str | Path, indicator: str, sheet: str | None = None) -> pd.DataFrame:
    """Figures of one BNS-layout sheet as rows of the ``data add`` template.

    Parameters
    ----------
    path : path
        ``.xlsx`` workbook.
    indicator : str
        Indicator id of the figures (e.g. ``grp_nominal`` in million KZT, ``population_jan1``).
    sheet : str, optional
        Sheet name; default the last sheet (BNS puts the latest years last).

    Returns
    -------
    DataFrame
        Columns ``region, year, indicator, territory, value, source, note``; the index is the
        sheet row number minus 2, so validation messages name the sheet row.

    Examples
    --------
    >>> import openpyxl, tempfile, pathlib
    >>> wb = openpyxl.Workbook(); ws = wb.active; ws.title = "2024"
    >>> for row in (["Gross regional product"], [None, "1 quarter of 2024", 2024],
    ...             ["Republic of Kazakhstan", "=SUM(B4:B5)", "=SUM(C4:C5)"], ["Аktobе", 1.0, 5.5]):
    ...     ws.append(row)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "grp.xlsx"; wb.save(path)
    >>> read_bns_sheet(path, "grp_nominal")[["region", "year", "value"]].values.tolist()
    [['KZ-15', 2024, 5.5]]
    """
    import openpyxl

    path = Path(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as err:  # openpyxl raises several types for a file that is not a workbook
        raise DataError(path.name, None, None, _not_a_workbook(path, err), "an .xlsx workbook in BNS layout") from None
    name = sheet if sheet is not None else book.sheetnames[-1]
    if name not in book.sheetnames:
        raise DataError(path.name, None, None, name, f"a sheet name, one of {book.sheetnames}")
    rows = list(book[name].iter_rows(values_only=True))
    book.close()
    header_at, years = None, {}
    for number, row in enumerate(rows, start=1):
        found = {col: _year(cell) for col, cell in enumerate(row) if col > 0 and _year(cell) is not None}
        if found:
            header_at, years = number, found
            break
    where = f"{path.name} (sheet {name})"
    if header_at is None:
        raise DataError(where, None, None, "no year columns", "a header row with years such as 2024")
    first_data = header_at
    if header_at < len(rows) and _is_period_row(rows[header_at], years):
        years = _annual_columns(rows[header_at], years, where, header_at + 1)
        first_data = header_at + 1
    cells, skipped = [], []
    for number, row in enumerate(rows[first_data:], start=first_data + 1):
        label = row[0] if row else None
        figures, reasons = [], set()
        for col, year in years.items():
            value, reason = _cell_value(row[col] if col < len(row) else None, where, number, col)
            if value is not None:
                figures.append((year, value))
            elif reason:
                reasons.add(reason)
        code = region_code(label)
        if code is None:
            if figures:
                raise DataError(where, number, "A", label,
                                "a region name as BNS writes it (English, Russian or Kazakh, e.g. 'Kyzylorda', "
                                "'Кызылординская область', 'Қызылорда облысы'), or no figures in this row")
            if label not in (None, "") or reasons:
                skipped.append((number, "" if label is None else label, "not a region row, no figures (title or footnote)"))
            continue
        if not figures:
            skipped.append((number, label, "no figure in the year columns (" + (", ".join(sorted(reasons)) or "empty") + ")"))
            continue
        cells += [(number, code, year, value) for year, value in figures]
    frame = pd.DataFrame(cells, columns=["line", "region", "year", "value"])
    present = set(zip(frame["region"], frame["year"]))
    frame["territory"] = [
        (POST if (_CHILDREN[r], y) in present else PRE) if r in _CHILDREN else ""
        for r, y in zip(frame["region"], frame["year"])
    ]
    frame["indicator"] = indicator
    frame["source"] = ""
    frame["note"] = f"read from BNS-layout sheet '{name}' of {path.name}"
    frame.index = frame["line"] - 2
    frame = frame[["region", "year", "indicator", "territory", "value", "source", "note"]]
    frame.attrs["skipped"] = tuple(skipped)  # (sheet row, label, why): every row read is accounted for
    return frame


_ANNUAL = re.compile(r"^(year|annual|the year|for the year|january-december|jan-dec|i-iv quarters?|1-4 quarters?|"
                     r"год|за год|январь-декабрь|i-iv кварталы?|жыл|жылға|жыл бойы|қаңтар-желтоқсан)$")
_MISSING = {"", "-", "–", "—", "…", "...", "x", "х", "×", "n/a", "..", "*"}
_TEXT_NUMBER = re.compile(r"^[-−]?\d+([.,]\d+)?$")


def _is_period_row(row, years: dict) -> bool:
    """The row under the years names periods (a two-row header), not a region's figures."""
    if region_code(row[0] if row else None) is not None:
        return False
    return any(isinstance(cell, str) and cell.strip() and not _TEXT_NUMBER.match(cell.strip())
               for col, cell in enumerate(row) if col >= min(years))


def _annual_columns(row, years: dict, where: str, number: int) -> dict:
    """{column: year} of the annual column under each year of a two-row header; refuse when unclear."""
    starts = sorted(years)
    chosen = {}
    for i, start in enumerate(starts):
        stop = starts[i + 1] if i + 1 < len(starts) else max(len(row), start + 1)
        span = list(range(start, stop))
        labels = {col: (row[col].strip() if col < len(row) and isinstance(row[col], str) else "") for col in span}
        annual = [col for col, text in labels.items() if _ANNUAL.match(re.sub(r"\s*\d\)$", "", text.lower()).strip())]
        if len(annual) == 1:
            chosen[annual[0]] = years[start]
        elif len(span) == 1 and not labels[start]:
            chosen[start] = years[start]  # a year with a single column and no period name under it
        else:
            shown = [text for text in labels.values() if text]
            raise DataError(where, number, _column_letter(start), f"{years[start]}: {shown}",
                            f"one annual column under {years[start]} (a sub-header such as 'year', 'год' or 'жыл'); "
                            "quarters are never read as annual figures")
    return chosen


def _column_letter(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell_value(cell, where: str, number: int, col: int) -> tuple[float | None, str | None]:
    """(figure, None), or (None, why there is none); a cell that is neither raises DataError."""
    if cell is None:
        return None, None
    if isinstance(cell, bool):
        raise DataError(where, number, _column_letter(col), cell, "a number or a dash")
    if isinstance(cell, (int, float)):
        if cell != cell or cell in (float("inf"), float("-inf")):
            raise DataError(where, number, _column_letter(col), cell, "a finite number")
        return float(cell), None
    if isinstance(cell, str):
        text = cell.strip()
        if text.startswith("="):
            return None, "a formula, not a published figure"
        if text.lower() in _MISSING:
            return None, "a dash: no figure"
        # numbers stored as text: BNS writes "1 234,5" (spaces, also no-break and thin, as thousands
        # separators; a comma for decimals) or "1234.5"
        compact = re.sub(r"[\s\u00a0\u202f\u2009]", "", text)
        grouped = re.fullmatch(r"[-−]?\d{1,3}([\s\u00a0\u202f\u2009]\d{3})+([.,]\d+)?", text)
        if _TEXT_NUMBER.match(compact) and (compact == text or grouped):
            if re.fullmatch(r"[-−]?\d{1,3},\d{3}", compact) and not grouped:
                raise DataError(where, number, _column_letter(col), cell,
                                "a number that is not ambiguous ('1,234' is a thousand or one and a quarter: "
                                "write 1234 or 1,234 as 1.234)")
            return float(compact.replace("−", "-").replace(",", ".")), None
    raise DataError(where, number, _column_letter(col), cell,
                    "a number (as BNS writes it: 1234.5 or 1 234,5), a dash for no figure, or empty")
