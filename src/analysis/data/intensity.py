"""Programme intensity: how much support a region received, per capita, on a basis of units.

``programme_intensity.csv`` holds series that a programme operator publishes on one declared map
(``map`` = ``post-2022``: today's 20 units, in *every* year, also before Abai, Jetisu and Ulytau
existed). The Business Roadmap 2020/2025 series (Damu fund: loans approved for interest subsidy,
billion KZT, by year of approval, 2010-2022) is the first. On load the file is checked: known
programme, codes of the declared map, regions adding up to the national row. On the stable basis
the offshoots are added back to their parents (Abai -> East Kazakhstan, Jetisu -> Almaty oblast,
Ulytau -> Karaganda, Turkistan + Shymkent -> South Kazakhstan); a region without a row in a year
counts as zero there, because the regions add up exactly to the national total (so nothing is
missing: Shymkent before 2015 is inside Turkistan's figure). The current basis gives today's units
only where a figure exists.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from analysis.data.errors import DataError
from analysis.data.paths import resolve_data_dir
from analysis.data.schemas import read_table
from analysis.data.tables import load_tables
from analysis.data.units import current_units, split_codes, stable_units

FILE = "programme_intensity.csv"
SUM_RTOL = 1e-6  # the Damu report adds up to rounding of its 6 decimals


def _to_stable(regions: pd.DataFrame) -> dict[str, str]:
    """Today's unit -> the stable unit containing it."""
    by_code = regions.set_index("code")
    out = {}
    for unit in stable_units(regions):
        out[unit] = unit
        for child in split_codes(by_code.loc[unit, "successors"]):
            out[child] = unit
    return out


def check_intensity(table: pd.DataFrame, regions: pd.DataFrame, programmes: pd.DataFrame) -> None:
    """Codes of the declared map, a known programme, regions summing to the national row.

    Examples
    --------
    >>> t = load_tables(None)
    >>> bad = pd.DataFrame({"programme": ["business_roadmap_2020"], "indicator": ["x"],
    ...                     "region": ["KZ-SKO"], "year": [2015], "map": ["post-2022"],
    ...                     "value": [1.0]})
    >>> check_intensity(bad, t.regions, t.programmes)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    analysis.data.errors.DataError: programme_intensity.csv, row 2, column 'region': got 'KZ-SKO', expected a unit of the post-2022 map (...)
    """
    known = set(programmes["programme"])
    units = set(current_units(regions)) | {"KZ"}
    for i, (prog, region) in enumerate(zip(table["programme"], table["region"])):
        if prog not in known:
            raise DataError(FILE, i + 2, "programme", prog, "a programme id listed in programmes.csv")
        if region not in units:
            raise DataError(FILE, i + 2, "region", region,
                            f"a unit of the post-2022 map ({', '.join(sorted(units))})")
    key = ["programme", "indicator", "region", "year"]
    dup = table.duplicated(key).to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise DataError(FILE, i + 2, ", ".join(key), " ".join(str(table[c].iloc[i]) for c in key),
                        "one row per programme, indicator, region, year")
    sub = table[table["region"] != "KZ"].groupby(["programme", "indicator", "year"])["value"].sum()
    for i, row in table[table["region"] == "KZ"].iterrows():
        total = sub.get((row["programme"], row["indicator"], row["year"]), 0.0)
        if abs(total - row["value"]) > SUM_RTOL * max(abs(row["value"]), 1.0) + 1e-6:
            raise DataError(FILE, int(i) + 2, "value", row["value"],
                            f"the national {row['indicator']} {row['year']} to equal the sum of the regions, {total:.6f}")


def load_intensity(programme: str = "business_roadmap_2020", basis: str = "stable",
                   data_dir: str | os.PathLike | None = None, *,
                   indicator: str = "subsidised_loans_approved", as_of: str | None = None) -> pd.DataFrame:
    """A programme's intensity by unit and year, in total and per capita.

    Parameters
    ----------
    programme : str
        Programme id of ``programmes.csv`` with rows in ``programme_intensity.csv``.
    basis : {"stable", "current"}
        Units (see :func:`analysis.data.load_panel`).
    data_dir : path, optional
    indicator : str
        The intensity series (Business Roadmap: ``subsidised_loans_approved``, billion KZT).
    as_of : str, optional
        Date ``YYYY-MM-DD``: only the rows recorded by then, and the population in force then.

    Returns
    -------
    DataFrame
        Columns ``region, year, amount`` (the file's unit, e.g. billion KZT), ``population_avg``
        (persons, from the panel) and ``per_capita`` (KZT per person = amount x 1e9 / population
        when the unit is billion KZT); one row per unit and year of the series. No rows when
        the series had not been recorded by ``as_of``.

    Examples
    --------
    >>> df = load_intensity()
    >>> df["region"].nunique(), int(df["year"].min()), int(df["year"].max())
    (16, 2010, 2022)
    >>> bool((df["per_capita"] >= 0).all())
    True
    """
    from analysis.data.panel import load_panel

    root = resolve_data_dir(data_dir)
    tables = load_tables(data_dir)
    table = read_table(root, FILE)
    check_intensity(table, tables.regions, tables.programmes)
    rows = table[(table["programme"] == programme) & (table["indicator"] == indicator)]
    if rows.empty:
        raise DataError("(argument programme)", None, None, f"{programme}/{indicator}",
                        "a programme and indicator with rows in programme_intensity.csv")
    units_of = table.loc[rows.index, "unit"].unique()
    if as_of is not None:
        rows = rows[rows["recorded"].astype(str) <= str(as_of)]
        if rows.empty:
            return pd.DataFrame({"region": pd.Series(dtype=object), "year": pd.Series(dtype=int),
                                 "amount": [], "population_avg": [], "per_capita": []})
    sub = rows[rows["region"] != "KZ"]
    years = range(int(sub["year"].min()), int(sub["year"].max()) + 1)
    if basis == "stable":
        mapped = sub.assign(region=sub["region"].map(_to_stable(tables.regions)))
        amount = mapped.groupby(["region", "year"])["value"].sum()
        grid = pd.MultiIndex.from_product([stable_units(tables.regions), years], names=["region", "year"])
        amount = amount.reindex(grid, fill_value=0.0)  # no row = none approved (the sum is exact)
    elif basis == "current":
        amount = sub.set_index(["region", "year"])["value"]
    else:
        raise DataError("(argument basis)", None, None, basis, "one of 'stable', 'current'")
    out = amount.rename("amount").reset_index()
    pop = load_panel(basis, data_dir, as_of=as_of, indicators=["population_avg"])
    out = out.merge(pop, on=["region", "year"], how="left")
    scale = 1e9 if units_of[0].startswith("billion") else 1e6 if units_of[0].startswith("million") else 1.0
    out["per_capita"] = out["amount"] * scale / out["population_avg"]
    out.attrs = {"unit": units_of[0], "per_capita_unit": "KZT per person", "basis": basis}
    return out.sort_values(["region", "year"], ignore_index=True)


__all__ = ["check_intensity", "load_intensity"]
