"""Which statistical units exist when, and how units of the two bases are built from the stored ones.

Validity follows one rule: a unit counts for year ``y`` if it existed on 31 December of ``y``
(South Kazakhstan ended on 2018-06-18, so its last year is 2017; Turkistan, created 2018-06-19,
counts from 2018). A year-only ``valid_to`` such as ``1997`` means the unit ended during that year.
"""

from __future__ import annotations

import pandas as pd

FIRST_YEAR = 1990
LAST_YEAR = 9999
PRE, POST = "pre-2022", "post-2022"


def first_year(valid_from: str) -> int:
    """First statistical year of a unit.

    Examples
    --------
    >>> first_year(""), first_year("1997"), first_year("2018-06-19")
    (1990, 1997, 2018)
    """
    return int(valid_from[:4]) if valid_from else FIRST_YEAR


def last_year(valid_to: str) -> int:
    """Last statistical year of a unit (existed on 31 December).

    Examples
    --------
    >>> last_year(""), last_year("1997"), last_year("2018-06-18"), last_year("2020-12-31")
    (9999, 1996, 2017, 2020)
    """
    if not valid_to:
        return LAST_YEAR
    year = int(valid_to[:4])
    return year if valid_to.endswith("-12-31") else year - 1


def split_codes(cell: str) -> list[str]:
    """Codes listed in a ``successors`` cell ("KZ-61; KZ-79").

    Examples
    --------
    >>> split_codes("KZ-61; KZ-79")
    ['KZ-61', 'KZ-79']
    """
    return [c.strip() for c in cell.split(";") if c.strip()]


def current_units(regions: pd.DataFrame) -> list[str]:
    """Today's sub-national units (20).

    Examples
    --------
    >>> from analysis.data.tables import load_tables
    >>> len(current_units(load_tables(None).regions))
    20
    """
    alive = regions[(regions["kind"] != "country") & (regions["valid_to"] == "")]
    return sorted(alive["code"])


def stable_units(regions: pd.DataFrame) -> list[str]:
    """Units comparable over the whole period (16): post-1997 units that are not later splits.

    Examples
    --------
    >>> from analysis.data.tables import load_tables
    >>> units = stable_units(load_tables(None).regions)
    >>> len(units), "KZ-SKO" in units, "KZ-61" in units
    (16, True, False)
    """
    sub = regions[(regions["kind"] != "country") & (regions["parent"] == "")]
    survived_1997 = sub["valid_to"].map(last_year) >= 1997
    return sorted(sub.loc[survived_1997, "code"])


def stable_map(regions: pd.DataFrame) -> pd.DataFrame:
    """How stored (region, territory) figures feed the stable units.

    Returns a table with columns ``region, territory, unit, role, n_components`` where ``role`` is
    ``primary`` (a figure published for the stable unit's own territory) or ``component`` (a part
    whose figures are aggregated only when no primary figure exists and all parts are present).

    Examples
    --------
    >>> from analysis.data.tables import load_tables
    >>> m = stable_map(load_tables(None).regions)
    >>> sorted(m.loc[m["unit"] == "KZ-35", "region"] + " " + m.loc[m["unit"] == "KZ-35", "role"])
    ['KZ-35 component', 'KZ-35 primary', 'KZ-62 component']
    """
    by_code = regions.set_index("code")
    rows = []
    for unit in stable_units(regions):
        info = by_code.loc[unit]
        successors = split_codes(info["successors"])
        if info["split_year"]:
            rows.append((unit, PRE, unit, "primary"))
            parts = [(unit, POST)] + [(s, "") for s in successors]
        else:
            rows.append((unit, "", unit, "primary"))
            parts = [(s, "") for s in successors] if info["valid_to"] else []
        rows += [(region, territory, unit, "component") for region, territory in parts]
    table = pd.DataFrame(rows, columns=["region", "territory", "unit", "role"])
    counts = table[table["role"] == "component"].groupby("unit").size()
    table["n_components"] = table["unit"].map(counts).fillna(0).astype(int)
    return table


def current_map(regions: pd.DataFrame) -> pd.DataFrame:
    """How stored (region, territory) figures feed today's units: only today's territory counts.

    Examples
    --------
    >>> from analysis.data.tables import load_tables
    >>> m = current_map(load_tables(None).regions).set_index("region")
    >>> m.loc["KZ-35", "territory"], len(m)
    ('post-2022', 20)
    """
    by_code = regions.set_index("code")
    rows = [
        (unit, POST if by_code.loc[unit, "split_year"] else "", unit, "primary")
        for unit in current_units(regions)
    ]
    table = pd.DataFrame(rows, columns=["region", "territory", "unit", "role"])
    table["n_components"] = 0
    return table


def units_in_year(regions: pd.DataFrame, year: int, basis: str) -> list[str]:
    """Codes of the basis's units that exist in ``year``.

    ``basis="map"`` gives the units of the administrative map in force in ``year``
    (16 in 2015, 17 in 2018-2021, 20 from 2022).

    Examples
    --------
    >>> from analysis.data.tables import load_tables
    >>> regions = load_tables(None).regions
    >>> len(units_in_year(regions, 2018, "current")), len(units_in_year(regions, 1996, "stable"))
    (17, 15)
    >>> [len(units_in_year(regions, y, "map")) for y in (2015, 2019, 2023)]
    [16, 17, 20]
    """
    by_code = regions.set_index("code")
    if basis == "map":
        # Every unit that existed on 31 December of the year, whichever basis it belongs to.
        codes = sorted(regions.loc[regions["kind"] != "country", "code"])
    else:
        codes = stable_units(regions) if basis == "stable" else current_units(regions)
    return [
        c
        for c in codes
        if first_year(by_code.loc[c, "valid_from"]) <= year
        and (basis == "stable" or year <= last_year(by_code.loc[c, "valid_to"]))
    ]
