"""Is an edition's set of executed runs the one today's inputs give? The book refuses stale runs.

``aimaq book`` publishes pages made from ``_build/runs/<edition>/``. They are fresh when

- no ``aimaq run`` holds the build folder (a run in progress rewrites ``status.json``
  and the notebooks one by one);
- ``status.json`` lists every run of the edition (the manifest's runs, when the manifest has
  the edition; otherwise the runs the status file lists), each ``ok`` or ``cached``, with
  its executed notebook present;
- each run's recorded cache key equals the key the pipeline computes *now* from the
  notebook, its parameters, the data slice of its edition and the library: after
  ``aimaq data add`` (or another ``AIMAQ_DATA_DIR``, an edited notebook, a new library) the
  keys differ until ``aimaq run`` has brought the runs up to date.

The keys come from the pipeline's one public call, :func:`analysis.pipeline.current_keys` (the
same :func:`~analysis.pipeline.runner.plan_runs` the runner keys its runs with), so that the book
and the runner can never disagree on what "the same inputs" means.

Examples
--------
>>> import tempfile
>>> problems = stale_runs(2023, build_dir=tempfile.mkdtemp())
>>> problems[0]  # doctest: +ELLIPSIS
'edition 2023: no status.json ... run `aimaq run --edition 2023` first'
"""

from __future__ import annotations

import contextlib
import fcntl
import json
from pathlib import Path

#: The lock ``aimaq run`` holds on its build folder (analysis.pipeline.runner).
RUN_LOCK = ".lock"


class RunInProgress(RuntimeError):
    """An ``aimaq run`` is writing the runs the book would read."""


@contextlib.contextmanager
def no_run_in_progress(build_dir: Path):
    """Hold the build folder's run lock (without waiting): no ``aimaq run`` can start meanwhile.

    Raises :class:`RunInProgress` when one holds it now.
    """
    build_dir = Path(build_dir)
    build_dir.mkdir(parents=True, exist_ok=True)
    with open(build_dir / RUN_LOCK, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunInProgress(f"an `aimaq run` is writing {build_dir / 'runs'}; "
                                "build the book when it has finished") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _current_keys(runs, root: Path, manifest_path: Path, data_dir: Path, build_dir: Path) -> dict:
    """The pipeline's :func:`~analysis.pipeline.runner.current_keys` (this name is kept for
    tests/test_reliability.py, which calls it with positional arguments)."""
    from analysis.pipeline.runner import current_keys

    return current_keys(runs, root=root, manifest=manifest_path, data_dir=data_dir, build_dir=build_dir)


def _expected_runs(edition: int, manifest_path: Path, statuses: dict):
    """The runs the edition must have: the manifest's, or (edition not in it) those of status.json."""
    from analysis.pipeline.manifest import Run, load_manifest

    manifest = load_manifest(manifest_path)
    if edition in manifest.editions:
        return manifest.runs(edition)
    return [Run(edition, entry["notebook"], dict(entry["parameters"]), page, "")
            for page, entry in sorted(statuses.items())]


def stale_runs(edition: int, *, root: Path | None = None, build_dir: Path | None = None,
               runs_root: Path | None = None, data_dir: Path | None = None,
               manifest_path: Path | None = None) -> list[str]:
    """Why the edition's runs are not what today's inputs give (empty list: fresh).

    Parameters
    ----------
    edition : int
        Report year.
    root : Path, optional
        Project root (notebooks and manifest); default this repository.
    build_dir, runs_root : Path, optional
        Default ``<root>/_build`` and ``<build_dir>/runs``.
    data_dir : Path, optional
        Default ``AIMAQ_DATA_DIR`` or ``<root>/data``.
    manifest_path : Path, optional
        Default ``<root>/notebooks/manifest.yml``.
    """
    from analysis.pipeline.manifest import project_root

    root = Path(root) if root else project_root()
    build_dir = Path(build_dir) if build_dir else root / "_build"
    runs_root = Path(runs_root) if runs_root else build_dir / "runs"
    manifest_path = Path(manifest_path) if manifest_path else root / "notebooks" / "manifest.yml"
    status_file = runs_root / str(edition) / "status.json"
    rerun = f"run `aimaq run --edition {edition}` first"
    if not status_file.is_file():
        return [f"edition {edition}: no status.json in {status_file.parent} (no run recorded); {rerun}"]
    try:
        statuses = dict(json.loads(status_file.read_text(encoding="utf-8"))["runs"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        return [f"{status_file}: not a status file written by aimaq run ({error}); {rerun}"]
    runs = _expected_runs(edition, manifest_path, statuses)
    from analysis.pipeline.runner import current_keys

    keys = current_keys(runs, root=root, manifest=manifest_path, data_dir=data_dir, build_dir=build_dir)
    problems = []
    for run in runs:
        entry = statuses.get(run.page)
        where = f"edition {edition}, page {run.page}"
        if entry is None:
            problems.append(f"{where}: never run")
        elif entry.get("status") not in ("ok", "cached"):
            problems.append(f"{where}: status {entry.get('status')!r}"
                            + (f" ({str(entry.get('error')).splitlines()[0][:120]})" if entry.get("error") else ""))
        elif not (runs_root / str(edition) / f"{run.page}.ipynb").is_file():
            problems.append(f"{where}: its executed notebook is missing")
        elif entry.get("key") is None or entry.get("key") != keys.get(run.page):
            problems.append(f"{where}: made from other inputs than today's (data, notebook, parameters or library "
                            "changed since it ran)")
    if problems:
        problems.append(f"{len(problems)} of {len(runs)} runs not up to date; {rerun}")
    return problems
