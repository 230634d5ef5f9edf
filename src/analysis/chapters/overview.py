"""The data overview page: what the edition's data are, where they come from, and what is missing.

:func:`data_overview_chapter` reads the current-basis panel of the edition (every
indicator, figures up to the edition year) and the indicator metadata, and
returns one frozen :class:`OverviewChapter`: the coverage table (first and last
year, regions with a figure in the edition year, number of values), the origin
of each indicator (published by the BNS or computed), its price basis, the
boundary vintages the map draws, and the gaps. Nothing here is a sentence.

Rules written once here (the page states them in words):

* **origin** — ``published`` when the metadata do not mark the indicator as
  derived and its source names the BNS; ``computed`` when derived; ``other``
  otherwise.
* **price basis** (:func:`analysis.data.metadata.price_basis`) — ``real`` when the unit names constant
  prices ("at 2015 prices") or the series is, or is computed from, a volume
  index; ``nominal`` when the unit is a currency or the indicator says it is
  nominal; ``none`` for quantities that are not money (persons, %, ratios).
* **gaps** — an indicator *lacks the edition year* when its last figure is
  older than the edition year; it is *partial* when it has a figure for the
  edition year for fewer regions than the map of that year has.
* **vintages** — consecutive years with the same set of units on the map in
  force (:func:`analysis.data.units` with basis ``"map"``), from
  :data:`MAP_FIRST_YEAR` to the edition year.

Examples
--------
>>> [(v.start, v.end, v.units_count) for v in boundary_vintages({1997: ("a",), 1998: ("a",), 1999: ("a", "b")})]
[(1997, 1998, 1), (1999, 1999, 2)]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import pandas as pd

from analysis.chapters.edition import Edition
from analysis.data.metadata import price_basis

__all__ = ["OverviewChapter", "Vintage", "data_overview_chapter", "boundary_vintages",
           "coverage_rows", "MAP_FIRST_YEAR"]

#: first year the boundary maps cover: data/geo holds the boundaries from the 1997 reform on
#: (data/geo/README.md); earlier units have no polygons to draw
MAP_FIRST_YEAR = 1997



@dataclass(frozen=True)
class Vintage:
    """Years ``start``–``end`` in which the map had the same ``units`` (``new``: units not on the previous map)."""

    start: int
    end: int
    units: tuple[str, ...]
    new: tuple[str, ...]

    @property
    def units_count(self) -> int:
        return len(self.units)


def boundary_vintages(units_by_year: Mapping[int, tuple[str, ...]]) -> tuple[Vintage, ...]:
    """Group consecutive years with the same units into :class:`Vintage` rows, oldest first."""
    out: list[Vintage] = []
    for year in sorted(units_by_year):
        codes = tuple(sorted(units_by_year[year]))
        if out and out[-1].units == codes and out[-1].end == year - 1:
            out[-1] = Vintage(out[-1].start, year, codes, out[-1].new)
        else:
            previous = set(out[-1].units) if out else set()
            out.append(Vintage(year, year, codes, tuple(c for c in codes if out and c not in previous)))
    return tuple(out)


def coverage_rows(panel: pd.DataFrame, year: int, indicators: list[str]) -> pd.DataFrame:
    """One row per indicator with a figure up to ``year``: ``indicator, first, last, regions, values``.

    ``regions`` counts the regions with a figure in ``year``.

    >>> p = pd.DataFrame({"region": ["a", "b", "a"], "year": [2000, 2000, 2001], "x": [1.0, None, 2.0]})
    >>> coverage_rows(p, 2001, ["x"]).to_dict("records")
    [{'indicator': 'x', 'first': 2000, 'last': 2001, 'regions': 1, 'values': 2}]
    """
    upto = panel[panel["year"] <= year]
    rows = []
    for indicator in indicators:
        observed = upto.loc[upto[indicator].notna(), ["region", "year"]]
        if observed.empty:
            continue
        rows.append({"indicator": indicator, "first": int(observed["year"].min()), "last": int(observed["year"].max()),
                     "regions": int(observed.loc[observed["year"] == year, "region"].nunique()),
                     "values": int(len(observed))})
    return pd.DataFrame(rows, columns=["indicator", "first", "last", "regions", "values"])


@dataclass(frozen=True)
class OverviewChapter:
    """Everything the data overview page shows."""

    edition: Edition
    coverage: pd.DataFrame = field(repr=False)  # indicator, first, last, regions, values, origin, price_basis, gap
    units: tuple[str, ...]  # the units of the map in force in the edition year
    approximate_count: int  # population-weighted approximations in the current-basis panel
    stable_approximate_count: int  # the same on the stable basis (the comparisons over time)
    unverified_count: int  # series kept apart (data/unverified.csv) and not used
    vintages: tuple[Vintage, ...]
    map_years: tuple[int, ...]  # the years the boundary map is dated from

    def count(self, column: str, value) -> int:
        """How many indicators have ``value`` in ``column`` (origin, price_basis, gap)."""
        return int((self.coverage[column] == value).sum())

    @property
    def values_count(self) -> int:
        return int(self.coverage["values"].sum())

    def glue_values(self) -> dict:
        """Glued values: the names of earlier editions kept, new ones added."""
        return {
            "indicators_count": len(self.coverage), "units_count": len(self.units),
            "values_count": self.values_count, "approximate_count": self.approximate_count,
            "stable_approximate_count": self.stable_approximate_count,
            "published_count": self.count("origin", "published"), "computed_count": self.count("origin", "computed"),
            "real_count": self.count("price_basis", "real"), "nominal_count": self.count("price_basis", "nominal"),
            "lacks_year_count": self.count("gap", "lacks_year"), "partial_count": self.count("gap", "partial"),
            "unverified_count": self.unverified_count, "vintages_count": len(self.vintages),
        }


def _origin(derived: bool, source: str) -> str:
    if derived:
        return "computed"
    return "published" if str(source).startswith("BNS") else "other"


def data_overview_chapter(edition: Edition) -> OverviewChapter:
    """Coverage, origin, price basis, boundary vintages and gaps of the data of ``edition``."""
    from analysis.data import load_indicators

    meta = load_indicators(edition.data_dir)
    panel = edition.panel("current", None)  # every indicator: the page describes them all
    indicators = [i for i in meta.index if i in panel.columns]
    units_now = tuple(sorted(edition.units(edition.year, "map")))
    coverage = coverage_rows(panel, edition.year, indicators)
    rows = meta.loc[coverage["indicator"]]
    coverage["origin"] = [_origin(bool(d), s) for d, s in zip(rows["derived"], rows["source"])]
    coverage["price_basis"] = [price_basis(i, u, s, n) for i, u, s, n in
                               zip(rows.index, rows["unit_en"], rows["source"], rows["note"].fillna(""))]
    # a real series of one year only is its price base year (real = nominal there): an edition dated
    # before the volume index was recorded has no real figures, and the page does not count any
    coverage = coverage[~((coverage["price_basis"] == "real") & (coverage["first"] == coverage["last"]))]
    rows = meta.loc[coverage["indicator"]]
    coverage["gap"] = ["lacks_year" if last < edition.year else "partial" if regions < len(units_now) else "none"
                       for last, regions in zip(coverage["last"], coverage["regions"])]
    for lang in ("kk", "ru", "en"):
        coverage[f"unit_{lang}"] = rows[f"unit_{lang}"].to_numpy()

    stable = edition.panel("stable", indicators)
    years = range(MAP_FIRST_YEAR, edition.year + 1)
    vintages = boundary_vintages({y: tuple(edition.units(y, "map")) for y in years})
    return OverviewChapter(
        edition=edition, coverage=coverage.reset_index(drop=True), units=units_now,
        approximate_count=len(panel.attrs.get("approximate", ())),
        stable_approximate_count=len(stable.attrs.get("approximate", ())),
        unverified_count=int((meta["status"] == "unverified").sum()), vintages=vintages, map_years=tuple(years),
    )
