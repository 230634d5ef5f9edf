"""Figures: one PNG per language, a numbered caption with its source, alt text and the data as a table.

``figure(draw, caption, ...)`` calls ``draw(lang)`` once per language (a plain
matplotlib figure from :mod:`analysis.plots`), saves it through matplotlib's own
canvas at a fixed dpi without metadata (identical inputs give identical bytes)
and emits, per language:

1. the PNG, with the alt text in ``metadata["aimaq"]["alt"]`` and as ``text/plain``;
2. the caption as Markdown: "**Figure 3.** <caption>. Source: BNS." (numbered per page);
3. the numbers the figure shows, when its function attached them
   (:func:`analysis.plots.figure_data`), as a collapsed HTML table whose output metadata
   ``aimaq.download`` holds them unrounded (:func:`analysis.report.tables.record`) for the CSV download.

Examples
--------
>>> from analysis.report.sink import capture
>>> from analysis.report.figure import figure
>>> from analysis.plots import locator_map
>>> with capture() as outputs:
...     figure(lambda lang: locator_map("KZ-43", lang, year=2023), "Map of Kazakhstan with {region} highlighted",
...            region="Kyzylorda")
>>> [o["metadata"]["aimaq"]["lang"] for o in outputs][:2], sorted(outputs[1]["data"])
(['kk', 'kk'], ['text/markdown'])
>>> outputs[3]["data"]["text/markdown"].startswith("**Рисунок 1.**")
True
"""
from __future__ import annotations

import base64
import contextlib
import html
import math
import numbers
from typing import Callable

from analysis.i18n import LANGS, format_number, gettext
from analysis.report.sink import collected, emit
from analysis.report.tables import record
from analysis.report.values import _resolve

#: The source named under every figure unless the caller names another (a catalogue msgid).
DEFAULT_SOURCE = "BNS"

_NUMBERS: dict = {"page": None, "count": 0}
#: While :func:`recording` is active: the list its ``with`` block receives (``figure`` records, draws nothing).
_RECORDING: list = []


@contextlib.contextmanager
def recording():
    """Collect the ``(caption, draw)`` of every :func:`figure` call instead of drawing it.

    Whatever module called ``figure`` (a notebook through ``analysis.report`` or a page
    renderer that imported it), the calls are recorded, so a test or a benchmark can draw
    every figure of a page itself, in every language, exactly as the run would.

    >>> with recording() as calls:
    ...     figure(lambda lang: None, "Map of Kazakhstan with {region} highlighted", region="Kyzylorda")
    >>> [caption for caption, _draw in calls]
    ['Map of Kazakhstan with {region} highlighted']
    """
    calls: list = []
    _RECORDING.append(calls)
    try:
        yield calls
    finally:
        _RECORDING.remove(calls)


def _next_number() -> int:
    """The figure's number on its page: counted per captured list, or per kernel namespace.

    A warm kernel runs many notebooks and resets its namespace between them, so
    the count kept in that namespace starts again at 1 on every page.
    """
    page = collected()
    if page is None:
        try:
            from IPython import get_ipython

            shell = get_ipython()
        except ImportError:  # pragma: no cover - IPython is a dependency of the notebooks
            shell = None
        if shell is not None:
            count = int(shell.user_ns.get("__aimaq_figures__", 0)) + 1
            shell.user_ns["__aimaq_figures__"] = count
            return count
    if _NUMBERS["page"] is not page:
        _NUMBERS.update(page=page, count=0)
    _NUMBERS["count"] += 1
    return _NUMBERS["count"]


def figure(draw: Callable[[str], "object"], caption: str, *, alt: str | None = None, alt_values: dict | None = None,
           source: str = DEFAULT_SOURCE, **caption_values) -> None:
    """One PNG, one numbered caption and one data table per language.

    Parameters
    ----------
    draw : callable
        ``draw(lang)`` returns a :class:`matplotlib.figure.Figure` in ``lang``.
    caption : str
        Catalogue msgid of what the figure shows, with ``{placeholders}`` filled
        from ``caption_values`` (resolved per language like every template).
    alt : str, optional
        Catalogue msgid of the alt text: the figure's finding with its key number
        (``"Inequality fell: the coefficient of variation went from {start} to {end}"``),
        filled from ``alt_values``. Without it the alt text is the caption.
    alt_values : dict, optional
        Values of ``alt``'s placeholders.
    source : str
        Catalogue msgid of the source named under the caption (default the BNS).
    """
    from analysis.plots import figure_data, png_bytes

    if _RECORDING:
        _RECORDING[-1].append((caption, draw))
        return
    number = _next_number()
    for lang in LANGS:
        fig = draw(lang)
        try:
            png = png_bytes(fig)
            data = figure_data(fig)
        finally:
            _close(fig)
        described = gettext(caption, lang, **_resolve(caption_values, lang, markdown=False))
        alt_text = gettext(alt, lang, **_resolve(alt_values or {}, lang, markdown=False)) if alt else described
        emit({"image/png": base64.b64encode(png).decode("ascii"), "text/plain": alt_text}, lang, alt=alt_text)
        shown = gettext(caption, lang, **_resolve(caption_values, lang, markdown=True))
        label = gettext("Figure {number}.", lang, number=str(number))
        source_text = gettext("Source: {source}.", lang, source=gettext(source, lang))
        emit({"text/markdown": f"**{label}** {shown.rstrip('.')}. {source_text}"}, lang, caption=True)
        if data is not None and len(data):
            # The unrounded values ride on the output's metadata: the book writes the figure's CSV from them.
            values = record(data.columns, data.itertuples(index=False, name=None), "figure",
                            f"{label} {described.rstrip('.')}", gettext(source, lang))
            emit({"text/html": data_table_html(data, lang, number)}, lang, download=dict(values, number=number))


def data_table_html(frame, lang: str, number: int) -> str:
    """The figure's data as a collapsed, escaped HTML table (numbers per locale, first column sticky).

    >>> import pandas as pd
    >>> "<summary>2-суреттің деректері</summary>" in data_table_html(pd.DataFrame({"Жыл": [2020], "x": [0.5]}), "kk", 2)
    True
    """
    summary = gettext("Data of figure {number}", lang, number=str(number))
    parts = [f'<details class="aimaq-figure-data"><summary>{html.escape(summary)}</summary>',
             '<div class="aimaq-table-scroll"><table class="aimaq-table"><thead><tr>']
    parts += [f"<th>{html.escape(str(c))}</th>" for c in frame.columns]
    parts.append("</tr></thead><tbody>")
    for row in frame.itertuples(index=False, name=None):
        parts.append("<tr>" + "".join(_cell(value, lang) for value in row) + "</tr>")
    parts.append("</tbody></table></div></details>")
    return "".join(parts)


def _cell(value, lang: str) -> str:
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return f'<td style="text-align:right">{value}</td>'  # years and counts: no separator
    if isinstance(value, numbers.Real):
        if not math.isfinite(float(value)):
            return "<td>–</td>"
        size = abs(float(value))
        decimals = 0 if size >= 1000 else (1 if size >= 10 else (2 if size >= 0.1 else 3))
        return f'<td style="text-align:right">{format_number(float(value), lang, decimals=decimals)}</td>'
    text = "" if value is None else str(value)
    return f"<td>{html.escape(text) if text.strip() else '–'}</td>"


def _close(fig) -> None:
    """Release a figure; pyplot-managed figures are also unregistered from pyplot."""
    import sys

    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close(fig)  # a no-op for figures pyplot does not manage (all of analysis.plots)
