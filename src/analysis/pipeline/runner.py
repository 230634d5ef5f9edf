"""``aimaq run``: expand the manifest, skip what the cache has, execute the rest.

One build:

1. takes an exclusive lock on the build directory (a second ``aimaq run`` on
   the same tree fails fast instead of interleaving writes; the lock dies with
   the process, so a ``kill -9`` never leaves it stuck) and removes temporary
   files a killed build left behind;
2. expands the manifest for the chosen editions, computes the data products
   the runs declare as files with their hashes (:mod:`analysis.pipeline.products`)
   and each run's key (:func:`plan_runs`: notebook, parameters, library and
   installed environment, and the hashes of its declared products; a run that
   declares nothing is keyed on its edition's whole data slice);
3. serves hits from the cache (status ``cached``) and sends the rest to an
   executor (status ``ok`` or ``failed``); a declared run's loaders serve only
   its declared products;
4. writes every successful notebook to the cache first and then to
   ``_build/runs/<edition>/<page>.ipynb``, both atomically, and rewrites
   ``status.json`` after every finished run. A failed run's notebook goes to
   ``_build/failed/<edition>/<page>.ipynb``; the last good output stays.

Killed at any point, the next build finds whole files only, re-serves what was
finished from the cache and executes the rest: it resumes.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from analysis.pipeline import products as declared
from analysis.pipeline.cache import (TRACED_FILES, Cache, atomic_write, data_fingerprints,
                                     library_fingerprint, run_key, sweep_temporaries)
from analysis.pipeline.executors import get_executor
from analysis.pipeline.kernel import Job, Outcome, relative_to
from analysis.pipeline.manifest import Manifest, ManifestError, Run, load_manifest, project_root
from analysis.pipeline.status import RunStatus, counts, write_statuses


class BuildLocked(RuntimeError):
    """Another ``aimaq run`` holds the build directory."""


@dataclass
class BuildResult:
    """Statuses of one build, in manifest order, and its wall time in seconds."""

    statuses: list[RunStatus]
    seconds: float
    executed: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(s.status in ("failed", "skipped") for s in self.statuses)

    @property
    def failures(self) -> list[RunStatus]:
        return [s for s in self.statuses if s.failed]


@dataclass(frozen=True)
class Paths:
    """Where a build reads and writes."""

    root: Path
    manifest: Path
    data_dir: Path
    build_dir: Path

    @classmethod
    def resolve(cls, root=None, manifest=None, data_dir=None, build_dir=None) -> Paths:
        root = Path(root).resolve() if root else project_root()
        manifest = Path(manifest) if manifest else root / "notebooks" / "manifest.yml"
        env_data = os.environ.get("AIMAQ_DATA_DIR")
        data_dir = Path(data_dir) if data_dir else Path(env_data) if env_data else root / "data"
        build_dir = Path(build_dir) if build_dir else root / "_build"
        return cls(root, manifest.resolve(), data_dir.resolve(), build_dir.resolve())


def plan_runs(manifest: Manifest, runs: Iterable[Run], paths: Paths) -> list[tuple[Run, Job | None, str | None]]:
    """Pair each run with its job (None and an error if the notebook or its declaration is wrong).

    The one place that says what "the same inputs" means: the runner, ``aimaq verify`` and
    the book's freshness check (:func:`current_keys`) all key runs here. Computes the data
    products the runs declare (files under ``<build>/products/``, reused while their inputs
    are unchanged) before any run.
    """
    runs = list(runs)
    library = library_fingerprint()
    editions = sorted({run.edition for run in runs})
    data_keys = data_fingerprints(paths.data_dir, editions + [None])
    static_keys = data_fingerprints(paths.data_dir, editions, without=TRACED_FILES)
    env = {"AIMAQ_DATA_DIR": str(paths.data_dir)}
    sources: list[tuple] = []  # per run: (notebook bytes, declared reads or None, error)
    notebooks: dict[str, bytes | None] = {}
    declarations: dict[tuple, tuple] = {}  # one parse per notebook and template, not per run
    for run in runs:
        notebook = manifest.notebooks_dir / run.notebook
        if run.notebook not in notebooks:
            notebooks[run.notebook] = notebook.read_bytes() if notebook.is_file() else None
        source = notebooks[run.notebook]
        if source is None:
            sources.append((None, None, f"notebook not found: {relative_to(notebook, paths.root)}"))
            continue
        memo = (run.notebook, run.reads)
        if memo not in declarations:
            try:
                reads = declared.merge_reads(dict(run.reads), declared.notebook_reads(source, notebook))
                if reads is not None:
                    reads = declared.with_always_declared(declared.expand_index(reads, paths.data_dir))
                declarations[memo] = (reads, None)
            except (ManifestError, OSError, ValueError) as error:
                declarations[memo] = (None, f"{run.notebook}: declared reads: {error}")
        reads, error = declarations[memo]
        sources.append((source, reads, error))
    wanted: dict[int, set[str]] = {}
    for run, (_, reads, _) in zip(runs, sources):
        wanted.setdefault(run.edition, set()).update(reads or ())
    made, failed = {}, {}
    for edition, names in wanted.items():
        made[edition], failed[edition] = declared.edition_products(
            edition, names, paths.data_dir, paths.build_dir / "products",
            {"slice": data_keys[edition], "whole": data_keys[None], "library": library}, manifest.as_of(edition))
    planned = []
    for run, (source, reads, error) in zip(runs, sources):
        broken = sorted(set(reads or ()) & set(failed.get(run.edition, {})))
        if error is None and broken:
            error = f"data product {broken[0]} of edition {run.edition}: {failed[run.edition][broken[0]]}"
        if error is not None:
            planned.append((run, None, error))
            continue
        notebook = manifest.notebooks_dir / run.notebook
        if reads is None:  # undeclared: unrestricted, keyed on the edition's whole data slice
            data, spec = data_keys[run.edition], None
        else:
            data = declared.declared_data_key(static_keys[run.edition], reads, made[run.edition])
            spec = declared.serving_spec(run.edition, paths.data_dir, reads, made[run.edition], run.label,
                                         manifest.as_of(run.edition))
        key = run_key(source, run.parameters, data, library)
        job = Job(key=key, notebook_path=str(notebook), notebook_source=source.decode("utf-8"),
                  notebook_name=relative_to(notebook, paths.root), output_name=run.output_path,
                  parameters=_injected(run.parameters), cwd=str(paths.root), root=str(paths.root),
                  env=env, preload=manifest.preload, reads=spec)
        planned.append((run, job, None))
    return planned


def current_keys(runs: Iterable[Run], *, root=None, manifest=None, data_dir=None, build_dir=None,
                 providers=None) -> dict[str, str | None]:
    """``{page: the key the pipeline gives the run today}`` (None: its notebook or declaration is wrong).

    The public question "is this executed notebook made from today's inputs?" asks this.
    """
    paths = Paths.resolve(root, manifest, data_dir, build_dir)
    loaded = load_manifest(paths.manifest, providers=providers)
    return {run.page: (job.key if job is not None else None) for run, job, _ in plan_runs(loaded, runs, paths)}


def _injected(parameters) -> dict:
    """Parameters papermill injects: ``data_dir = ""`` and ``as_of = ""`` are the notebooks'
    defaults, so they are left out and the executed notebook is byte for byte what the reviewer's
    ``papermill notebooks/x.ipynb out.ipynb -p year Y [-p region R] [-p as_of D]`` gives."""
    return {k: v for k, v in parameters.items() if not (k in ("data_dir", "as_of") and v == "")}


def _lock(build_dir: Path):
    build_dir.mkdir(parents=True, exist_ok=True)
    handle = open(build_dir / ".lock", "w")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise BuildLocked(f"another aimaq run is using {build_dir}; wait for it to finish") from None
    return handle


def _publish(path: Path, data: bytes) -> None:
    """Write an output only if it changed (a warm build touches no file)."""
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    atomic_write(path, data)


def run_pipeline(editions: Iterable[int] | None = None, *, jobs: int | None = None,
                 keep_going: bool = False, executor: str = "local", scheduler: str | None = None,
                 root=None, manifest=None, data_dir=None, build_dir=None, use_cache: bool = True,
                 progress=None, providers=None) -> BuildResult:
    """Build the executed notebooks of the chosen editions (all by default).

    Parameters
    ----------
    editions : iterable of int, optional
        Report years to build; default every edition of the manifest.
    jobs : int, optional
        Parallel kernels; default one more than the usable cores (:func:`executors.default_jobs`).
    keep_going : bool
        Run everything even after a failure (the failures are all reported);
        otherwise stop at the first failure and mark the rest ``skipped``.
    executor, scheduler : str
        ``"local"`` (default) or ``"dask"`` with an optional scheduler address.
    root, manifest, data_dir, build_dir : path, optional
        Project root, manifest file, data directory (default ``AIMAQ_DATA_DIR``
        or ``data/``), build directory (default ``_build``).
    use_cache : bool
        False re-executes every run (the cache is still refreshed).
    progress : callable, optional
        ``progress(done, total, counts)`` after each run (the CLI draws a bar).
    providers : mapping, optional
        Region/programme providers for the manifest (tests).

    Examples
    --------
    >>> run_pipeline([1800])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    analysis.pipeline.errors.ManifestError: manifest.yml: edition: got 1800, expected one of [...]
    """
    started = time.perf_counter()
    paths = Paths.resolve(root, manifest, data_dir, build_dir)
    loaded = load_manifest(paths.manifest, providers=providers)
    chosen = loaded.editions if editions is None else tuple(int(e) for e in editions)
    runs = loaded.all_runs(chosen)
    handle = _lock(paths.build_dir)
    try:
        sweep_temporaries(paths.build_dir)
        cache = Cache(paths.build_dir / "cache")
        planned = plan_runs(loaded, runs, paths)
        result = _execute(planned, cache, paths, chosen, jobs, keep_going, executor, scheduler,
                          use_cache, progress)
    finally:
        handle.close()
    result.seconds = time.perf_counter() - started
    return result


def _execute(planned, cache, paths, editions, jobs, keep_going, executor, scheduler, use_cache,
             progress) -> BuildResult:
    by_page: dict[tuple[int, str], RunStatus] = {}
    for run, job, _ in planned:
        by_page[(run.edition, run.page)] = RunStatus(run.edition, run.page, run.notebook,
                                                     run.parameters, "skipped", job and job.key)
    total, done = len(planned), 0

    def record(run: Run, status: RunStatus, write: bool = True) -> None:
        nonlocal done
        by_page[(run.edition, run.page)] = status
        done += 1
        if write:  # cache hits are written once per edition below, not one fsync each
            write_statuses(paths.build_dir, run.edition,
                           [s for (e, _), s in by_page.items() if e == run.edition])
        if progress:
            progress(done, total, counts(by_page.values()))

    pending: list[tuple[Run, Job]] = []
    stop = False
    for run, job, error in planned:
        if job is None:
            record(run, RunStatus(run.edition, run.page, run.notebook, run.parameters, "failed",
                                  None, error), write=False)
            stop = stop or not keep_going
            continue
        hit = cache.get(job.key) if use_cache else None
        if hit is not None:
            _publish(_output(paths, run), hit)
            record(run, RunStatus(run.edition, run.page, run.notebook, run.parameters, "cached", job.key),
                   write=False)
        else:
            pending.append((run, job))
    for edition in editions:  # an edition with nothing to do still gets its status file
        write_statuses(paths.build_dir, edition, [s for (e, _), s in by_page.items() if e == edition])

    executed = 0
    if pending and not stop:
        runs_by_key = {}
        for run, job in pending:
            runs_by_key.setdefault(job.key, []).append((run, job))
        unique = list({job.key: job for _, job in pending}.values())
        with get_executor(executor, jobs=jobs, scheduler=scheduler) as pool:
            for outcome in pool.submit_all(unique):
                executed += 1
                for run, job in runs_by_key[outcome.key]:
                    record(run, _store(outcome, run, cache, paths))
                if outcome.status == "failed" and not keep_going:
                    pool.cancel()
                    break
    statuses = [by_page[(run.edition, run.page)] for run, _, _ in planned]
    return BuildResult(statuses, 0.0, executed, counts(statuses))


def _output(paths: Paths, run: Run) -> Path:
    # run.output_path is relative to the project root and starts with "_build/".
    return paths.build_dir / Path(run.output_path).relative_to("_build")


def _store(outcome: Outcome, run: Run, cache: Cache, paths: Paths) -> RunStatus:
    data = outcome.notebook.encode("utf-8") if outcome.notebook is not None else None
    if outcome.status == "ok":
        cache.put(outcome.key, data)          # cache first: an output always has its entry
        _publish(_output(paths, run), data)
        return RunStatus(run.edition, run.page, run.notebook, run.parameters, "ok", outcome.key)
    if data is not None:
        failed = paths.build_dir / "failed" / str(run.edition) / f"{run.page}.ipynb"
        atomic_write(failed, data)
    return RunStatus(run.edition, run.page, run.notebook, run.parameters, "failed", outcome.key,
                     outcome.error)
