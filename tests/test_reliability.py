"""Issue 17: nothing lost (concurrent `data add`), nothing silently wrong (BNS sheets, dates),
nothing stale (the book refuses runs that are not today's).

Figures here are synthetic with a known truth (the test writes them and checks they land where
they must, or nowhere); the data are a copy of data/ in a temporary folder.
"""

from __future__ import annotations

import csv
import datetime
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from typer.testing import CliRunner

import analysis.data as D
from analysis.cli import app
from analysis.data.add import apply_addition, exclusive, plan_addition, resume_addition
from analysis.data.paths import PROJECT_DATA_DIR

ROOT = Path(__file__).resolve().parents[1]
AIMAQ = str(Path(sys.executable).with_name("aimaq"))
TODAY = datetime.datetime.now(datetime.timezone.utc).date().isoformat()  # not before any stored figure


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(PROJECT_DATA_DIR, target)
    return target


def _digests(root: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.iterdir()) if p.is_file()}


def _csv(path: Path, rows: list[str]) -> Path:
    path.write_text("region,year,indicator,value,source\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _value(data: Path, region: str, year: int, indicator: str = "unemployment_rate") -> float | None:
    with open(data / "observations.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if (row["region"], row["year"], row["indicator"]) == (region, str(year), indicator):
                return float(row["value"])
    return None


# --- concurrent additions ------------------------------------------------------------------

def test_two_concurrent_data_adds_in_two_processes_lose_nothing(tmp_path):
    """B waits at its question holding the lock; A (--yes) is refused; B writes. Nothing is lost
    silently: A's figure is absent *and* A was told so (exit 1); running A again then adds it."""
    data = _copy(tmp_path)
    stored_2015 = _value(data, "KZ-43", 2015)
    a = _csv(tmp_path / "a.csv", ["KZ-43,2025,unemployment_rate,4.4,test A"])
    b = _csv(tmp_path / "b.csv", ["KZ-55,2025,unemployment_rate,3.3,test B",
                                  f"KZ-43,2015,unemployment_rate,{stored_2015 + 0.5},test B revision"])
    env = dict(os.environ, AIMAQ_DATA_DIR=str(data))
    first = subprocess.Popen([AIMAQ, "data", "add", str(b), "--recorded", TODAY], env=env, text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while True:  # wait until B holds the lock (it is at its question)
            probe = os.open(data, os.O_RDONLY | os.O_DIRECTORY)
            try:
                fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
                fcntl.flock(probe, fcntl.LOCK_UN)
            except BlockingIOError:
                break
            finally:
                os.close(probe)
            assert first.poll() is None and time.monotonic() < deadline, first.stderr.read() if first.poll() else "timeout"
            time.sleep(0.1)
        second = subprocess.run([AIMAQ, "data", "add", str(a), "--yes", "--recorded", TODAY], env=env,
                                text=True, capture_output=True, timeout=120)
        assert second.returncode == 1 and "another `aimaq data add`" in second.stderr
        assert "Traceback" not in second.stderr
        resumed = subprocess.run([AIMAQ, "data", "resume"], env=env, text=True, capture_output=True, timeout=120)
        assert resumed.returncode == 1 and "another `aimaq data add`" in resumed.stderr
        out, err = first.communicate("y\n", timeout=120)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 0, err
    assert "written" in out
    assert _value(data, "KZ-55", 2025) == 3.3 and _value(data, "KZ-43", 2015) == stored_2015 + 0.5
    assert _value(data, "KZ-43", 2025) is None  # refused, not lost: the user was told
    again = subprocess.run([AIMAQ, "data", "add", str(a), "--yes", "--recorded", TODAY], env=env,
                           text=True, capture_output=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert _value(data, "KZ-43", 2025) == 4.4 and _value(data, "KZ-55", 2025) == 3.3
    revisions = (data / "revisions.csv").read_text(encoding="utf-8")
    assert "KZ-43,2015,unemployment_rate" in revisions
    check = subprocess.run([AIMAQ, "data", "check"], env=env, text=True, capture_output=True, timeout=300)
    assert check.returncode == 0, check.stderr


def test_a_plan_made_before_another_addition_is_refused(tmp_path):
    data = _copy(tmp_path)
    plan_a = plan_addition(_csv(tmp_path / "a.csv", ["KZ-43,2025,unemployment_rate,4.4,A"]), data, recorded="2026-06-01")
    plan_b = plan_addition(_csv(tmp_path / "b.csv", ["KZ-55,2025,unemployment_rate,3.3,B"]), data, recorded="2026-06-01")
    apply_addition(plan_b)
    after_b = _digests(data)
    with pytest.raises(D.DataError) as info:
        apply_addition(plan_a)  # would have written observations without B's figure
    assert info.value.file in ("observations.csv", "datapackage.json") and "plan" in info.value.expected
    assert _digests(data) == after_b and _value(data, "KZ-55", 2025) == 3.3


def test_resume_does_not_touch_another_additions_files(tmp_path):
    data = _copy(tmp_path)
    staged = data / ".observations.csv.other.tmp"  # another addition's temporary, mid-write
    staged.write_text("half", encoding="utf-8")
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY); "
        "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)"), str(data)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(D.DataError) as info:
            resume_addition(data)
        assert "another" in str(info.value.value)
        assert staged.read_text(encoding="utf-8") == "half"
    finally:
        holder.kill()
        holder.wait()
    assert resume_addition(data) is False and not staged.exists()  # no add running: an orphan, removed


def test_lock_is_reentrant_and_needs_an_existing_folder(tmp_path):
    with exclusive(PROJECT_DATA_DIR):
        with exclusive(PROJECT_DATA_DIR):
            pass
    with pytest.raises(D.DataError) as info:
        with exclusive(tmp_path / "nope"):
            pass
    assert info.value.value == "no such folder"


# --- dates and years -----------------------------------------------------------------------

@pytest.mark.parametrize("row, recorded, column, value", [
    ("KZ-43,2099,unemployment_rate,4.4,x", "2026-06-01", "year", 2099),
    ("KZ-43,2027,unemployment_rate,4.4,x", "2030-01-01", "year", 2027),  # after today, whatever --recorded says
])
def test_future_years_are_refused(tmp_path, row, recorded, column, value):
    data = _copy(tmp_path)
    with pytest.raises(D.DataError) as info:
        plan_addition(_csv(tmp_path / "f.csv", [row]), data, recorded=recorded)
    assert (info.value.file, info.value.row, info.value.column, info.value.value) == ("f.csv", 2, column, value)


def test_impossible_dates_are_refused(tmp_path):
    data = _copy(tmp_path)
    new = _csv(tmp_path / "d.csv", ["KZ-43,2024,unemployment_rate,4.4,x"])
    with pytest.raises(D.DataError) as info:
        plan_addition(new, data, recorded="2026-13-45")
    assert info.value.value == "2026-13-45" and "calendar date" in info.value.expected
    new.write_text("region,year,indicator,value,source,recorded\nKZ-43,2024,unemployment_rate,4.4,x,2026-02-30\n")
    with pytest.raises(D.DataError) as info:
        plan_addition(new, data, recorded="2026-06-01")
    assert (info.value.row, info.value.column, info.value.value) == (2, "recorded", "2026-02-30")


# --- BNS spreadsheets ----------------------------------------------------------------------

def _workbook(path: Path, rows: list[list], merges: tuple = ()) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for merge in merges:
        sheet.merge_cells(merge)
    book.save(path)
    return path


def test_merged_year_headers_read_the_annual_column(tmp_path):
    """2023 merged over B:C ('I quarter', 'year'); the annual figures are C, never B."""
    data = _copy(tmp_path)
    book = _workbook(tmp_path / "u.xlsx", [
        ["Unemployment rate"],
        [None, 2023, None, 2024, None],
        [None, "I quarter", "year", "I квартал", "год"],
        ["Kyzylorda", 1.1, 4.1, 1.2, 4.2],
        ["Павлодарская область", 1.3, 4.3, 1.4, 4.4],
    ], merges=("B2:C2", "D2:E2"))
    plan = plan_addition(book, data, source="t", recorded="2026-06-01", indicator="unemployment_rate")
    rows = pd_rows(plan)
    assert rows == {("KZ-43", 2023): 4.1, ("KZ-43", 2024): 4.2, ("KZ-55", 2023): 4.3, ("KZ-55", 2024): 4.4}


def pd_rows(plan) -> dict:
    both = list(plan.new.itertuples()) + list(plan.revised.itertuples())
    return {(r.region, int(r.year)): r.value for r in both}


def test_merged_year_headers_without_an_annual_column_are_refused(tmp_path):
    data = _copy(tmp_path)
    book = _workbook(tmp_path / "q.xlsx", [
        [None, 2024, None], [None, "I quarter", "II quarter"], ["Kyzylorda", 1.1, 2.2]], merges=("B1:C1",))
    before = _digests(data)
    with pytest.raises(D.DataError) as info:
        plan_addition(book, data, source="t", recorded="2026-06-01", indicator="unemployment_rate")
    assert (info.value.row, info.value.column) == (2, "B") and "annual column under 2024" in info.value.expected
    assert _digests(data) == before


def test_text_numbers_label_variants_and_kazakh_labels_every_row_accounted(tmp_path):
    data = _copy(tmp_path)
    book = _workbook(tmp_path / "p.xlsx", [
        ["Халықтың жан басына шаққандағы номиналды ақшалай табысы"],
        [None, "2024 1)"],
        ["Қазақстан Республикасы", "=SUM(B4:B8)"],
        ["Қызылорда облысы", "185 123"],
        ["Астана қаласы", "1 423 726,0"],
        ["Ақтөбе облысы", "201529.5"],
        ["Павлодарская обл.", 196_000],
        ["Abai region", "–"],
        [None],
        ["1) предварительные данные"],
    ])
    plan = plan_addition(book, data, source="t", recorded=TODAY, indicator="income_per_capita_nominal_monthly")
    assert pd_rows(plan) == {("KZ-43", 2024): 185123.0, ("KZ-71", 2024): 1423726.0, ("KZ-15", 2024): 201529.5,
                             ("KZ-55", 2024): 196000.0}
    skipped = {row: why for row, _, why in plan.skipped}
    assert set(skipped) == {3, 8, 10} and "formula" in skipped[3] and "dash" in skipped[8]
    imported_rows = {4, 5, 6, 7}
    assert imported_rows | set(skipped) | {9} == set(range(3, 11))  # row 9 is empty: nothing read


@pytest.mark.parametrize("label, cell, column, expected", [
    ("Kyzylorda", "1,234", "B", "not ambiguous"),
    ("Kyzylorda", "about 5", "B", "a number"),
    ("Qyzylorda Oblysy (new)", 5.0, "A", "a region name"),
    ("Кызылopдинская", 5.0, "A", "a region name"),  # Latin o, p inside a Russian word
])
def test_unreadable_sheet_rows_are_refused_not_dropped(tmp_path, label, cell, column, expected):
    data = _copy(tmp_path)
    book = _workbook(tmp_path / "r.xlsx", [[None, 2024], ["Pavlodar", 4.0], [label, cell]])
    with pytest.raises(D.DataError) as info:
        plan_addition(book, data, source="t", recorded="2026-06-01", indicator="unemployment_rate")
    assert (info.value.row, info.value.column) == (3, column) and expected in info.value.expected


# --- the book refuses stale runs -----------------------------------------------------------

_TINY = "year = 0\ndata_dir = ''"


def _tiny_project(root: Path, fail: bool = False) -> Path:
    """A project whose manifest has one cheap run (a real kernel executes it)."""
    notebooks = root / "notebooks"
    notebooks.mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell(_TINY)
    params.metadata["tags"] = ["parameters", "remove-cell"]
    nb.cells = [params, nbformat.v4.new_code_cell("raise ValueError('boom')" if fail else "print(year)")]
    nbformat.write(nb, notebooks / "tiny.ipynb")
    (notebooks / "manifest.yml").write_text(
        "editions: [2023]\npreload: []\nruns:\n  - {notebook: tiny.ipynb, page: convergence, part: convergence}\n",
        encoding="utf-8")
    return root


def _record_run(root: Path, build: Path, data: Path, status: str = "ok") -> None:
    """Write status.json and the executed notebook as `aimaq run` leaves them: the status carries
    the key the pipeline computes for the run (the runner records ``job.key`` the same way)."""
    from analysis.pipeline.freshness import _current_keys
    from analysis.pipeline.manifest import load_manifest
    from analysis.pipeline.status import RunStatus, write_statuses

    runs = load_manifest(root / "notebooks" / "manifest.yml").runs(2023)
    keys = _current_keys(runs, root, root / "notebooks" / "manifest.yml", data, build)
    write_statuses(build, 2023, [RunStatus(2023, r.page, r.notebook, r.parameters, status, keys[r.page]) for r in runs])
    for run in runs:
        nbformat.write(nbformat.v4.new_notebook(), build / "runs" / "2023" / f"{run.page}.ipynb")


def test_stale_runs_are_named(tmp_path):
    from analysis.pipeline.freshness import stale_runs

    data = _copy(tmp_path)
    root = _tiny_project(tmp_path / "project")
    build = tmp_path / "build"
    where = dict(root=root, build_dir=build, data_dir=data)
    assert "no status.json" in stale_runs(2023, **where)[0]
    _record_run(root, build, data)
    assert stale_runs(2023, **where) == []
    # keyed on other inputs: another data folder, then an addition without `aimaq run`
    other = _copy(tmp_path / "other")
    apply_addition(plan_addition(_csv(tmp_path / "n.csv", ["KZ-43,2023,unemployment_rate,4.9,x"]), other,
                                 recorded=TODAY))
    assert "other inputs" in stale_runs(2023, root=root, build_dir=build, data_dir=other)[0]
    apply_addition(plan_addition(_csv(tmp_path / "m.csv", ["KZ-43,2023,unemployment_rate,4.8,x"]), data,
                                 recorded=TODAY))
    problems = stale_runs(2023, **where)
    assert "page convergence: made from other inputs" in problems[0] and "aimaq run --edition 2023" in problems[-1]
    _record_run(root, build, data)  # `aimaq run` again
    assert stale_runs(2023, **where) == []
    # an edited notebook
    (root / "notebooks" / "tiny.ipynb").write_text((root / "notebooks" / "tiny.ipynb").read_text() + " ")
    assert "other inputs" in stale_runs(2023, **where)[0]
    # a failed run, a missing executed notebook
    _record_run(root, build, data, status="failed")
    assert "status 'failed'" in stale_runs(2023, **where)[0]
    _record_run(root, build, data)
    (build / "runs" / "2023" / "convergence.ipynb").unlink()
    assert "executed notebook is missing" in stale_runs(2023, **where)[0]


def test_a_run_in_progress_stops_the_book(tmp_path):
    from analysis.book import BookError, build_book

    root = _tiny_project(tmp_path / "project")
    build = tmp_path / "build"
    (build / "runs" / "2023").mkdir(parents=True)
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, sys, time; h = open(sys.argv[1], 'a'); fcntl.flock(h, fcntl.LOCK_EX); "
        "print('held', flush=True); time.sleep(60)"), str(build / ".lock")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(BookError, match="an `aimaq run` is writing"):
            build_book(2023, project=root, build_dir=build, data_dir=PROJECT_DATA_DIR)
    finally:
        holder.kill()
        holder.wait()
    assert not (build / "html").exists()


def test_book_refuses_runs_never_made_and_a_missing_data_folder(tmp_path, monkeypatch):
    build = tmp_path / "build"
    (build / "runs" / "2023").mkdir(parents=True)
    (build / "runs" / "2023" / "status.json").write_text(json.dumps({"edition": 2023, "runs": {}}))
    result = CliRunner().invoke(app, ["book", "--build-dir", str(build), "--edition", "2023"])
    assert result.exit_code == 1 and "never run" in result.output and "aimaq run --edition 2023" in result.output
    assert "Traceback" not in result.output and not (build / "html").exists()
    monkeypatch.setenv("AIMAQ_DATA_DIR", str(tmp_path / "missing"))
    result = CliRunner().invoke(app, ["book", "--build-dir", str(build), "--edition", "2023"])
    assert result.exit_code == 1 and "does not exist" in result.output and "AIMAQ_DATA_DIR" in result.output
