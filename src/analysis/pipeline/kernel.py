"""Warm kernels: papermill's own execution, without paying kernel start and imports per run.

Measured here, ~80 % of a naive papermill run is kernel start-up and imports.
A :class:`WarmKernel` starts one ipykernel once, imports the heavy modules into
it once, and then executes each parameterised notebook with papermill's own
machinery (``parameterize_notebook``, ``prepare_notebook_metadata``,
``NotebookExecutionManager`` and ``PapermillNotebookClient``) against that
kernel. Before each run the kernel is brought back to the state of a fresh
kernel: empty user namespace, execution count 1, no open figures, the
matplotlib rc parameters and warning filters (and their "shown once" registries)
as they were, the working directory reset. Modules stay imported: that is the
saving.

:func:`normalise` then removes what differs between two executions of the same
inputs (timestamps, durations, the absolute input/output paths), so two builds
give byte-identical files and a warm run equals a plain ``papermill`` run.
"""

from __future__ import annotations

import ast
import contextvars
import json
import os
import re
import shutil
import sys
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

KERNEL_NAME = "python3"
_TIMING_KEYS = ("start_time", "end_time", "duration")

# Runs silently in the kernel before a run: returns it to a fresh kernel's state.
_RESET_CODE = """
def __aimaq_reset(cwd):
    import os, sys, warnings
    state = sys.modules["__aimaq_state__"]
    ip = get_ipython()
    if "matplotlib.pyplot" in sys.modules:
        import matplotlib, matplotlib.pyplot as plt
        plt.close("all")
        matplotlib.rcParams.clear()
        matplotlib.rcParams.update(state.rc)
    warnings.filters[:] = state.warning_filters
    warnings._filters_mutated()      # forgets which warnings were already shown
    for name in list(os.environ):
        if name not in state.environ:
            del os.environ[name]
    os.environ.update(state.environ)
    os.chdir(cwd)
    ip.reset(new_session=True)       # fresh namespace, history, Out, execution count 1
    try:                             # record the run's reads of the observations
        import analysis.data.trace
        analysis.data.trace.start()
    except ImportError:
        pass
__aimaq_reset({cwd!r})
"""

# Evaluated after a run (a user expression: no cell, no output): the run's trace as JSON text.
_TRACE_FINISH = ('__import__("sys").modules["analysis.data.trace"].finish() '
                 'if "analysis.data.trace" in __import__("sys").modules else "null"')

_PRELOAD_CODE = """
def __aimaq_preload(modules):
    import importlib, os, sys, types, warnings
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    state = types.ModuleType("__aimaq_state__")
    if "matplotlib.pyplot" in sys.modules:
        import matplotlib
        state.rc = dict(matplotlib.rcParams)
    state.warning_filters = list(warnings.filters)
    state.environ = dict(os.environ)
    sys.modules["__aimaq_state__"] = state
    # The preloaded modules live as long as the kernel: moved out of the collector's sight,
    # the full collection that every reset makes (IPython's) costs ~5 ms instead of ~150 ms.
    import gc
    gc.collect()
    gc.freeze()
__aimaq_preload({modules!r})
"""


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
    reads_key: str | None = None  # the key without the observations (the runner's; see cache.py)


@dataclass(frozen=True)
class Outcome:
    """Result of executing a job: the normalised notebook JSON, its status and the trace of its reads.

    ``trace`` is the JSON text of :meth:`analysis.data.trace.Trace.to_json`, or None when the
    run's reads could not be traced (then it is keyed on the whole data only).
    """

    key: str
    status: str  # "ok" | "failed"
    notebook: str | None
    error: str | None = None
    trace: str | None = None


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


def _load(job: Job) -> nbformat.NotebookNode:
    """The job's notebook through papermill's own loader.

    When the job carries the source its key was computed on, that source is
    executed (not whatever the file holds by now), so a cache entry always
    matches its key even if the notebook is edited during a build.
    """
    from papermill.iorw import load_notebook_node

    if job.notebook_source is None:
        return load_notebook_node(job.notebook_path)
    with tempfile.TemporaryDirectory(prefix="aimaq-nb-") as scratch:
        copy = Path(scratch) / Path(job.notebook_path).name
        copy.write_text(job.notebook_source, encoding="utf-8")
        return load_notebook_node(str(copy))


