"""Content-addressed cache of executed notebooks, and atomic file writes.

A run's key is the sha256 of everything that can change its executed notebook:

- the notebook file's bytes;
- its parameters (canonical JSON);
- the data it reads: every file under the data directory, where a CSV with a
  ``year`` column counts only its header and its rows with ``year <= edition``
  (edition Y reads only data up to Y, so an observation of 2023 does not touch
  the 2019 edition), and ``datapackage.json`` counts without its checksum and
  size fields (they change with every edit of the file they describe, which is
  already counted row by row);
- ``analysis.__version__`` and a hash of the library sources (every file of
  ``src/analysis`` except the ``pipeline``, ``cli`` and ``book`` rooms, which
  notebooks do not import), plus the papermill version and the cache format.

Two keys per run. The **content key** above addresses the stored notebook;
a build that finds it serves the run at once (a warm build reads no data).
The **reads key** is the same without the observation files
(:data:`TRACED_FILES`); with it the cache keeps the run's *trace*: the
loader calls through which the notebook read the observations and a digest of
each result (:mod:`analysis.data.trace`). When the content key misses (an
observation was edited), the runner replays the trace; if every loader still
returns the same table, the stored notebook is still what the run would give
and is served without executing it. So a region page that loads
``indicators=[...]`` is re-executed when one of its columns changes (every
region page ranks all regions, so an edit of any region's figure in those
columns re-executes them all), and not when a column it never loads changes.

Entries and outputs are written through :func:`atomic_write`: a temporary file
in the same directory, fsync, then ``os.replace``. A ``kill -9`` at any moment
leaves either the old file or the new one, never a torn file; leftover
temporary files are removed by :func:`sweep_temporaries` on the next run. A
write that fails (a full disk, a read-only folder) removes its temporary at
once and raises ``OSError`` naming the file it was writing; the old file stays.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# The distribution whose run-time requirements are the environment of every run (pyproject.toml).
PROJECT_DISTRIBUTION = "aimaq"
CACHE_FORMAT = "aimaq-cache-2"  # 2: data_dir="" no longer injected
_TMP_PREFIX = ".tmp-"
# Rooms of src/analysis that notebooks never import: editing them must not
# invalidate executed notebooks.
_NOT_READ_BY_NOTEBOOKS = ("pipeline", "cli", "book")
_CHECKSUM_FIELDS = {"hash", "sha256", "bytes", "checksum"}
#: Files notebooks read only through the traced loaders of :mod:`analysis.data.trace`.
TRACED_FILES = frozenset({"observations.csv", "revisions.csv", "unverified.csv"})


def atomic_write(path: str | Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new file only.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a" / "b.txt"
    >>> atomic_write(p, "hello")
    >>> p.read_text()
    'hello'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    tmp = path.with_name(f"{_TMP_PREFIX}{os.getpid()}-{path.name}")
    try:
        with open(tmp, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as err:
        # A full disk or a read-only folder: the half-written temporary goes, the old file stands,
        # and the error names the file that could not be written (not its hidden temporary).
        tmp.unlink(missing_ok=True)
        raise OSError(err.errno, err.strerror, str(path)) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def sweep_temporaries(*directories: Path) -> int:
    """Remove temporary files left by a killed writer; return how many.

    A temporary file whose writer process is still alive is left alone.
    """
    removed = 0
    for directory in directories:
        if not Path(directory).is_dir():
            continue
        for tmp in Path(directory).rglob(f"{_TMP_PREFIX}*"):
            pid_text = tmp.name[len(_TMP_PREFIX):].split("-", 1)[0]
            if pid_text.isdigit() and int(pid_text) != os.getpid() and _alive(int(pid_text)):
                continue
            tmp.unlink(missing_ok=True)
            removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _csv_rows(raw: bytes) -> tuple[list[list[str]], int | None]:
    """Parsed rows of a CSV and the index of its ``year`` column (None without one)."""
    text = raw.decode("utf-8-sig", errors="surrogateescape")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or "year" not in rows[0]:
        return rows, None
    return rows, rows[0].index("year")


def _csv_slice(rows: list[list[str]], column: int, until: int) -> bytes:
    """Header and rows with year <= until, canonically re-written."""
    kept = [rows[0]]
    for row in rows[1:]:
        cell = row[column].strip() if column < len(row) else ""
        # A row whose year is not an integer is kept: it is read by every edition.
        if not cell.lstrip("-").isdigit() or int(cell) <= until:
            kept.append(row)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(kept)
    return out.getvalue().encode("utf-8", errors="surrogateescape")


def _without_checksums(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_checksums(v) for k, v in value.items() if k not in _CHECKSUM_FIELDS}
    if isinstance(value, list):
        return [_without_checksums(v) for v in value]
    return value


def data_fingerprint(data_dir: str | Path, until: int | None = None) -> str:
    """sha256 of the data an edition reads (see the module notes).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "observations.csv").write_text("region,year,value\\nKZ-43,2022,1\\n")
    >>> before = data_fingerprint(d, until=2022)
    >>> _ = (d / "observations.csv").write_text("region,year,value\\nKZ-43,2022,1\\nKZ-43,2023,5\\n")
    >>> data_fingerprint(d, until=2022) == before, data_fingerprint(d, until=2023) == before
    (True, False)
    """
    return data_fingerprints(data_dir, [until])[until]


def data_fingerprints(data_dir: str | Path, editions, without=frozenset()) -> dict:
    """:func:`data_fingerprint` for several editions, reading every file once.

    ``without``: file names (relative to ``data_dir``) left out, e.g. :data:`TRACED_FILES`
    for the reads key.
    """
    data_dir = Path(data_dir)
    files = sorted(p for p in data_dir.rglob("*")
                   if p.is_file() and not p.name.startswith(".") and "__pycache__" not in p.parts
                   and p.relative_to(data_dir).as_posix() not in without)
    digests = {edition: hashlib.sha256() for edition in editions}
    for path in files:
        raw = path.read_bytes()
        name = path.relative_to(data_dir).as_posix().encode() + b"\0"
        per_edition = {}
        if path.suffix.lower() == ".csv":
            rows, column = _csv_rows(raw)
            if column is not None:
                per_edition = {e: sha256_bytes(_csv_slice(rows, column, e)) for e in editions if e is not None}
        elif path.name == "datapackage.json":
            try:
                raw = json.dumps(_without_checksums(json.loads(raw)), sort_keys=True).encode()
            except ValueError:
                pass  # an invalid file is hashed as it is; the loader reports it
        whole = sha256_bytes(raw)
        for edition, digest in digests.items():
            digest.update(name + per_edition.get(edition, whole).encode() + b"\n")
    return {edition: digest.hexdigest() for edition, digest in digests.items()}


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_distributions() -> list[tuple[str, str, list[str]]]:
    """``(name, version, requirements)`` of every installed distribution (``importlib.metadata``),
    each one's metadata parsed once (every ``Distribution.version`` or ``.requires`` parses it again)."""
    from importlib import metadata

    found = []
    for dist in metadata.distributions():
        meta = dist.metadata
        if meta["Name"]:
            found.append((meta["Name"], meta["Version"], meta.get_all("Requires-Dist") or []))
    return found


