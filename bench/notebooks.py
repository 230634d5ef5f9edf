"""Benchmark: each notebook run warm, in process (what a warm pipeline kernel pays per run).

Run: ``python -m bench.notebooks [--only NAME ...] [--repeat K] [--profile NAME] [--top N]``.

The pipeline executes every run in a warm kernel (modules imported once, see
:mod:`analysis.pipeline.kernel`), so the cost that scales with the 152 runs of
five editions is one notebook's code executed in an already warm process. This
benchmark executes the code cells of each notebook in this process (outputs
captured by :func:`analysis.report.capture`, as ``tests/test_notebooks.py``
does): once to warm up (imports, data tables, per-process caches), then
``--repeat`` times, and prints the best wall and CPU time per run. With the
number of runs of each notebook in the manifest it estimates the CPU seconds
of a cold pipeline run on two cores (kernel start-up excluded). Goal (issue
on pipeline speed): ≲ 1.5 s CPU per run on average; exit code 1 when the
weighted mean misses it.

``--profile NAME`` prints the cProfile of one warm run of that notebook
(cumulative time, ``--top`` rows).

``--vary K`` also times, after the warm-up, up to ``K`` other runs of each
notebook from the manifest (other regions, programmes and editions, spread
over the list) and prints their mean CPU: repeating one run flatters
per-process caches (text glyphs, data tables), other parameters do not.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
GOAL_CPU_PER_RUN = 1.5
# One representative parameter set per notebook (the latest edition's data).
RUN = {
    "national_convergence": {"year": 2022},
    "programme_effects": {"programme": "aral_2007", "year": 2022},
    "composite_index": {"year": 2022},
    "region_profile": {"region": "KZ-43", "year": 2022},
    "data_overview": {"year": 2022},
    "conclusions": {"year": 2022},
}


def _cells(name: str) -> list[tuple[str, str]]:
    nb = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))
    out = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            out.append((cell.get("id", "?"), source))
    return out


def run_once(name: str, **parameters) -> int:
    """Execute notebook ``name``'s code cells in this process; returns the number of outputs."""
    import matplotlib.pyplot as plt

    from analysis import report

    cells = _cells(name)
    namespace: dict = {"__name__": "__notebook__"}
    exec(compile(cells[0][1], f"{name}:parameters", "exec"), namespace)
    namespace.update(parameters)
    with report.capture() as outputs:
        for cell_id, source in cells[1:]:
            exec(compile(source, f"{name}:{cell_id}", "exec"), namespace)
    plt.close("all")
    return len(outputs)


def _time(name: str) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    run_once(name, **RUN[name])
    return time.perf_counter() - wall, time.process_time() - cpu


def _manifest_parameters() -> dict[str, list[dict]]:
    """Every run's parameters per notebook, in manifest order (empty if the manifest can't be read)."""
    try:
        from analysis.pipeline import load_manifest

        manifest = load_manifest()
        out: dict[str, list[dict]] = {}
        for edition in manifest.editions:
            for run in manifest.runs(edition):
                out.setdefault(Path(str(run.notebook)).stem, []).append(dict(run.parameters))
        return out
    except Exception as exc:  # optional, like the estimate
        print(f"(manifest not read: {exc})")
        return {}


def _time_varied(name: str, parameters: list[dict], k: int) -> float | None:
    """Mean CPU seconds of up to ``k`` runs with other parameters than the warm-up's, spread over the list."""
    others = [p for p in parameters if p != RUN[name]]
    if not others or k <= 0:
        return None
    step = max(1, len(others) // k)
    cpu = []
    for params in others[::step][:k]:
        start = time.process_time()
        run_once(name, **params)
        cpu.append(time.process_time() - start)
    return sum(cpu) / len(cpu)


def _runs_per_notebook() -> Counter:
    """How many runs of each notebook the manifest's editions hold (empty if it can't be read)."""
    try:
        from analysis.pipeline import load_manifest

        manifest = load_manifest()
        return Counter(Path(str(run.notebook)).stem for edition in manifest.editions for run in manifest.runs(edition))
    except Exception as exc:  # the estimate is optional; the timings still stand
        print(f"(manifest not read: {exc})")
        return Counter()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.notebooks", description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=sorted(RUN), help="time only this notebook (repeatable)")
    parser.add_argument("--repeat", type=int, default=2, help="timed warm runs per notebook (best is shown)")
    parser.add_argument("--profile", choices=sorted(RUN), help="print the cProfile of one warm run")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--vary", type=int, default=0, metavar="K",
                        help="also time up to K runs with other manifest parameters (mean CPU)")
    args = parser.parse_args(argv)

    import matplotlib

    matplotlib.use("Agg")
    if args.profile:
        run_once(args.profile, **RUN[args.profile])  # warm
        profiler = cProfile.Profile()
        profiler.enable()
        run_once(args.profile, **RUN[args.profile])
        profiler.disable()
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(args.top)
        print(stream.getvalue())
        return 0

    names = args.only or sorted(RUN)
    best: dict[str, tuple[float, float]] = {}
    varied: dict[str, float] = {}
    parameters = _manifest_parameters() if args.vary else {}
    print(f"{'notebook':<22} {'warm-up s':>9} {'wall s':>8} {'cpu s':>8}" + (f" {'varied cpu s':>13}" if args.vary else ""))
    for name in names:
        warm_up, _ = _time(name)
        timings = [_time(name) for _ in range(max(1, args.repeat))]
        best[name] = min(timings, key=lambda t: t[1])
        mean = _time_varied(name, parameters.get(name, []), args.vary) if args.vary else None
        if mean is not None:
            varied[name] = mean
        print(f"{name:<22} {warm_up:9.2f} {best[name][0]:8.2f} {best[name][1]:8.2f}"
              + (f" {mean:13.2f}" if mean is not None else ""), flush=True)

    counts = _runs_per_notebook()
    if counts and set(counts) <= set(best):
        total_runs = sum(counts.values())
        cpu = sum(counts[n] * best[n][1] for n in counts)
        print(f"\nmanifest: {total_runs} runs ({', '.join(f'{n} {c}' for n, c in sorted(counts.items()))})")
        print(f"estimated warm CPU of all runs: {cpu:.0f} s, {cpu / 2:.0f} s wall on 2 cores "
              f"({cpu / total_runs:.2f} s CPU per run; goal ≲ {GOAL_CPU_PER_RUN} s)")
        if set(counts) <= set(varied):
            cpu_varied = sum(counts[n] * varied[n] for n in counts)
            print(f"with the varied runs' mean CPU: {cpu_varied:.0f} s, {cpu_varied / 2:.0f} s wall on 2 cores "
                  f"({cpu_varied / total_runs:.2f} s CPU per run)")
        return 0 if cpu / total_runs <= GOAL_CPU_PER_RUN else 1
    mean = sum(c for _, c in best.values()) / len(best)
    print(f"\nmean CPU per notebook run: {mean:.2f} s (goal ≲ {GOAL_CPU_PER_RUN} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
