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
}
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
    text = re.sub(r"\s+(область|обл\.|region|oblast)$|^область\s+", "", text).strip()
    if text in ("almaty", "алматы") and ("city" in label.lower() or "г." in label or "город" in label):
        return "KZ-75"
    if text == "алматы":
        return "KZ-75" if label.strip().lower().startswith(("г", "город")) else "KZ-19"
    return _ALIASES.get(text)


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
        raise DataError(path.name, None, None, type(err).__name__, "an .xlsx workbook in BNS layout") from None
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
    if header_at is None:
        raise DataError(f"{path.name} (sheet {name})", None, None, "no year columns", "a header row with years such as 2024")
    cells = []
    for number, row in enumerate(rows[header_at:], start=header_at + 1):
        code = region_code(row[0] if row else None)
        if code is None:
            continue
        for col, year in years.items():
            value = row[col] if col < len(row) else None
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                cells.append((number, code, year, float(value)))
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
    return frame[["region", "year", "indicator", "territory", "value", "source", "note"]]
