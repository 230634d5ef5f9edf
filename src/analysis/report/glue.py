"""Glue: language-neutral values a reviewer checks, stored with ``myst_nb.glue``.

Examples
--------
>>> from analysis.report.glue import glue
>>> from analysis.report.sink import capture
>>> with capture() as outputs:
...     glue("gini_2022", 0.25)
>>> outputs
[{'glue': 'gini_2022', 'value': 0.25}]
"""
from __future__ import annotations

import math
import numbers
import re

from analysis.report import sink

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
    captured = sink.collected()
    if captured is not None:
        captured.append({"glue": name, "value": value})
        return
    from myst_nb import glue as myst_glue

    myst_glue(name, value, display=False)
