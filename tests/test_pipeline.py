"""Pipeline: manifest expansion, cache rules, warm execution equal to papermill, statuses.

The notebooks and data are synthetic (tests/test_pipeline_support.py) with known
truths: the glued mean must equal the mean computed here independently.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from analysis.pipeline import ManifestError, check_parameter, load_manifest, read_statuses
from analysis.pipeline.cache import data_fingerprint, library_fingerprint, run_key
from analysis.pipeline.kernel import normalise, dumps
from analysis.pipeline.verify import extract_values
from test_pipeline_support import (EDITIONS, PROVIDERS, REGIONS, build, expected_mean, notebook,
                                   make_project, value, write_observations)


# --- manifest -------------------------------------------------------------

def test_manifest_expands_editions_regions_and_pages(tmp_path):
    make_project(tmp_path)
    manifest = load_manifest(tmp_path / "notebooks" / "manifest.yml",
                             providers={"region": lambda y: ["KZ-43", "KZ-10"] + (["KZ-11"] if y > 2021 else [])})
    assert manifest.editions == EDITIONS and manifest.latest == 2022
    runs_2021, runs_2022 = manifest.runs(2021), manifest.runs(2022)
    assert [r.page for r in runs_2021] == ["summary", "regions/KZ-10", "regions/KZ-43"]
    assert len(runs_2022) == 4  # a region valid only from 2022 appears only there
    region_run = runs_2022[1]
    assert dict(region_run.parameters) == {"year": 2022, "region": "KZ-10", "data_dir": "", "as_of": ""}
    assert region_run.output_path == "_build/runs/2022/regions/KZ-10.ipynb"
    assert region_run.part == "regions" and region_run.notebook == "region.ipynb"


def test_a_published_edition_runs_on_its_date_of_the_data(tmp_path):
    make_project(tmp_path)
    path = tmp_path / "notebooks" / "manifest.yml"
    path.write_text(path.read_text().replace("runs:", "published: {2021: 2024-03-01}\nruns:", 1))
    manifest = load_manifest(path, providers={"region": lambda y: ["KZ-43"]})
    assert manifest.as_of(2021) == "2024-03-01" and manifest.as_of(2022) == ""
    assert {r.parameters["as_of"] for r in manifest.runs(2021)} == {"2024-03-01"}
    assert {r.parameters["as_of"] for r in manifest.runs(2022)} == {""}
    # the reviewer's command carries the date; an edition on today's figures needs none
    assert manifest.runs(2021)[0].papermill_command.endswith("-p year 2021 -p as_of 2024-03-01")
    assert "as_of" not in manifest.runs(2022)[0].papermill_command


@pytest.mark.parametrize("published, where, expected", [
    ("{2019: 2024-03-01}", "published.2019", "an edition of the list"),
    ("{2021: 2024-13-01}", "file", "real dates YYYY-MM-DD"),  # PyYAML reads dates itself
    ("{2021: '2024-3-1'}", "published.2021", "a date of the data YYYY-MM-DD"),
    ("{2021: 2025-01-01, 2022: 2024-01-01}", "published", "do not go back in time"),
    ("[2021]", "published", "a mapping"),
])
def test_published_dates_are_checked(tmp_path, published, where, expected):
    make_project(tmp_path)
    path = tmp_path / "notebooks" / "manifest.yml"
    path.write_text(path.read_text().replace("runs:", f"published: {published}\nruns:", 1))
    with pytest.raises(ManifestError) as error:
        load_manifest(path)
    assert f": {where}:" in str(error.value) or f" {where}" in str(error.value)
    assert expected in str(error.value)


def test_project_manifest_uses_data_units():
    from analysis.data import units

    manifest = load_manifest()
    assert list(manifest.editions) == list(range(2019, 2026))  # every year with GRP (issue 14: 2024, 2025)
    for edition in manifest.editions:
        regions = {r.parameters["region"] for r in manifest.runs(edition) if "region" in r.parameters}
        assert regions == set(units(edition, "current"))


@pytest.mark.parametrize("text, fragment", [
    ("editions: [2022]\nruns:\n  - {notebook: a.ipynb, page: a, part: p, foreach: district}\n", "runs[0].foreach"),
    ("editions: [2022]\nruns:\n  - {notebook: a.ipynb, page: regions, part: p, foreach: region}\n", "runs[0].page"),
    ("editions: [twenty]\nruns: []\n", "editions"),
    ("editions: [2022]\nruns:\n  - {notebook: ../x.ipynb, page: a, part: p}\n", "runs[0].notebook"),
    ("editions: [2022\n", "line"),
])
def test_manifest_errors_name_file_entry_and_expectation(tmp_path, text, fragment):
    path = tmp_path / "manifest.yml"
    path.write_text(text)
    with pytest.raises(ManifestError) as error:
        load_manifest(path)
    assert str(error.value).startswith("manifest.yml: ") and fragment in str(error.value)
    assert "expected" in str(error.value)


@pytest.mark.parametrize("name, bad", [
    ("region", "KZ-43'; import os; '"), ("region", "kz-43"), ("programme", "sez\nimport os"),
    ("year", "2022"), ("year", True), ("data_dir", "/etc"), ("unknown", 1),
])
def test_parameter_validation_rejects_injection(name, bad):
    with pytest.raises(ManifestError):
        check_parameter(name, bad)


def test_bad_region_from_provider_never_reaches_a_notebook(tmp_path):
    make_project(tmp_path)
    manifest = load_manifest(tmp_path / "notebooks" / "manifest.yml",
                             providers={"region": lambda y: ["KZ-43\"); import os; (\""]})
    with pytest.raises(ManifestError, match="region code"):
        manifest.runs(2022)


# --- cache keys -----------------------------------------------------------

def test_data_fingerprint_is_sliced_by_edition_and_ignores_checksums(tmp_path):
    write_observations(tmp_path)
    (tmp_path / "datapackage.json").write_text(json.dumps({"resources": [{"path": "observations.csv", "hash": "a"}]}))
    before = {y: data_fingerprint(tmp_path, until=y) for y in EDITIONS}
    write_observations(tmp_path, edits={("KZ-43", 2022): 99.0})
    (tmp_path / "datapackage.json").write_text(json.dumps({"resources": [{"path": "observations.csv", "hash": "b"}]}))
    after = {y: data_fingerprint(tmp_path, until=y) for y in EDITIONS}
    assert after[2021] == before[2021]      # 2022 row is outside the 2021 edition
    assert after[2022] != before[2022]
    (tmp_path / "regions.csv").write_text("region\nKZ-43\n")  # a new file changes every edition
    assert data_fingerprint(tmp_path, until=2021) != after[2021]


def test_library_fingerprint_follows_sources_but_not_pipeline(tmp_path):
    package = tmp_path / "analysis"
    (package / "pipeline").mkdir(parents=True)
    (package / "data.py").write_text("x = 1\n")
    (package / "pipeline" / "runner.py").write_text("y = 1\n")
    first = library_fingerprint(package)
    (package / "pipeline" / "runner.py").write_text("y = 2\n")
    assert library_fingerprint(package) == first
    (package / "data.py").write_text("x = 2\n")
    assert library_fingerprint(package) != first


def test_run_key_depends_on_every_input():
    base = run_key(b"nb", {"year": 2022}, "data", "lib")
    variants = [run_key(b"nb2", {"year": 2022}, "data", "lib"), run_key(b"nb", {"year": 2021}, "data", "lib"),
                run_key(b"nb", {"year": 2022}, "data2", "lib"), run_key(b"nb", {"year": 2022}, "data", "lib2")]
    assert base not in variants and len(set(variants)) == 4
    assert run_key(b"nb", {"year": 2022, "region": "KZ-10"}, "d", "l") == \
        run_key(b"nb", {"region": "KZ-10", "year": 2022}, "d", "l")


# --- builds ---------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One cold build of the synthetic project, shared by the read-only checks."""
    root = make_project(tmp_path_factory.mktemp("project"))
    result = build(root)
    return root, result


