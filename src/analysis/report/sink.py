"""The output sink: an IPython display in a kernel, a list under :func:`capture`.

Every output of :mod:`analysis.report` goes through :func:`emit` (one output
with ``{"aimaq": {"lang": ...}}`` metadata) or, for glued values, is recorded
in the list :func:`collected` returns while capturing.

Examples
--------
>>> from analysis.report.sink import capture, each_lang
>>> with capture() as outputs:
...     each_lang(lambda lang: lang.upper())
>>> [o["data"]["text/markdown"] for o in outputs]
['KK', 'RU', 'EN']
"""
from __future__ import annotations

import contextlib
from typing import Callable

from analysis.i18n import LANGS

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


def emit(data: dict, lang: str, **extra) -> None:
    """Display one output (``data`` by MIME type) for ``lang``; ``extra`` goes into its ``aimaq`` metadata."""
    metadata = {"aimaq": {"lang": lang, **extra}}
    if _captured is not None:
        _captured.append({"data": data, "metadata": metadata})
        return
    from IPython.display import publish_display_data

    publish_display_data(data=data, metadata=metadata)


def each_lang(render: Callable[[str], str], mime: str = "text/markdown") -> None:
    """Emit ``render(lang)`` as one ``mime`` output per language."""
    for lang in LANGS:
        emit({mime: render(lang)}, lang)


def collected() -> list | None:
    """The list outputs go to under :func:`capture`, or ``None`` when they are displayed."""
    return _captured

