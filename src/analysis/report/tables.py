"""HTML tables: one escaped table per language, headers translated, numbers per locale.

Examples
--------
>>> from analysis.report.tables import Column
>>> Column("gini", "Gini", decimals=3).cell(0.25, "ru")
'0,250'
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import pandas as pd

from analysis.i18n import format_number, format_percent, gettext, indicator_name, key_text, region_name
from analysis.report.sink import each_lang
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


def table(frame: pd.DataFrame, columns: Sequence[Column], caption: str | None = None, **caption_values) -> None:
    """One HTML table per language; see :class:`Column` for how cells are shown."""
    each_lang(lambda lang: table_html(frame, columns, lang, caption, **caption_values), mime="text/html")
