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
    "grp_real",
    "grp_per_capita_real",
    "grp_growth_real",
    "grp_deflator",
    "investment_per_capita",
)

#: Constant prices of this year for the chain-linked real series (a year every unit of the
#: stable basis has a published nominal GRP for, and before the 2018 and 2022 splits).
REAL_BASE_YEAR = 2015


def _next_year(frame: pd.DataFrame, column: str, group: str | None) -> pd.Series:
    """Value of ``column`` in year t+1 of the same unit (NaN when t+1 is not the next row)."""
    nxt = frame[column].shift(-1) if group is None else frame.groupby(group, sort=False)[column].shift(-1)
    next_year = frame["year"].shift(-1) if group is None else frame.groupby(group, sort=False)["year"].shift(-1)
    return nxt.where(next_year == frame["year"] + 1)


def _prev_year(frame: pd.DataFrame, column: str, group: str | None) -> pd.Series:
    prv = frame[column].shift(1) if group is None else frame.groupby(group, sort=False)[column].shift(1)
    prev_year = frame["year"].shift(1) if group is None else frame.groupby(group, sort=False)["year"].shift(1)
    return prv.where(prev_year == frame["year"] - 1)


def chain_link(frame: pd.DataFrame, nominal: str, index: str, base_year: int = REAL_BASE_YEAR,
               group: str | None = "region") -> pd.Series:
    """Chain-linked volume at constant prices of ``base_year``.

    ``real_t = nominal_base * prod(index_s / 100)`` over the years from the base to ``t`` (and
    the inverse before it), so ``real_t / real_{t-1} = index_t / 100`` and ``real_base =
    nominal_base``. A missing index breaks the chain: years not linked to the base are NaN.

    Examples
    --------
    >>> f = pd.DataFrame({"year": [2014, 2015, 2016], "n": [90.0, 100.0, 130.0],
    ...                   "v": [None, 104.0, 110.0]})
    >>> chain_link(f, "n", "v", 2015, group=None).round(4).tolist()
    [96.1538, 100.0, 110.0]
    """
    growth = np.log(frame[index] / 100.0)
    keys = frame[group] if group is not None else pd.Series(0, index=frame.index)
    broken = growth.isna().astype(int)
    segment = broken.groupby(keys, sort=False).cumsum()
    level = growth.fillna(0.0).groupby(keys, sort=False).cumsum()
    at_base = frame["year"] == base_year
    base = pd.DataFrame({"key": keys, "nominal": frame[nominal], "level": level, "segment": segment})[at_base]
    base = base.drop_duplicates("key").set_index("key")
    b_nominal, b_level, b_segment = (keys.map(base[c]) for c in ("nominal", "level", "segment"))
    # Years a < b are linked iff no index is missing in (a, b]: the same segment.
    real = b_nominal * np.exp(level - b_level)
    return real.where(segment == b_segment)


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
    # Real terms (derived, not published): BNS's volume index chain-linked at constant prices.
    if "grp_volume_index" in out.columns:
        out["grp_real"] = chain_link(out, "grp_nominal", "grp_volume_index", REAL_BASE_YEAR, group)
        out["grp_per_capita_real"] = out["grp_real"] * 1e3 / pop
        out["grp_growth_real"] = np.log(out["grp_volume_index"] / 100.0)
        out["grp_deflator"] = 100.0 * out["grp_nominal"] / out["grp_real"]
    if "investment_fixed_capital" in out.columns:
        out["investment_per_capita"] = out["investment_fixed_capital"] * 1e3 / pop
    return out
