"""Benchmark: the book step, kk + ru + en editions of one report year, after the pipeline.

Run: ``python -m bench.book [--edition Y] [--runs DIR] [--jobs N] [--repeat K] [--synthetic]``.

Builds the edition's executed runs (default ``_build/runs/<latest>``) into a
private build folder with :func:`analysis.book.build_book` (assemble, three
Jupyter Book builds, site checks, atomic publish), so the project's
``_build/html`` is not touched. Prints the wall time of each build, the
pages per language, the CPU seconds spent (this process and the Jupyter
Book processes) and the load average: the machine is shared, so wall time
depends on the load and CPU time shows what the build itself costs. Goal (issue 7): <= 60 s on 2 cores; exit code 1
when the best build misses it.

With ``--synthetic`` (or when there are no runs yet) it builds the test
suite's synthetic fixture book instead, padded to a real book's size
(20 region pages), and says so.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

GOAL_SECONDS = 60.0
ROOT = Path(__file__).resolve().parents[1]


def _synthetic_project(root: Path) -> dict:
    """The tests' fixture book with 20 region pages (synthetic: for timing only)."""
    spec = importlib.util.spec_from_file_location("book_fixture", ROOT / "tests" / "test_book_fixture.py")
    fixture = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fixture)
    runs = dict(fixture.RUNS)
    notebook, parameters, texts = fixture.RUNS["regions/KZ-43"]
    for number in range(20):
        code = f"KZ-{number:02d}"
        runs[f"regions/{code}"] = (notebook, dict(parameters, region=code), texts)
    return fixture.make_project(root, runs=runs)


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children: what the build costs, whatever the load."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.book", description=__doc__.splitlines()[0])
    parser.add_argument("--edition", type=int, default=None, help="report year (default: the latest)")
    parser.add_argument("--runs", type=Path, default=ROOT / "_build" / "runs", help="folder of executed runs")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--synthetic", action="store_true", help="time the synthetic fixture book")
    args = parser.parse_args(argv)

    from analysis.book import BookError, build_book
    from analysis.book.build import latest_edition

    scratch = Path(tempfile.mkdtemp(prefix="bench-book-"))
    try:
        if args.synthetic or not args.runs.is_dir() or not any(args.runs.iterdir()):
            paths = _synthetic_project(scratch / "synthetic")
            kwargs = dict(project=paths["project"], runs_root=paths["runs_root"], data_dir=paths["data_dir"])
            edition, label = paths["edition"], "synthetic fixture book (tests/test_book_fixture.py, 24 run pages)"
        else:
            kwargs = dict(runs_root=args.runs)
            edition = args.edition or latest_edition(args.runs)
            label = f"executed runs in {args.runs / str(edition)}"
        print(f"book step: {label}, edition {edition}, {args.jobs} parallel language builds")
        times = []
        for attempt in range(args.repeat):
            build_dir = scratch / f"build-{attempt}"
            started, cpu_started = time.perf_counter(), _cpu_seconds()
            try:
                report = build_book(edition, build_dir=build_dir, jobs=args.jobs, **kwargs)
            except BookError as exc:
                print(f"build failed: {exc}")
                return 1
            times.append(time.perf_counter() - started)
            cpu, load = _cpu_seconds() - cpu_started, os.getloadavg()[0]
            print(f"  build {attempt + 1}: {times[-1]:.1f} s wall, {cpu:.1f} s CPU (this process and the "
                  f"Jupyter Book processes), pages {report.pages}, load average {load:.1f}")
        print(f"best {min(times):.1f} s for kk + ru + en (goal <= {GOAL_SECONDS:.0f} s)")
        return 0 if min(times) <= GOAL_SECONDS else 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
