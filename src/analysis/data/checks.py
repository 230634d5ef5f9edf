"""Consistency checks on observations: known codes valid for their year, territory markers,
known indicators, plausible ranges, no duplicates, and regional sums equal to national totals.

Each check raises :class:`DataError` at the first offending row (1-based line number).
"""

from __future__ import annotations

import datetime as _dt
import functools

import numpy as np
import pandas as pd

from analysis.data.errors import DataError
from analysis.data.units import POST, PRE, first_year, last_year

#: Indicators whose regional sum must equal the national total, and the stated tolerance.
NATIONAL_SUM_INDICATORS = ("grp_nominal", "grp_nominal_rub", "population_jan1", "population_urban_jan1",
                           "doctors_count", "hospitals_count",
                           "emissions_stationary_sources", "env_protection_current_expenditure",
                           "investment_fixed_capital")
# (rural population is not checked: BNS prints no rural figure for cities, so Shymkent's part of
# South Kazakhstan is missing and the stable sum is short by construction)
NATIONAL_SUM_RTOL = 5e-4  # 0.05 %: the published tables add up exactly; this allows rounding only

KEY = ["region", "year", "indicator", "territory"]


@functools.lru_cache(maxsize=4096)
def _is_real_date(text: str) -> bool:
    """``YYYY-MM-DD`` naming a day that exists (2026-02-30 does not)."""
    try:
        return len(text) == 10 and _dt.date.fromisoformat(text) is not None
    except ValueError:
        return False


def _line(frame: pd.DataFrame, position: int) -> int:
    return int(frame.index[position]) + 2


def _first(mask: np.ndarray | pd.Series) -> int:
    return int(np.flatnonzero(np.asarray(mask))[0])


def check_observations(
    obs: pd.DataFrame, regions: pd.DataFrame, indicators: pd.DataFrame, file: str, key: list[str] = KEY
) -> None:
    """Check one observations-like table against the metadata; raise DataError on the first problem.

    ``obs`` must keep the index it had when read (row ``i`` is line ``i + 2`` of ``file``).
    ``key`` is the set of columns that must be unique (revisions add ``recorded``).

    Examples
    --------
    >>> from analysis.data.tables import load_tables
    >>> t = load_tables(None)
    >>> check_observations(t.observations, t.regions, t.indicators, "observations.csv")
    """
    if obs.empty:
        return
    by_code = regions.set_index("code")
    known = obs["region"].isin(by_code.index)
    if not known.all():
        i = _first(~known)
        raise DataError(file, _line(obs, i), "region", obs["region"].iloc[i], "a code listed in regions.csv")

    ind = indicators.set_index("id")
    stored = ind.index[ind["derived"] == "false"]
    ok = obs["indicator"].isin(stored)
    if not ok.all():
        i = _first(~ok)
        raise DataError(
            file, _line(obs, i), "indicator", obs["indicator"].iloc[i],
            "a stored (not derived) indicator id listed in indicators.csv",
        )

    info = by_code.loc[obs["region"]]
    lo = np.where(info["backcast_from"] != "", pd.to_numeric(info["backcast_from"], errors="coerce"),
                  info["valid_from"].map(first_year))
    hi = info["valid_to"].map(last_year).to_numpy()
    year = obs["year"].to_numpy()
    bad = (year < lo) | (year > hi)
    if bad.any():
        i = _first(bad)
        raise DataError(
            file, _line(obs, i), "year", int(year[i]),
            f"a year in which {obs['region'].iloc[i]} exists ({int(lo[i])}-{int(hi[i]) if hi[i] < 9999 else 'today'}, "
            "including BNS back-casts)",
        )

    split = info["split_year"].to_numpy() != ""
    terr = obs["territory"].to_numpy()
    bad = (split & (terr == "")) | (~split & (terr != ""))
    if bad.any():
        i = _first(bad)
        expected = f"'{PRE}' or '{POST}' (the unit was split)" if split[i] else "empty (the unit was never split)"
        raise DataError(file, _line(obs, i), "territory", terr[i], expected)
    split_at = pd.to_numeric(info["split_year"], errors="coerce").to_numpy()
    bad = ((terr == PRE) & (year > split_at)) | ((terr == POST) & (year < split_at - 1))
    if bad.any():
        i = _first(bad)
        raise DataError(file, _line(obs, i), "territory", terr[i], f"a territory that existed in {year[i]}")

    rng = ind.loc[obs["indicator"], ["min", "max"]].to_numpy()
    value = obs["value"].to_numpy()
    bad = ~np.isfinite(value.astype(float)) | (value < rng[:, 0]) | (value > rng[:, 1])  # NaN compares False
    if bad.any():
        i = _first(bad)
        raise DataError(
            file, _line(obs, i), "value", value[i],
            f"a plausible {obs['indicator'].iloc[i]} between {rng[i, 0]:g} and {rng[i, 1]:g}",
        )

    dup = obs.duplicated(key, keep="first").to_numpy()
    if dup.any():
        i = _first(dup)
        first = _first(obs.duplicated(key, keep=False).to_numpy() & (obs[key] == obs[key].iloc[i]).all(axis=1).to_numpy())
        raise DataError(
            file, _line(obs, i), ", ".join(key),
            " ".join(str(obs[c].iloc[i]) for c in key).strip(),
            f"one row per {', '.join(key)} (already on row {_line(obs, first)})",
        )
    for column in ("recorded", "superseded"):
        if column in obs.columns:
            real = obs[column].map(_is_real_date).to_numpy()  # the pattern YYYY-MM-DD is checked by the schema
            if not real.all():
                i = _first(~real)
                raise DataError(file, _line(obs, i), column, obs[column].iloc[i],
                                "a real calendar date YYYY-MM-DD (month 01-12, day of that month)")
    if "superseded" in obs.columns:
        bad = (obs["superseded"] < obs["recorded"]).to_numpy()
        if bad.any():
            i = _first(bad)
            raise DataError(file, _line(obs, i), "superseded", obs["superseded"].iloc[i],
                            f"a date not before recorded ({obs['recorded'].iloc[i]})")


