"""What the panel covers: for each indicator its first and last year and the regions with a value.

Examples
--------
>>> import numpy as np, pandas as pd
>>> from analysis.plots.coverage import indicator_coverage
>>> panel = pd.DataFrame({"region": ["A", "B", "A", "B"], "year": [2020, 2020, 2021, 2021],
...                       "x": [1.0, np.nan, 2.0, 3.0]})
>>> indicator_coverage(panel, 2021, ["x"]).to_dict("records")
[{'indicator': 'x', 'first': 2020, 'last': 2021, 'regions': 2, 'units': 2, 'values': 3}]
"""
from __future__ import annotations

import pandas as pd

COLUMNS = ["indicator", "first", "last", "regions", "units", "values"]


def indicator_coverage(panel: pd.DataFrame, year: int, indicators: list[str]) -> pd.DataFrame:
    """One row per indicator with at least one value up to ``year``.

    Parameters
    ----------
    panel : pandas.DataFrame
        Columns ``region``, ``year`` and the indicators.
    year : int
        The edition year; ``regions`` counts regions with a value in it, ``units``
        the regions present in the panel that year.
    indicators : list of str
        Indicator ids, in the order of the rows.

    Returns
    -------
    pandas.DataFrame
        Columns ``indicator, first, last, regions, units, values``.
    """
    missing = [c for c in ["region", "year", *indicators] if c not in panel.columns]
    if missing:
        raise ValueError(f"panel: missing columns {', '.join(missing)}; expected region, year and the indicators")
    upto = panel[panel["year"] <= year]
    units = int(upto.loc[upto["year"] == year, "region"].nunique())
    rows = []
    for indicator in indicators:
        observed = upto.loc[upto[indicator].notna(), ["region", "year"]]
        if observed.empty:
            continue
        rows.append({
            "indicator": indicator,
            "first": int(observed["year"].min()),
            "last": int(observed["year"].max()),
            "regions": int(observed.loc[observed["year"] == year, "region"].nunique()),
            "units": units,
            "values": int(len(observed)),
        })
    return pd.DataFrame(rows, columns=COLUMNS)
