"""Execute one run: plain ``papermill.execute_notebook`` on a warm kernel, then normalise.

The warm kernel and its engine are :mod:`analysis.pipeline.engine` (papermill's
engine interface; the reset between runs is :mod:`analysis.pipeline.reset`).
Each executor thread keeps one kernel (:func:`thread_kernel`).

:func:`normalise` then removes what differs between two executions of the same
inputs (timestamps, durations, the absolute input/output paths), so two builds
give byte-identical files and a warm run equals a plain ``papermill`` run.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import papermill

from analysis.pipeline.engine import ENGINE_NAME, KERNEL_NAME, WarmKernel
_TIMING_KEYS = ("start_time", "end_time", "duration")

class RunFailed(Exception):
    """A notebook cell raised; the executed notebook (with the error) is attached."""


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to execute one run (picklable, for Dask).

    ``notebook_path`` and ``cwd`` are where the worker reads and runs;
    ``notebook_name`` and ``output_name`` are the relative paths recorded in
    the executed notebook's papermill metadata.
    """

    key: str
    notebook_path: str
    notebook_name: str
    output_name: str
    parameters: Mapping[str, Any]
    cwd: str
    root: str | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    preload: tuple[str, ...] = ()
    timeout: int = 1800
    notebook_source: str | None = None  # the bytes the key was computed on (default: read the path)
    # The declared data products the run's loaders serve (JSON, analysis.pipeline.products.serving_spec);
    # None: the run declares nothing and its loaders compute as usual.
    reads: str | None = None


@dataclass(frozen=True)
class Outcome:
    """Result of executing a job: the normalised notebook JSON and its status."""

    key: str
    status: str  # "ok" | "failed"
    notebook: str | None
    error: str | None = None


def normalise(nb: nbformat.NotebookNode, input_name: str, output_name: str,
              root: str | None = None) -> nbformat.NotebookNode:
    """Drop what varies between two executions of the same inputs.

    Removes papermill's timestamps and durations (notebook and cells) and
    nbclient's per-cell timing; records the input and output as relative
    paths; gives papermill's injected-parameters cell a fixed id instead of a
    random one; and in stream and error text (warnings, tracebacks) rewrites
    the machine's paths: the kernel's per-process source file
    (``/tmp/ipykernel_<pid>/``) and the ``root`` and environment prefixes.
    Everything else, including every displayed output, is left as executed.
    """
    meta = nb.metadata.get("papermill", {})
    for key in _TIMING_KEYS:
        meta.pop(key, None)
    if "input_path" in meta:
        meta["input_path"] = input_name
    if "output_path" in meta:
        meta["output_path"] = output_name
    scrub = _path_scrubber(root)
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                out["text"] = scrub(out["text"])
            elif out.get("output_type") == "error":
                out["evalue"] = scrub(out["evalue"])
                out["traceback"] = [scrub(line) for line in out["traceback"]]
        cell.metadata.pop("execution", None)
        cell_meta = cell.metadata.get("papermill")
        if cell_meta is not None:
            for key in _TIMING_KEYS:
                cell_meta.pop(key, None)
    return nb


def _path_scrubber(root: str | None):
    prefixes = [(str(Path(sys.prefix)) + os.sep, "<env>/")]
    if root:
        prefixes.insert(0, (str(Path(root).resolve()) + os.sep, ""))
    kernel_file = re.compile(r"[^\s\"'()]*ipykernel_\d+/")

    def scrub(text: str) -> str:
        for prefix, replacement in prefixes:
            text = text.replace(prefix, replacement)
        return kernel_file.sub("<ipykernel>/", text)

    return scrub


def dumps(nb: nbformat.NotebookNode) -> str:
    """The canonical text of a notebook (what is cached and published)."""
    return nbformat.writes(nb) + "\n"


def status_of(nb: Mapping[str, Any]) -> str:
    """``"ok"`` or ``"failed"`` from an executed notebook's papermill metadata."""
    meta = nb.get("metadata", {}).get("papermill", {})
    if meta.get("exception"):
        return "failed"
    for cell in nb.get("cells", []):
        if cell.get("metadata", {}).get("papermill", {}).get("exception"):
            return "failed"
        if any(out.get("output_type") == "error" for out in cell.get("outputs", [])):
            return "failed"
    return "ok"


