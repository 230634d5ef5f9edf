"""Kernel side of a warm kernel: preload heavy modules once, then return to a fresh kernel's state per run.

This module runs *inside* the ipykernel that :mod:`analysis.pipeline.engine`
keeps between runs; the engine only sends one-line calls of its functions
(:data:`PRELOAD_CALL`, :func:`reset_call`).

* :func:`preload` imports the modules named in the kernel's
  ``AIMAQ_KERNEL_PRELOAD`` environment variable (comma-separated) and records
  the state a fresh kernel has after those imports: matplotlib's rc
  parameters, the warning filters, the environment and the working directory.
* :func:`reset` brings the kernel back to that state: figures closed, rc
  parameters and warning filters (and their "already shown" registries)
  restored, environment and working directory restored, and IPython's own
  ``reset(new_session=True)``: empty user namespace, history, ``Out`` and
  execution count 1. Modules stay imported: that is the saving. It then tells
  the loaders of :mod:`analysis.data` which data products the run declared
  (:func:`analysis.data.products.serve`); a run that declares nothing is served
  nothing and its loaders compute as usual.

Examples
--------
>>> import os, warnings
>>> state = snapshot()
>>> warnings.simplefilter("ignore")
>>> os.environ["AIMAQ_RESET_DOCTEST"] = "1"
>>> restore(state)
>>> "AIMAQ_RESET_DOCTEST" in os.environ, warnings.filters == state.warning_filters
(False, True)
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
import warnings
from dataclasses import dataclass

#: The environment variable holding the modules :func:`preload` imports.
PRELOAD_VARIABLE = "AIMAQ_KERNEL_PRELOAD"
#: The code the engine runs once after starting a kernel.
PRELOAD_CALL = "import analysis.pipeline.reset; analysis.pipeline.reset.preload()"
#: The code the engine runs (silently, no history) before a run that declares nothing.
RESET_CALL = "import analysis.pipeline.reset; analysis.pipeline.reset.reset()"


def reset_call(reads: str | None = None) -> str:
    """The code the engine runs before a run: :func:`reset` given the run's declared reads (JSON text).

    The JSON text travels as a Python string literal (``repr``), never as code.

    >>> reset_call(None) == RESET_CALL
    True
    >>> print(reset_call('{"a": 1}'))
    import analysis.pipeline.reset; analysis.pipeline.reset.reset('{"a": 1}')
    """
    if reads is None:
        return RESET_CALL
    if not isinstance(reads, str):
        raise TypeError("reads: the JSON text of analysis.pipeline.products.serving_spec")
    return f"import analysis.pipeline.reset; analysis.pipeline.reset.reset({reads!r})"


@dataclass(frozen=True)
class KernelState:
    """What a fresh kernel looked like after the preloaded imports."""

    rc: dict | None
    warning_filters: list
    environ: dict
    cwd: str


_state: KernelState | None = None


def snapshot() -> KernelState:
    """The current process state that :func:`restore` returns to."""
    rc = None
    if "matplotlib" in sys.modules:
        rc = dict(sys.modules["matplotlib"].rcParams)
    return KernelState(rc=rc, warning_filters=list(warnings.filters), environ=dict(os.environ), cwd=os.getcwd())


def restore(state: KernelState) -> None:
    """Return figures, rc parameters, warning filters, environment and working directory to ``state``."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
    if state.rc is not None and "matplotlib" in sys.modules:
        rc = sys.modules["matplotlib"].rcParams
        rc.clear()
        rc.update(state.rc)
    # warnings.filters is the documented list of filters. Changing it through a function of the
    # module also makes Python forget which warnings were "already shown" (the registries carry
    # the filters' version), so a warning the previous run saw is shown again, as in a fresh kernel.
    warnings.simplefilter("default", append=True)
    warnings.filters[:] = state.warning_filters
    for name in list(os.environ):
        if name not in state.environ:
            del os.environ[name]
    os.environ.update(state.environ)
    os.chdir(state.cwd)


def preload() -> None:
    """Import the modules of ``$AIMAQ_KERNEL_PRELOAD`` and record the fresh state (once per kernel)."""
    global _state
    for name in filter(None, os.environ.get(PRELOAD_VARIABLE, "").split(",")):
        try:
            importlib.import_module(name)
        except ImportError:  # a module a notebook may not need; the run will say so if it does
            pass
    _state = snapshot()
    # The preloaded modules live as long as the kernel: moved out of the collector's sight,
    # the full collection IPython's reset makes costs a few ms instead of ~150 ms.
    gc.collect()
    gc.freeze()


def reset(reads: str | None = None) -> None:
    """Return the kernel to the state :func:`preload` recorded; the loaders serve ``reads`` (None: nothing)."""
    if _state is None:
        raise RuntimeError("analysis.pipeline.reset.reset() before preload(): not a warm kernel")
    restore(_state)
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.reset(new_session=True)  # fresh namespace, history, Out, execution count 1
    if reads is not None or "analysis.data.products" in sys.modules:
        from analysis.data import products

        products.serve(reads)
