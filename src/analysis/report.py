"""Emit every reader-facing output of a notebook once per language, and glue checked numbers once.

A notebook runs once; the book keeps, per language, only the outputs whose
metadata is ``{"aimaq": {"lang": <lang>}}``. The helpers here are the only way
notebooks show anything to readers:

* :func:`title`, :func:`heading`, :func:`paragraph`, :func:`key_paragraph`,
  :func:`bullets` emit Markdown built from catalogue templates
  (:func:`analysis.i18n.gettext`, :func:`analysis.i18n.key_text`);
* :func:`figure` emits one PNG per language (alt text in that language,
  in ``metadata["aimaq"]["alt"]``);
* :func:`table` emits one escaped HTML table per language, headers translated,
  numbers formatted with :func:`analysis.i18n.format_number`;
* :func:`glue` stores a language-neutral value with ``myst_nb.glue``;
* :func:`choice`, :func:`year_param`, :func:`data_dir_param` validate the
  notebook's parameters before anything else runs.

Values passed to templates are made safe for a page: strings are HTML- and
Markdown-escaped; numbers are formatted by the catalogue's formatter for each
language (``{x:.2f}``); :class:`Region`, :class:`Indicator`, :class:`Key` and
:class:`Msg` are looked up per language.

Examples
--------
>>> from analysis import report
>>> with report.capture() as outputs:
...     report.paragraph("Data up to {year}", year="2022")
>>> [o["metadata"]["aimaq"]["lang"] for o in outputs]
['kk', 'ru', 'en']
"""
from __future__ import annotations

import base64
import contextlib
import html
import math
import numbers
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

import pandas as pd

from analysis.i18n import LANGS, format_number, format_percent, gettext, indicator_name, key_text, region_name

# ---------------------------------------------------------------------------
# Parameter validation
# ---------------------------------------------------------------------------


class ParameterError(ValueError):
    """A notebook parameter has a value outside its valid set (the message lists the valid values)."""