def runtime_closure(installed, project: str = PROJECT_DISTRIBUTION) -> dict[str, str]:
    """Name and version of the installed distributions the project needs at run time: its
    requirements without extras, and theirs, transitively, environment markers evaluated (``packaging``).

    ``installed``: ``(name, version, requirements)`` triples, as :func:`installed_distributions` gives.
    Test-only pins (pytest, the reference implementations) are outside the closure, so installing them
    for ``make test`` does not invalidate the book's runs; the pins of ``requirements.txt`` are exactly
    this closure. Where the project is not installed (a bare checkout), every distribution.

    Examples
    --------
    >>> found = [("aimaq", "0.1", ["pandas", "pytest; extra == 'test'"]), ("pandas", "2.3", ["numpy>=1"]),
    ...          ("numpy", "2.4", []), ("pytest", "9.0", [])]
    >>> runtime_closure(found)
    {'aimaq': '0.1', 'pandas': '2.3', 'numpy': '2.4'}
    """
    from packaging.requirements import Requirement

    by_name = {_normalized(name): (version, requires) for name, version, requires in installed}
    if _normalized(project) not in by_name:
        return {name: version for name, (version, _) in by_name.items()}
    needed, queue = {}, [_normalized(project)]
    while queue:
        name = queue.pop(0)
        if name in needed or name not in by_name:
            continue
        version, requires = by_name[name]
        needed[name] = version
        for line in requires:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                queue.append(_normalized(requirement.name))
    return needed


