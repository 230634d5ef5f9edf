"""Key figures of one region for a profile page: latest value, national value, rank and change.

This is descriptive bookkeeping for the region pages (no estimation): for each
indicator the latest year up to the edition year in which the region has a
value, the national value of that year, the region's rank among the regions
with a value that year, and the change over ``span`` years.

Examples
--------
>>> import pandas as pd
>>> from analysis.plots.profile import region_key_figures
>>> panel = pd.DataFrame({"region": ["A", "B", "A", "B"], "year": [2020, 2020, 2021, 2021],
...                       "x": [1.0, 3.0, 2.0, 4.0]})
>>> national = pd.DataFrame({"x": [2.0, 3.0]}, index=[2020, 2021])
>>> row = region_key_figures(panel, national, "A", 2021, ["x"], span=1).iloc[0]
>>> (int(row["year"]), float(row["value"]), float(row["national"]), int(row["rank"]), int(row["n"]), float(row["change"]))
(2021, 2.0, 3.0, 2, 2, 1.0)
"""
from __future__ import annotations

import numpy as np
import pandas as pd

COLUMNS = ["indicator", "year", "value", "national", "rank", "n", "change", "change_from"]


def region_key_figures(
    panel: pd.DataFrame,
    national: pd.DataFrame,
    region: str,
    year: int,
    indicators: list[str],
    *,
    span: int = 5,
) -> pd.DataFrame:
    """One row per indicator the region has a value for, up to ``year``.

    Parameters
    ----------
    panel : pandas.DataFrame
        Columns ``region``, ``year`` and the indicators (``analysis.data.load_panel``).
    national : pandas.DataFrame
        Indexed by year (``analysis.data.load_national``); a missing national
        value stays missing.
    region : str
        Region code.
    year : int
        Edition year: later years are ignored.
    indicators : list of str
        Indicator ids, in the order of the rows.
    span : int
        Change is measured from ``year_shown - span`` (missing if that year has no value).

    Returns
    -------
    pandas.DataFrame
        Columns ``indicator, year, value, national, rank, n, change, change_from``;
        ``rank`` 1 is the highest value among the ``n`` regions with a value that year.
    """
    missing = [c for c in ["region", "year", *indicators] if c not in panel.columns]
    if missing:
        raise ValueError(f"panel: missing columns {', '.join(missing)}; expected region, year and the indicators")
    upto = panel[panel["year"] <= year]
    own = upto[upto["region"] == region].set_index("year").sort_index()
    rows = []
    for indicator in indicators:
        observed = own[indicator].dropna()
        if observed.empty:
            continue
        shown = int(observed.index.max())
        value = float(observed.loc[shown])
        that_year = upto.loc[upto["year"] == shown, ["region", indicator]].dropna()
        rank = int((that_year[indicator] > value).sum()) + 1
        nat = np.nan
        if indicator in national.columns and shown in national.index:
            nat = float(national.loc[shown, indicator])
        base_year = shown - span
        change = float(value - observed.loc[base_year]) if base_year in observed.index else np.nan
        rows.append({"indicator": indicator, "year": shown, "value": value, "national": nat,
                     "rank": rank, "n": len(that_year), "change": change, "change_from": base_year})
    return pd.DataFrame(rows, columns=COLUMNS)
