"""``datapackage.json``: a Frictionless Data Package describing every data file with its schema
and sha256, written by the project and verified on every load."""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path

from analysis.data.errors import DataError
from analysis.data.schemas import SCHEMAS, decode_utf8

DESCRIPTOR = "datapackage.json"
#: Present only while `aimaq data add` swaps files in (see analysis.data.add).
JOURNAL = ".add-journal.json"
GEO_FILES = (
    "geo/kz_adm1_pre2018_derived.geojson",
    "geo/kz_adm1_2018-2022_derived.geojson",
    "geo/kz_adm1_2022_simplified.geojson",
)
_PRIMARY_KEYS = {
    "observations.csv": ["region", "year", "indicator", "territory"],
    "unverified.csv": ["region", "year", "indicator", "territory"],
    "regions.csv": ["code"],
    "indicators.csv": ["id"],
}
_TYPES = {"int64": "integer", "float64": "number"}


def sha256(path: Path) -> str:
    """Hex sha256 of a file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "x"; _ = f.write_bytes(b"")
    >>> sha256(f)[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _resource(data_dir: Path, rel: str, staged: dict[str, Path] | None = None) -> dict:
    path = (staged or {}).get(rel, data_dir / rel)
    res = {
        "name": Path(rel).stem.lower().replace("_", "-").replace(".", "-"),
        "path": rel,
        "format": Path(rel).suffix.lstrip("."),
        "encoding": "utf-8",
        "bytes": path.stat().st_size,
        "hash": f"sha256:{sha256(path)}",
    }
    schema = SCHEMAS.get(rel)
    if schema is not None:
        res["mediatype"] = "text/csv"
        res["schema"] = {
            "fields": [
                {"name": name, "type": _TYPES.get(str(col.dtype), "string")}
                for name, col in schema.columns.items()
            ]
        }
        if rel in _PRIMARY_KEYS:
            res["schema"]["primaryKey"] = _PRIMARY_KEYS[rel]
    return res


def datapackage_text(data_dir: Path, staged: dict[str, Path] | None = None) -> str:
    """The descriptor for the files of ``data_dir``, with ``staged[rel]`` standing in for ``rel``."""
    files = [f for f in SCHEMAS if (data_dir / f).is_file()] + [g for g in GEO_FILES if (data_dir / g).is_file()]
    package = {
        "profile": "data-package",
        "name": "aimaq-kazakhstan-regions",
        "title": "Aimaq: official regional statistics of Kazakhstan (BNS)",
        # The copies come under different terms (ODC-PDDL, MIT, none stated): no single licence.
        "licenses": [{"name": "other-mixed", "title": "BNS official statistics; terms of each copy in SOURCES.md"}],
        "resources": [_resource(data_dir, rel, staged) for rel in files],
    }
    return json.dumps(package, ensure_ascii=False, indent=2) + "\n"


def write_datapackage(data_dir: Path) -> None:
    """(Re)write ``datapackage.json`` from the files now present, atomically.

    Call it after a deliberate change (``aimaq data add`` does); tests use it on broken copies
    whose only intended fault is elsewhere.

    Examples
    --------
    >>> import json, shutil, tempfile, pathlib
    >>> from analysis.data.paths import PROJECT_DATA_DIR
    >>> tmp = pathlib.Path(tempfile.mkdtemp()) / "data"
    >>> _ = shutil.copytree(PROJECT_DATA_DIR, tmp)
    >>> write_datapackage(tmp)
    >>> [r["path"] for r in json.loads((tmp / DESCRIPTOR).read_text())["resources"]][:2]
    ['observations.csv', 'unverified.csv']
    """
    atomic_write_text(data_dir / DESCRIPTOR, datapackage_text(data_dir))


def write_staged(path: Path, text: str) -> Path:
    """Write ``text`` fully (fsynced) to a hidden temporary file next to ``path``; return it."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def atomic_write_text(path: Path, text: str) -> None:
    """Write text to a temporary file next to ``path`` and rename it over ``path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> atomic_write_text(f, "ok"); f.read_text()
    'ok'
    """
    tmp = write_staged(path, text)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def verify_checksums(data_dir: Path, *, include_geo: bool = True) -> None:
    """Raise DataError for the first file whose sha256 differs from ``datapackage.json``.

    Examples
    --------
    >>> from analysis.data.paths import PROJECT_DATA_DIR
    >>> verify_checksums(PROJECT_DATA_DIR)
    """
    if (data_dir / JOURNAL).exists():
        raise DataError(JOURNAL, None, None, "present",
                        "no interrupted `aimaq data add` (finish it with `aimaq data resume`)")
    for rel, expected in _listed_files(data_dir):
        if not include_geo and rel.startswith("geo/"):
            continue
        file = data_dir / rel
        if not file.is_file():
            raise DataError(rel, None, None, "no such file", "the file listed in datapackage.json")
        actual = f"sha256:{sha256(file)}"
        if actual != expected:
            raise DataError(
                rel, None, None, actual[:19] + "...",
                f"{expected[:19]}... as recorded in datapackage.json (file edited outside `aimaq data add`?)",
            )