def environment_fingerprint(installed=None) -> str:
    """sha256 of the Python version and of the name and version of every installed distribution the
    book needs at run time (:func:`runtime_closure` of :func:`installed_distributions`).

    Upgrading any runtime pin (matplotlib, pandas, numpy, statsmodels …) changes every run's key;
    installing the test-only pins does not.

    Examples
    --------
    >>> a = environment_fingerprint([("numpy", "2.0.0", [])])
    >>> a == environment_fingerprint([("numpy", "2.0.1", [])])
    False
    """
    import platform

    closure = runtime_closure(installed_distributions() if installed is None else installed)
    pins = sorted(f"{name}=={version}" for name, version in closure.items())
    return hashlib.sha256("\n".join([f"python=={platform.python_version()}", *pins]).encode()).hexdigest()


def library_fingerprint(package_dir: str | Path | None = None) -> str:
    """sha256 of ``analysis.__version__``, the installed environment and the library sources notebooks import."""
    import analysis

    package_dir = Path(package_dir) if package_dir else Path(analysis.__file__).parent
    digest = hashlib.sha256(f"{analysis.__version__}\0{environment_fingerprint()}\0{CACHE_FORMAT}".encode())
    for path in sorted(package_dir.rglob("*")):
        relative = path.relative_to(package_dir)
        if (not path.is_file() or relative.parts[0] in _NOT_READ_BY_NOTEBOOKS
                or "__pycache__" in relative.parts or path.suffix in {".pyc", ".mo"}):
            continue
        digest.update(relative.as_posix().encode() + b"\0" + sha256_bytes(path.read_bytes()).encode())
    return digest.hexdigest()


def run_key(notebook_bytes: bytes, parameters: Mapping[str, Any], data: str, library: str) -> str:
    """The content address of one run.

    Examples
    --------
    >>> a = run_key(b"{}", {"year": 2023}, "d", "l")
    >>> a == run_key(b"{}", {"year": 2023}, "d", "l"), a == run_key(b"{}", {"year": 2022}, "d", "l")
    (True, False)
    """
    payload = json.dumps(
        {"notebook": sha256_bytes(notebook_bytes), "parameters": dict(parameters),
         "data": data, "library": library},
        sort_keys=True, ensure_ascii=True)
    return sha256_bytes(payload.encode())


class Cache:
    """Executed notebooks stored by key under ``_build/cache/<k[:2]>/<k>.ipynb``, and the
    traces of their reads under ``_build/cache/traces/<r[:2]>/<r>.json`` (by reads key).

    Only successful runs are stored: a failure is re-executed next time.
    """

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)

    def path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.ipynb"

    def get(self, key: str) -> bytes | None:
        """The stored notebook bytes, or None on a miss (or an unreadable entry)."""
        path = self.path(key)
        try:
            data = path.read_bytes()
            json.loads(data)
        except (OSError, ValueError):
            return None
        return data

    def put(self, key: str, data: bytes) -> None:
        atomic_write(self.path(key), data)

    def trace_path(self, reads_key: str) -> Path:
        return self.directory / "traces" / reads_key[:2] / f"{reads_key}.json"

    def get_trace(self, reads_key: str) -> tuple[str, str] | None:
        """``(calls_json, content_key)`` of the last successful run with this reads key, or None."""
        try:
            stored = json.loads(self.trace_path(reads_key).read_bytes())
            return json.dumps(stored["calls"]), str(stored["entry"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put_trace(self, reads_key: str, calls_json: str, content_key: str) -> None:
        record = {"entry": content_key, "calls": json.loads(calls_json)}
        atomic_write(self.trace_path(reads_key), json.dumps(record, sort_keys=True, indent=1) + "\n")
