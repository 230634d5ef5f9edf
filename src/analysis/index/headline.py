"""The cohesion-report headline: the share of the population living in regions whose GRP per
capita is below 75 % of the national level (the EU's "less developed regions" line), by year."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["share_below_threshold"]


def share_below_threshold(panel: pd.DataFrame, value: str, population: str, *, threshold: float = 0.75,
                          national: pd.Series | None = None, region: str = "region",
                          year: str = "year") -> pd.DataFrame:
    """Population share of the regions below ``threshold`` x the national level, per year.

    Parameters
    ----------
    panel : DataFrame
        Long panel with ``region``, ``year``, ``value`` and ``population`` columns.
    value : str
        Level compared with the national one (e.g. ``grp_per_capita``).
    population : str
        Population of each region (e.g. ``population_avg``), the weight of the share.
    threshold : float
        Fraction of the national level (0.75).
    national : Series, optional
        National level by year (e.g. ``load_national()["grp_per_capita"]``). Default: the
        population-weighted mean of the regions (equal to the national figure when the regions
        cover the country).
    region, year : str
        Column names.

    Returns
    -------
    DataFrame
        Indexed by year: ``share`` (0-1 of the population of the regions with both figures),
        ``population_below`` (persons), ``n_below``, ``n_regions``, ``national`` (the
        reference level) and ``regions_below`` (codes, ``"; "``-separated). Years in which
        any region lacks a figure are left out (a share of part of the country would mislead).

    Examples
    --------
    >>> p = pd.DataFrame({"region": list("ABC"), "year": 2020, "y": [1.0, 2.0, 4.0],
    ...                   "pop": [50.0, 30.0, 20.0]})
    >>> out = share_below_threshold(p, "y", "pop")
    >>> float(out.loc[2020, "national"]), float(out.loc[2020, "share"]), out.loc[2020, "regions_below"]
    (1.9, 0.5, 'A')
    """
    if not 0 < threshold:
        raise ValueError(f"threshold={threshold!r}: expected a positive fraction such as 0.75")
    frame = panel[[region, year, value, population]]
    rows = {}
    for y, part in frame.groupby(year, sort=True):
        if part[[value, population]].isna().any().any():
            continue
        pop = part[population].to_numpy(float)
        level = part[value].to_numpy(float)
        ref = float(national.get(y, np.nan)) if national is not None else float(np.sum(level * pop) / pop.sum())
        if not np.isfinite(ref):
            continue
        below = level < threshold * ref
        rows[int(y)] = {
            "share": float(pop[below].sum() / pop.sum()),
            "population_below": float(pop[below].sum()),
            "n_below": int(below.sum()),
            "n_regions": int(len(part)),
            "national": ref,
            "regions_below": "; ".join(sorted(part.loc[below, region].astype(str))),
        }
    columns = ["share", "population_below", "n_below", "n_regions", "national", "regions_below"]
    out = pd.DataFrame.from_dict(rows, orient="index", columns=columns) if rows else pd.DataFrame(columns=columns)
    out.index.name = year
    return out