def check_national_sums(stable_long: pd.DataFrame, obs: pd.DataFrame, file: str, locate=None) -> None:
    """Regional figures on the stable basis must add up to the national total.

    ``stable_long`` has columns ``unit, year, indicator, value``; ``obs`` is the stored table
    (its ``KZ`` rows are the national totals). Years where no region has a figure are skipped.
    ``locate(index) -> (file, line)`` names where a national row came from (default: ``file``,
    index + 2).

    Examples
    --------
    >>> long = pd.DataFrame({"unit": ["A", "B"], "year": 2020, "indicator": "grp_nominal", "value": [1.0, 2.0]})
    >>> national = pd.DataFrame({"region": ["KZ"], "year": [2020], "indicator": ["grp_nominal"], "value": [3.5]})
    >>> check_national_sums(long, national, "observations.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    analysis.data.errors.DataError: observations.csv, row 2, column 'value': got '3.5', expected the national grp_nominal 2020 to equal the sum of the regions, 3.0 (tolerance 0.05%)
    """
    nat = obs[(obs["region"] == "KZ") & obs["indicator"].isin(NATIONAL_SUM_INDICATORS)]
    parts = stable_long[stable_long["indicator"].isin(NATIONAL_SUM_INDICATORS)]
    sums = parts.groupby(["indicator", "year"])["value"].sum()
    for line, (indicator, year, total) in zip(
        nat.index, nat[["indicator", "year", "value"]].itertuples(index=False)
    ):
        regional = sums.get((indicator, year))
        if regional is None:
            continue
        if abs(regional - total) > NATIONAL_SUM_RTOL * abs(total):
            where = locate(line) if locate else (file, int(line) + 2)
            raise DataError(
                *where, "value", total,
                f"the national {indicator} {year} to equal the sum of the regions, {regional:,.1f} "
                f"(tolerance {NATIONAL_SUM_RTOL:.2%})",
            )