def choice(name: str, value, valid: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``valid``; otherwise raise :class:`ParameterError`.

    Examples
    --------
    >>> choice("region", "KZ-43", ["KZ-43", "KZ-55"])
    'KZ-43'
    """
    options = sorted({str(v) for v in valid})
    if not isinstance(value, str) or value not in options:
        raise ParameterError(
            f"parameter {name!r}: {value!r} is not valid; expected one of: {', '.join(options)}"
        )
    return value


def year_param(value, valid: Iterable[int]) -> int:
    """Return ``value`` as an ``int`` if it is one of ``valid`` years; else raise :class:`ParameterError`.

    Examples
    --------
    >>> year_param(2022, range(2015, 2024))
    2022
    """
    years = sorted({int(y) for y in valid})
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool) and int(value) in years
    if not ok:
        shown = f"{years[0]}–{years[-1]}" if years == list(range(years[0], years[-1] + 1)) else ", ".join(map(str, years))
        raise ParameterError(f"parameter 'year': {value!r} is not valid; expected an integer year in {shown}")
    return int(value)


def data_dir_param(value) -> str | None:
    """``None`` for ``""`` (the project's ``data/``), else the path of an existing folder.

    Examples
    --------
    >>> data_dir_param("") is None
    True
    """
    if not isinstance(value, str):
        raise ParameterError(f"parameter 'data_dir': {value!r} is not valid; expected a folder path as a string")
    if value == "":
        return None
    if any(ch in value for ch in "\n\r\x00") or not Path(value).is_dir():
        raise ParameterError(f"parameter 'data_dir': {value!r} is not an existing folder")
    return os.fspath(value)


def data_years(data_dir: str | None = None) -> list[int]:
    """The years with at least one regional figure in the data (the valid ``year`` values).

    Examples
    --------
    >>> 2022 in data_years()
    True
    """
    from analysis.data import data_years as years

    return years(data_dir)


# ---------------------------------------------------------------------------
# Values resolved per language
# ---------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]{}#|~>!$])")


def escape(text: str) -> str:
    """Escape a string from data for Markdown/HTML *text* (``<``, ``>``, ``&``, ``*``, ``[`` …).

    Quotes are kept: text needs no quote escaping, and an entity such as
    ``&#x27;`` would get its ``#`` Markdown-escaped and reach the page
    literally. (No attribute value is built from data here; one would need
    ``html.escape(value, quote=True)``.)

    Examples
    --------
    >>> escape("<b>A*B</b>")
    '&lt;b&gt;A\\\\*B&lt;/b&gt;'
    >>> escape("Qyzylorda's oblys")
    "Qyzylorda's oblys"
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _html_text(str(text)))


def _html_text(text: str) -> str:
    """HTML-escape text content: ``&``, ``<``, ``>`` (quotes only matter inside attributes)."""
    return html.escape(text, quote=False)


@dataclass(frozen=True)
class Region:
    """A region code shown as its name in each language."""

    code: str
    data_dir: str | None = None

    def text(self, lang: str) -> str:
        return region_name(self.code, lang, self.data_dir)


@dataclass(frozen=True)
class Indicator:
    """An indicator id shown as its name in each language."""

    id: str
    data_dir: str | None = None

    def text(self, lang: str) -> str:
        return indicator_name(self.id, lang, self.data_dir)


@dataclass(frozen=True)
class Key:
    """A result key (``verdict.converging``, ``warning.poor_pre_fit``) shown as its catalogue sentence."""

    key: str

    def text(self, lang: str) -> str:
        return key_text(self.key, lang)


@dataclass(frozen=True)
class Msg:
    """A nested catalogue message with its own values (e.g. a list item inside a sentence)."""

    msgid: str
    values: dict = field(default_factory=dict)

    def text(self, lang: str, markdown: bool = False) -> str:
        return gettext(self.msgid, lang, **_resolve(self.values, lang, markdown=markdown))


@dataclass(frozen=True)
class Localised:
    """A data string that exists in each language, e.g. ``{"kk": ..., "ru": ..., "en": ...}`` from a table."""

    texts: tuple

    def __init__(self, texts: dict):
        missing = [lang for lang in LANGS if not str(texts.get(lang) or "").strip()]
        if missing:
            raise ValueError(f"localised text: no {', '.join(missing)} version of {texts!r}")
        object.__setattr__(self, "texts", tuple((lang, str(texts[lang])) for lang in LANGS))

    def text(self, lang: str) -> str:
        return dict(self.texts)[lang]


@dataclass(frozen=True)
class Number:
    """A number with an explicit count of decimals (``format_number``)."""

    value: float
    decimals: int = 1

    def text(self, lang: str) -> str:
        return format_number(self.value, lang, decimals=self.decimals)


@dataclass(frozen=True)
class Join:
    """Several values shown as one, separated by ``"; "`` (e.g. the rules a region meets)."""

    items: tuple

    def __init__(self, items):
        object.__setattr__(self, "items", tuple(items))

    def text(self, lang: str, markdown: bool = False) -> str:
        return "; ".join(_text_of(item, lang, markdown) for item in self.items)


def _text_of(value, lang: str, markdown: bool) -> str:
    """The text of a wrapper in ``lang``; data strings escaped for Markdown when ``markdown``."""
    if isinstance(value, (Msg, Join)):
        return value.text(lang, markdown=markdown)  # templates are trusted, their values escaped inside
    text = value.text(lang)
    return escape(text) if markdown else text


def _resolve(values: dict, lang: str, markdown: bool = True) -> dict:
    """Per-language template values: wrappers looked up, strings escaped, numbers kept for the formatter."""
    out = {}
    for name, value in values.items():
        if hasattr(value, "text") and callable(value.text):
            out[name] = _text_of(value, lang, markdown)
        elif isinstance(value, str):
            out[name] = escape(value) if markdown else value
        elif isinstance(value, numbers.Real) and not isinstance(value, bool):
            out[name] = value
        else:
            raise TypeError(f"template value {name!r}: {type(value).__name__} is not a number, string or name")
    return out


def text(msgid: str, lang: str, **values) -> str:
    """The Markdown-safe text of ``msgid`` in ``lang`` with its values filled in.

    Examples
    --------
    >>> text("Data up to {year}", "en", year="2022")
    'Data up to 2022'
    """
    return gettext(msgid, lang, **_resolve(values, lang))


# ---------------------------------------------------------------------------
# Output sink: an IPython display in a kernel, a list under capture()
# ---------------------------------------------------------------------------

_captured: list | None = None


@contextlib.contextmanager
def capture():
    """Collect outputs in a list instead of displaying them (for tests and scripts)."""
    global _captured
    previous, _captured = _captured, []
    try:
        yield _captured
    finally:
        _captured = previous


def _emit(data: dict, lang: str, **extra) -> None:
    metadata = {"aimaq": {"lang": lang, **extra}}
    if _captured is not None:
        _captured.append({"data": data, "metadata": metadata})
        return
    from IPython.display import publish_display_data

    publish_display_data(data=data, metadata=metadata)


def _each_lang(render: Callable[[str], str], mime: str = "text/markdown") -> None:
    for lang in LANGS:
        _emit({mime: render(lang)}, lang)


# ---------------------------------------------------------------------------
# Reader-facing outputs
# ---------------------------------------------------------------------------


def title(msgid: str, **values) -> None:
    """The page title (H1) in each language."""
    _each_lang(lambda lang: "# " + text(msgid, lang, **values))


def heading(msgid: str, level: int = 2, **values) -> None:
    """A section heading (``level`` 2–4) in each language."""
    if level not in (2, 3, 4):
        raise ValueError(f"heading level {level!r}; expected 2, 3 or 4")
    _each_lang(lambda lang: "#" * level + " " + text(msgid, lang, **values))


def paragraph(msgid: str, **values) -> None:
    """A paragraph from a catalogue template in each language."""
    _each_lang(lambda lang: text(msgid, lang, **values))


def key_paragraph(key: str, **values) -> None:
    """The catalogue sentence of a result key (verdict, warning …) in each language."""
    _each_lang(lambda lang: key_sentence(key, lang, **values))


def key_sentence(key: str, lang: str, **values) -> str:
    """:func:`analysis.i18n.key_text` with values made safe like :func:`text`."""
    return key_text(key, lang, **_resolve(values, lang))


def bullets(items: Sequence) -> None:
    """A bulleted list; each item is a :class:`Msg`, :class:`Key`, :class:`Region` or :class:`Indicator`.

    Nothing is emitted for an empty list.
    """
    items = list(items)
    if not items:
        return

    def render(lang: str) -> str:
        lines = []
        for item in items:
            lines.append("- " + _text_of(item, lang, markdown=True))
        return "\n".join(lines)

    _each_lang(render)


def warning_keys(*results) -> list[str]:
    """The catalogue keys (``warning.<key>``) of every warning the results carry, once each, in order.

    >>> from types import SimpleNamespace as R
    >>> warning_keys(R(warnings=("few_clusters",)), R(warnings=("few_clusters", "no_half_life")))
    ['warning.few_clusters', 'warning.no_half_life']
    """
    keys: list[str] = []
    for result in results:
        for warning in getattr(result, "warnings", ()) or ():
            key = f"warning.{warning}"
            if key not in keys:
                keys.append(key)
    return keys


def figure(draw: Callable[[str], "object"], alt: str, **alt_values) -> None:
    """One PNG per language: ``draw(lang)`` returns a matplotlib figure; ``alt`` is a catalogue msgid.

    The figure is rendered at a fixed dpi without PNG metadata (identical inputs give
    identical bytes) and is closed afterwards. The alt text is in
    ``metadata["aimaq"]["alt"]`` and is also the output's ``text/plain``.
    """
    from analysis.plots._render import render_languages

    # Figure functions that support it build their artists for the first language and only
    # swap the texts for the others; with fixed axes positions the language-independent
    # layer is even drawn once (same pixels as a full draw, a fraction of the time).
    figures: list = []
    try:
        for lang, png in zip(LANGS, render_languages(draw, LANGS, figures=figures)):
            alt_text = gettext(alt, lang, **_resolve(alt_values, lang, markdown=False))
            _emit({"image/png": base64.b64encode(png).decode("ascii"), "text/plain": alt_text}, lang,
                  alt=alt_text)
    finally:
        for fig in figures:
            _close(fig)


def _close(fig) -> None:
    """Release a figure; pyplot-managed figures are also unregistered from pyplot."""
    import sys

    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close(fig)  # a no-op for figures pyplot does not manage (all of analysis.plots)


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
    _each_lang(lambda lang: table_html(frame, columns, lang, caption, **caption_values), mime="text/html")


def glue(name: str, value) -> None:
    """Glue a language-neutral value for reviewers (``myst_nb.glue(..., display=False)``).

    Floats are stored as plain Python floats (NaN refused: a checked number must exist).
    """
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
        raise ValueError(f"glue name {name!r}: use letters, digits and underscores")
    if isinstance(value, numbers.Real) and not isinstance(value, (bool, numbers.Integral)):
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"glue {name!r}: value is {value}; a glued number must be finite")
    elif isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = int(value)
    if _captured is not None:
        _captured.append({"glue": name, "value": value})
        return
    from myst_nb import glue as myst_glue

    myst_glue(name, value, display=False)