def _glue(path: Path) -> dict:
    return extract_values(json.loads(path.read_text()))[0]


def test_cold_build_runs_everything_once_with_known_truths(built):
    root, result = built
    assert result.ok and result.executed == 6 and result.counts["ok"] == 6
    for year in EDITIONS:
        values = _glue(root / "_build" / "runs" / str(year) / "summary.ipynb")
        assert values["glue:mean"] == pytest.approx(expected_mean(year), rel=1e-12)
        assert values["glue:n_obs"] == len(REGIONS) * (year - 2017)
        for region in REGIONS:
            region_values = _glue(root / "_build" / "runs" / str(year) / "regions" / f"{region}.ipynb")
            assert region_values["glue:last_value"] == value(region, year)
        statuses = read_statuses(year, root / "_build")
        assert {s.status for s in statuses.values()} == {"ok"} and len(statuses) == 3


def test_executed_notebooks_hold_no_timestamps_or_absolute_paths(built):
    root, _ = built
    for path in (root / "_build" / "runs").rglob("*.ipynb"):
        text = path.read_text()
        assert str(root) not in text and "start_time" not in text and "duration" not in text
        nb = json.loads(text)
        assert nb["metadata"]["papermill"]["input_path"].startswith("notebooks/")
        assert nb["metadata"]["papermill"]["output_path"] == str(path.relative_to(root))
        assert any(c["id"] == "injected-parameters" for c in nb["cells"])


