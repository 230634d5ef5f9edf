"""Per-run statuses: ``ok``, ``failed``, ``cached`` or ``skipped``.

A run's status comes from its executed notebook's papermill metadata (see
:func:`analysis.pipeline.kernel.status_of`), not only from an exit code:

- ``ok``: executed in this build, papermill recorded no exception;
- ``cached``: not executed, its cache entry (a notebook with status ok) was used;
- ``failed``: executed and papermill recorded an exception (or the kernel died);
  the last good output is kept;
- ``skipped``: not executed, because the build stopped at an earlier failure
  (without ``--keep-going``) or was interrupted.

Each edition's statuses are written to ``_build/runs/<edition>/status.json``
atomically after every finished run, so a killed build leaves a consistent file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from analysis.pipeline.cache import atomic_write

STATUSES = ("ok", "cached", "failed", "skipped")


@dataclass(frozen=True)
class RunStatus:
    """What happened to one run in a build.

    Examples
    --------
    >>> RunStatus(2023, "convergence", "national_convergence.ipynb", {"year": 2023}, "ok").failed
    False
    """

    edition: int
    page: str
    notebook: str
    parameters: Mapping[str, Any]
    status: str
    key: str | None = None
    error: str | None = None

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"status {self.status!r}: expected one of {list(STATUSES)}")

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["parameters"] = dict(self.parameters)
        return data


def status_path(build_dir: str | Path, edition: int) -> Path:
    return Path(build_dir) / "runs" / str(edition) / "status.json"


def write_statuses(build_dir: str | Path, edition: int, statuses: Iterable[RunStatus]) -> None:
    """Write one edition's statuses (sorted by page, so the file is deterministic)."""
    runs = {s.page: s.to_json() for s in sorted(statuses, key=lambda s: s.page)}
    text = json.dumps({"edition": edition, "runs": runs}, indent=1, sort_keys=True, ensure_ascii=False)
    atomic_write(status_path(build_dir, edition), text + "\n")


def read_statuses(edition: int, build_dir: str | Path | None = None) -> dict[str, RunStatus]:
    """Statuses of an edition's last build, by page (empty if never built).

    Examples
    --------
    >>> import tempfile
    >>> d = tempfile.mkdtemp()
    >>> write_statuses(d, 2023, [RunStatus(2023, "index", "composite_index.ipynb", {"year": 2023}, "cached")])
    >>> read_statuses(2023, d)["index"].status
    'cached'
    """
    if build_dir is None:
        from analysis.pipeline.manifest import project_root

        build_dir = project_root() / "_build"
    path = status_path(build_dir, edition)
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {page: RunStatus(**entry) for page, entry in data["runs"].items()}
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"{path}: not a status file written by aimaq run ({error})") from None


def counts(statuses: Iterable[RunStatus]) -> dict[str, int]:
    """Number of runs per status, in the order of :data:`STATUSES`."""
    tally = {name: 0 for name in STATUSES}
    for status in statuses:
        tally[status.status] += 1
    return tally
