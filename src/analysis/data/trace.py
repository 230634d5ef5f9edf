"""What a run read from the observations: the loaders' calls and a digest of each result.

The pipeline caches an executed notebook under a key of everything it reads.
The observations (``observations.csv``, ``revisions.csv``, ``unverified.csv``)
reach a notebook only through the public loaders of this package
(:func:`load_panel`, :func:`load_map_panel`, :func:`load_national`,
:func:`data_years`, :func:`coverage_table`, :func:`per_capita_check`), so a run
can be keyed on *what those calls returned* rather than on every row of the
files: a revised 2023 GRP figure changes the pages that show it, not a region
page whose panel (loaded with ``indicators=[...]``) is the same table as before.
This is a verifying trace in the sense of build systems (Mokhov, Mitchell and
Peyton Jones, "Build systems à la carte", 2018): after a run, the calls and
the digests of their results are stored; before the next build, the calls are
replayed in the pipeline's own process and, when every digest is unchanged,
the stored notebook is still valid.

Soundness rests on three rules, all enforced here:

- only the outermost loader call is recorded (a loader calling another is one
  read); its arguments are recorded by name, the data directory as the run's
  own (a call on any other directory makes the trace unusable);
- reading the observation tables any other way while recording
  (``load_tables(...).observations``) marks the trace unusable;
- so does opening a file named like an observation file outside a loader
  (``pd.read_csv("data/observations.csv")`` in a notebook): a Python audit
  hook (:pep:`578`) watches every ``open`` while a run is recorded.

An unusable trace is not stored: that run is keyed on the whole data slice
of its edition, as any run was before. (A C library opening the file by
itself, without Python's ``open``, would escape the hook; notebooks read data
through :mod:`analysis.data`, see ARCHITECTURE.md.)

Everything else in ``data/`` (regions, indicators, programmes, the index
framework, maps) stays in the run's key as whole files.

Examples
--------
>>> from analysis.data import load_national
>>> with recording() as trace:
...     _ = load_national(until=2020, indicators=["grp_nominal"])
>>> [(c.name, c.arguments["until"]) for c in trace.calls], trace.usable
([('load_national', 2020)], True)
>>> replay(trace.calls, None)
True
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import inspect
import json
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analysis.data.paths import resolve_data_dir

#: Table attributes of :class:`analysis.data.tables.Tables` that hold observations.
OBSERVATION_TABLES = frozenset({"observations", "revisions", "unverified"})
#: Their files; opening one outside a traced loader spoils the trace.
OBSERVATION_FILES = frozenset(f"{name}.csv" for name in OBSERVATION_TABLES)

_LOADERS: dict[str, Callable] = {}


@dataclass(frozen=True)
class Call:
    """One recorded loader call: the loader's name, its arguments (no data directory), the result's digest."""

    name: str
    arguments: dict[str, Any]
    digest: str

    def to_json(self) -> list:
        return [self.name, self.arguments, self.digest]

    @classmethod
    def from_json(cls, item) -> Call:
        name, arguments, digest = item
        return cls(str(name), dict(arguments), str(digest))


@dataclass
class Trace:
    """The loader calls of one run; ``unusable`` says why the trace cannot key the run (None: it can)."""

    calls: list[Call] = field(default_factory=list)
    unusable: str | None = None
    depth: int = 0

    @property
    def usable(self) -> bool:
        return self.unusable is None

    def to_json(self) -> str:
        """The trace as JSON text (what the pipeline stores), or ``"null"`` when it is unusable."""
        if not self.usable:
            return "null"
        return json.dumps([c.to_json() for c in self.calls], ensure_ascii=True, sort_keys=True)


_active: Trace | None = None


@contextlib.contextmanager
def recording():
    """Record the loader calls made inside the block; yields the :class:`Trace`."""
    global _active
    _install_hook()
    previous, _active = _active, Trace()
    try:
        yield _active
    finally:
        _active = previous


def start() -> None:
    """Start recording for the run about to execute (the pipeline's kernels call this)."""
    global _active
    _install_hook()
    _active = Trace()


_hooked = False


def _install_hook() -> None:
    global _hooked
    if not _hooked:  # an audit hook cannot be removed: one per process, idle when not recording
        sys.addaudithook(_audit)
        _hooked = True


def _audit(event: str, args: tuple) -> None:
    if event != "open":
        return
    trace = _active
    if trace is None or trace.depth or not trace.usable or not args:
        return
    path = args[0]
    if isinstance(path, (str, bytes, os.PathLike)) and os.path.basename(os.fsdecode(path)) in OBSERVATION_FILES:
        trace.unusable = f"{os.path.basename(os.fsdecode(path))} opened outside the traced loaders"


@contextlib.contextmanager
def sanctioned():
    """Reads inside this block are the library's own (validating and caching the tables),
    not a run's: what reaches a run is watched where it is handed out."""
    trace = _active
    if trace is None:
        yield
        return
    trace.depth += 1
    try:
        yield
    finally:
        trace.depth -= 1


def finish() -> str:
    """Stop recording; the run's trace as JSON text (see :meth:`Trace.to_json`)."""
    global _active
    trace, _active = _active, None
    return trace.to_json() if trace is not None else "null"


def observed(table: str) -> None:
    """Note that an observation table was read; outside a traced loader this spoils the trace."""
    trace = _active
    if trace is not None and trace.depth == 0 and trace.usable:
        trace.unusable = f"{table} read outside the traced loaders"


def traced(loader: Callable) -> Callable:
    """Register a public loader whose calls are recorded (it must take ``data_dir``)."""
    signature = inspect.signature(loader)
    if "data_dir" not in signature.parameters:
        raise TypeError(f"{loader.__name__}: a traced loader takes data_dir")

    @functools.wraps(loader)
    def wrapper(*args, **kwargs):
        trace = _active
        if trace is None or trace.depth:
            return loader(*args, **kwargs)
        trace.depth += 1
        try:
            result = loader(*args, **kwargs)
        finally:
            trace.depth -= 1
        if trace.usable:
            _record(trace, loader.__name__, signature, args, kwargs, result)
        return result

    _LOADERS[loader.__name__] = wrapper
    return wrapper


def _record(trace: Trace, name: str, signature: inspect.Signature, args, kwargs, result) -> None:
    bound = signature.bind(*args, **kwargs)
    bound.apply_defaults()
    arguments = dict(bound.arguments)
    if resolve_data_dir(arguments.pop("data_dir")).resolve() != resolve_data_dir(None).resolve():
        trace.unusable = f"{name} read another data directory"
        return
    try:
        arguments = json.loads(json.dumps(arguments, default=_plain))
    except (TypeError, ValueError):
        trace.unusable = f"{name}: arguments that cannot be recorded"
        return
    trace.calls.append(Call(name, arguments, digest(result)))


def _plain(value):
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, (tuple, set, frozenset, range)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    raise TypeError(type(value).__name__)


def digest(value: Any) -> str:
    """sha256 of a loader's result: frames by labels, dtypes, values and ``attrs``; the rest as JSON.

    Examples
    --------
    >>> a = pd.DataFrame({"x": [1.0, float("nan")]})
    >>> digest(a) == digest(a.copy()), digest(a) == digest(a.assign(x=[1.0, 2.0]))
    (True, False)
    """
    h = hashlib.sha256()
    _feed(h, value)
    return h.hexdigest()


def _feed(h, value) -> None:
    if isinstance(value, (pd.DataFrame, pd.Series)):
        frame = value.to_frame() if isinstance(value, pd.Series) else value
        h.update(type(value).__name__.encode())
        h.update(json.dumps([[str(c) for c in frame.columns], [str(t) for t in frame.dtypes],
                             str(frame.index.dtype), list(frame.index.names)], default=str).encode())
        h.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
        h.update(json.dumps(_canonical(frame.attrs), sort_keys=True, default=str).encode())
    else:
        h.update(json.dumps(_canonical(value), sort_keys=True, default=str).encode())


def _canonical(value):
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((_canonical(v) for v in value), key=repr)
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def replay(calls: Iterable[Call], data_dir, memo: dict | None = None) -> bool:
    """Whether every call, made again on ``data_dir``, returns a result with its recorded digest.

    ``memo`` (a dict kept across runs of one build) holds the digests already
    computed, so calls shared by many runs are made once. A call that raises
    (an invalid data file, a loader that no longer exists) is a mismatch: the
    run is executed and reports the problem itself.
    """
    memo = {} if memo is None else memo
    for call in calls:
        key = (call.name, json.dumps(call.arguments, sort_keys=True))
        if key not in memo:
            loader = _LOADERS.get(call.name)
            try:
                memo[key] = None if loader is None else digest(loader(**call.arguments, data_dir=data_dir))
            except Exception:  # noqa: BLE001 - any failure means "cannot vouch for this run"
                memo[key] = None
        if memo[key] != call.digest:
            return False
    return True


def loads(text: str | None) -> list[Call] | None:
    """The calls of a trace stored by :meth:`Trace.to_json` (None for an unusable or unreadable one)."""
    try:
        items = json.loads(text) if text else None
        return None if items is None else [Call.from_json(item) for item in items]
    except (TypeError, ValueError):
        return None


__all__ = ["Call", "Trace", "digest", "finish", "loads", "observed", "recording", "replay", "sanctioned", "start",
           "traced"]