def test_warm_run_equals_plain_papermill(built, monkeypatch):
    """The reviewer's plain papermill run gives the same notebook, glue and outputs."""
    import papermill

    root, _ = built
    monkeypatch.setenv("AIMAQ_DATA_DIR", str(root / "data"))
    plain = root / "plain.ipynb"
    papermill.execute_notebook(str(root / "notebooks" / "summary.ipynb"), str(plain),
                               parameters={"year": 2021}, progress_bar=False, cwd=str(root))
    output = "_build/runs/2021/summary.ipynb"
    plain_nb = normalise(nbformat.read(plain, 4), "notebooks/summary.ipynb", output, str(root))
    published = (root / output).read_text()
    assert extract_values(json.loads(dumps(plain_nb))) == extract_values(json.loads(published))
    assert dumps(plain_nb) == published


def test_nothing_changed_executes_nothing_and_touches_nothing(built):
    root, _ = built
    outputs = sorted((root / "_build" / "runs").rglob("*.ipynb"))
    stamps = [p.stat().st_mtime_ns for p in outputs]
    result = build(root)
    assert result.executed == 0 and result.counts["cached"] == 6 and result.ok
    assert [p.stat().st_mtime_ns for p in outputs] == stamps


@pytest.mark.slow
def test_two_builds_are_byte_identical(built, tmp_path):
    root, _ = built
    again = build(root, build_dir=tmp_path / "other", use_cache=False)
    assert again.executed == 6
    first = {p.relative_to(root / "_build" / "runs"): p.read_bytes()
             for p in (root / "_build" / "runs").rglob("*.ipynb")}
    second = {p.relative_to(tmp_path / "other" / "runs"): p.read_bytes()
              for p in (tmp_path / "other" / "runs").rglob("*.ipynb")}
    assert first == second


@pytest.mark.slow
def test_editing_one_observation_reexecutes_only_affected_runs(tmp_path):
    root = make_project(tmp_path)
    build(root)
    write_observations(root / "data", edits={("KZ-43", 2022): 1000.0})
    result = build(root)
    executed = {(s.edition, s.page) for s in result.statuses if s.status == "ok"}
    assert executed == {(2022, "summary"), (2022, "regions/KZ-10"), (2022, "regions/KZ-43")}
    assert all(s.status == "cached" for s in result.statuses if s.edition == 2021)
    assert _glue(root / "_build/runs/2022/regions/KZ-43.ipynb")["glue:last_value"] == 1000.0


@pytest.mark.slow
def test_failure_is_isolated_and_keeps_last_good_output(tmp_path):
    root = make_project(tmp_path)
    assert build(root, editions=[2022]).ok
    good = (root / "_build/runs/2022/summary.ipynb").read_bytes()
    nb = nbformat.read(root / "notebooks" / "summary.ipynb", 4)
    nb.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('made to fail in the test')"))
    nbformat.write(nb, root / "notebooks" / "summary.ipynb")

    result = build(root, editions=[2022], keep_going=True)
    by_page = {s.page: s for s in result.statuses}
    assert by_page["summary"].status == "failed" and "made to fail" in by_page["summary"].error
    assert {by_page[f"regions/{r}"].status for r in REGIONS} == {"cached"}
    assert not result.ok
    assert (root / "_build/runs/2022/summary.ipynb").read_bytes() == good
    failed = json.loads((root / "_build/failed/2022/summary.ipynb").read_text())
    assert failed["metadata"]["papermill"]["exception"] is True
    assert read_statuses(2022, root / "_build")["summary"].status == "failed"


