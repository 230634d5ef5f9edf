"""Explicit inputs: data products computed and hashed before any run, declared reads, served loaders.

On a private copy of the real data: an edit of one stored figure changes the digests of the
columns computed from it and no other; a run's key moves only when a declared column moves;
inside a run the loaders serve declared products (equal to what they compute themselves) and
stop with a clear error on anything else.
"""

from __future__ import annotations

import csv
import io
import json
import shutil

import pandas as pd
import pytest

from analysis.data import data_years, load_map_panel, load_national, load_panel
from analysis.data import products as served
from analysis.data.checksums import write_datapackage
from analysis.data.paths import PROJECT_DATA_DIR
from analysis.pipeline import ManifestError
from analysis.pipeline import products

EDITION = 2022


@pytest.fixture()
def data_copy(tmp_path, monkeypatch):
    """A private copy of the project's data, used as the default data directory."""
    target = tmp_path / "data"
    shutil.copytree(PROJECT_DATA_DIR, target)
    monkeypatch.setenv("AIMAQ_DATA_DIR", str(target))
    return target


def scale_observation(data_dir, region, year, indicator, factor):
    """Multiply one stored observation by ``factor`` and refresh the checksums."""
    path = data_dir / "observations.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    col = {name: rows[0].index(name) for name in ("region", "year", "indicator", "value")}
    hits = [r for r in rows[1:] if (r[col["region"]], r[col["year"]], r[col["indicator"]]) == (region, str(year), indicator)]
    assert len(hits) == 1, "the edited observation exists once"
    hits[0][col["value"]] = repr(float(hits[0][col["value"]]) * factor)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    write_datapackage(data_dir)


def _products(data_dir, build, names=products.PRODUCTS, source="s"):
    made, errors = products.edition_products(EDITION, names, data_dir, build / "products",
                                             {"slice": source, "whole": source, "library": "l"})
    assert not errors, errors
    return made


def _serving(data_dir, made, reads):
    reads = products.with_always_declared(reads)
    return products.serving_spec(EDITION, data_dir, reads, made, f"{EDITION} test-page")


def test_an_edit_moves_the_digests_of_its_columns_only(data_copy, tmp_path):
    before = _products(data_copy, tmp_path / "a")
    scale_observation(data_copy, "KZ-43", EDITION, "unemployment_rate", 2.0)
    after = _products(data_copy, tmp_path / "b", source="edited")
    for name in ("panel-current", "map-panel"):
        changed = {c for c, d in after[name].columns.items() if before[name].columns[c] != d}
        assert changed == {"unemployment_rate"}, name
        assert after[name].keys == before[name].keys
    assert after["national"].columns == before["national"].columns  # a region's figure, not the national one
    assert after["data-years"].digest == before["data-years"].digest
    # Keys: a run declaring the edited column moves, one declaring another column does not.
    static = "static"
    moved = {c: products.declared_data_key(static, {"map-panel": (c,)}, after)
             != products.declared_data_key(static, {"map-panel": (c,)}, before)
             for c in ("unemployment_rate", "life_expectancy_at_birth")}
    assert moved == {"unemployment_rate": True, "life_expectancy_at_birth": False}
    assert products.declared_data_key(static, {"map-panel": None}, after) != \
        products.declared_data_key(static, {"map-panel": None}, before)


def test_products_are_reused_while_their_inputs_are_the_same(data_copy, tmp_path):
    first = _products(data_copy, tmp_path, names=["national"])
    record = tmp_path / "products" / str(EDITION) / "national.json"
    stamp = record.stat().st_mtime_ns
    assert _products(data_copy, tmp_path, names=["national"]) == first
    assert record.stat().st_mtime_ns == stamp  # found, not computed again
    _products(data_copy, tmp_path, names=["national"], source="other data")
    assert record.stat().st_mtime_ns != stamp


def test_declared_reads_are_served_equal_to_the_loaders(data_copy, tmp_path):
    made = _products(data_copy, tmp_path)
    expected = {
        "panel": load_panel("stable", until=EDITION, indicators=["grp_per_capita", "population_avg"]),
        "map": load_map_panel(EDITION, indicators=["unemployment_rate"]),
        "national": load_national(until=EDITION, indicators=["grp_per_capita"]),
        "current": load_panel("current", until=EDITION),
        "years": data_years(),
    }
    served.serve(_serving(data_copy, made, {"panel-stable": ("grp_per_capita", "population_avg", "x"),
                                            "map-panel": ("unemployment_rate",), "national": ("grp_per_capita",),
                                            "panel-current": None}))
    try:
        got = {
            "panel": load_panel("stable", "", until=str(EDITION), indicators=["grp_per_capita", "population_avg"]),
            "map": load_map_panel(EDITION, indicators=["unemployment_rate"]),
            "national": load_national(until=EDITION, indicators=["grp_per_capita"]),
            "current": load_panel("current", until=EDITION),
            "years": data_years(),
        }
    finally:
        served.serve(None)
    for name in ("panel", "map", "national", "current"):
        pd.testing.assert_frame_equal(got[name], expected[name])
        assert got[name].attrs == expected[name].attrs, name
    assert got["years"] == expected["years"]
    assert served.serving() is None


