"""From a tidy panel to the treated regions × indicators matrix of one year.

Applies, in order, the framework's stated rules: coverage check, carry-forward
of a region's latest value, exclusion of regions with a whole pillar missing,
JRC winsorisation. Every change is returned as a flag row (never silent).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.index.framework import Framework
from analysis.index.outliers import winsorise

FLAG_COLUMNS = ["region", "indicator", "flag", "original", "used", "source_year"]


class IndexInputError(ValueError):
    """Panel or national table that does not fit the framework (names the table, row and column)."""


@dataclass(frozen=True)
class Prepared:
    """The treated inputs of one year (internal; the public result is ``IndexResult``)."""

    year: int
    regions: tuple[str, ...]
    indicators: tuple[str, ...]
    pillar_of: np.ndarray
    polarity: np.ndarray
    raw: np.ndarray            # as published for ``year`` (NaN = missing)
    values: np.ndarray         # after carry-forward and winsorisation
    reference: np.ndarray      # national values (NaN where unknown)
    flags: pd.DataFrame
    excluded: tuple[str, ...]


def check_panel(panel: pd.DataFrame, framework: Framework, name: str = "panel") -> None:
    """Raise :class:`IndexInputError` if the panel lacks a column the framework needs.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.index.framework import Framework, Pillar
    >>> fw = Framework("toy", (Pillar("a", 1.0, ("x",), (1.0,)),), {"x": 1})
    >>> try:
    ...     check_panel(pd.DataFrame({"region": ["A"], "year": [1]}), fw)
    ... except IndexInputError as err:
    ...     print(err)
    panel: column 'x' is missing; expected columns region, year and the framework indicators x
    """
    for col in ("region", "year", *framework.indicators):
        if col not in panel.columns:
            raise IndexInputError(f"{name}: column {col!r} is missing; expected columns region, year and "
                                  f"the framework indicators {', '.join(framework.indicators)}")
    for col in framework.indicators:
        if not pd.api.types.is_numeric_dtype(panel[col]):
            bad = pd.to_numeric(panel[col], errors="coerce").isna() & panel[col].notna()
            row = int(np.flatnonzero(bad.to_numpy())[0]) if bad.any() else 0
            raise IndexInputError(f"{name}: row {row}, column {col!r}: value {panel[col].iloc[row]!r}; "
                                  "expected a number")


def coverage(panel: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """Share of regions (present that year) observing each indicator, by year.

    A region is present in a year when it has at least one framework indicator.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.index.framework import Framework, Pillar
    >>> fw = Framework("toy", (Pillar("a", 1.0, ("x", "y"), (1.0, 1.0)),), {"x": 1, "y": 1})
    >>> panel = pd.DataFrame({"region": list("ABAB"), "year": [1, 1, 2, 2],
    ...                       "x": [1.0, 2.0, 3.0, 4.0], "y": [1.0, None, 1.0, 1.0]})
    >>> coverage(panel, fw)["y"].tolist()
    [0.5, 1.0]
    >>> covered_years(panel, fw)  # 75 % of regions needed by default
    [2]
    """
    check_panel(panel, framework)
    observed = panel[list(framework.indicators)].notna()
    present = observed.any(axis=1).to_numpy()
    return observed[present].groupby(panel["year"].to_numpy()[present]).mean().rename_axis("year").sort_index()


def covered_years(panel: pd.DataFrame, framework: Framework) -> list[int]:
    """Years in which every indicator reaches ``framework.min_indicator_coverage`` (see :func:`coverage`)."""
    cov = coverage(panel, framework)
    ok = (cov >= framework.min_indicator_coverage).all(axis=1)
    return [int(y) for y in cov.index[ok]]


def _reference(national: pd.DataFrame | None, indicators: tuple[str, ...], year: int) -> np.ndarray:
    ref = np.full(len(indicators), np.nan)
    if national is None:
        return ref
    if year in national.index:
        row = national.loc[year]
        for j, ind in enumerate(indicators):
            if ind in national.columns:
                ref[j] = pd.to_numeric(row[ind], errors="coerce")
    return ref


def prepare_year(panel: pd.DataFrame, framework: Framework, year: int,
                 national: pd.DataFrame | None = None) -> Prepared:
    """Apply the missing-data and outlier rules for ``year``.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.index.framework import Framework, Pillar
    >>> fw = Framework("toy", (Pillar("a", 1.0, ("x", "y"), (1.0, 1.0)),), {"x": 1, "y": 1},
    ...                min_indicator_coverage=0.5)
    >>> panel = pd.DataFrame({"region": list("ABAB"), "year": [1, 1, 2, 2],
    ...                       "x": [1.0, 2.0, 3.0, None], "y": [1.0, 1.0, 1.0, 1.0]})
    >>> prep = prepare_year(panel, fw, 2)
    >>> prep.values[:, 0].tolist(), prep.flags["flag"].tolist()
    ([3.0, 2.0], ['carried_forward'])
    """
    check_panel(panel, framework)
    ind = framework.indicators
    if year not in covered_years(panel[panel["year"] == year], framework):
        years = covered_years(panel, framework)
        raise IndexInputError(f"panel: year {year} lacks indicator coverage (each indicator observed for at "
                              f"least {framework.min_indicator_coverage:.0%} of regions); covered years: "
                              f"{', '.join(map(str, years)) or 'none'}")
    pillar_of = np.array([p for p, pil in enumerate(framework.pillars) for _ in pil.indicators])
    now = panel[panel["year"] == year]
    now = now[now[list(ind)].notna().any(axis=1)]
    dup = now["region"].duplicated()
    if dup.any():
        raise IndexInputError(f"panel: region {now['region'][dup].iloc[0]!r} appears twice in year {year}; "
                              "expected one row per region and year")
    now = now.sort_values("region")
    regions = now["region"].astype(str).tolist()
    raw = now[list(ind)].to_numpy(dtype=float)
    values = raw.copy()
    flags: list[tuple] = []
    # rule 1: carry the region's latest value forward, at most carry_forward_years
    k = framework.carry_forward_years
    if k > 0 and np.isnan(values).any():
        past = panel[(panel["year"] < year) & (panel["year"] >= year - k)].sort_values("year")
        for r, c in zip(*np.nonzero(np.isnan(values))):
            hist = past.loc[past["region"] == regions[r], ["year", ind[c]]].dropna()
            if len(hist):
                values[r, c] = float(hist[ind[c]].iloc[-1])
                flags.append((regions[r], ind[c], "carried_forward", np.nan, values[r, c],
                              int(hist["year"].iloc[-1])))
    # rule 3: a region with a whole pillar missing cannot be placed
    keep = np.ones(len(regions), dtype=bool)
    for p in range(len(framework.pillars)):
        gone = np.isnan(values[:, pillar_of == p]).all(axis=1)
        for r in np.flatnonzero(gone & keep):
            flags.append((regions[r], framework.pillars[p].id, "excluded_pillar_missing", np.nan, np.nan, year))
        keep &= ~gone
    # rule 2: what is still missing is left out of its pillar (weights renormalised)
    for r, c in zip(*np.nonzero(np.isnan(values) & keep[:, None])):
        flags.append((regions[r], ind[c], "pillar_reweighted", np.nan, np.nan, year))
    excluded = tuple(r for r, kept in zip(regions, keep) if not kept)
    regions = [r for r, kept in zip(regions, keep) if kept]
    raw, values = raw[keep], values[keep]
    treated, changed = winsorise(values, framework.outlier_skewness, framework.outlier_kurtosis,
                                 framework.outlier_max_values)
    for r, c in zip(*np.nonzero(changed)):
        flags.append((regions[r], ind[c], "winsorised", values[r, c], treated[r, c], year))
    table = pd.DataFrame(flags, columns=FLAG_COLUMNS).sort_values(["flag", "region", "indicator"], kind="stable")
    return Prepared(
        year=int(year), regions=tuple(regions), indicators=ind, pillar_of=pillar_of,
        polarity=np.array([framework.polarity[i] for i in ind], dtype=float),
        raw=raw, values=treated, reference=_reference(national, ind, year),
        flags=table.reset_index(drop=True), excluded=excluded,
    )
