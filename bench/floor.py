"""Benchmark: the floor under ``aimaq run`` (every run's chapter call and rendering in one warm process).

Run: ``python -m bench.floor [--editions 2023 ...] [--jobs N] [--skip-pipeline]``.

The floor is what the runs cost with no pipeline at all: one Python process, modules imported
once, and for every run of the manifest its notebook's code cells (after the parameters cell:
``Edition.build``, the ONE chapter call and the render call of a thin notebook; whatever the
notebook does while it is not thin yet) executed in that process with the run's parameters, the
outputs captured by :func:`analysis.report.capture`. The chapter function each notebook calls is
read from its code (``ast``: calls of a name ending in ``_chapter``), so new chapters are picked
up without editing this file; the table names it per notebook.

Then, on a snapshot of ``notebooks/`` and ``data/`` and an empty private build directory (as
``bench.pipeline`` does), a cold ``run_pipeline`` of the same runs with ``--jobs`` kernels, and
the pipeline's overhead over the floor: its wall time over the floor's wall time divided by the
number of cores the kernels share (the floor spread perfectly over the cores; the pipeline's
default is one kernel more than the cores). Aim (issue 13): within 1.5x.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import resource
import shutil
import tempfile
import time
from collections import defaultdict
from pathlib import Path

AIM = 1.5


def code_cells(path: Path) -> tuple[str, list[str]]:
    """The parameters cell and the other code cells of a notebook, as source text."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = [("".join(c["source"]) if isinstance(c["source"], list) else c["source"],
              c.get("metadata", {}).get("tags", [])) for c in nb["cells"] if c["cell_type"] == "code"]
    parameters = next((source for source, tags in cells if "parameters" in tags), "")
    return parameters, [source for source, tags in cells if "parameters" not in tags]


def chapter_calls(sources: list[str]) -> list[str]:
    """Names of the chapter functions the code calls (``x.y_chapter(...)`` or ``y_chapter(...)``)."""
    found = []
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name.endswith("_chapter") and name not in found:
                    found.append(name)
    return found


def floor(runs, notebooks_dir: Path) -> tuple[dict, dict, list]:
    """Wall and CPU seconds per notebook of every run executed in this process, and the failures."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from analysis import report

    compiled = {}
    wall, cpu, failures = defaultdict(float), defaultdict(float), []
    for run in runs:
        if run.notebook not in compiled:
            parameters, cells = code_cells(notebooks_dir / run.notebook)
            compiled[run.notebook] = (compile(parameters, f"{run.notebook}:parameters", "exec"),
                                      [compile(c, f"{run.notebook}:{i}", "exec") for i, c in enumerate(cells)])
        parameters, cells = compiled[run.notebook]
        namespace: dict = {"__name__": "__notebook__"}
        exec(parameters, namespace)
        namespace.update(run.parameters)
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            with report.capture():
                for cell in cells:
                    exec(cell, namespace)
        except Exception as error:  # a failing run still cost its time; listed
            failures.append(f"{run.label}: {type(error).__name__}: {str(error)[:160]}")
        plt.close("all")
        wall[run.notebook] += time.perf_counter() - started
        cpu[run.notebook] += time.process_time() - cpu_started
    return wall, cpu, failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.floor", description=__doc__.splitlines()[0])
    parser.add_argument("--editions", type=int, nargs="*", help="editions (default: all of the manifest)")
    parser.add_argument("--jobs", type=int, default=None,
                        help="kernels of the pipeline run (default: the pipeline's, one more than the cores)")
    parser.add_argument("--skip-pipeline", action="store_true", help="time the floor only")
    args = parser.parse_args(argv)

    from analysis.pipeline import load_manifest, run_pipeline, runner
    from analysis.pipeline.executors import default_jobs, usable_cores
    from analysis.pipeline.cache import library_fingerprint
    from analysis.pipeline.manifest import project_root

    root = project_root()
    work = Path(tempfile.mkdtemp(prefix="aimaq-floor-"))
    shutil.copytree(root / "notebooks", work / "notebooks")
    shutil.copytree(root / "data", work / "data")
    os.environ["AIMAQ_DATA_DIR"] = str(work / "data")
    frozen = library_fingerprint()  # others edit src/analysis meanwhile: one key for the whole bench
    runner.library_fingerprint = lambda: frozen
    try:
        manifest = load_manifest(work / "notebooks" / "manifest.yml")
        editions = tuple(args.editions or manifest.editions)
        runs = [r for r in manifest.all_runs(editions) if (manifest.notebooks_dir / r.notebook).is_file()]
        count = defaultdict(int)
        for run in runs:
            count[run.notebook] += 1
        print(f"{len(runs)} runs over editions {list(editions)}", flush=True)
        started = time.perf_counter()
        wall, cpu, failures = floor(runs, manifest.notebooks_dir)
        floor_wall = time.perf_counter() - started
        print(f"\n{'notebook':<28}{'runs':>6}{'floor s':>10}{'cpu s':>9}{'s/run':>8}  chapter call")
        for notebook in sorted(count):
            calls = chapter_calls(code_cells(manifest.notebooks_dir / notebook)[1]) or ["(no chapter call yet)"]
            print(f"{notebook:<28}{count[notebook]:>6}{wall[notebook]:>10.1f}{cpu[notebook]:>9.1f}"
                  f"{wall[notebook] / count[notebook]:>8.2f}  {', '.join(calls)}")
        print(f"{'floor (one process)':<28}{len(runs):>6}{floor_wall:>10.1f}{sum(cpu.values()):>9.1f}")
        for failure in failures[:10]:
            print("  failed in the floor:", failure)
        if args.skip_pipeline:
            return 0
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        result = run_pipeline(editions, root=work, build_dir=work / "_build", data_dir=work / "data",
                              jobs=args.jobs, keep_going=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        kernels_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
        kernels = args.jobs or default_jobs()
        cores = min(kernels, usable_cores())  # more kernels than cores share the cores
        ideal = floor_wall / cores
        ratio = result.seconds / ideal
        print(f"\npipeline cold, {kernels} kernels: {result.seconds:.1f} s wall, {result.executed} executed, "
              f"{result.counts.get('failed', 0)} failed; kernels' CPU {kernels_cpu:.0f} s")
        print(f"floor spread over {cores} cores: {ideal:.1f} s; pipeline overhead: {ratio:.2f}x "
              f"(aim <= {AIM}x: {'met' if ratio <= AIM else 'MISSED'})")
        return 0 if ratio <= AIM else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