_HASH = re.compile(r"sha256:[0-9a-f]{64}")


def _listed_files(data_dir: Path) -> list[tuple[str, str]]:
    """(path, hash) of every resource of ``datapackage.json``, after checking its structure.

    The descriptor is JSON written by :func:`write_datapackage`; anything else (an empty or cut
    file, a list instead of an object, a resource without a path, a file listed twice, a hash that
    is not a sha256, a path that leaves the data folder) is refused naming the entry.
    """
    path = data_dir / DESCRIPTOR
    if not path.is_file():
        raise DataError(DESCRIPTOR, None, None, "no such file", "a Data Package descriptor with checksums")
    text = decode_utf8(path.read_bytes(), DESCRIPTOR)
    if not text.strip():
        raise DataError(DESCRIPTOR, None, None, "an empty file",
                        "the Data Package descriptor `aimaq data add` writes (restore it from git)")
    try:
        package = json.loads(text)
    except json.JSONDecodeError as err:
        raise DataError(DESCRIPTOR, err.lineno, None, err.msg,
                        f"valid JSON (column {err.colno}; the file is damaged or cut off: restore it from git)") from None
    if not isinstance(package, dict):
        raise DataError(DESCRIPTOR, None, None, f"a JSON {_json_type(package)}",
                        "a JSON object with a 'resources' list (a Data Package descriptor)")
    resources = package.get("resources")
    if not isinstance(resources, list):
        raise DataError(DESCRIPTOR, None, "resources", "missing" if resources is None else f"a JSON {_json_type(resources)}",
                        "a list with one entry per data file")
    listed: dict[str, int] = {}
    for number, res in enumerate(resources):
        where = f"resources[{number}]"
        if not isinstance(res, dict):
            raise DataError(DESCRIPTOR, None, where, f"a JSON {_json_type(res)}", "an object with 'path' and 'hash'")
        rel = res.get("path")
        if not isinstance(rel, str) or not rel:
            raise DataError(DESCRIPTOR, None, f"{where}.path", "missing" if rel is None else rel,
                            "the file's path inside the data folder, e.g. 'regions.csv'")
        parts = Path(rel).parts
        if Path(rel).is_absolute() or ".." in parts or "\\" in rel:
            raise DataError(DESCRIPTOR, None, f"{where}.path", rel, "a path inside the data folder (no '..', not absolute)")
        if rel in listed:
            raise DataError(DESCRIPTOR, None, f"{where}.path", rel,
                            f"one entry per file (already resources[{listed[rel]}])")
        listed[rel] = number
        digest = res.get("hash")
        if not (isinstance(digest, str) and _HASH.fullmatch(digest)):
            raise DataError(DESCRIPTOR, None, f"{where}.hash", "missing" if digest is None else digest,
                            "'sha256:' and 64 hexadecimal digits")
    for required in ("observations.csv", "regions.csv", "indicators.csv", "programmes.csv", "revisions.csv"):
        if required not in listed:
            raise DataError(DESCRIPTOR, None, "resources", required, "a resource entry for every data file")
    return [(res["path"], res["hash"]) for res in resources]


def _json_type(value) -> str:
    return {list: "list", dict: "object", str: "text", bool: "true/false", type(None): "null"}.get(
        type(value), "number")
