"""The edition a chapter reports: its year, data folder and as-of date, validated once.

A notebook builds one :class:`Edition` from its parameters and hands it to its
chapter function; nothing below that threads a data folder or re-checks the year.
The domain rules shared by several chapters live here too, once:
:meth:`Edition.complete_years` (the years every unit of a panel has a figure)
and :meth:`Edition.programme_started` (has a programme started by the edition
year: a row whose start is unknown or later has not).

Examples
--------
>>> edition = Edition.build(2023)
>>> edition.year, edition.data_dir is None
(2023, True)
>>> Edition.build(1850)  # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
...
analysis.chapters.edition.EditionError: parameter 'year': 1850 is not valid; expected an integer year in ...
"""

from __future__ import annotations

import numbers
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

__all__ = ["Edition", "EditionError", "ParameterError"]


class ParameterError(ValueError):
    """A page parameter (year, region, programme) is outside its valid set (the message lists the valid values).

    The one parameter error of the project: the notebooks' remaining checks
    (:mod:`analysis.report.params`) raise it too, so a reviewer meets one kind of error however a
    page is run.
    """


# The chapters' name for it.
EditionError = ParameterError


@dataclass(frozen=True)
class Edition:
    """Year of the report, the data folder (None: the project's ``data/`` or ``AIMAQ_DATA_DIR``) and as-of date."""

    year: int
    data_dir: str | None = None
    as_of: str | None = None

    @classmethod
    def build(cls, year, data_dir: str | None = "", as_of: str | None = "") -> "Edition":
        """Validate the parameters once: an existing folder, a year with data, an ISO date ("" : today's figures)."""
        if data_dir is None or data_dir == "":
            folder = None
        elif not isinstance(data_dir, str) or any(ch in data_dir for ch in "\n\r\x00") \
                or not Path(data_dir).is_dir():
            raise EditionError(f"parameter 'data_dir': {data_dir!r} is not an existing folder")
        else:
            folder = os.fspath(data_dir)
        if as_of == "":  # the notebooks' default: today's figures
            as_of = None
        if as_of is not None and not (isinstance(as_of, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", as_of)):
            raise EditionError(f"parameter 'as_of': {as_of!r} is not valid; expected a date YYYY-MM-DD")
        from analysis.data import data_years

        years = data_years(folder)
        ok = isinstance(year, numbers.Integral) and not isinstance(year, bool) and int(year) in years
        if not ok:
            shown = f"{years[0]}–{years[-1]}" if years == list(range(years[0], years[-1] + 1)) \
                else ", ".join(map(str, years))
            raise EditionError(f"parameter 'year': {year!r} is not valid; expected an integer year in {shown}")
        return cls(int(year), folder, as_of)

    def choice(self, name: str, value, valid) -> str:
        """``value`` if it is one of ``valid``; else :class:`EditionError` listing the valid values."""
        options = sorted({str(v) for v in valid})
        if not isinstance(value, str) or value not in options:
            raise EditionError(f"parameter {name!r}: {value!r} is not valid; expected one of: {', '.join(options)}")
        return value

    # -- loaders bound to the edition (explicit indicators, so the run's data inputs are declared) --

    def panel(self, basis: str, indicators: list[str]) -> pd.DataFrame:
        from analysis.data import load_panel

        return load_panel(basis, self.data_dir, until=self.year, as_of=self.as_of, indicators=indicators)

    def regions(self) -> pd.DataFrame:
        from analysis.data import load_regions

        return load_regions(self.data_dir)

    def programmes(self) -> pd.DataFrame:
        from analysis.data import load_programmes

        return load_programmes(self.data_dir)

    def units(self, year: int, basis: str) -> list[str]:
        from analysis.data import units

        return list(units(year, basis, self.data_dir))

    def framework(self):
        from analysis.index import load_framework

        return load_framework(Path(self.data_dir) / "index.yml" if self.data_dir else None)

    # -- domain rules used by several chapters --

    @staticmethod
    def complete_years(panel: pd.DataFrame, column: str, unit: str = "region", time: str = "year") -> tuple[int, int]:
        """First and last year of the longest run of years in which every unit has ``column``.

        >>> p = pd.DataFrame({"region": list("aabb"), "year": [1, 2, 1, 2], "x": [1, 2, None, 3]})
        >>> Edition.complete_years(p, "x")
        (2, 2)
        """
        units_count = panel[unit].nunique()
        observed = panel.groupby(time)[column].count()
        complete = sorted(int(y) for y in observed[observed == units_count].index)
        if not complete:
            raise EditionError(f"no year in which all {units_count} units have {column!r}")
        best, run = (complete[0], complete[0]), [complete[0]]
        for y in complete[1:]:
            run = run + [y] if y == run[-1] + 1 else [y]
            if run[-1] - run[0] > best[1] - best[0]:
                best = (run[0], run[-1])
        return best

    @staticmethod
    def prices(panel: pd.DataFrame, real: str, time: str = "year") -> str:
        """``"real"`` when ``panel`` has the real series ``real`` in at least two years, else ``"nominal"``.

        A real series is chain-linked from BNS's volume index, which an edition dated before the
        index was recorded does not have (only the base year, where real equals nominal): its
        growth and changes are then nominal, and its pages say so.

        >>> p = pd.DataFrame({"year": [2014, 2015, 2016], "x": [None, 1.0, None]})
        >>> Edition.prices(p, "x"), Edition.prices(p.assign(x=[0.9, 1.0, None]), "x")
        ('nominal', 'real')
        """
        if real not in panel.columns:
            return "nominal"
        return "real" if panel.loc[panel[real].notna(), time].nunique() >= 2 else "nominal"

    def programme_started(self, start) -> bool:
        """Whether a programme row with this ``start`` (a year or ISO date; empty: unknown) began by the edition year.

        >>> Edition(2023).programme_started("2017-11-24"), Edition(2023).programme_started(""), \
Edition(2010).programme_started(2011)
        (True, False, False)
        """
        text = "" if start is None or (isinstance(start, float) and start != start) else str(start).strip()
        return bool(re.match(r"\d{4}", text)) and int(text[:4]) <= self.year
