"""Data products: the tables an edition's pages read, and the loaders serving only declared ones.

A *data product* is one table a page may read from the observations, as computed for an
edition ``Y`` (the report year) on its date of the data ``D`` (``as_of``: the figures in force
then; none for an edition built on today's figures) by the public loaders, each called with
``as_of=D`` where it takes one:

==================  ============================================  ===========
product             computed as                                   columns
==================  ============================================  ===========
``panel-stable``    ``load_panel("stable", until=Y)``             indicators
``panel-current``   ``load_panel("current", until=Y)``            indicators
``panel-stable-all````load_panel("stable")`` (every year)           indicators
``panel-current-all````load_panel("current")`` (every year)          indicators
``map-panel``       ``load_map_panel(Y)``                         indicators
``national``        ``load_national(until=Y)``                    indicators
``data-years``      ``data_years()``                              (whole)
``coverage-stable`` ``coverage_table("stable")``                  (whole)
``coverage-current````coverage_table("current")``                 (whole)
``per-capita-check````per_capita_check()``                        (whole)
==================  ============================================  ===========

The pipeline (:mod:`analysis.pipeline.products`) computes the products of an edition as
files before any run and hashes them, column by column where a product has indicator
columns. A run *declares* the products it reads (and which indicator columns): its key
covers only those hashes, so an edited figure re-executes the pages that read its column.

Inside a pipeline run the loaders are in *serving* mode (:func:`serve`): each call of a
loader above is mapped to its product and columns; a declared one is served from the
product's file, anything else stops the run with :class:`UndeclaredRead`, which says what
to declare. Outside a pipeline run (plain ``papermill``, tests, the CLI) the loaders
compute as usual. The product files hold what the loaders return, so a page is the same
either way.

Examples
--------
>>> from analysis.data import load_national
>>> product_of("load_national", {"until": 2023, "as_of": None, "include_unverified": False,
...                              "indicators": ["grp_nominal"]}, 2023)
('national', ('grp_nominal',))
>>> product_of("load_national", {"until": 2022, "as_of": None, "include_unverified": False,
...                              "indicators": None}, 2023) is None
True
"""

from __future__ import annotations

import functools
import inspect
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis.data.paths import resolve_data_dir

#: Products with one column per indicator (a run may declare a subset of them).
COLUMN_PRODUCTS = ("panel-stable", "panel-current", "panel-stable-all", "panel-current-all", "map-panel",
                   "national")
#: Products read whole.
WHOLE_PRODUCTS = ("data-years", "coverage-stable", "coverage-current", "per-capita-check")
PRODUCTS = COLUMN_PRODUCTS + WHOLE_PRODUCTS
#: Every page checks its year against the years with data: declared for every run.
ALWAYS_DECLARED = ("data-years",)

_LOADERS: dict[str, Callable] = {}


class UndeclaredRead(RuntimeError):
    """A loader call in a pipeline run that its declared reads do not cover (the message says what to declare)."""


@dataclass(frozen=True)
class Serving:
    """What the current run may read: its edition, data folder and ``{product: (file, columns or None)}``."""

    edition: int
    data_dir: str
    products: Mapping[str, tuple[str, tuple[str, ...] | None]]
    run: str = "this run"
    as_of: str | None = None  # the edition's date of the data (None: today's figures)

    @classmethod
    def from_json(cls, text: str) -> Serving:
        spec = json.loads(text)
        products = {name: (entry["file"], None if entry["columns"] is None else tuple(entry["columns"]))
                    for name, entry in spec["products"].items()}
        return cls(int(spec["edition"]), str(spec["data_dir"]), products, str(spec.get("run", "this run")),
                   spec.get("as_of") or None)


_serving: Serving | None = None
_files: dict[tuple, Any] = {}


def serve(spec: str | None) -> None:
    """Serve the declared products of the run about to execute (JSON text of the pipeline); None stops serving."""
    global _serving
    _serving = None if spec is None else Serving.from_json(spec)


def serving() -> Serving | None:
    """The current run's declared reads, or None outside a pipeline run."""
    return _serving


def compute(name: str, edition: int, data_dir, as_of: str | None = None) -> Any:
    """A product of ``edition`` as the loaders compute it on its date of the data ``as_of`` (None: today).

    The pipeline writes it to a file.

    Examples
    --------
    >>> compute("data-years", 2023, None)[-1] >= 2023
    True
    """
    from analysis.data import coverage, panel

    edition = int(edition)
    calls = {
        "panel-stable": lambda: panel.load_panel("stable", data_dir, until=edition, as_of=as_of),
        "panel-current": lambda: panel.load_panel("current", data_dir, until=edition, as_of=as_of),
        "panel-stable-all": lambda: panel.load_panel("stable", data_dir, as_of=as_of),
        "panel-current-all": lambda: panel.load_panel("current", data_dir, as_of=as_of),
        "map-panel": lambda: panel.load_map_panel(edition, data_dir, as_of=as_of),
        "national": lambda: panel.load_national(data_dir, until=edition, as_of=as_of),
        "data-years": lambda: panel.data_years(data_dir),
        "coverage-stable": lambda: coverage.coverage_table("stable", data_dir),
        "coverage-current": lambda: coverage.coverage_table("current", data_dir),
        "per-capita-check": lambda: coverage.per_capita_check(data_dir),
    }
    if name not in calls:
        raise KeyError(f"{name!r} is not a data product; the products are: {', '.join(PRODUCTS)}")
    return _without_serving(calls[name])


def _without_serving(function: Callable) -> Any:
    global _serving
    previous, _serving = _serving, None
    try:
        return function()
    finally:
        _serving = previous