@pytest.mark.parametrize("call, fragment", [
    (lambda: load_panel("stable", until=EDITION, indicators=["unemployment_rate"]),
     "reads panel-stable (unemployment_rate), which the run did not declare"),
    (lambda: load_panel("stable", until=EDITION), "reads panel-stable (all columns)"),
    (lambda: load_national(until=EDITION), "reads national (all columns)"),
    (lambda: load_panel("stable", until=EDITION - 1, indicators=["grp_per_capita"]),
     f"is not a data product of edition {EDITION}"),
    (lambda: load_panel("stable", until=EDITION, as_of="2024-01-01", indicators=["grp_per_capita"]),
     f"is not a data product of edition {EDITION}"),
])
def test_an_undeclared_read_stops_with_a_clear_error(data_copy, tmp_path, call, fragment):
    made = _products(data_copy, tmp_path, names=["panel-stable", "data-years"])
    served.serve(_serving(data_copy, made, {"panel-stable": ("grp_per_capita",)}))
    try:
        with pytest.raises(served.UndeclaredRead) as error:
            call()
    finally:
        served.serve(None)
    message = str(error.value)
    assert fragment in message and message.startswith(f"{EDITION} test-page: load_")
    if "did not declare" in message:  # says what is declared and how to declare more
        assert "declared: data-years; panel-stable [grp_per_capita]" in message
        assert "notebooks/manifest.yml" in message and "aimaq" in message


def test_a_read_of_another_data_folder_is_refused(data_copy, tmp_path):
    made = _products(data_copy, tmp_path, names=["panel-stable", "data-years"])
    served.serve(_serving(data_copy, made, {"panel-stable": None}))
    try:
        with pytest.raises(served.UndeclaredRead, match="not the run's"):
            load_panel("stable", PROJECT_DATA_DIR, until=EDITION)
    finally:
        served.serve(None)


def test_declarations_are_validated_and_merged():
    assert products.parse_reads({"map-panel": ["a", "b", "a"], "data-years": "*"}, "m.yml", "runs[0].reads") == \
        {"map-panel": ("a", "b"), "data-years": None}
    with pytest.raises(ManifestError, match=r"m.yml: runs\[0\].reads.panel: got 'panel', expected one of"):
        products.parse_reads({"panel": "*"}, "m.yml", "runs[0].reads")
    with pytest.raises(ManifestError, match="a non-empty list of indicator ids"):
        products.parse_reads({"national": "grp"}, "m.yml", "runs[0].reads")
    assert products.merge_reads({}, {}) is None  # undeclared: the default (unrestricted, whole slice)
    assert products.merge_reads({"national": ("a",)}, {"national": ("b",), "map-panel": None}) == \
        {"national": ("a", "b"), "map-panel": None}
    assert products.merge_reads({"national": ("a",)}, {"national": None}) == {"national": None}


def test_index_indicators_expand_from_the_framework(data_copy):
    from analysis.index import load_framework

    indicators = load_framework(data_copy / "index.yml").indicators
    expanded = products.expand_index({"map-panel": ("@index", "grp_per_capita")}, data_copy)
    assert set(indicators) <= set(expanded["map-panel"]) and "grp_per_capita" in expanded["map-panel"]
    assert "@index" not in expanded["map-panel"]


def test_the_project_manifest_declares_every_run():
    from analysis.pipeline import load_manifest

    manifest = load_manifest()
    for run in manifest.runs(manifest.latest):
        assert run.reads, f"{run.label} declares no reads"
        json.dumps(dict(run.reads))


def test_a_library_read_of_every_year_is_the_all_years_product(data_copy, tmp_path):
    """load_intensity reads population for every year of its series: product panel-stable-all."""
    from analysis.data import load_intensity

    expected = load_intensity()
    made = _products(data_copy, tmp_path, names=["panel-stable-all", "data-years"])
    served.serve(_serving(data_copy, made, {"panel-stable-all": ("population_avg",)}))
    try:
        got = load_intensity()
    finally:
        served.serve(None)
    pd.testing.assert_frame_equal(got, expected)
