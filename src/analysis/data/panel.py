"""``load_panel`` and ``load_national``: the regions x years panel every notebook starts from."""

from __future__ import annotations

import os
from collections.abc import Sequence

import pandas as pd

from analysis.data.checks import check_national_sums
from analysis.data.derived import add_derived
from analysis.data.errors import DataError
from analysis.data.harmonise import harmonise
from analysis.data.tables import Tables, load_tables
from analysis.data.products import product_loader
from analysis.data.units import current_units, stable_units, units_in_year

BASES = ("stable", "current")


def effective_observations(tables: Tables, as_of: str | None, include_unverified: bool = False) -> pd.DataFrame:
    """The observations in force on date ``as_of`` (ISO ``YYYY-MM-DD``; None = today's files).

    A value recorded after ``as_of`` is dropped; a value revised after ``as_of`` is replaced by the
    version recorded in ``revisions.csv`` that was in force on that date.

    Examples
    --------
    >>> t = load_tables(None)
    >>> len(effective_observations(t, "2000-01-01"))
    0
    """
    obs = tables.observations
    if include_unverified:
        obs = pd.concat([obs, tables.unverified])
    if as_of is None:
        return obs
    if not (isinstance(as_of, str) and len(as_of) == 10 and as_of[4] == "-" and as_of[7] == "-"):
        raise DataError("(argument as_of)", None, None, as_of, "an ISO date YYYY-MM-DD")
    rev = tables.revisions
    old = rev[(rev["recorded"] <= as_of) & (rev["superseded"] > as_of)]
    return pd.concat([obs[obs["recorded"] <= as_of], old[obs.columns]])


def _year_or_none(until) -> int | None:
    """``until`` as an int; papermill may pass "2022" as text, anything else is refused."""
    if until is None:
        return None
    try:
        year = int(str(until).strip())
    except ValueError:
        raise DataError("(argument until)", None, None, until, "a year such as 2022") from None
    if not 1990 <= year <= 2100:
        raise DataError("(argument until)", None, None, until, "a year between 1990 and 2100")
    return year


def _wide(long: pd.DataFrame, index: list[str], columns: list[str]) -> pd.DataFrame:
    wide = long.pivot(index=index, columns="indicator", values="value")
    return wide.reindex(columns=columns)


def _indicator_columns(tables: Tables, include_unverified: bool) -> list[str]:
    ind = tables.indicators
    keep = ind["derived"] == "false"
    if not include_unverified:
        keep &= ind["status"] == "verified"
    return list(ind.loc[keep, "id"])


def _national(tables: Tables, obs: pd.DataFrame, columns: list[str], until: int | None) -> pd.DataFrame:
    nat = obs[obs["region"] == "KZ"]
    if until is not None:
        nat = nat[nat["year"] <= until]
    wide = _wide(nat, ["year"], columns).reset_index()
    wide["year"] = wide["year"].astype(int)
    wide = wide.sort_values("year").reset_index(drop=True)
    return add_derived(wide, national=None, group=None)


@product_loader(select=lambda full, columns: _select_national(full, columns))
def load_national(data_dir: str | os.PathLike | None = None, *, until: int | None = None,
                  as_of: str | None = None, include_unverified: bool = False,
                  indicators: Sequence[str] | None = None) -> pd.DataFrame:
    """Kazakhstan's national series, indexed by year, with the same indicator columns as the panel.

    ``indicators`` keeps only those columns (see :func:`load_panel`).

    Examples
    --------
    >>> nat = load_national(until=2020)
    >>> int(nat.index.max()), round(float(nat.loc[2019, "grp_per_capita_rel"]), 6)
    (2020, 1.0)
    >>> list(load_national(until=2020, indicators=["grp_nominal"]).columns)
    ['grp_nominal']
    """
    until = _year_or_none(until)
    tables = load_tables(data_dir)
    obs = effective_observations(tables, as_of, include_unverified)
    columns = _indicator_columns(tables, include_unverified)
    national = _national(tables, obs, columns, until).set_index("year")
    return national if indicators is None else _select_national(national, indicators)


