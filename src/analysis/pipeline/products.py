"""Explicit inputs: each run's declared data products, computed as files and hashed before any run.

A run *declares* what it reads from the observations (:mod:`analysis.data.products` lists the
products): under ``reads:`` of its run template in ``notebooks/manifest.yml`` and/or in the
notebook's metadata (``{"aimaq": {"reads": {...}}}``); the two are merged. A declaration maps a
product to the indicator columns read, or ``"*"`` for all of them::

    reads:
      panel-stable: [grp_per_capita, population_avg]
      national: "*"
      map-panel: ["@index"]            # the indicators of the index framework (data/index.yml)

``data-years`` is declared for every run (every page checks its year against it).

Before any run, :func:`edition_products` computes each product an edition's runs declare
(``analysis.data.products.compute``), writes it to ``_build/products/<edition>/<name>.pkl`` and
hashes it: one digest for the product's keys (regions, years, basis), one per indicator column
(its values and its approximated cells). A product is recomputed only when the data it is
computed from or the library changed (its hashes are kept next to the file with the inputs they
were computed from), so a build with nothing changed reads no data.

A declared run's *data key* (:func:`declared_data_key`) covers the non-observation files of its
edition's data slice (regions, indicators, programmes, index framework, maps: whole files) and
the digests of exactly the columns it declared. Inside the run the loaders serve those products
from the files and refuse anything else (:class:`analysis.data.products.UndeclaredRead`).

A run that declares nothing (a notebook being rewritten) is not restricted: its loaders compute
as usual and its data key is the whole data slice of its edition, so any edit of that edition's
data re-executes it. That default is sound, only less precise.

Examples
--------
>>> parse_reads({"panel-stable": ["grp_per_capita"], "national": "*"}, "manifest.yml", "runs[0].reads")
{'panel-stable': ('grp_per_capita',), 'national': None}
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.pipeline.cache import atomic_write
from analysis.pipeline.errors import ManifestError

#: Kept in step with analysis.data.products (not imported: the pipeline's process imports the
#: data room only when a product has to be computed).
COLUMN_PRODUCTS = ("panel-stable", "panel-current", "panel-stable-all", "panel-current-all", "map-panel",
                   "national")
WHOLE_PRODUCTS = ("data-years", "coverage-stable", "coverage-current", "per-capita-check")
PRODUCTS = COLUMN_PRODUCTS + WHOLE_PRODUCTS
ALWAYS_DECLARED = ("data-years",)
#: In a column list: the indicators of the index framework (data/index.yml of the data folder).
INDEX_INDICATORS = "@index"
#: Products computed from the whole data (every year), not only the edition's slice.
_WHOLE_DATA = ("data-years", "coverage-stable", "coverage-current", "per-capita-check", "panel-stable-all",
               "panel-current-all")
_FORMAT = "aimaq-products-1"

Reads = Mapping[str, "tuple[str, ...] | None"]


def parse_reads(value: Any, file, where: str) -> dict[str, tuple[str, ...] | None]:
    """Validate a declaration: ``{product: [columns] | "*"}``; ManifestError naming file and entry otherwise."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ManifestError(file, where, value, "a mapping {product: [indicator ids] or '*'}")
    reads: dict[str, tuple[str, ...] | None] = {}
    for name, columns in value.items():
        if name not in PRODUCTS:
            raise ManifestError(file, f"{where}.{name}", name, f"one of {', '.join(PRODUCTS)}")
        if columns == "*" or (name in WHOLE_PRODUCTS and columns in (None, "*")):
            reads[name] = None
        elif name in COLUMN_PRODUCTS and isinstance(columns, list) and columns and all(
                isinstance(c, str) and c for c in columns):
            reads[name] = tuple(dict.fromkeys(columns))
        else:
            expected = "'*'" if name in WHOLE_PRODUCTS else "a non-empty list of indicator ids, or '*'"
            raise ManifestError(file, f"{where}.{name}", columns, expected)
    return reads


