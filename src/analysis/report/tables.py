"""HTML tables: one escaped table per language, headers translated, numbers per locale.

Examples
--------
>>> from analysis.report.tables import Column
>>> Column("gini", "Gini", decimals=3).cell(0.25, "ru")
'0,250'
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from analysis.i18n import format_number, format_percent, gettext, indicator_name, key_text, region_name
from analysis.i18n import LANGS
from analysis.report.sink import emit
from analysis.report.values import _html_text, _resolve, _text_of

@dataclass(frozen=True)
class Column:
    """One table column: ``field`` of the frame, header msgid, and how values are shown.

    ``kind`` is ``"number"`` (``decimals``; ``None`` chooses 0, 1 or 2 by size),
    ``"integer"``, ``"year"`` (no separator), ``"region"`` (code → name),
    ``"indicator"`` (id → name), ``"key"`` (result key → sentence),
    ``"message"`` (msgid → translation), ``"percent"`` (a share, ``decimals`` default 0),
    ``"value"`` (a :class:`Msg`, :class:`Join`, :class:`Region` … shown per language),
    ``"text"`` (a data string, escaped) or
    ``"localised"`` (a data string from the column ``<field>_<lang>``, escaped).
    """

    field: str
    header: str
    kind: str = "number"
    decimals: int | None = 1

    def source(self, lang: str) -> str:
        """The frame column this column reads in ``lang``."""
        return f"{self.field}_{lang}" if self.kind == "localised" else self.field

    def cell(self, value, lang: str) -> str:
        """The escaped HTML text of one cell."""
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) \
                or (isinstance(value, str) and not value.strip()):
            return "–"  # missing is shown as missing, in every kind of column
        if self.kind == "number":
            decimals = self.decimals if self.decimals is not None else auto_decimals(float(value))
            return format_number(float(value), lang, decimals=decimals)
        if self.kind == "integer":
            return format_number(float(value), lang, decimals=0)
        if self.kind == "year":
            return str(int(value))
        if self.kind == "region":
            return _html_text(region_name(str(value), lang))
        if self.kind == "indicator":
            return _html_text(indicator_name(str(value), lang))
        if self.kind == "key":
            return _html_text(key_text(str(value), lang))
        if self.kind == "message":
            return _html_text(gettext(str(value), lang))
        if self.kind == "percent":
            return format_percent(float(value), lang, decimals=self.decimals if self.decimals is not None else 0)
        if self.kind == "value":
            return _html_text(_text_of(value, lang, markdown=False))
        if self.kind in ("text", "localised"):
            return _html_text(str(value))
        raise ValueError(f"column {self.field!r}: unknown kind {self.kind!r}")


def auto_decimals(value: float) -> int:
    """Decimals that keep about three significant digits: 0 from 100, 1 from 1, else 2.

    >>> [auto_decimals(v) for v in (1234.5, 12.3, 0.123)]
    [0, 1, 2]
    """
    size = abs(value)
    return 0 if size >= 100 else (1 if size >= 1 else 2)


_NUMERIC_KINDS = {"number", "integer", "year", "percent"}


def table_html(frame: pd.DataFrame, columns: Sequence[Column], lang: str, caption: str | None = None,
               **caption_values) -> str:
    """The HTML of one table in ``lang`` (escaped, headers translated, numbers per locale)."""
    sources = [c.source(lang) for c in columns]
    missing = [s for s in sources if s not in frame.columns]
    if missing:
        raise ValueError(f"table: missing columns {', '.join(missing)}; have {', '.join(map(str, frame.columns))}")
    parts = ['<table class="aimaq-table">']
    if caption:
        cap = gettext(caption, lang, **_resolve(caption_values, lang, markdown=False))
        parts.append(f"<caption>{_html_text(cap)}</caption>")
    parts.append("<thead><tr>")
    for column in columns:
        align = ' style="text-align:right"' if column.kind in _NUMERIC_KINDS else ""
        parts.append(f"<th{align}>{_html_text(gettext(column.header, lang))}</th>")
    parts.append("</tr></thead><tbody>")
    for row in frame[sources].itertuples(index=False, name=None):
        parts.append("<tr>")
        for column, value in zip(columns, row):
            align = ' style="text-align:right"' if column.kind in _NUMERIC_KINDS else ""
            parts.append(f"<td{align}>{column.cell(value, lang)}</td>")
        parts.append("</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def table(frame: pd.DataFrame, columns: Sequence[Column], caption: str | None = None, *, source: str = "BNS",
          **caption_values) -> None:
    """One HTML table per language; see :class:`Column` for how cells are shown.

    Each output also carries the table's values unrounded in ``metadata["aimaq"]["download"]``
    (:func:`table_record`), from which the book writes the table's CSV download.
    ``source`` is the catalogue msgid of the source the download names (default the BNS).
    """
    for lang in LANGS:
        emit({"text/html": table_html(frame, columns, lang, caption, **caption_values)}, lang,
             download=table_record(frame, columns, lang, caption, source, **caption_values))


def plain_value(value):
    """A JSON- and CSV-safe cell: ints and finite floats unrounded, missing as ``None``, else text.

    >>> import numpy as np
    >>> [plain_value(v) for v in (np.int64(3), np.float64(0.1234567890123), float("nan"), None, True)]
    [3, 0.1234567890123, None, None, 'True']
    """
    if value is None or value is pd.NA:
        return None
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value) if math.isfinite(float(value)) else None
    text = str(value)
    return text if text.strip() else None


def record(headers: Sequence[str], rows, kind: str, title: str, source: str) -> dict:
    """The data an output carries for its download: ``kind`` figure|table, title, source, columns, rows."""
    return {"kind": kind, "title": title, "source": source, "columns": [str(h) for h in headers],
            "rows": [[plain_value(v) for v in row] for row in rows]}


def table_record(frame: pd.DataFrame, columns: Sequence[Column], lang: str, caption: str | None = None,
                 source: str = "BNS", **caption_values) -> dict:
    """The table's values for its CSV in ``lang``: headers translated, numbers unrounded, words as shown.

    A share (``"percent"``) is kept as a share and says so in its header.

    >>> t = pd.DataFrame({"year": [2023], "share": [0.123456]})
    >>> table_record(t, [Column("year", "Year", "year"), Column("share", "Share of the population", "percent")], "en")["rows"]
    [[2023, 0.123456]]
    """
    headers = []
    for column in columns:
        header = gettext(column.header, lang)
        headers.append(gettext("{header} (share, 1 = 100%)", lang, header=header) if column.kind == "percent"
                       else header)
    rows = []
    for values in frame[[c.source(lang) for c in columns]].itertuples(index=False, name=None):
        rows.append([_plain_cell(column, value, lang) for column, value in zip(columns, values)])
    title = gettext(caption, lang, **_resolve(caption_values, lang, markdown=False)) if caption else ""
    return record(headers, rows, "table", title, gettext(source, lang))


def _plain_cell(column: Column, value, lang: str):
    """One cell as the CSV gives it: numbers as they are, names and keys in ``lang`` (plain text, unescaped)."""
    if plain_value(value) is None:
        return None
    if column.kind in ("number", "percent"):
        return float(value)
    if column.kind in ("integer", "year"):
        return int(value) if float(value).is_integer() else float(value)
    if column.kind == "region":
        return region_name(str(value), lang)
    if column.kind == "indicator":
        return indicator_name(str(value), lang)
    if column.kind == "key":
        return key_text(str(value), lang)
    if column.kind == "message":
        return gettext(str(value), lang)
    if column.kind == "value":
        return _text_of(value, lang, markdown=False)
    return str(value)
