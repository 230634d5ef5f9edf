"""kill -9 in the middle of ``aimaq run``: cache and outputs stay consistent, the next run resumes.

A real subprocess runs the pipeline on the synthetic project (each run made to
take about a second), is sent SIGKILL once some runs have finished, and the
files it left are checked before a second build finishes the job.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from test_pipeline_support import build, frozen_library, make_project

HERE = Path(__file__).parent

CHILD = """
import sys
sys.path.insert(0, {tests!r})
from pathlib import Path
from test_pipeline_support import build
build(Path({root!r}), jobs=1)
"""


def _slow_down(root: Path, seconds: float) -> None:
    for name in ("summary.ipynb", "region.ipynb"):
        nb = nbformat.read(root / "notebooks" / name, 4)
        nb.cells.append(nbformat.v4.new_code_cell(f"import time\ntime.sleep({seconds})"))
        nb.cells[-1]["id"] = "slow"
        nbformat.write(nb, root / "notebooks" / name)


def _finished(root: Path) -> int:
    done = 0
    for status in (root / "_build" / "runs").rglob("status.json"):
        try:
            runs = json.loads(status.read_text())["runs"].values()
        except (OSError, ValueError):
            continue
        done += sum(r["status"] == "ok" for r in runs)
    return done


@pytest.mark.slow
def test_sigkill_mid_build_leaves_consistent_files_and_next_run_resumes(tmp_path):
    root = make_project(tmp_path / "project")
    _slow_down(root, 1.5)
    child = subprocess.Popen([sys.executable, "-c", CHILD.format(tests=str(HERE), root=str(root))],
                             env={**os.environ, "AIMAQ_TEST_LIBRARY_KEY": frozen_library()},
                             start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while _finished(root) < 2 and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.1)
        assert child.poll() is None, "the build finished before it could be killed"
        assert _finished(root) >= 2, "no run finished within 90 s"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        try:  # the orphaned kernels of the killed build (its own process group)
            os.killpg(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert child.returncode == -signal.SIGKILL

    build_dir = root / "_build"
    cached = {p.read_bytes() for p in (build_dir / "cache").rglob("*.ipynb")}
    outputs = list((build_dir / "runs").rglob("*.ipynb"))
    assert 2 <= len(cached) < 6 and outputs
    for path in list((build_dir / "cache").rglob("*.ipynb")) + outputs:
        json.loads(path.read_text())                 # whole files only
    for path in outputs:
        assert path.read_bytes() in cached           # every output has its cache entry
    for status in (build_dir / "runs").rglob("status.json"):
        json.loads(status.read_text())
    (build_dir / "cache" / ".tmp-999999999-torn.ipynb").write_text('{"cells": [')  # a torn write

    resumed = build(root, jobs=2)
    assert resumed.ok
    assert resumed.counts["cached"] == len(cached) and resumed.executed == 6 - len(cached)
    assert not list(build_dir.rglob(".tmp-*"))

    clean = build(root, build_dir=tmp_path / "clean", use_cache=False, jobs=2)
    for path in (tmp_path / "clean" / "runs").rglob("*.ipynb"):
        assert path.read_bytes() == (build_dir / "runs" / path.relative_to(tmp_path / "clean" / "runs")).read_bytes()
    assert clean.ok


def test_second_build_on_the_same_tree_is_refused_while_one_runs(tmp_path):
    import fcntl

    from analysis.pipeline import BuildLocked

    root = make_project(tmp_path)
    (root / "_build").mkdir()
    with open(root / "_build" / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        with pytest.raises(BuildLocked, match="another aimaq run"):
            build(root)
