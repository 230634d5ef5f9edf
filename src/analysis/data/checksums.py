"""``datapackage.json``: a Frictionless Data Package describing every data file with its schema
and sha256, written by the project and verified on every load."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from analysis.data.errors import DataError
from analysis.data.schemas import SCHEMAS

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
    path = data_dir / DESCRIPTOR
    if not path.is_file():
        raise DataError(DESCRIPTOR, None, None, "no such file", "a Data Package descriptor with checksums")
    try:
        package = json.loads(path.read_text(encoding="utf-8"))
        resources = package["resources"]
    except (ValueError, KeyError, TypeError) as err:
        raise DataError(DESCRIPTOR, None, None, str(err), "valid Data Package JSON") from None
    listed = {res.get("path") for res in resources}
    for required in ("observations.csv", "regions.csv", "indicators.csv", "programmes.csv", "revisions.csv"):
        if required not in listed:
            raise DataError(DESCRIPTOR, None, "resources", required, "a resource entry for every data file")
    for res in resources:
        rel = res.get("path", "")
        if not include_geo and rel.startswith("geo/"):
            continue
        file = data_dir / rel
        if not file.is_file():
            raise DataError(rel, None, None, "no such file", "the file listed in datapackage.json")
        actual = f"sha256:{sha256(file)}"
        if actual != res.get("hash"):
            raise DataError(
                rel, None, None, actual[:19] + "...",
                f"{res.get('hash', '?')[:19]}... as recorded in datapackage.json (file edited outside `aimaq data add`?)",
            )
