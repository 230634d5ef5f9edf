"""Put stored figures on one basis of units: ``stable`` (16 units comparable since 1990) or
``current`` (today's 20 units, today's territory only).

Rules (see SOURCES.md): a figure published for the unit's own territory always wins; otherwise the
parts are aggregated, and only when every part has a figure -- so years that BNS publishes both
before and after a split (South Kazakhstan vs Turkistan + Shymkent back-casts) are never counted
twice. Extensive indicators are summed; rates are weighted by the parts' 1 January population
and flagged approximate. Volume indices (% of the previous year) are combined with the parts'
previous-year nominal values as weights -- the chain-linking identity of a Laspeyres volume index
-- and flagged too; where a part has no nominal figure for the previous year (a unit's first year
on its new territory), every part of that cell is weighted by ``nominal_t / index_t`` instead
(the previous year's volume at this year's prices; exact when the parts' prices moved alike).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data.units import current_map, stable_map

WEIGHT = "population_jan1"
#: Volume index -> the nominal series whose previous-year values weight its parts.
VOLUME_WEIGHTS = {"grp_volume_index": "grp_nominal", "investment_volume_index": "investment_fixed_capital"}


def _volume_weights(parts: pd.DataFrame, obs: pd.DataFrame) -> pd.Series:
    """Previous-year nominal weights for the volume-index rows of ``parts`` (NaN where none).

    Examples
    --------
    >>> obs = pd.DataFrame({"region": ["A", "B", "A", "B"], "territory": "", "year": [1, 1, 2, 2],
    ...                     "indicator": "grp_nominal", "value": [10.0, 30.0, 11.0, 33.0]})
    >>> parts = pd.DataFrame({"unit": "U", "region": ["A", "B"], "territory": "", "year": 2,
    ...                       "indicator": "grp_volume_index", "value": [110.0, 100.0]})
    >>> _volume_weights(parts, obs).tolist()
    [10.0, 30.0]
    """
    nominal = obs[obs["indicator"].isin(list(VOLUME_WEIGHTS.values()))]
    lookup = nominal.set_index(["indicator", "region", "territory", "year"])["value"]
    which = parts["indicator"].map(VOLUME_WEIGHTS)

    def at(years):
        idx = pd.MultiIndex.from_arrays([which, parts["region"], parts["territory"], years])
        return pd.Series(lookup.reindex(idx).to_numpy(), index=parts.index)

    previous = at(parts["year"] - 1)
    proxy = at(parts["year"]) * 100.0 / parts["value"]
    # One kind of weight per combined cell: mixing the two would bias the index.
    complete = previous.notna().groupby([parts["unit"], parts["year"], parts["indicator"]]).transform("all")
    return previous.where(complete, proxy)


def harmonise(obs: pd.DataFrame, regions: pd.DataFrame, indicators: pd.DataFrame, basis: str):
    """Map stored observations onto the units of ``basis``.

    Parameters
    ----------
    obs : DataFrame
        Stored observations (columns ``region, year, indicator, territory, value``), sub-national.
    regions, indicators : DataFrame
        The metadata tables.
    basis : {"stable", "current"}

    Returns
    -------
    long : DataFrame
        Columns ``unit, year, indicator, value``, one row per cell with a figure.
    approximate : set of (unit, year, indicator)
        Cells that are population-weighted approximations.

    Examples
    --------
    >>> from analysis.data.tables import load_tables
    >>> t = load_tables(None)
    >>> long, approx = harmonise(t.observations, t.regions, t.indicators, "stable")
    >>> sorted(long["unit"].unique())[-1]
    'KZ-SKO'
    """
    mapping = stable_map(regions) if basis == "stable" else current_map(regions)
    merged = obs[["region", "year", "indicator", "territory", "value"]].merge(
        mapping, on=["region", "territory"], how="inner"
    )
    primary = merged[merged["role"] == "primary"][["unit", "year", "indicator", "value"]]
    parts = merged[merged["role"] == "component"]
    if parts.empty:
        return primary.reset_index(drop=True), set()

    # Parts count only where no figure exists for the unit's own territory.
    have = pd.MultiIndex.from_frame(primary[["unit", "year", "indicator"]])
    parts = parts[~pd.MultiIndex.from_frame(parts[["unit", "year", "indicator"]]).isin(have)]
    how = indicators.set_index("id")["aggregation"]

    weights = obs.loc[obs["indicator"] == WEIGHT, ["region", "territory", "year", "value"]]
    parts = parts.merge(
        weights.rename(columns={"value": "weight"}), on=["region", "territory", "year"], how="left"
    )
    volume = parts["indicator"].isin(list(VOLUME_WEIGHTS))
    if volume.any():
        parts.loc[volume, "weight"] = _volume_weights(parts[volume], obs)
    parts["weighted"] = parts["value"] * parts["weight"]
    grouped = parts.groupby(["unit", "year", "indicator"], sort=False).agg(
        n=("value", "size"),
        n_weights=("weight", "count"),
        total=("value", "sum"),
        wsum=("weighted", "sum"),
        w=("weight", "sum"),
    )
    units = grouped.index.get_level_values("unit")
    needed = units.map(mapping.groupby("unit")["n_components"].first())
    how_of = grouped.index.get_level_values("indicator").map(how)
    is_sum = np.asarray(how_of == "sum")
    weighted = np.asarray(how_of.isin(["population_weighted", "volume_index"])) & (grouped["n_weights"].to_numpy() == grouped["n"].to_numpy())
    complete = grouped["n"].to_numpy() == np.asarray(needed)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(is_sum, grouped["total"], np.where(weighted, grouped["wsum"] / grouped["w"], np.nan))
    built = pd.DataFrame({"value": value, "how": how_of}, index=grouped.index)[complete].reset_index()
    built = built[built["value"].notna()]
    approx = built[built["how"].isin(["population_weighted", "volume_index"])]
    approximate = set(zip(approx["unit"], approx["year"].astype(int), approx["indicator"]))
    long = pd.concat([primary, built.drop(columns="how")], ignore_index=True)
    return long, approximate
