"""The index over time: every covered year, with rank changes."""

from __future__ import annotations

import pandas as pd

from analysis.index.build import build_index
from analysis.index.framework import Framework
from analysis.index.prepare import IndexInputError, covered_years
from analysis.index.results import IndexOverTime


def index_over_time(panel: pd.DataFrame, framework: Framework, years: list[int] | None = None, *,
                    national: pd.DataFrame | None = None, base_year: int | None = None) -> IndexOverTime:
    """Build the index for each covered year and compare ranks.

    Each year is normalised on its own cross-section (the index ranks regions
    within a year), so compare ranks, not scores, across years. Rank changes
    are positive when a region moved up (e.g. from 5th to 3rd is +2). When the
    set of regions differs between two years (new or split units) the ranks
    are not strictly comparable: warning ``unit_set_changed``.

    Parameters
    ----------
    years : list of int, optional
        Default: all covered years.
    base_year : int, optional
        Default: the first year.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.index.framework import Framework, Pillar
    >>> fw = Framework("toy", (Pillar("a", 1.0, ("x",), (1.0,)),), {"x": 1})
    >>> panel = pd.DataFrame({"region": list("ABCABC"), "year": [1, 1, 1, 2, 2, 2],
    ...                       "x": [1.0, 2.0, 3.0, 3.0, 2.0, 1.0]})
    >>> t = index_over_time(panel, fw).table
    >>> t[t.year == 2].set_index("region")["rank_change_previous"].tolist()
    [2, 0, -2]
    """
    available = covered_years(panel, framework)
    years = available if years is None else [int(y) for y in years]
    bad = [y for y in years if y not in available]
    if bad or not years:
        raise IndexInputError(f"panel: years {bad or years} are not covered; covered years: "
                              f"{', '.join(map(str, available)) or 'none'}")
    years = sorted(years)
    base_year = years[0] if base_year is None else int(base_year)
    if base_year not in years:
        raise IndexInputError(f"base_year {base_year} is not among the years {years}")
    frames, sets = [], {}
    for y in years:
        res = build_index(panel, framework, y, national=national)
        t = res.table[["composite", "composite_z", "rank"]].reset_index()
        t.insert(1, "year", y)
        t["n_regions"] = len(t)
        frames.append(t)
        sets[y] = frozenset(t["region"])
    table = pd.concat(frames, ignore_index=True)
    rank = table.set_index(["region", "year"])["rank"]
    prev = dict(zip(years[1:], years[:-1]))

    def change(row: pd.Series, other: int | None) -> float:
        if other is None or (row["region"], other) not in rank.index:
            return float("nan")
        return float(rank[(row["region"], other)] - row["rank"])

    table["rank_change_previous"] = [change(r, prev.get(r["year"])) for _, r in table.iterrows()]
    table["rank_change_base"] = [change(r, base_year if r["year"] != base_year else None)
                                 for _, r in table.iterrows()]
    changed = any(sets[a] != sets[b] for b, a in prev.items()) or any(sets[y] != sets[base_year] for y in years)
    table["rank_change_previous"] = table["rank_change_previous"].astype("Int64")
    table["rank_change_base"] = table["rank_change_base"].astype("Int64")
    return IndexOverTime(years=tuple(years), base_year=base_year, table=table,
                         warnings=("unit_set_changed",) if changed else ())
