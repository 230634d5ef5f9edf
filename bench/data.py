"""Benchmark: ``analysis.data.load_panel`` with all its checks (target: well under 0.5 s).

Run: ``python -m bench.data``. Measures, on the shipped data, a *cold* load (every file read,
checksummed and validated, both checks and harmonisation run: what the first cell of a notebook
pays) and a *warm* load (same process, files unchanged: served from the validated cache), for
both bases. Reports wall-clock and CPU time, best of ``--repeat`` runs (the machine is shared:
under contention the CPU time is the steadier figure) and the median.
Exit code 1 when the best cold load exceeds the target in CPU time: the load is single-threaded
and reads 1.6 MB, so on an idle machine wall time equals CPU time, while on the shared 2-core
machine wall time mostly measures the other processes (both are printed).
"""

from __future__ import annotations

import argparse
import statistics
import time

TARGET_SECONDS = 0.5


def _cold(basis: str) -> float:
    from analysis.data import load_panel, panel, tables

    tables._CACHE.clear()
    panel._PANELS.clear()
    start, cpu = time.perf_counter(), time.process_time()
    load_panel(basis)
    return time.perf_counter() - start, time.process_time() - cpu


def _warm(basis: str) -> float:
    from analysis.data import load_panel

    load_panel(basis)
    start, cpu = time.perf_counter(), time.process_time()
    load_panel(basis)
    return time.perf_counter() - start, time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args(argv)
    start = time.perf_counter()
    import analysis.data  # noqa: F401  (import cost reported separately: paid once per kernel)

    print(f"import analysis.data: {time.perf_counter() - start:.3f} s")
    _cold("stable")  # first call also pays lazy imports inside pandas/pandera
    worst = 0.0
    for basis in ("stable", "current"):
        for name, fn in (("cold", _cold), ("warm", _warm)):
            runs = [fn(basis) for _ in range(args.repeat)]
            wall = [w for w, _ in runs]
            cpu = [c for _, c in runs]
            print(f"load_panel({basis!r}) {name}: wall best {min(wall):.3f} s, median {statistics.median(wall):.3f} s; "
                  f"cpu best {min(cpu):.3f} s")
            if name == "cold":
                worst = max(worst, min(cpu))
    ok = worst <= TARGET_SECONDS
    print(f"target {TARGET_SECONDS} s CPU per cold load: {'met' if ok else 'NOT met'} (worst best-of-runs {worst:.3f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
