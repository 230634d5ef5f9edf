"""Executors: where jobs run. A registry of classes behind one base class.

- ``local`` (default): a pool of threads in this process, each driving its
  own warm ipykernel (a separate process), so ``jobs`` kernels work in
  parallel and no server is needed.
- ``dask``: the same jobs on a Dask distributed cluster (``--scheduler
  ADDRESS``, or a ``LocalCluster`` made on the spot); each Dask worker thread
  keeps its own warm kernel between tasks.

Executors only execute: they return :class:`~analysis.pipeline.kernel.Outcome`
objects and never write files, so the caller alone writes the cache and the
outputs (atomically), whatever the executor.
"""

from __future__ import annotations

import abc
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed

from analysis.pipeline.kernel import Job, Outcome, execute_job, shutdown_all


class Executor(abc.ABC):
    """Base class: run jobs, yield outcomes as they complete.

    Subclasses implement :meth:`submit_all` and may override :meth:`close`.
    Use as a context manager so kernels and clusters are always stopped.
    """

    name = "base"

    def __init__(self, jobs: int | None = None, scheduler: str | None = None):
        self.jobs = max(1, jobs or default_jobs())
        self.scheduler = scheduler
        # Futures of the jobs submitted last; both backends' futures have .cancel().
        self._futures = []

    @abc.abstractmethod
    def submit_all(self, jobs: Iterable[Job]) -> Iterator[Outcome]:
        """Execute ``jobs``; yield each outcome as soon as it is ready."""

    def cancel(self) -> None:
        """Stop starting new jobs (those running finish)."""
        for future in self._futures:
            future.cancel()

    def close(self) -> None:
        """Release kernels, threads or cluster connections."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def usable_cores() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def default_jobs() -> int:
    """One kernel more than the cores this process may use.

    Between two runs a kernel waits: for its reset, and for the runner to write the finished
    notebook and hand it the next one. A spare kernel keeps the cores busy meanwhile: on 2 cores
    the 218 cold runs took 173–179 s with 3 kernels and 183–210 s with 2 (``bench.pipeline``).
    """
    return usable_cores() + 1


class LocalExecutor(Executor):
    """Threads in this process, one warm kernel each.

    Examples
    --------
    >>> with LocalExecutor(jobs=1) as executor:
    ...     list(executor.submit_all([]))
    []
    """

    name = "local"

    def __init__(self, jobs: int | None = None, scheduler: str | None = None):
        super().__init__(jobs, scheduler)
        self._pool = ThreadPoolExecutor(max_workers=self.jobs, thread_name_prefix="aimaq-kernel")

    def submit_all(self, jobs: Iterable[Job]) -> Iterator[Outcome]:
        self._futures = [self._pool.submit(execute_job, job) for job in jobs]
        for future in as_completed(self._futures):
            if future.cancelled():
                continue
            yield future.result()

    def close(self) -> None:
        self.cancel()
        self._pool.shutdown(wait=True)
        shutdown_all()


class DaskExecutor(Executor):
    """Jobs as tasks on a Dask distributed cluster.

    Without ``scheduler`` a ``LocalCluster`` of ``jobs`` single-thread worker
    processes is started for the run and stopped afterwards.
    """

    name = "dask"

    def __init__(self, jobs: int | None = None, scheduler: str | None = None,
                 processes: bool = True):
        super().__init__(jobs, scheduler)
        try:
            from distributed import Client, LocalCluster
        except ImportError as error:  # the dask extra is optional
            raise RuntimeError("the dask executor needs the 'dask' extra: pip install 'aimaq[dask]'") from error
        self._cluster = None
        if scheduler:
            self._client = Client(scheduler)
        else:
            self._cluster = LocalCluster(n_workers=self.jobs, threads_per_worker=1,
                                         processes=processes, dashboard_address=None)
            self._client = Client(self._cluster)

    def submit_all(self, jobs: Iterable[Job]) -> Iterator[Outcome]:
        from distributed import as_completed as dask_completed

        # pure=False: the same job submitted twice (verify after run) executes twice.
        self._futures = [self._client.submit(execute_job, job, key=f"aimaq-{job.key}-{i}", pure=False)
                         for i, job in enumerate(jobs)]
        for future in dask_completed(self._futures):
            if future.cancelled():
                continue
            yield future.result()

    def close(self) -> None:
        self.cancel()
        try:
            # Workers keep their kernels in thread-locals: ask each to stop them.
            self._client.run(shutdown_all)
        except Exception:  # a worker already gone has no kernel left to stop
            pass
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


EXECUTORS: dict[str, type[Executor]] = {}


def register_executor(cls: type[Executor]) -> type[Executor]:
    """Add an executor class to the registry under its ``name``."""
    EXECUTORS[cls.name] = cls
    return cls


for _cls in (LocalExecutor, DaskExecutor):
    register_executor(_cls)


def get_executor(name: str, jobs: int | None = None, scheduler: str | None = None) -> Executor:
    """Instantiate a registered executor by name.

    Examples
    --------
    >>> get_executor("nope")
    Traceback (most recent call last):
    ...
    ValueError: unknown executor 'nope': expected one of ['dask', 'local']
    """
    if name not in EXECUTORS:
        raise ValueError(f"unknown executor {name!r}: expected one of {sorted(EXECUTORS)}")
    if name == "local" and scheduler:
        raise ValueError("--scheduler is only used with --executor dask")
    return EXECUTORS[name](jobs=jobs, scheduler=scheduler)