def error_of(nb: Mapping[str, Any]) -> str:
    """``ename: evalue`` of the first error output, or a generic message."""
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return f"{out.get('ename', 'Error')}: {out.get('evalue', '')}".strip()
    return "notebook failed (see papermill metadata)"


def execute(job: Job, kernel: WarmKernel) -> Outcome:
    """Execute one job as plain papermill would, on ``kernel``; never raises for a failing cell.

    This is ``papermill.execute_notebook`` with the :mod:`~analysis.pipeline.engine`
    engine. When the job carries the source its key was computed on, that source is
    executed (not whatever the file holds by now), so a cache entry always matches
    its key even if the notebook is edited during a build.

    Examples
    --------
    >>> import nbformat, tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1\\nx + 1")])
    >>> nb.metadata.kernelspec = {"name": "python3", "language": "python", "display_name": "Python 3"}
    >>> nbformat.write(nb, d / "n.ipynb")
    >>> kernel = WarmKernel(cwd=str(d))
    >>> out = execute(Job("k", str(d / "n.ipynb"), "n.ipynb", "o.ipynb", {}, str(d)), kernel)
    >>> out.status, nbformat.reads(out.notebook, 4).cells[0].outputs[0].data["text/plain"]
    ('ok', '2')
    >>> kernel.context.run(kernel.shutdown)
    """
    return kernel.context.run(_execute, job, kernel)


def _execute(job: Job, kernel: WarmKernel) -> Outcome:
    error = None
    with tempfile.TemporaryDirectory(prefix="aimaq-nb-") as scratch:
        source = Path(job.notebook_path)
        if job.notebook_source is not None:
            source = Path(scratch) / Path(job.notebook_path).name
            source.write_text(job.notebook_source, encoding="utf-8")
        output = Path(scratch) / "executed.ipynb"
        try:
            papermill.execute_notebook(
                str(source), str(output), parameters=dict(job.parameters), engine_name=ENGINE_NAME,
                request_save_on_cell_execute=False, kernel_name=KERNEL_NAME, progress_bar=False,
                log_output=False, start_timeout=60, execution_timeout=job.timeout, warm_kernel=kernel,
                reads=job.reads)
        except papermill.PapermillExecutionError:
            pass  # the failed notebook is written; its status says so
        except Exception as exc:  # a dead or timed-out kernel (the engine has stopped it)
            error = f"{type(exc).__name__}: {exc}"
            kernel.shutdown()
        if not output.is_file():
            return Outcome(job.key, "failed", None, error or "papermill wrote no notebook")
        nb = nbformat.read(output, as_version=4)
    nb = normalise(nb, job.notebook_name, job.output_name, job.root)
    status = "failed" if error else status_of(nb)
    if status == "failed" and error is None:
        error = error_of(nb)
    return Outcome(job.key, status, dumps(nb), error)


_local = threading.local()
_all_kernels: list[WarmKernel] = []
_lock = threading.Lock()


def thread_kernel(job: Job) -> WarmKernel:
    """The calling thread's warm kernel for this job's environment (created on demand)."""
    kernel = getattr(_local, "kernel", None)
    if kernel is not None and not kernel.matches(job.cwd, job.env, job.preload):
        kernel.context.run(kernel.shutdown)
        kernel = None
    if kernel is None:
        kernel = WarmKernel(cwd=job.cwd, env=job.env, preload=job.preload)
        _local.kernel = kernel
        with _lock:
            _all_kernels.append(kernel)
    return kernel


def execute_job(job: Job) -> Outcome:
    """Execute a job on the calling thread's warm kernel (the unit executors ship)."""
    try:
        return execute(job, thread_kernel(job))
    except Exception as exc:  # set-up failure: report it as this run's failure
        return Outcome(job.key, "failed", None, f"{type(exc).__name__}: {exc}")


def shutdown_all() -> None:
    """Stop every warm kernel of this process."""
    with _lock:
        kernels, _all_kernels[:] = list(_all_kernels), []
    for kernel in kernels:
        kernel.context.run(kernel.shutdown)
    _local.__dict__.clear()


def read_notebook(text: str) -> dict[str, Any]:
    return json.loads(text)


def relative_to(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name
