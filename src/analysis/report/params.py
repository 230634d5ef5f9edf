"""Notebook parameters, validated once before anything else runs.

:func:`choice`, :func:`year_param` and :func:`data_dir_param` check the values
that reach code; a value outside its valid set raises :class:`ParameterError`
whose message lists the valid values.

Examples
--------
>>> from analysis.report.params import choice
>>> choice("region", "KZ-43", ["KZ-43", "KZ-55"])
'KZ-43'
"""
from __future__ import annotations

import numbers
import os
from pathlib import Path
from typing import Iterable


from analysis.chapters.edition import ParameterError  # one parameter error, defined beside Edition


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