@pytest.mark.slow
def test_without_keep_going_later_runs_are_skipped(tmp_path):
    root = make_project(tmp_path)
    nb = nbformat.read(root / "notebooks" / "summary.ipynb", 4)
    nb.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('stop here')"))
    nbformat.write(nb, root / "notebooks" / "summary.ipynb")
    result = build(root, editions=[2021], jobs=1)
    tally = result.counts
    assert tally["failed"] == 1 and tally["skipped"] + tally["ok"] == 2 and tally["skipped"] >= 1


@pytest.mark.slow
def test_notebook_rejects_unknown_region_listing_valid_ones(tmp_path):
    root = make_project(tmp_path)
    result = build(root, editions=[2022], providers={"region": lambda y: ["KZ-99"]}, keep_going=True)
    failed = [s for s in result.statuses if s.failed]
    assert len(failed) == 1 and "KZ-99" in failed[0].error and "KZ-10" in failed[0].error


@pytest.mark.slow
def test_dask_executor_on_a_local_cluster_gives_the_same_notebooks(built, tmp_path):
    pytest.importorskip("distributed")
    from analysis.pipeline import executors

    root, _ = built

    class ThreadCluster(executors.DaskExecutor):
        name = "dask-threads"

        def __init__(self, jobs=None, scheduler=None):
            super().__init__(jobs=jobs, scheduler=scheduler, processes=False)

    executors.register_executor(ThreadCluster)
    try:
        result = build(root, build_dir=tmp_path / "dask", executor="dask-threads", editions=[2022])
    finally:
        executors.EXECUTORS.pop("dask-threads")
    assert result.ok and result.executed == 3, [s.error for s in result.statuses]
    for page in ("summary", "regions/KZ-10", "regions/KZ-43"):
        assert (tmp_path / f"dask/runs/2022/{page}.ipynb").read_bytes() == \
            (root / f"_build/runs/2022/{page}.ipynb").read_bytes()


