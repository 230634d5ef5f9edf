"""The notebook pipeline: manifest, warm execution, content-addressed cache, statuses, verify.

Public API::

    load_manifest(path=None)           -> Manifest (.editions, .latest, .runs(edition))
    run_pipeline(editions=None, ...)   -> BuildResult (statuses, seconds)
    plan_runs(manifest, runs, paths)   -> [(run, job, error)]: each run's key and declared products
    current_keys(runs, root=..., ...)  -> {page: key today} (what the book's freshness check compares)
    read_statuses(edition)             -> {page: RunStatus}
    verify(notebook=None, region=None, edition=None, ...) -> VerifyReport

Examples
--------
>>> from analysis.pipeline import EXECUTORS
>>> sorted(EXECUTORS)
['dask', 'local']
"""

from analysis.pipeline.executors import EXECUTORS, Executor, get_executor, register_executor
from analysis.pipeline.manifest import Manifest, ManifestError, Run, check_parameter, load_manifest
from analysis.pipeline.runner import BuildLocked, BuildResult, current_keys, plan_runs, run_pipeline
from analysis.pipeline.status import STATUSES, RunStatus, read_statuses
from analysis.pipeline.verify import VerifyReport, verify

__all__ = [
    "EXECUTORS", "Executor", "get_executor", "register_executor",
    "Manifest", "ManifestError", "Run", "check_parameter", "load_manifest",
    "BuildLocked", "BuildResult", "current_keys", "plan_runs", "run_pipeline",
    "STATUSES", "RunStatus", "read_statuses",
    "VerifyReport", "verify",
]
