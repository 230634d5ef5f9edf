"""Benchmark: the whole publication -- every edition, kk + ru + en, the PDFs -- from a warm run cache.

Run: ``python -m bench.book [--build-dir DIR] [--no-run] [--no-pdf] [--jobs N] [--repeat K] [--synthetic]``.

Attempt 1 builds with an empty site cache (:mod:`analysis.book.site_cache`): every edition and language
is built and printed. Attempts 2.. use the same private build folder, so they show a second
``make book`` with nothing changed (every build copied from the cache).

1. **run step** (unless ``--no-run``): :func:`analysis.pipeline.run_pipeline` over every edition of
   the manifest into ``DIR`` (default the project's ``_build``). With a warm cache nothing executes;
   this times the cache look-ups, product hashing and freshness of what ``make book`` does first.
2. **book step**: :func:`analysis.book.build_book` of every edition from ``DIR/runs`` into a *private*
   build folder (the published ``DIR/html`` is never touched): assemble, Jupyter Book for every
   edition and language, the PDFs (Chromium), the landing pages, the root copy, the site check.

It prints the wall time of each step, the book's stages (assemble; pages, where the Jupyter Book
builds and the PDFs interleave; root; check), the seconds of builds and of prints summed over the
workers, which stage dominates, the CPU seconds (this process and its children: the machine is
shared, so wall time depends on the load) and the site's size per edition. Goal (issue 16): the whole publication
<= 120 s on 2 cores; exit code 1 when the best attempt misses it.

With ``--synthetic`` (or when ``DIR/runs`` holds no runs) it builds the test suite's fixture book
instead (tests/test_book_fixture.py), padded to 20 region pages, in as many editions as the
manifest lists, and says so: synthetic, for timing only.
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

GOAL_SECONDS = 120.0
ROOT = Path(__file__).resolve().parents[1]


def _fixture():
    spec = importlib.util.spec_from_file_location("book_fixture", ROOT / "tests" / "test_book_fixture.py")
    fixture = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fixture)
    return fixture


def _synthetic_project(root: Path, editions: list[int]) -> dict:
    """The tests' fixture book, 24 run pages, in every edition (synthetic: for timing only)."""
    import json

    import nbformat

    fixture = _fixture()
    runs = dict(fixture.RUNS)
    notebook, parameters, texts = fixture.RUNS["regions/KZ-43"]
    for number in range(20):
        code = f"KZ-{number:02d}"
        runs[f"regions/{code}"] = (notebook, dict(parameters, region=code), texts)
    paths = fixture.make_project(root, runs=runs, edition=editions[-1])
    for edition in editions[:-1]:
        statuses = {}
        for page, (nb_name, params, page_texts) in runs.items():
            path = paths["runs_root"] / str(edition) / f"{page}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(fixture.executed_notebook(nb_name, dict(params, year=edition), page_texts), path)
            statuses[page] = {"page": page, "notebook": nb_name, "parameters": params, "status": "cached"}
        (paths["runs_root"] / str(edition) / "status.json").write_text(json.dumps({"runs": statuses}),
                                                                       encoding="utf-8")
    return paths


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children: what the build costs, whatever the load."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _megabytes(folder: Path) -> float:
    from analysis.book.editions import site_size

    return site_size(folder) / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.book", description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, default=ROOT / "_build", help="holds runs/ and cache/")
    parser.add_argument("--no-run", action="store_true", help="skip the (warm) run step")
    parser.add_argument("--no-pdf", action="store_true", help="HTML only")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--synthetic", action="store_true", help="time the synthetic fixture book")
    args = parser.parse_args(argv)

    from analysis.book import BookError, build_book
    from analysis.pipeline import load_manifest

    editions = [int(e) for e in load_manifest().editions]
    runs = args.build_dir / "runs"
    scratch = Path(tempfile.mkdtemp(prefix="bench-book-"))
    try:
        synthetic = args.synthetic or not runs.is_dir() or not any(runs.iterdir())
        run_seconds = 0.0
        if synthetic:
            paths = _synthetic_project(scratch / "synthetic", editions)
            kwargs = dict(project=paths["project"], runs_root=paths["runs_root"], data_dir=paths["data_dir"])
            label = f"synthetic fixture book (tests/test_book_fixture.py, 24 run pages) in editions {editions}"
        else:
            kwargs = dict(runs_root=runs)
            label = f"executed runs in {runs}, editions {editions}"
            if not args.no_run:
                from analysis.pipeline import run_pipeline

                started = time.perf_counter()
                result = run_pipeline(editions, jobs=args.jobs, build_dir=args.build_dir)
                run_seconds = time.perf_counter() - started
                counts = {}
                for status in result.statuses:
                    counts[status.status] = counts.get(status.status, 0) + 1
                print(f"run step (warm cache): {run_seconds:.1f} s, statuses {counts}")
                if not result.ok:
                    print("run step failed: " + "; ".join(f"{s.page}: {s.error}" for s in result.failures[:5]))
                    return 1
        print(f"book step: {label}, {args.jobs} parallel language builds, PDFs {'off' if args.no_pdf else 'on'}")
        totals = []
        for attempt in range(args.repeat):
            build_dir = scratch / "build"  # one folder: attempt 1 starts with an empty site cache, later ones reuse it
            started, cpu_started = time.perf_counter(), _cpu_seconds()
            try:
                report = build_book(build_dir=build_dir, jobs=args.jobs, pdfs=not args.no_pdf, **kwargs)
            except BookError as exc:
                print(f"build failed: {exc}")
                return 1
            seconds = time.perf_counter() - started
            totals.append(seconds + run_seconds)
            cpu, load = _cpu_seconds() - cpu_started, os.getloadavg()[0]
            stages = ", ".join(f"{k} {v:.1f} s" for k, v in report.timings.items())
            top = max(report.timings, key=report.timings.get)
            print(f"  build {attempt + 1} ({len(report.reused)} of {len(report.editions) * 3} language builds from the "
                  f"site cache): {seconds:.1f} s wall, {cpu:.1f} s CPU, editions {report.editions}, "
                  f"pages of the latest {report.pages}, load average {load:.1f}")
            print(f"    stages: {stages}; dominated by '{top}' ({report.timings[top] / seconds:.0%} of the wall time)")
            if report.work:  # the pages stage interleaves builds and prints: what each kind took, over the workers
                work = ", ".join(f"{k} {v:.1f} s" for k, v in report.work.items())
                print(f"    pages: {work} of work over {args.jobs} workers")
            site = build_dir / "html"
            sizes = ", ".join(f"{e}: {_megabytes(site / str(e)):.1f} MB" for e in report.editions)
            print(f"    site {_megabytes(site.resolve()):.1f} MB in all (root copy of the latest included); {sizes}")
        print(f"cold site cache: {totals[0]:.1f} s for the whole publication (run step + book; goal <= "
              f"{GOAL_SECONDS:.0f} s)" + (f"; warm site cache: {min(totals[1:]):.1f} s" if len(totals) > 1 else ""))
        return 0 if totals[0] <= GOAL_SECONDS else 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
