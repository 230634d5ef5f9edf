"""Issue 17: every case of the bad-input corpus (tests/bad_inputs_corpus.py) through the real CLI.

Each case runs ``aimaq ...`` in a subprocess on its own copy of ``data/`` (or a tiny project run
once, or a site that looks built) and must: exit non-zero; print exactly the case's one-line
message on stderr, with no traceback; leave every file of the data folder as it was; for
``aimaq run`` keep the last good executed notebook and leave no half-written cache entry or
temporary file; for ``aimaq book`` keep the published site. How the faults are made (a full disk
by ``RLIMIT_FSIZE``, read-only folders by file modes) is explained in the corpus module.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from bad_inputs_corpus import CASES, GRP, README, UNEMPLOYMENT, Case, readme_with_table
from analysis.data.paths import PROJECT_DATA_DIR

ROOT = Path(__file__).resolve().parents[1]
AIMAQ = str(Path(sys.executable).with_name("aimaq"))
_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 1, 2


def _limits(fsize: int | None, unprivileged: bool):
    """preexec_fn of the command: a file-size limit (a full disk), file modes that bind (root too)."""
    def apply() -> None:
        if unprivileged and os.geteuid() == 0:
            libc = ctypes.CDLL(None, use_errno=True)
            for cap in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
                if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
                    raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    return apply


def _digest(folder: Path) -> dict:
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and os.access(p, os.R_OK)}


_TINY_PARAMETERS = "year = 2023\ndata_dir = ''\n"


def tiny_project(root: Path) -> Path:
    """A manifest with one cheap run (a real kernel executes it)."""
    notebooks = root / "notebooks"
    notebooks.mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell(_TINY_PARAMETERS)
    params.metadata["tags"] = ["parameters", "remove-cell"]
    nb.cells = [params, nbformat.v4.new_code_cell("print(year)")]
    nbformat.write(nb, notebooks / "tiny.ipynb")
    (notebooks / "manifest.yml").write_text(
        "editions: [2023]\npreload: []\nruns:\n  - {notebook: tiny.ipynb, page: convergence, part: convergence}\n",
        encoding="utf-8")
    return root


def _aimaq(args, work: Path, fsize=None, unprivileged=False, env=None, driver=None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", driver, *args] if driver else [AIMAQ, *args]
    environment = {**os.environ, "COLUMNS": "400", **(env or {})}
    return subprocess.run(command, cwd=work, capture_output=True, text=True, timeout=600, env=environment,
                          preexec_fn=_limits(fsize, unprivileged))


# `aimaq book` builds this repository's book; the book cases build a tiny fixture project instead,
# through the same CLI command (the driver only points the book room at the fixture).
_BOOK_DRIVER = ("import sys; from pathlib import Path; import analysis.book.build as b; "
                "b.PROJECT_ROOT = Path(sys.argv[1]); from analysis.cli import app; "
                "app(sys.argv[2:], prog_name='aimaq')")


# The disk full under one folder: fsync of any file there fails with ENOSPC (see the corpus notes).
_FULL_DRIVER = """
import errno, os, sys
full = os.path.realpath(sys.argv[1])
fsync = os.fsync
def failing_fsync(fd):
    if os.path.realpath(f"/proc/self/fd/{fd}").startswith(full + os.sep):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    return fsync(fd)
