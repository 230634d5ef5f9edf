"""Aimaq's data room: load, validate and harmonise the official regional statistics in ``data/``.

Public API (the contract in ARCHITECTURE.md)::

    load_panel(basis="stable"|"current", data_dir=None, *, until=None, include_unverified=False, as_of=None,
               indicators=None)
    load_national(data_dir=None, *, until=None, as_of=None, indicators=None)
    load_map_panel(year, data_dir=None, *, until=None, ..., indicators=None)   (the map in force in `year`)
    data_years()                                  (years with any regional figure: valid editions)
    load_regions(), load_indicators(), load_programmes(), units(year, basis)   (basis: stable, current, map)
    coverage_table(basis), per_capita_check()     (for the data overview page)
    load_intensity(programme, basis)              (programme intensity per capita, programme_intensity.csv)

The loaders that read observations return *data products* (:mod:`analysis.data.products`): the
pipeline computes an edition's products as files before any run, each run declares the products
(and indicator columns) it reads, and inside a run the loaders serve only those, so a page is
re-executed only when a declared column changes; an undeclared read stops the run with
:class:`~analysis.data.products.UndeclaredRead`.
    DataError(file, row, column, value, expected)
"""

from analysis.data.coverage import coverage_table, per_capita_check
from analysis.data.errors import DataError
from analysis.data.intensity import load_intensity
from analysis.data.metadata import load_indicators, load_programmes, load_regions, price_basis, units
from analysis.data.derived import DERIVED
from analysis.data.panel import data_years, load_map_panel, load_national, load_panel

__all__ = [
    "DataError",
    "DERIVED",
    "data_years",
    "coverage_table",
    "per_capita_check",
    "load_indicators",
    "load_intensity",
    "load_map_panel",
    "load_national",
    "load_panel",
    "load_programmes",
    "price_basis",
    "load_regions",
    "units",
]
