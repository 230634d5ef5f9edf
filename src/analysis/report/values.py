"""Values resolved per language: names, result keys, nested messages, numbers, and escaping.

Values passed to templates are made safe for a page: strings are HTML- and
Markdown-escaped; numbers are formatted by the catalogue's formatter for each
language (``{x:.2f}``); :class:`Region`, :class:`Indicator`, :class:`Key` and
:class:`Msg` are looked up per language.

Examples
--------
>>> from analysis.report.values import Key, text
>>> text("Data up to {year}", "en", year="2022")
'Data up to 2022'
"""
from __future__ import annotations

import html
import numbers
import re
from dataclasses import dataclass, field

from analysis.i18n import LANGS, N_, format_date, format_number, gettext, indicator_name, key_text, ngettext, region_name

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
class LongDate:
    """A date ``YYYY-MM-DD`` written out in each language (``27 ноября 2026 г.``)."""

    iso: str

    def text(self, lang: str) -> str:
        return format_date(self.iso, lang)


@dataclass(frozen=True)
class Join:
    """Several values shown as one: ``"; "`` between rules (the default), a list ending in
    "and" (``style="and"``), or a sequence in time ending in "then" (``style="then"``).

    Examples
    --------
    >>> Join(["a", "b", "c"], style="and").text("ru")
    'a, b и c'
    >>> Join(["rose from 2000 to 2005", "fell from 2005 to 2024"], style="then").text("en")
    'rose from 2000 to 2005, then fell from 2005 to 2024'
    """

    items: tuple
    style: str = "rules"

    def __init__(self, items, style: str = "rules"):
        if style not in _JOINS:
            raise ValueError(f"Join style {style!r}; expected one of {', '.join(_JOINS)}")
        object.__setattr__(self, "items", tuple(items))
        object.__setattr__(self, "style", style)

    def text(self, lang: str, markdown: bool = False) -> str:
        parts = [_text_of(item, lang, markdown) for item in self.items]
        if self.style == "rules" or len(parts) < 2:
            return "; ".join(parts)
        if self.style == "and":
            return gettext(_JOINS["and"], lang, items=", ".join(parts[:-1]), last=parts[-1])
        joined = parts[0]
        for part in parts[1:]:
            joined = gettext(_JOINS["then"], lang, before=joined, after=part)
        return joined


#: the connectives of :class:`Join` (catalogue msgids, domain ``report``)
_JOINS = {"rules": None, "and": N_("{items} and {last}"), "then": N_("{before}, then {after}")}


@dataclass(frozen=True)
class Plural:
    """A catalogue message whose form agrees with the count ``n`` (gettext plural entry, CLDR rule)."""

    singular: str
    plural: str
    n: int
    values: dict = field(default_factory=dict)

    def text(self, lang: str, markdown: bool = False) -> str:
        return ngettext(self.singular, self.plural, self.n, lang, **_resolve(self.values, lang, markdown=markdown))


@dataclass(frozen=True)
class KeyMsg:
    """A result key's sentence with its own values (``verdict.*``, ``caveat.*`` …)."""

    key: str
    values: dict = field(default_factory=dict)

    def text(self, lang: str, markdown: bool = False) -> str:
        return key_text(self.key, lang, **_resolve(self.values, lang, markdown=markdown))


@dataclass(frozen=True)
class Sentences:
    """Several values shown as consecutive sentences (separated by a space)."""

    items: tuple

    def __init__(self, items):
        object.__setattr__(self, "items", tuple(items))

    def text(self, lang: str, markdown: bool = False) -> str:
        return " ".join(_text_of(item, lang, markdown) for item in self.items)


def _text_of(value, lang: str, markdown: bool) -> str:
    """The text of a wrapper in ``lang``; data strings escaped for Markdown when ``markdown``."""
    if isinstance(value, (Msg, Join, Plural, KeyMsg, Sentences)):
        return value.text(lang, markdown=markdown)  # templates are trusted, their values escaped inside
    text = value if isinstance(value, str) else value.text(lang)
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