def _select_national(national: pd.DataFrame, indicators: Sequence[str] | None) -> pd.DataFrame:
    # One selection for the loader and for a run served from the product file: the same frame either way.
    return national.copy() if indicators is None else national[_chosen(national, indicators, [])]


@product_loader(select=lambda full, columns: _copy(full, columns))
def load_panel(basis: str = "stable", data_dir: str | os.PathLike | None = None, *,
               until: int | None = None, include_unverified: bool = False,
               as_of: str | None = None, indicators: Sequence[str] | None = None) -> pd.DataFrame:
    """The regions x years panel on one basis of units, checked on every load.

    Parameters
    ----------
    basis : {"stable", "current"}
        ``stable``: 16 units comparable since 1990 (South Kazakhstan ``KZ-SKO`` = Turkistan +
        Shymkent; 2022's Abai, Jetisu and Ulytau folded back into their parents).
        ``current``: today's 20 units on today's territory; missing where BNS gives no figure.
    data_dir : path, optional
        Data directory; None means ``$AIMAQ_DATA_DIR`` or the project's ``data/``.
    until : int, optional
        Keep years ``<= until`` (edition ``until`` sees no later data; so its last
        average population, which needs 1 January of the next year, is missing).
    include_unverified : bool
        Add the unverified series of ``unverified.csv`` (off for every analysis by default).
    as_of : str, optional
        ISO date: rebuild the panel with the figures in force on that date (revisions undone).
    indicators : list of str, optional
        Keep only these indicator columns (stored or derived; derived ones are still computed
        from their inputs). A notebook that names what it reads is re-executed by the pipeline
        only when those columns change (see :mod:`analysis.data.products`).

    Returns
    -------
    DataFrame
        Columns ``region``, ``year``, then one float column per stored and derived indicator
        (or per ``indicators``);
        one row per unit and year from the first to the last year with any figure.
        ``attrs["approximate"]`` is the set of (region, year, indicator) that are
        population-weighted approximations; ``attrs["basis"]`` the basis.

    Examples
    --------
    >>> panel = load_panel("stable", until=2020)
    >>> panel["region"].nunique(), int(panel["year"].max())
    (16, 2020)
    >>> row = panel[(panel.region == "KZ-SKO") & (panel.year == 2020)]
    >>> bool(row["grp_nominal"].notna().all())
    True
    >>> list(load_panel("stable", until=2020, indicators=["grp_per_capita"]).columns)
    ['region', 'year', 'grp_per_capita']
    """
    if basis not in BASES:
        raise DataError("(argument basis)", None, None, basis, "one of 'stable', 'current'")
    until = _year_or_none(until)
    tables = load_tables(data_dir)
    key = (basis, until, include_unverified, as_of)
    hit = _PANELS.get(key)
    if hit is not None and hit[0] is tables:  # same validated files: reuse, hand out a copy
        return _copy(hit[1], indicators)
    panel = _build_panel(tables, basis, until, include_unverified, as_of)
    if _PANELS and next(iter(_PANELS.values()))[0] is not tables:
        _PANELS.clear()
    _PANELS[key] = (tables, panel)
    return _copy(panel, indicators)


_PANELS: dict[tuple, tuple[Tables, pd.DataFrame]] = {}


