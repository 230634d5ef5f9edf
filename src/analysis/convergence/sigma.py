"""σ-convergence: the cross-regional dispersion of a level, year by year."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _dispersion as d
from ._panel import PanelError, panel_source, require_positive, tidy_panel

__all__ = ["sigma"]

MEASURES = ("n", "mean", "cv", "cv_weighted", "sd_log", "gini", "theil_t", "theil_l", "max_min")


def sigma(panel: pd.DataFrame, value: str, *, region: str = "region", year: str = "year",
          weight: str | None = None, group: str | None = None) -> pd.DataFrame:
    """Dispersion of ``value`` across regions, one row per year.

    Every measure treats each region with a value in that year as one
    observation (population formulas, no ``n - 1``):

    - ``n``: number of regions with a value; ``mean``: their unweighted mean;
    - ``cv``: coefficient of variation, population standard deviation / mean;
    - ``cv_weighted`` (only with ``weight``): Williamson's coefficient,
      ``sqrt(sum_i p_i (y_i - m)^2) / m`` with ``p_i = w_i / sum w`` and
      ``m = sum p_i y_i`` (the national per-capita level when ``w`` is
      population and the regions tile the country).  It is missing in a
      year where some region with a value has no weight, rather than
      computed on a partial country;
    - ``sd_log``: standard deviation of ``ln y``;
    - ``gini``: ``sum_i sum_j |y_i - y_j| / (2 n^2 mean)``;
    - ``theil_t``: ``mean((y/m) ln(y/m))`` (GE(1));
    - ``theil_l``: ``mean(ln(m/y))`` (GE(0), mean log deviation);
    - ``max_min``: highest over lowest value;
    - with ``group`` (a column giving each region's group in each year):
      ``theil_t_between = sum_g s_g ln(m_g/m)`` and
      ``theil_t_within = sum_g s_g T_g`` with ``s_g = n_g m_g / (n m)`` the
      group's share of the total and ``T_g`` Theil T inside the group; they
      add up to ``theil_t`` exactly.

    Years with fewer than two regions are left out.

    Parameters
    ----------
    panel : DataFrame
        Tidy panel (wide or long by indicator) with ``region`` and ``year``.
    value : str
        Column (or indicator id) of positive levels, e.g. GRP per capita.
    region, year : str
        Column names.
    weight : str, optional
        Column of weights (e.g. population) for ``cv_weighted``.
    group : str, optional
        Column of group labels for the Theil T decomposition.

    Returns
    -------
    DataFrame
        Indexed by year, columns as above.

    Raises
    ------
    PanelError
        Missing columns, text in numeric columns, duplicated region-years,
        non-positive levels or weights.

    Examples
    --------
    >>> p = pd.DataFrame({"region": list("abab"), "year": [1, 1, 2, 2],
    ...                   "y": [1.0, 3.0, 2.0, 2.0]})
    >>> sigma(p, "y")["cv"].round(3).tolist()
    [0.5, 0.0]
    """
    columns = [value] + ([weight] if weight else []) + ([group] if group else [])
    numeric = [value] + ([weight] if weight else [])
    data = tidy_panel(panel, columns, region=region, year=year, numeric=numeric)
    source = panel_source(panel)
    require_positive(data, value, region=region, year=year, source=source)
    data = data[data[value].notna()]
    if weight:
        require_positive(data, weight, region=region, year=year, source=source,
                         why="it weights the regions")
    if group:
        lost = data[group].isna()
        if lost.any():
            i = np.flatnonzero(lost.to_numpy())[0]
            raise PanelError(source, (data[region].iloc[i], int(data[year].iloc[i])), group,
                             None, "a group label for every region with a value")
    rows = {}
    for when, part in data.groupby(year, sort=True):
        if len(part) >= 2:
            rows[when] = _one_year(part, value, weight, group)
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = year
    if out.empty:
        out = pd.DataFrame(columns=list(MEASURES))
    return out


def _one_year(part, value, weight, group):
    y = part[value].to_numpy()
    row = {"n": len(y), "mean": float(y.mean()), "cv": d.cv(y)}
    if weight:
        w = part[weight].to_numpy()
        row["cv_weighted"] = d.cv_weighted(y, w) if not np.isnan(w).any() else np.nan
    row.update(sd_log=d.sd_log(y), gini=d.gini(y), theil_t=d.theil_t(y),
               theil_l=d.theil_l(y), max_min=float(y.max() / y.min()))
    if group:
        row["theil_t_between"], row["theil_t_within"] = d.theil_t_groups(
            y, part[group].astype(str).to_numpy())
    return row
