"""Markdown outputs: the page title, headings, paragraphs, result-key sentences and bullets.

Each helper emits one Markdown output per language, built from catalogue
templates (:func:`analysis.i18n.gettext`, :func:`analysis.i18n.key_text`).

Examples
--------
>>> from analysis.report.markdown import paragraph
>>> from analysis.report.sink import capture
>>> with capture() as outputs:
...     paragraph("Data up to {year}", year="2022")
>>> outputs[-1]["data"]["text/markdown"]
'Data up to 2022'
"""
from __future__ import annotations

from typing import Sequence

from analysis.i18n import key_text
from analysis.report.sink import each_lang
from analysis.report.values import _resolve, _text_of, text

def title(msgid: str, **values) -> None:
    """The page title (H1) in each language."""
    each_lang(lambda lang: "# " + text(msgid, lang, **values))


def heading(msgid: str, level: int = 2, **values) -> None:
    """A section heading (``level`` 2–4) in each language."""
    if level not in (2, 3, 4):
        raise ValueError(f"heading level {level!r}; expected 2, 3 or 4")
    each_lang(lambda lang: "#" * level + " " + text(msgid, lang, **values))


def paragraph(msgid: str, **values) -> None:
    """A paragraph from a catalogue template in each language."""
    each_lang(lambda lang: text(msgid, lang, **values))


def key_paragraph(key: str, **values) -> None:
    """The catalogue sentence of a result key (verdict, warning …) in each language."""
    each_lang(lambda lang: key_sentence(key, lang, **values))


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

    each_lang(render)


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


def compose(*parts) -> None:
    """One paragraph made of wrapped values (:class:`~analysis.report.values.Msg`, ``Plural``, ``KeyMsg`` …).

    >>> from analysis.report import capture, Msg
    >>> with capture() as out:
    ...     compose(Msg("Data up to {year}", {"year": "2022"}))
    >>> out[2]["data"]["text/markdown"]
    'Data up to 2022'
    """
    each_lang(lambda lang: " ".join(_text_of(part, lang, markdown=True) for part in parts))