def _year(value) -> int | None:
    if value is None:
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _columns(indicators) -> tuple[str, ...] | None:
    if indicators is None:
        return None
    if isinstance(indicators, str):
        return (indicators,)
    return tuple(dict.fromkeys(str(i) for i in indicators))


def product_of(loader: str, arguments: Mapping[str, Any], edition: int,
               as_of: str | None = None) -> tuple[str, tuple[str, ...] | None] | None:
    """``(product, columns)`` a loader call reads in edition ``edition`` (columns None: all), or None if no product.

    ``arguments`` are the call's arguments by name, defaults applied, without ``data_dir``;
    ``as_of`` is the edition's date of the data: a call must ask for the figures of that date.
    """
    plain = (arguments.get("as_of") or None) == (as_of or None) and not arguments.get("include_unverified", False)
    if loader == "load_panel":
        basis, until = arguments.get("basis"), arguments.get("until")
        if plain and basis in ("stable", "current") and until is None:  # every year (e.g. load_intensity)
            return f"panel-{basis}-all", _columns(arguments.get("indicators"))
        if plain and _year(until) == edition and basis in ("stable", "current"):
            return f"panel-{basis}", _columns(arguments.get("indicators"))
    elif loader == "load_map_panel":
        year, until = _year(arguments.get("year")), _year(arguments.get("until"))
        if plain and year == edition and (until is None or until >= year):
            return "map-panel", _columns(arguments.get("indicators"))
    elif loader == "load_national":
        if plain and _year(arguments.get("until")) == edition:
            return "national", _columns(arguments.get("indicators"))
    elif loader == "data_years":
        return "data-years", None
    elif loader == "coverage_table":
        if arguments.get("basis") in ("stable", "current"):
            return f"coverage-{arguments['basis']}", None
    elif loader == "per_capita_check":
        return "per-capita-check", None
    return None


def _read(path: str) -> Any:
    st = os.stat(path)
    key = (path, st.st_mtime_ns, st.st_size)
    if key not in _files:
        if len(_files) > 32:  # a kernel lives for a whole build: keep memory flat
            _files.clear()
        _files[key] = pd.read_pickle(path)
    return _files[key]


def _describe(loader: str, arguments: Mapping[str, Any]) -> str:
    shown = ", ".join(f"{k}={v!r}" for k, v in arguments.items())
    return f"{loader}({shown})"


def _declared_text(spec: Serving) -> str:
    parts = [name if columns is None else f"{name} [{', '.join(columns)}]"
             for name, (_, columns) in sorted(spec.products.items())]
    return "; ".join(parts) or "nothing"


def _serve(spec: Serving, loader: str, arguments: dict, select: Callable | None) -> Any:
    data_dir = arguments.pop("data_dir")
    call = _describe(loader, arguments)
    if resolve_data_dir(data_dir).resolve() != resolve_data_dir(spec.data_dir).resolve():
        raise UndeclaredRead(f"{spec.run}: {call} reads the data folder {os.fspath(data_dir)!r}, not the run's "
                             f"({spec.data_dir}); a pipeline run reads its own data folder only")
    found = product_of(loader, arguments, spec.edition, spec.as_of)
    if found is None:
        dated = f"as_of={spec.as_of!r}" if spec.as_of else "no as_of"
        raise UndeclaredRead(
            f"{spec.run}: {call} is not a data product of edition {spec.edition}; a page of edition "
            f"{spec.edition} reads the products of analysis.data.products ({', '.join(PRODUCTS)}): "
            f"until={spec.edition}, {dated}, no unverified series")
    name, columns = found
    entry = spec.products.get(name)
    declared = None if entry is None else entry[1]
    if entry is None or (declared is not None and (columns is None or not set(columns) <= set(declared))):
        wanted = "all columns" if columns is None else ", ".join(c for c in columns if declared is None
                                                                or c not in declared)
        example = f"{name}: '*'" if columns is None else f"{name}: [{', '.join(columns)}]"
        raise UndeclaredRead(
            f"{spec.run}: {call} reads {name} ({wanted}), which the run did not declare "
            f"(declared: {_declared_text(spec)}); declare it under `reads:` of the run in notebooks/manifest.yml "
            f"or in the notebook's metadata {{\"aimaq\": {{\"reads\": {{...}}}}}}, e.g. `{example}`")
    full = _read(entry[0])
    if select is not None:
        return select(full, None if columns is None else list(columns))
    return full.copy() if hasattr(full, "copy") else full


def product_loader(select: Callable | None = None) -> Callable:
    """Make a public loader serve only declared products inside a pipeline run (it must take ``data_dir``).

    ``select(full, columns)`` picks the requested indicator columns out of the whole product
    exactly as the loader's own ``indicators=`` does (None: everything, as a copy).
    """
    def decorate(loader: Callable) -> Callable:
        signature = inspect.signature(loader)
        if "data_dir" not in signature.parameters:
            raise TypeError(f"{loader.__name__}: a product loader takes data_dir")

        @functools.wraps(loader)
        def wrapper(*args, **kwargs):
            spec = _serving
            if spec is None:
                return loader(*args, **kwargs)
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            return _serve(spec, loader.__name__, dict(bound.arguments), select)

        _LOADERS[loader.__name__] = wrapper
        return wrapper

    return decorate


__all__ = ["ALWAYS_DECLARED", "COLUMN_PRODUCTS", "PRODUCTS", "Serving", "UndeclaredRead", "WHOLE_PRODUCTS",
           "compute", "product_loader", "product_of", "serve", "serving"]