def merge_reads(*declarations: Reads | None) -> dict[str, tuple[str, ...] | None] | None:
    """The union of declarations (None when none declares anything: the run is undeclared)."""
    found = [d for d in declarations if d]
    if not found:
        return None
    merged: dict[str, tuple[str, ...] | None] = {}
    for declaration in found:
        for name, columns in declaration.items():
            if columns is None or (name in merged and merged[name] is None):
                merged[name] = None
            else:
                merged[name] = tuple(dict.fromkeys((merged.get(name) or ()) + tuple(columns)))
    return merged


def notebook_reads(source: bytes, file) -> dict[str, tuple[str, ...] | None]:
    """The declaration in a notebook's metadata (``metadata.aimaq.reads``), or {}."""
    try:
        metadata = json.loads(source).get("metadata", {})
    except ValueError:
        return {}  # not a notebook: papermill reports it when the run executes
    return parse_reads((metadata.get("aimaq") or {}).get("reads"), file, "metadata.aimaq.reads")


def expand_index(reads: Reads, data_dir: Path) -> dict[str, tuple[str, ...] | None]:
    """Replace ``@index`` in column lists by the index framework's indicators (``data_dir/index.yml``,
    with those of the framework it revises, which the index page compares with)."""
    if not any(columns and INDEX_INDICATORS in columns for columns in reads.values()):
        return dict(reads)
    from analysis.index import load_framework

    framework = load_framework(Path(data_dir) / "index.yml")
    previous = framework.previous() if hasattr(framework, "previous") else None  # the page compares with it
    indicators = tuple(dict.fromkeys([*framework.indicators, *(previous.indicators if previous else ())]))
    out = {}
    for name, columns in reads.items():
        if columns and INDEX_INDICATORS in columns:
            columns = tuple(dict.fromkeys(c for item in columns
                                          for c in (indicators if item == INDEX_INDICATORS else (item,))))
        out[name] = columns
    return out


@dataclass(frozen=True)
class Product:
    """One computed product of an edition: its file, digest of the whole, of its keys and of each column."""

    name: str
    file: str
    digest: str
    keys: str
    columns: Mapping[str, str]

    def fingerprint(self, columns: tuple[str, ...] | None) -> str:
        """The part of a run's key for reading ``columns`` of this product (None: all of it)."""
        if columns is None or not self.columns:
            return f"{self.name}:{self.digest}"
        # A column the product does not have is the loader's error, raised in the run: key it as absent.
        parts = [f"{c}={self.columns.get(c, 'absent')}" for c in sorted(columns)]
        return f"{self.name}:{self.keys}:" + ",".join(parts)


def _sha(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
        digest.update(b"\0")
    return digest.hexdigest()


def _frame_key_bytes(frame: pd.DataFrame, keys: list[str]) -> bytes:
    index = frame.index.to_frame(index=False) if not keys else frame[keys]
    meta = [str(index.dtypes.to_dict()), str(frame.index.dtype), list(map(str, frame.index.names)),
            str(frame.attrs.get("basis"))]
    hashed = pd.util.hash_pandas_object(index, index=False).to_numpy().tobytes()
    return json.dumps(meta, default=str).encode() + hashed


def hash_product(name: str, value: Any) -> tuple[str, str, dict[str, str]]:
    """``(whole digest, keys digest, {column: digest})`` of a product (no columns for whole products).

    Examples
    --------
    >>> a = pd.DataFrame({"region": ["A", "B"], "year": [2020, 2020], "x": [1.0, 2.0], "y": [3.0, 4.0]})
    >>> a.attrs = {"approximate": {("A", 2020, "y")}, "basis": "stable"}
    >>> b = a.assign(y=[3.0, 5.0]); b.attrs = a.attrs
    >>> (_, ka, ca), (_, kb, cb) = hash_product("panel-stable", a), hash_product("panel-stable", b)
    >>> ka == kb, ca["x"] == cb["x"], ca["y"] == cb["y"]
    (True, True, False)
    """
    if name not in COLUMN_PRODUCTS or not isinstance(value, pd.DataFrame):
        raw = pickle.dumps(_canonical(value), protocol=4) if not isinstance(value, (pd.DataFrame, pd.Series)) \
            else _frame_bytes(value)
        whole = _sha(name.encode(), raw)
        return whole, whole, {}
    keys = [c for c in ("region", "year") if c in value.columns]
    keys_digest = _sha(_frame_key_bytes(value, keys))
    approximate = value.attrs.get("approximate", set())
    columns = {}
    for column in value.columns:
        if column in keys:
            continue
        cells = sorted(repr(cell) for cell in approximate if len(cell) > 2 and cell[2] == column)
        series = value[column]
        columns[str(column)] = _sha(str(series.dtype).encode(),
                                    pd.util.hash_pandas_object(series, index=False).to_numpy().tobytes(),
                                    json.dumps(cells).encode())
    whole = _sha(name.encode(), keys_digest.encode(),
                 json.dumps(sorted(columns.items())).encode(), json.dumps(list(map(str, value.columns))).encode())
    return whole, keys_digest, columns


def _frame_bytes(frame) -> bytes:
    frame = frame.to_frame() if isinstance(frame, pd.Series) else frame
    meta = json.dumps([list(map(str, frame.columns)), list(map(str, frame.dtypes)), str(frame.index.dtype),
                       json.dumps(_canonical(frame.attrs), sort_keys=True, default=str)], default=str).encode()
    return meta + pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes()


def _canonical(value):
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (set, frozenset)):
        return sorted((_canonical(v) for v in value), key=repr)
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    return value


