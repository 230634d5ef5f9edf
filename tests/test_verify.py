"""``aimaq verify``: a clean rerun matches; one changed published number is caught."""

from __future__ import annotations

import json
import shutil

import pytest

from analysis.pipeline import verify
from analysis.pipeline.verify import compare_values, extract_values
from test_pipeline_support import PROVIDERS, build, make_project


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("verify"))
    assert build(root).ok
    return root


def _copy_build(root, tmp_path):
    copy = tmp_path / "published"
    shutil.copytree(root / "_build", copy)
    return copy


def _edit(path, edit):
    nb = json.loads(path.read_text())
    edit(nb)
    path.write_text(json.dumps(nb, indent=1))


def _glue_output(nb, name):
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            if out.get("metadata", {}).get("scrapbook", {}).get("name") == name:
                return out
    raise AssertionError(f"no glue {name}")


def test_clean_rerun_matches_every_value(published):
    report = verify(root=published, providers=PROVIDERS, jobs=2)
    assert report.ok, report.mismatches or report.errors
    assert report.changed_inputs == []  # the rerun had the published run's key
    assert report.runs == 3  # the published (latest) edition: summary and two regions
    names = {c.name for c in report.comparisons}
    assert {"glue:mean", "glue:n_obs", "glue:label", "glue:table:html", "glue:last_value"} <= names
    assert {f"{lang}:cell3:0" for lang in ("kk", "ru", "en")} <= names
    assert len(report.comparisons) == 7 + 2 * 2


def test_changed_published_number_is_caught(published, tmp_path):
    copy = _copy_build(published, tmp_path)
    target = copy / "runs" / "2022" / "summary.ipynb"

    def change(nb):
        bundle = _glue_output(nb, "mean")["data"]
        key = "application/papermill.record/text/plain"
        bundle[key] = repr(float(bundle[key].removeprefix("np.float64(").rstrip(")")) * (1 + 1e-6))

    _edit(target, change)
    report = verify(root=published, build_dir=copy, providers=PROVIDERS, notebook="summary")
    assert not report.ok
    assert [(c.run, c.name, c.kind) for c in report.mismatches] == [("2022 summary", "glue:mean", "float")]


@pytest.mark.slow
def test_changed_table_cell_in_one_language_is_caught(published, tmp_path):
    copy = _copy_build(published, tmp_path)

    def change(nb):
        for cell in nb["cells"]:
            for out in cell.get("outputs", []):
                if out.get("metadata", {}).get("aimaq", {}).get("lang") == "ru":
                    html = "".join(out["data"]["text/html"])
                    out["data"]["text/html"] = html.replace("<td>", "<td>1")

    _edit(copy / "runs" / "2022" / "summary.ipynb", change)
    report = verify(root=published, build_dir=copy, providers=PROVIDERS, notebook="summary.ipynb")
    assert [c.name for c in report.mismatches] == ["ru:cell3:0"]


@pytest.mark.slow
def test_missing_glue_and_unpublished_run_are_errors(published, tmp_path):
    copy = _copy_build(published, tmp_path)

    def drop(nb):
        for cell in nb["cells"]:
            cell["outputs"] = [o for o in cell.get("outputs", [])
                               if o.get("metadata", {}).get("scrapbook", {}).get("name") != "last_value"]

    _edit(copy / "runs" / "2022" / "regions" / "KZ-43.ipynb", drop)
    (copy / "runs" / "2022" / "regions" / "KZ-10.ipynb").unlink()
    status = copy / "runs" / "2022" / "status.json"
    statuses = json.loads(status.read_text())
    statuses["runs"]["regions/KZ-43"]["key"] = "stale"
    status.write_text(json.dumps(statuses))
    report = verify(root=published, build_dir=copy, providers=PROVIDERS, notebook="region")
    assert [(c.run, c.name, c.kind) for c in report.mismatches] == [("2022 regions/KZ-43", "glue:last_value", "missing")]
    assert "not published" in report.errors["2022 regions/KZ-10"]
    assert len(report.changed_inputs) == 1  # KZ-43's status was given a stale key above


@pytest.mark.slow
def test_region_and_edition_selection(published):
    report = verify(root=published, providers=PROVIDERS, region="KZ-10", edition=2021)
    assert report.ok and report.runs == 1
    assert {c.run for c in report.comparisons} == {"2021 regions/KZ-10"}
    nothing = verify(root=published, providers=PROVIDERS, region="KZ-77")
    assert not nothing.ok and "no run matches" in nothing.errors["selection"]


@pytest.mark.slow
def test_cli_verify_exits_non_zero_on_a_mismatch(published, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from analysis.cli import app
    from analysis.pipeline import manifest as manifest_module, runner

    copy = _copy_build(published, tmp_path)
    _edit(copy / "runs" / "2022" / "regions" / "KZ-43.ipynb",
          lambda nb: _glue_output(nb, "last_value")["data"].update(
              {"application/papermill.record/text/plain": "45.0"}))
    # The CLI works on the project tree: point it at the synthetic project and its copied build.
    shutil.rmtree(published / "_build" / "runs")
    shutil.copytree(copy / "runs", published / "_build" / "runs")
    monkeypatch.setattr(runner, "project_root", lambda: published)
    monkeypatch.setitem(manifest_module._DEFAULT_PROVIDERS, "region", PROVIDERS["region"])
    result = CliRunner().invoke(app, ["verify", "--region", "KZ-43"], env={"COLUMNS": "250"})
    assert result.exit_code == 1, result.output
    assert "MISMATCH" in result.output and "glue:last_value" in result.output
    assert "relative 1e-09" in result.output


@pytest.mark.parametrize("published_value, rerun, kind, match", [
    (0.1 + 0.2, 0.3, "float", True),                 # rounding noise within 1e-9
    (1.0, 1.0 + 2e-9, "float", False),
    (float("nan"), float("nan"), "float", True),
    (3, 3.0000000000001, "float", True),
    (7, 8, "int", False),
    (True, 1, "bool", False),
    ("Astana", "Astana", "str", True),
    ("1 234,5 тг", "1 234,6 тг", "text", False),
    ("<td>0.30000000000000004</td>", "<td>0.3</td>", "text", True),
])
def test_compare_values_tolerances(published_value, rerun, kind, match):
    assert compare_values(published_value, rerun) == (kind, match)


def test_extract_values_reads_numpy_scalars_and_counts_figures():
    nb = {"cells": [{"cell_type": "code", "outputs": [
        {"output_type": "display_data", "metadata": {"scrapbook": {"name": "g", "mime_prefix": "x"}},
         "data": {"application/papermill.record/text/plain": "np.float64(0.25)"}},
        {"output_type": "display_data", "metadata": {"aimaq": {"lang": "kk"}},
         "data": {"image/png": "iVBOR", "text/plain": "<Figure>"}},
        {"output_type": "display_data", "metadata": {"aimaq": {"lang": "kk"}},
         "data": {"text/html": ["<p>", "2,5</p>"]}},
    ]}]}
    values, figures = extract_values(nb)
    assert values == {"glue:g": 0.25, "kk:cell0:1": "<p>2,5</p>"} and figures == 1