@product_loader(select=lambda full, columns: _copy(full, columns))
def load_map_panel(year: int, data_dir: str | os.PathLike | None = None, *, until: int | None = None,
                   include_unverified: bool = False, as_of: str | None = None,
                   indicators: Sequence[str] | None = None) -> pd.DataFrame:
    """The units of the administrative map in force in ``year``, each on its territory of that year.

    This is what an edition of ``year`` reports region by region. From 2022 it is the
    current basis. Before, a unit whose territory changed later (Almaty oblast, Karaganda
    and East Kazakhstan in 2022) takes its stable-basis figures, which describe its
    territory before the split; South Kazakhstan (to 2017) exists only on the stable basis;
    every other unit is the same on both bases. Years after ``year`` are not included.

    Parameters
    ----------
    year : int
        The year whose map is used (an edition's report year).
    data_dir, until, include_unverified, as_of, indicators
        As for :func:`load_panel`; ``until`` defaults to ``year``.

    Returns
    -------
    DataFrame
        Like :func:`load_panel`, for the units of ``units(year, "map")``;
        ``attrs["basis"]`` is ``"map"``.

    Examples
    --------
    >>> panel = load_map_panel(2019)
    >>> panel["region"].nunique(), int(panel["year"].max())
    (17, 2019)
    >>> row = panel[(panel.region == "KZ-35") & (panel.year == 2019)]
    >>> bool(row["grp_nominal"].notna().all())
    True
    >>> sorted(load_map_panel(2015)["region"].unique())[-1]
    'KZ-SKO'
    """
    year = int(year)
    until = year if until is None else min(int(until), year)
    tables = load_tables(data_dir)
    split_year = tables.regions.set_index("code")["split_year"]
    current_codes = set(current_units(tables.regions))
    options = dict(until=until, include_unverified=include_unverified, as_of=as_of, indicators=indicators)
    parts, approximate = [], set()
    for basis in BASES:
        panel = load_panel(basis, data_dir, **options)
        wanted = [
            code for code in units_in_year(tables.regions, year, "map")
            if (basis == "current") == (code in current_codes and year >= int(split_year[code] or 0))
        ]
        parts.append(panel[panel["region"].isin(wanted)])
        approximate |= {cell for cell in panel.attrs["approximate"] if cell[0] in wanted}
    out = pd.concat(parts, ignore_index=True).sort_values(["region", "year"], ignore_index=True)
    out.attrs = {"approximate": approximate, "basis": "map"}
    return out


def _chosen(frame: pd.DataFrame, indicators: Sequence[str], keys: list[str]) -> list[str]:
    """``keys`` + ``indicators``, each checked to be an indicator column of ``frame``."""
    if isinstance(indicators, str):
        indicators = [indicators]
    valid = [c for c in frame.columns if c not in keys]
    for name in indicators:
        if name not in valid:
            raise DataError("(argument indicators)", None, None, name, "one of: " + ", ".join(valid))
    return keys + list(dict.fromkeys(indicators))


def _copy(panel: pd.DataFrame, indicators: Sequence[str] | None = None) -> pd.DataFrame:
    if indicators is None:
        out = panel.copy()
        approximate = set(panel.attrs["approximate"])
    else:
        columns = _chosen(panel, indicators, ["region", "year"])
        out = panel[columns].copy()
        approximate = {cell for cell in panel.attrs["approximate"] if cell[2] in columns}
    out.attrs = {"approximate": approximate, "basis": panel.attrs["basis"]}
    return out


@product_loader()
def data_years(data_dir: str | os.PathLike | None = None) -> list[int]:
    """The years with at least one regional figure in the data (the valid edition years).

    Examples
    --------
    >>> 2022 in data_years()
    True
    """
    panel = load_panel("current", data_dir)
    values = panel.drop(columns=["region", "year"])
    return sorted(int(y) for y in panel.loc[values.notna().any(axis=1), "year"].unique())


def _build_panel(tables: Tables, basis: str, until: int | None, include_unverified: bool,
                 as_of: str | None) -> pd.DataFrame:
    obs = effective_observations(tables, as_of, include_unverified)
    sub = obs[obs["region"] != "KZ"]
    long, approximate = harmonise(sub, tables.regions, tables.indicators, basis)
    if basis == "stable":
        check_national_sums(long, obs, "observations.csv")
    columns = _indicator_columns(tables, include_unverified)
    units = stable_units(tables.regions) if basis == "stable" else current_units(tables.regions)
    years = range(int(sub["year"].min()), int(sub["year"].max()) + 1) if len(sub) else range(0)
    long = long.rename(columns={"unit": "region"})
    grid = pd.MultiIndex.from_product([units, years], names=["region", "year"])
    wide = _wide(long, ["region", "year"], columns).reindex(grid).reset_index()
    if until is not None:
        wide = wide[wide["year"] <= until].reset_index(drop=True)
        approximate = {cell for cell in approximate if cell[1] <= until}
    national = _national(tables, obs, columns, until)
    panel = add_derived(wide, national=national, group="region")
    panel.columns.name = None
    panel.attrs["approximate"] = approximate
    panel.attrs["basis"] = basis
    return panel


__all__ = ["data_years", "load_panel", "load_map_panel", "load_national"]
