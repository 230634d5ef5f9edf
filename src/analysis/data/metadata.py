"""The metadata tables (names in kk/ru/en) and ``units(year, basis)``."""

from __future__ import annotations

import os
import re

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


_CONSTANT_PRICES = re.compile(r"\bat \d{4} prices\b", re.I)
_VOLUME_INDEX = re.compile(r"volume[ _]index", re.I)
_CURRENCY = re.compile(r"\b(KZT|tenge|roubles?|rubles?|US dollars?|USD)\b", re.I)
_NOMINAL = re.compile(r"nominal|current prices", re.I)


def price_basis(indicator: str, unit_en: str, source: str, note: str) -> str:
    """``"real"``, ``"nominal"`` or ``"none"`` (not money) for one indicator of ``data/indicators.csv``.

    ``real`` when the unit names constant prices ("at 2015 prices") or the series is, or is
    computed from, a volume index; ``nominal`` when the unit is a currency or the indicator
    says it is nominal; ``none`` for quantities that are not money (persons, %, ratios).
    The data overview counts indicators by it and figure units say "nominal" by it.

    Examples
    --------
    >>> price_basis("grp_real", "million KZT at 2015 prices", "computed: ...", "")
    'real'
    >>> price_basis("income_per_capita_nominal_monthly", "KZT per month", "BNS", "")
    'nominal'
    >>> price_basis("unemployment_rate", "%", "BNS (stat.gov.kz): labour force survey", "")
    'none'
    """
    unit_en, source, note = str(unit_en or ""), str(source or ""), str(note or "")
    if _CONSTANT_PRICES.search(unit_en) or _VOLUME_INDEX.search(source) or indicator.endswith("_real"):
        return "real"
    if _CURRENCY.search(unit_en) or _NOMINAL.search(indicator) or _NOMINAL.search(note):
        return "nominal"
    return "none"


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
