"""A papermill engine that keeps a started kernel between runs: ``engine_name="aimaq-warm"``.

Measured here, ~80 % of a naive papermill run is kernel start-up and imports.
:class:`WarmEngine` is papermill's own :class:`papermill.engines.NBClientEngine`
given a kernel manager whose kernel is already running (nbclient's public
``km`` argument: a client that does not own its kernel manager leaves the
kernel alive). It is registered with papermill's engine registry
(``papermill_engines.register``, and the ``papermill.engine`` entry point in
``pyproject.toml``), so a run is an ordinary ``papermill.execute_notebook``:

>>> import papermill  # doctest: +SKIP
>>> papermill.execute_notebook("in.ipynb", "out.ipynb", engine_name="aimaq-warm",
...                            warm_kernel=WarmKernel(cwd="notebooks"))  # doctest: +SKIP

A :class:`WarmKernel` starts one ipykernel, runs
:func:`analysis.pipeline.reset.preload` in it once, and before every run
:func:`analysis.pipeline.reset.reset` (a fresh kernel's state, modules kept), which
also tells the kernel's loaders which data products the run declared (``reads=``).
Without a ``warm_kernel`` argument the engine behaves as ``nbclient``.

Examples
--------
>>> from papermill.engines import papermill_engines
>>> papermill_engines.get_engine("aimaq-warm") is WarmEngine
True
"""

from __future__ import annotations

import contextvars
import os
import shutil
import tempfile
from collections.abc import Mapping

from jupyter_client import AsyncKernelManager
from jupyter_core.utils import run_sync
from papermill.engines import NBClientEngine, papermill_engines

from analysis.pipeline import reset as kernel_reset

ENGINE_NAME = "aimaq-warm"
KERNEL_NAME = "python3"


class KeptKernelManager(AsyncKernelManager):
    """An async kernel manager that remembers the clients it hands out.

    nbclient leaves a kernel it does not own running, and with it the
    client it made for the run; the engine stops those clients' channels
    (and heartbeat threads) after each run with :meth:`stop_clients`.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.handed_out: list = []

    def client(self, **kwargs):
        kc = super().client(**kwargs)
        self.handed_out.append(kc)
        return kc

    def stop_clients(self) -> None:
        """Stop the channels of every client handed out."""
        clients, self.handed_out = self.handed_out, []
        for kc in clients:
            kc.stop_channels()


class WarmKernel:
    """One ipykernel kept alive across runs, with heavy imports preloaded.

    ``cwd``, ``env`` and ``preload`` are fixed for the kernel's life (a run
    needing others needs another kernel, see :meth:`matches`). Not
    thread-safe: one per thread.
    """

    def __init__(self, cwd: str | None = None, env: Mapping[str, str] | None = None,
                 preload: tuple[str, ...] = ()):
        self.cwd = cwd or os.getcwd()
        self.env = dict(env or {})
        self.preload = tuple(preload)
        self.km: KeptKernelManager | None = None
        self._sockets = ""
        # The kernel's asyncio loop lives in this private context: jupyter_core keeps "the
        # loop of this thread" in a context variable, which a host such as a Dask worker may
        # have copied from a thread whose loop is running. Every call goes through it.
        self.context = contextvars.Context()

    def matches(self, cwd: str, env: Mapping[str, str], preload: tuple[str, ...]) -> bool:
        """Whether a run with these settings can use this kernel."""
        return (self.cwd, self.env, self.preload) == (cwd, dict(env), tuple(preload))

    def started(self) -> KeptKernelManager:
        """The kernel manager, its kernel started and preloaded (on the first call)."""
        if self.km is None:
            environment = dict(os.environ)
            environment.update(self.env)
            # Same hash seed in every kernel: set iteration order cannot differ between builds.
            environment["PYTHONHASHSEED"] = "0"
            environment[kernel_reset.PRELOAD_VARIABLE] = ",".join(self.preload)
            # Local sockets (IPC) in a private directory, not TCP on loopback: nothing listens
            # on a port, and ipykernel has no reason to warn about unencrypted TCP.
            self._sockets = tempfile.mkdtemp(prefix="aimaq-kernel-")
            self.km = KeptKernelManager(kernel_name=KERNEL_NAME, transport="ipc",
                                         ip=os.path.join(self._sockets, "kernel"))
            run_sync(self.km.start_kernel)(cwd=self.cwd, env=environment)
            self.run_silently(kernel_reset.PRELOAD_CALL, timeout=300)
        return self.km

    def run_silently(self, code: str, timeout: int = 60, user_expressions: dict | None = None) -> dict:
        """Execute ``code`` without output or history (``silent=True``); the reply's content.

        Each call uses a client of its own, stopped afterwards (a few ms): a client kept
        across nbclient's runs was seen to stop receiving replies.
        """
        client = self.km.client()
        client.start_channels()
        try:
            run_sync(client.wait_for_ready)(timeout=60)
            reply = run_sync(client.execute_interactive)(
                code, silent=True, store_history=False, user_expressions=user_expressions or {},
                timeout=timeout, output_hook=lambda msg: None)
        finally:
            self.km.stop_clients()
        content = reply["content"]
        if content.get("status") != "ok":
            raise RuntimeError(f"warm kernel: {content.get('ename')}: {content.get('evalue')}")
        return content

    def reset(self, reads: str | None = None) -> None:
        """Bring the kernel back to a fresh kernel's state (starting it if needed).

        ``reads``: the run's declared data products (JSON text), served by the kernel's loaders
        during the run; None lets them compute as usual.
        """
        self.started()
        self.run_silently(kernel_reset.reset_call(reads))

    def shutdown(self) -> None:
        """Stop the kernel (:meth:`started` starts a new one); call it inside :attr:`context`."""
        if self.km is None:
            return
        try:
            self.km.stop_clients()
            run_sync(self.km.shutdown_kernel)(now=True)
        except Exception:  # the kernel may already be gone; nothing to keep
            pass
        shutil.rmtree(self._sockets, ignore_errors=True)
        self.km = None


class WarmEngine(NBClientEngine):
    """papermill's nbclient engine on a :class:`WarmKernel` passed as ``warm_kernel=``."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, warm_kernel: WarmKernel | None = None,
                                 reads: str | None = None, **kwargs):
        if warm_kernel is None:
            if reads is not None:
                raise ValueError("declared reads are served by a warm kernel: pass warm_kernel= too")
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
        warm_kernel.reset(reads)
        try:
            result = super().execute_managed_notebook(nb_man, kernel_name, km=warm_kernel.km, **kwargs)
        except Exception:
            # A dead or timed-out kernel is not reused: the next run starts a new one.
            warm_kernel.shutdown()
            raise
        warm_kernel.km.stop_clients()
        return result


papermill_engines.register(ENGINE_NAME, WarmEngine)
