"""Derived indicators, computed from stored ones on a wide panel (never stored).

All take a wide frame with ``region`` (or the index) and ``year`` columns sorted by region and year.
Units: grp_nominal is million KZT, population persons, emissions thousand tonnes,
environmental expenditure thousand KZT.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DERIVED = (
    "population_avg",
    "grp_per_capita",
    "grp_per_capita_rel",
    "doctors_per_10k",
    "emissions_per_capita",
    "emissions_per_grp",
    "env_expenditure_per_capita",
    "grp_growth",
)


def _next_year(frame: pd.DataFrame, column: str, group: str | None) -> pd.Series:
    """Value of ``column`` in year t+1 of the same unit (NaN when t+1 is not the next row)."""
    nxt = frame[column].shift(-1) if group is None else frame.groupby(group, sort=False)[column].shift(-1)
    next_year = frame["year"].shift(-1) if group is None else frame.groupby(group, sort=False)["year"].shift(-1)
    return nxt.where(next_year == frame["year"] + 1)


def _prev_year(frame: pd.DataFrame, column: str, group: str | None) -> pd.Series:
    prv = frame[column].shift(1) if group is None else frame.groupby(group, sort=False)[column].shift(1)
    prev_year = frame["year"].shift(1) if group is None else frame.groupby(group, sort=False)["year"].shift(1)
    return prv.where(prev_year == frame["year"] - 1)


def add_derived(frame: pd.DataFrame, national: pd.DataFrame | None = None, group: str | None = "region") -> pd.DataFrame:
    """Return ``frame`` with the derived indicator columns appended.

    Parameters
    ----------
    frame : DataFrame
        Wide panel sorted by (``group``, year); needs the stored indicator columns.
    national : DataFrame, optional
        National frame with ``year`` and ``grp_per_capita`` for the relative measure; when None
        the frame is itself national and ``grp_per_capita_rel`` is 1 where defined.
    group : str or None
        Column identifying units, or None for a single series.

    Examples
    --------
    >>> f = pd.DataFrame({"year": [2000, 2001], "population_jan1": [100.0, 300.0],
    ...                   "grp_nominal": [2.0, 3.0], "doctors_count": [1.0, 2.0],
    ...                   "emissions_stationary_sources": [4.0, 5.0],
    ...                   "env_protection_current_expenditure": [1.0, 1.0]})
    >>> out = add_derived(f, group=None)
    >>> float(out.loc[0, "population_avg"]), float(out.loc[0, "grp_per_capita"])
    (200.0, 10.0)
    """
    out = frame.copy()
    pop = 0.5 * (out["population_jan1"] + _next_year(out, "population_jan1", group))
    out["population_avg"] = pop
    # million KZT / persons = 1e6 KZT per person; reported in thousand KZT per person
    out["grp_per_capita"] = out["grp_nominal"] * 1e3 / pop
    if national is None:
        out["grp_per_capita_rel"] = out["grp_per_capita"] / out["grp_per_capita"]
    else:
        ref = out["year"].map(national.set_index("year")["grp_per_capita"])
        out["grp_per_capita_rel"] = out["grp_per_capita"] / ref
    out["doctors_per_10k"] = out["doctors_count"] * 1e4 / pop
    # thousand tonnes -> kg: x 1e6
    out["emissions_per_capita"] = out["emissions_stationary_sources"] * 1e6 / pop
    # thousand tonnes per million KZT -> tonnes per million KZT: x 1e3
    out["emissions_per_grp"] = out["emissions_stationary_sources"] * 1e3 / out["grp_nominal"]
    out["env_expenditure_per_capita"] = out["env_protection_current_expenditure"] * 1e3 / pop
    with np.errstate(divide="ignore", invalid="ignore"):
        out["grp_growth"] = np.log(out["grp_nominal"] / _prev_year(out, "grp_nominal", group))
    return out