os.fsync = failing_fsync
from analysis.cli import app
app(sys.argv[2:], prog_name="aimaq")
"""


@pytest.fixture(scope="module")
def good_run(tmp_path_factory):
    """A tiny project run once, successfully: the last good state every run case must keep."""
    work = tmp_path_factory.mktemp("good-run")
    tiny_project(work / "project")
    done = _aimaq(["run", "--manifest", str(work / "project" / "notebooks" / "manifest.yml"),
                   "--build-dir", str(work / "build")], work, env={"AIMAQ_DATA_DIR": str(PROJECT_DATA_DIR)})
    assert done.returncode == 0, done.stderr
    return work


@pytest.fixture(scope="module")
def good_book(tmp_path_factory):
    """A fixture book project with a published site (a symlink to a site folder, as publish leaves it)."""
    from test_book_fixture import make_project

    work = tmp_path_factory.mktemp("good-book")
    paths = make_project(work)
    site = paths["build_dir"] / "sites" / "site-old"
    for lang in ("kk", "ru", "en"):
        (site / lang).mkdir(parents=True)
        (site / lang / "index.html").write_text(f"<html lang='{lang}'>the last good site</html>", encoding="utf-8")
    (paths["build_dir"] / "html").symlink_to(Path("sites") / "site-old")  # relative, as the copies must keep it
    return work


def _work(case: Case, tmp_path: Path, good_run: Path | None, good_book: Path | None) -> Path:
    work = tmp_path / "work"
    if case.needs == "run":
        shutil.copytree(good_run, work, symlinks=True)
    elif case.needs == "book":
        shutil.copytree(good_book, work, symlinks=True)
    else:
        work.mkdir()
        shutil.copytree(PROJECT_DATA_DIR, work / "data", ignore=shutil.ignore_patterns("index.yml"))
    return work


def _args(case: Case, work: Path) -> list[str]:
    new = work / "new.xlsx" if (work / "new.xlsx").exists() else work / "new.csv"
    fill = {"{data}": work / "data", "{new}": new, "{build}": work / "build",
            "{manifest}": work / "project" / "notebooks" / "manifest.yml"}
    return [str(fill.get(part, part)) for part in case.command]


def run_case(case: Case, tmp_path: Path, good_run=None, good_book=None):
    """Make the fault, run the command; return (result, work folder, digests before, after)."""
    work = _work(case, tmp_path, good_run, good_book)
    case.prepare(work)
    watched = [work / "data", work / "build" / "runs", work / "build" / "html", work / "build" / "cache"]
    before = {str(folder): _digest(folder) for folder in watched}
    modes = {}
    for rel in case.locked:
        top = work / rel
        for path in [top, *sorted(top.rglob("*"))] if top.is_dir() else [top]:
            if path.is_symlink():
                continue
            modes[path] = path.stat().st_mode
            path.chmod(0o555 if path.is_dir() else (0o444 if top.is_dir() else 0o000))
    env = {"AIMAQ_DATA_DIR": str(work / "data")}
    try:
        if case.needs == "book":
            result = _aimaq([str(work / "project"), *_args(case, work)], work, case.fsize, bool(case.locked),
                            env=env, driver=_BOOK_DRIVER)
        else:
            env = {"AIMAQ_DATA_DIR": str(PROJECT_DATA_DIR)} if case.needs == "run" else {}
            full = [str(work / case.full)] if case.full else []
            result = _aimaq([*full, *_args(case, work)], work, case.fsize, bool(case.locked), env=env,
                            driver=_FULL_DRIVER if case.full else None)
    finally:
        for path, mode in reversed(modes.items()):
            path.chmod(mode)
    after = {str(folder): _digest(folder) for folder in watched}
    return result, work, before, after


def _message_pattern(case: Case, work: Path) -> re.Pattern:
    """The case's message as a pattern: ``{work}`` is the work folder, ``…`` any text of one line."""
    lines = (PROJECT_DATA_DIR / "observations.csv").read_text(encoding="utf-8").splitlines()
    rows = {"{row}": UNEMPLOYMENT, "{grp_row}": GRP}
    message = case.message.replace("{work}", str(work))
    for name, needle in rows.items():
        message = message.replace(name, str(next(i for i, line in enumerate(lines, 1) if line.startswith(needle))))
    parts = [re.escape(part) for part in message.split("…")]
    return re.compile("[^\\n]+?".join(parts))


def _error_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_gives_one_clear_message_and_changes_nothing(case, tmp_path, request):
    good_run = request.getfixturevalue("good_run") if case.needs == "run" else None
    good_book = request.getfixturevalue("good_book") if case.needs == "book" else None
    result, work, before, after = run_case(case, tmp_path, good_run, good_book)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == case.exit_code, output
    assert _message_pattern(case, work).search(result.stderr), result.stderr
    assert sum("error" in line.lower() for line in _error_lines(result.stderr)) <= 1, result.stderr
    if case.needs == "run":  # status.json tells the truth (the run did not finish); the rest is as it was
        for folder in (before, after):
            folder[str(work / "build" / "runs")].pop("2023/status.json", None)
    assert after == before  # nothing written: data, executed notebooks, cache, site
    leftovers = [p for p in (work / "data").rglob(".*.tmp")] + [p for p in (work / "build").rglob(".tmp-*")]
    assert leftovers == []
    if case.needs == "book":
        assert (work / "build" / "html").resolve().name == "site-old"
        assert [p.name for p in (work / "build" / "sites").iterdir()] == ["site-old"]


def test_the_corpus_is_large_and_its_ids_unique():
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)
    assert all(c.message for c in CASES)


def test_readme_table_is_generated_from_the_corpus():
    text = README.read_text(encoding="utf-8")
    assert readme_with_table(text) == text, "run `python tests/bad_inputs_corpus.py` to refresh README.md"