class WarmKernel:
    """One ipykernel kept alive across runs, with heavy imports preloaded.

    Not thread-safe: use one per thread (see :func:`thread_kernel`).

    Examples
    --------
    >>> import nbformat, tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1\\nx + 1")])
    >>> nb.metadata.kernelspec = {"name": "python3", "language": "python", "display_name": "Python 3"}
    >>> nbformat.write(nb, d / "n.ipynb")
    >>> kernel = WarmKernel()
    >>> out = kernel.execute(Job("k", str(d / "n.ipynb"), "n.ipynb", "o.ipynb", {}, str(d)))
    >>> out.status, nbformat.reads(out.notebook, 4).cells[0].outputs[0].data["text/plain"]
    ('ok', '2')
    >>> kernel.shutdown()
    """

    def __init__(self, cwd: str | None = None, env: Mapping[str, str] | None = None,
                 preload: tuple[str, ...] = ()):
        self._cwd = cwd or os.getcwd()
        self._env = dict(env or {})
        self._preload = tuple(preload)
        self.km = None
        self.kc = None
        self._sockets = ""
        # The kernel's asyncio loop lives in this private context: jupyter_core
        # keeps "the loop of this thread" in a context variable, which a host
        # such as a Dask worker may have copied from a thread whose loop is
        # running. Every call into the kernel goes through this context.
        self._context = contextvars.Context()

    def _start(self) -> None:
        from jupyter_client.manager import AsyncKernelManager
        from nbclient import NotebookClient

        environment = dict(os.environ)
        environment.update(self._env)
        # Same hash seed in every kernel: set iteration order cannot differ between builds.
        environment["PYTHONHASHSEED"] = "0"
        # Local sockets (IPC) in a private directory, not TCP on loopback: nothing listens on a
        # port, and ipykernel has no reason to warn about unencrypted TCP.
        self._sockets = tempfile.mkdtemp(prefix="aimaq-kernel-")
        self.km = AsyncKernelManager(kernel_name=KERNEL_NAME, transport="ipc",
                                     ip=os.path.join(self._sockets, "kernel"))
        starter = NotebookClient(nbformat.v4.new_notebook(), km=self.km, kernel_name=KERNEL_NAME)
        starter.start_new_kernel(cwd=self._cwd, env=environment)
        self.kc = starter.start_new_kernel_client()
        self._silent(_PRELOAD_CODE.format(modules=list(self._preload)), timeout=300)

    def _silent(self, code: str, timeout: int = 60) -> None:
        from jupyter_core.utils import run_sync

        reply = run_sync(self.kc._async_execute_interactive)(
            code, silent=True, store_history=False, timeout=timeout,
            output_hook=lambda msg: None)
        content = reply["content"]
        if content.get("status") != "ok":
            raise RuntimeError(f"warm kernel set-up failed: {content.get('ename')}: {content.get('evalue')}")

    def matches(self, job: Job) -> bool:
        return (self._env == dict(job.env) and self._preload == tuple(job.preload))

    def execute(self, job: Job) -> Outcome:
        """Execute one job as papermill would; never raises for a failing cell."""
        return self._context.run(self._execute, job)

    def _execute(self, job: Job) -> Outcome:
        from papermill.engines import NotebookExecutionManager
        from papermill.parameterize import parameterize_notebook
        from papermill.execute import prepare_notebook_metadata, remove_error_markers
        from papermill.clientwrap import PapermillNotebookClient

        if self.km is None:
            self._start()
        self._silent(_RESET_CODE.format(cwd=job.cwd))
        nb = _load(job)
        if job.parameters:
            nb = parameterize_notebook(nb, dict(job.parameters), False, kernel_name=KERNEL_NAME)
        nb = prepare_notebook_metadata(nb, job.notebook_name, job.output_name, False)
        nb = remove_error_markers(nb)
        manager = NotebookExecutionManager(nb, output_path=None, progress_bar=False)
        manager.notebook_start()
        error = trace = None
        try:
            client = PapermillNotebookClient(
                manager, km=self.km, kernel_name=KERNEL_NAME, timeout=job.timeout,
                startup_timeout=60, log_output=False)
            client.kc = self.kc  # reuse the warm client: papermill then runs as usual
            client.execute()
            trace = self._trace()
        except Exception as exc:  # a dead or timed-out kernel: restart it for the next job
            error = f"{type(exc).__name__}: {exc}"
            self._shutdown()
        finally:
            manager.cleanup_pbar()
            manager.notebook_complete()
        nb = normalise(manager.nb, job.notebook_name, job.output_name, job.root)
        status = "failed" if error else status_of(nb)
        if status == "failed" and error is None:
            error = error_of(nb)
        return Outcome(job.key, status, dumps(nb), error, trace if status == "ok" else None)

    def _trace(self) -> str | None:
        """The finished run's trace (None when unusable or unavailable)."""
        from jupyter_core.utils import run_sync

        reply = run_sync(self.kc._async_execute_interactive)(
            "", silent=True, store_history=False, user_expressions={"trace": _TRACE_FINISH},
            timeout=60, output_hook=lambda msg: None)
        result = reply["content"].get("user_expressions", {}).get("trace", {})
        if result.get("status") != "ok":
            return None
        text = ast.literal_eval(result["data"]["text/plain"])
        return None if text == "null" else text

    def shutdown(self) -> None:
        """Stop the kernel (it is started again on the next job)."""
        if self.km is not None:
            self._context.run(self._shutdown)

    def _shutdown(self) -> None:
        from jupyter_core.utils import run_sync

        try:
            self.kc.stop_channels()
            run_sync(self.km.shutdown_kernel)(now=True)
        except Exception:  # the kernel may already be gone; nothing to keep
            pass
        shutil.rmtree(self._sockets, ignore_errors=True)
        self.km = self.kc = None


_local = threading.local()
_all_kernels: list[WarmKernel] = []
_lock = threading.Lock()


def thread_kernel(job: Job) -> WarmKernel:
    """The calling thread's warm kernel for this job's environment (created on demand)."""
    kernel = getattr(_local, "kernel", None)
    if kernel is not None and not kernel.matches(job):
        kernel.shutdown()
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
        return thread_kernel(job).execute(job)
    except Exception as exc:  # set-up failure: report it as this run's failure
        return Outcome(job.key, "failed", None, f"{type(exc).__name__}: {exc}")


def shutdown_all() -> None:
    """Stop every warm kernel of this process."""
    with _lock:
        kernels, _all_kernels[:] = list(_all_kernels), []
    for kernel in kernels:
        kernel.shutdown()
    _local.__dict__.clear()


def read_notebook(text: str) -> dict[str, Any]:
    return json.loads(text)


def relative_to(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name