def edition_products(edition: int, names: Iterable[str], data_dir: Path, products_dir: Path,
                     sources: Mapping[str, str], as_of: str = "") -> tuple[dict[str, Product], dict[str, str]]:
    """Compute (or find, when its inputs are unchanged) each named product of ``edition``.

    ``as_of``: the edition's date of the data ("" : today's figures), the products are computed on.

    ``sources``: ``{"slice": key of the edition's data slice, "whole": key of all the data,
    "library": library key}``; a product's stored hashes are reused while the keys it was
    computed from are the same. Returns the products and ``{name: error}`` for those that could
    not be computed (invalid data: the runs declaring them fail with that message, as a page
    reading the data itself would).
    """
    out, errors = {}, {}
    folder = Path(products_dir) / str(edition)
    for name in sorted(set(names)):
        source = _sha(_FORMAT.encode(), sources["whole" if name in _WHOLE_DATA else "slice"].encode(),
                      sources["library"].encode(), str(Path(data_dir).resolve()).encode(), as_of.encode())
        file, record = folder / f"{name}.pkl", folder / f"{name}.json"
        stored = _stored(record, file, source)
        if stored is None:
            from analysis.data import products as data_products

            try:
                value = data_products.compute(name, edition, str(data_dir), as_of or None)
            except Exception as error:  # noqa: BLE001 - reported as the declaring runs' failure
                errors[name] = f"{type(error).__name__}: {error}"
                continue
            whole, keys, columns = hash_product(name, value)
            atomic_write(file, pickle.dumps(value, protocol=4))
            stored = {"source": source, "digest": whole, "keys": keys, "columns": columns}
            atomic_write(record, json.dumps(stored, sort_keys=True, indent=1) + "\n")
        out[name] = Product(name, str(file), stored["digest"], stored["keys"], dict(stored["columns"]))
    return out, errors


def _stored(record: Path, file: Path, source: str) -> dict | None:
    try:
        stored = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict) or stored.get("source") != source or not file.is_file():
        return None
    return stored


def declared_data_key(static_key: str, reads: Reads, products: Mapping[str, Product]) -> str:
    """A declared run's data key: the edition's non-observation files and the declared columns' digests."""
    parts = [static_key] + [products[name].fingerprint(columns) for name, columns in sorted(reads.items())]
    return _sha(*(p.encode() for p in parts))


def serving_spec(edition: int, data_dir: Path, reads: Reads, products: Mapping[str, Product], run: str,
                 as_of: str = "") -> str:
    """The JSON text the kernel's loaders serve the run from (``analysis.data.products.serve``)."""
    entries = {name: {"file": products[name].file, "columns": None if columns is None else list(columns)}
               for name, columns in sorted(reads.items())}
    return json.dumps({"edition": int(edition), "data_dir": str(data_dir), "products": entries, "run": run,
                       "as_of": as_of}, sort_keys=True)


def with_always_declared(reads: Reads) -> dict[str, tuple[str, ...] | None]:
    out = dict(reads)
    for name in ALWAYS_DECLARED:
        out.setdefault(name, None)
    return out
