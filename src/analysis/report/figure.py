"""Figures: one PNG per language, alt text in that language.

Examples
--------
>>> from analysis.report.figure import figure
>>> callable(figure)
True
"""
from __future__ import annotations

import base64
from typing import Callable

from analysis.i18n import LANGS, gettext
from analysis.report.sink import emit
from analysis.report.values import _resolve

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
            emit({"image/png": base64.b64encode(png).decode("ascii"), "text/plain": alt_text}, lang,
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