@pytest.mark.slow
def test_cli_run_reports_failure_table_and_exit_code(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from analysis.cli import app
    from analysis.pipeline import manifest as manifest_module

    root = make_project(tmp_path)
    nb = nbformat.read(root / "notebooks" / "region.ipynb", 4)
    nb.cells.append(nbformat.v4.new_code_cell("raise ValueError('broken region page')"))
    nbformat.write(nb, root / "notebooks" / "region.ipynb")
    monkeypatch.setattr(manifest_module, "project_root", lambda: root)
    monkeypatch.setitem(manifest_module._DEFAULT_PROVIDERS, "region", PROVIDERS["region"])
    from analysis.pipeline import runner
    monkeypatch.setattr(runner, "project_root", lambda: root)
    result = CliRunner().invoke(app, ["run", "--edition", "2021", "--keep-going", "--jobs", "2"],
                                env={"COLUMNS": "250"})
    assert result.exit_code == 1, result.output
    assert "Failed runs" in result.output and "broken region page" in result.output
    assert "1 ok" in result.output and "2 failed" in result.output


def test_a_notebook_edited_during_a_build_runs_the_source_its_key_names(tmp_path):
    """The job carries the bytes its key was computed on, so cache and key agree."""
    from analysis.pipeline.kernel import execute_job, shutdown_all
    from analysis.pipeline.runner import Paths, plan_runs

    root = make_project(tmp_path)
    manifest = load_manifest(root / "notebooks" / "manifest.yml", providers=PROVIDERS)
    (run, job, _), = [p for p in plan_runs(manifest, manifest.runs(2021), Paths.resolve(root))
                      if p[0].page == "regions/KZ-10"]
    nb = nbformat.read(root / "notebooks" / "region.ipynb", 4)
    nb.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('edited after planning')"))
    nbformat.write(nb, root / "notebooks" / "region.ipynb")
    try:
        outcome = execute_job(job)
    finally:
        shutdown_all()
    assert outcome.status == "ok", outcome.error
    assert extract_values(json.loads(outcome.notebook))[0]["glue:last_value"] == value("KZ-10", 2021)


# --- explicit inputs: declared data products (analysis.pipeline.products) ------

DECLARED_PARAMETERS = "year = 2022\ndata_dir = \"\""
DECLARED_BODY = '''
from myst_nb import glue
from analysis import data as kzdata
kzdata.data_years(data_dir)
panel = kzdata.load_map_panel(year, data_dir, indicators=[{indicator!r}])
glue("mean", float(panel[{indicator!r}].mean()), display=False)
'''
RAW_BODY = '''
import os
import pandas as pd
from myst_nb import glue
from analysis import data as kzdata
obs = pd.read_csv(os.path.join(os.environ["AIMAQ_DATA_DIR"], "observations.csv"))
kzdata.data_years(data_dir)
glue("rows", int((obs["indicator"] == "life_expectancy_at_birth").sum()), display=False)
'''


def _declared_project(root: Path) -> Path:
    """Four pages on a copy of the real data: ``unemployment`` declares its column in its metadata,
    ``life`` in the manifest, ``raw`` declares nothing and reads the CSV itself, ``sneaky`` declares
    one column and loads another."""
    from analysis.data.paths import PROJECT_DATA_DIR

    (root / "notebooks").mkdir(parents=True)
    shutil.copytree(PROJECT_DATA_DIR, root / "data")
    bodies = {"unemployment": DECLARED_BODY.format(indicator="unemployment_rate"),
              "life": DECLARED_BODY.format(indicator="life_expectancy_at_birth"), "raw": RAW_BODY,
              "sneaky": DECLARED_BODY.format(indicator="unemployment_rate")}
    for name, body in bodies.items():
        nb = notebook(DECLARED_PARAMETERS, body)
        if name == "unemployment":
            nb.metadata["aimaq"] = {"reads": {"map-panel": ["unemployment_rate"]}}
        nbformat.write(nb, root / "notebooks" / f"{name}.ipynb")
    reads = {"life": " reads: {map-panel: [life_expectancy_at_birth]},",
             "sneaky": " reads: {map-panel: [life_expectancy_at_birth]},"}
    (root / "notebooks" / "manifest.yml").write_text(
        "editions: [2022]\npreload: [pandas, myst_nb, analysis.data]\nruns:\n"
        + "".join(f"  - {{notebook: {name}.ipynb,{reads.get(name, '')} page: {name}, part: p}}\n" for name in bodies))
    return root


@pytest.mark.slow
def test_an_edit_reexecutes_the_pages_that_declare_its_column_and_serves_the_rest(tmp_path):
    from test_pipeline_products import scale_observation

    root = _declared_project(tmp_path / "project")
    first = build(root, keep_going=True)
    status = {s.page: s for s in first.statuses}
    assert {p: s.status for p, s in status.items()} == \
        {"unemployment": "ok", "life": "ok", "raw": "ok", "sneaky": "failed"}
    # The undeclared read stops the run with the error that says what to declare.
    assert "UndeclaredRead" in status["sneaky"].error and "unemployment_rate" in status["sneaky"].error
    assert "did not declare" in status["sneaky"].error
    before = _glue(root / "_build/runs/2022/unemployment.ipynb")["glue:mean"]
    scale_observation(root / "data", "KZ-43", 2022, "unemployment_rate", 2.0)
    result = build(root, keep_going=True)
    status = {s.page: s.status for s in result.statuses}
    # life never declared the edited column; raw declares nothing, so any edit of its edition re-executes it.
    assert status == {"unemployment": "ok", "life": "cached", "raw": "ok", "sneaky": "failed"}
    assert _glue(root / "_build/runs/2022/unemployment.ipynb")["glue:mean"] > before
    # What was served equals what executing it again on the edited data gives.
    fresh = build(root, build_dir=tmp_path / "fresh", use_cache=False, keep_going=True)
    assert fresh.executed == 4
    for page in ("unemployment", "life", "raw"):
        assert (root / f"_build/runs/2022/{page}.ipynb").read_bytes() == \
            (tmp_path / f"fresh/runs/2022/{page}.ipynb").read_bytes()
    assert build(root, keep_going=True).counts["cached"] == 3


def test_a_spare_kernel_by_default(monkeypatch):
    """One kernel more than the usable cores (a kernel waits between runs); an explicit count is kept."""
    import os

    from analysis.pipeline import executors

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert executors.usable_cores() == 2 and executors.default_jobs() == 3
    with executors.LocalExecutor() as pool:
        assert pool.jobs == 3
    with executors.LocalExecutor(jobs=1) as pool:
        assert pool.jobs == 1
