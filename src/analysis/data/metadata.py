"""The metadata tables (names in kk/ru/en) and ``units(year, basis)``."""

from __future__ import annotations

import os

import pandas as pd

from analysis.data.errors import DataError
from analysis.data.tables import load_tables
from analysis.data.units import units_in_year


def load_regions(data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Every statistical unit since 1990, indexed by code.

    Examples
    --------
    >>> load_regions().loc["KZ-43", "name_kk"]
    'Қызылорда облысы'
    """
    return load_tables(data_dir).regions.set_index("code", drop=False).rename_axis(None).copy()


def load_indicators(data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Every indicator (stored and derived), indexed by id; ``derived`` is a bool column.

    Examples
    --------
    >>> ind = load_indicators()
    >>> ind.loc["grp_per_capita", "name_ru"], bool(ind.loc["grp_per_capita", "derived"])
    ('ВРП на душу населения', True)
    """
    ind = load_tables(data_dir).indicators.set_index("id", drop=False).rename_axis(None).copy()
    ind["derived"] = ind["derived"] == "true"
    return ind


def load_programmes(data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Targeted programmes and special economic zones, one row per (programme, region, item).

    ``start``/``end`` are text: an ISO date, a year, or empty when the source only says the
    programme "existed by" some date (see ``legal_act``, ``confidence`` and ``note``).

    Examples
    --------
    >>> sorted(load_programmes().query("programme == 'aral_2007'")["region"])
    ['KZ-15', 'KZ-35', 'KZ-43', 'KZ-SKO']
    """
    tables = load_tables(data_dir)
    prog = tables.programmes.copy()
    known = prog["region"].isin(tables.regions["code"])
    if not known.all():
        row = int(prog.index[~known][0]) + 2
        raise DataError("programmes.csv", row, "region", prog.loc[~known, "region"].iloc[0],
                        "a code listed in regions.csv")
    return prog


def units(year: int, basis: str = "current", data_dir: str | os.PathLike | None = None) -> list[str]:
    """Region codes of ``basis`` that exist in ``year`` (existing on 31 December).

    Current basis: today's units created by then (17 in 2018-2021, 20 from 2022).
    Stable basis: the 16 comparable units (Astana from 1997).
    Map: the units of the administrative map in force in ``year`` (16 in 2015, 17 in 2018-2021,
    20 from 2022), as an edition of that year reports them.

    Examples
    --------
    >>> len(units(2021)), len(units(2022)), len(units(2022, "stable"))
    (17, 20, 16)
    >>> len(units(2015, "map")), "KZ-SKO" in units(2015, "map"), len(units(2019, "map"))
    (16, True, 17)
    """
    if basis not in ("stable", "current", "map"):
        raise DataError("(argument basis)", None, None, basis, "one of 'stable', 'current', 'map'")
    return units_in_year(load_tables(data_dir).regions, int(year), basis)
