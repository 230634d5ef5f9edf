"""The trace of a run's reads (analysis.data.trace): what it records, when it is spoiled, replay.

The pipeline serves a stored notebook after an edit of the data only if replaying its
trace gives the same loader results, so these tests pin the rules that make that sound:
an edit in a loaded column is seen, an edit elsewhere is not, and any read of the
observations that bypasses the loaders makes the trace unusable.
"""

from __future__ import annotations

import csv
import io
import shutil

import pandas as pd
import pytest

from analysis.data import DataError, data_years, load_map_panel, load_national, load_panel, load_regions, trace
from analysis.data.checksums import write_datapackage
from analysis.data.paths import PROJECT_DATA_DIR
from analysis.data.tables import load_tables


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


def test_only_the_outermost_loader_call_is_recorded_with_its_arguments():
    with trace.recording() as record:
        load_regions()                                   # metadata: not an observation read
        years = data_years()
        load_map_panel(2022, indicators=["unemployment_rate"])  # calls load_panel twice inside
    assert record.usable
    assert [c.name for c in record.calls] == ["data_years", "load_map_panel"]
    call = record.calls[1]
    assert call.arguments["year"] == 2022 and call.arguments["indicators"] == ["unemployment_rate"]
    assert "data_dir" not in call.arguments
    assert record.calls[0].digest == trace.digest(years)


def test_an_edit_is_seen_by_the_loads_of_its_column_only(data_copy):
    with trace.recording() as unemployment:
        load_map_panel(2022, indicators=["unemployment_rate"])
        load_national(until=2022, indicators=["unemployment_rate"])
    with trace.recording() as life:
        load_map_panel(2022, indicators=["life_expectancy_at_birth"])
    with trace.recording() as everything:
        load_panel("stable", until=2022)
    scale_observation(data_copy, "KZ-43", 2022, "unemployment_rate", 1.01)
    memo = {}
    assert not trace.replay(unemployment.calls, data_copy, memo)
    assert trace.replay(life.calls, data_copy, memo)
    assert not trace.replay(everything.calls, data_copy, memo)


def test_a_derived_column_changes_only_if_its_value_does(data_copy):
    # Edition 2023 cannot compute GRP per capita for 2023 (it needs 1 January 2024), so a revised
    # 2023 GRP leaves the per-capita column unchanged, while the GRP column itself changes.
    with trace.recording() as per_capita:
        load_map_panel(2023, indicators=["grp_per_capita"])
    with trace.recording() as grp:
        load_map_panel(2023, indicators=["grp_nominal"])
    scale_observation(data_copy, "KZ-43", 2023, "grp_nominal", 1.001)
    assert trace.replay(per_capita.calls, data_copy)
    assert not trace.replay(grp.calls, data_copy)


@pytest.mark.parametrize("read", [
    lambda: pd.read_csv(PROJECT_DATA_DIR / "observations.csv"),
    lambda: open(PROJECT_DATA_DIR / "revisions.csv", encoding="utf-8").read(),
    lambda: load_tables(None).observations,
    lambda: load_tables(None).unverified,
])
def test_reading_observations_outside_the_loaders_spoils_the_trace(read):
    with trace.recording() as record:
        data_years()
        read()
    assert not record.usable and "outside the traced loaders" in record.unusable
    assert record.to_json() == "null"


def test_metadata_and_first_loads_inside_the_library_keep_the_trace_usable(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(PROJECT_DATA_DIR, target)  # a new directory: load_tables reads every file
    with trace.recording() as record:
        load_regions(target)
    assert record.usable and record.calls == []


def test_a_call_on_another_data_directory_spoils_the_trace(data_copy):
    with trace.recording() as record:
        load_national(PROJECT_DATA_DIR, until=2020, indicators=["grp_nominal"])
    assert not record.usable and "another data directory" in record.unusable


def test_replay_of_an_unknown_loader_or_a_failing_call_is_a_mismatch():
    with trace.recording() as record:
        load_national(until=2020, indicators=["grp_nominal"])
    good = record.calls[0]
    assert trace.replay([good], None)
    assert not trace.replay([trace.Call("no_such_loader", {}, good.digest)], None)
    broken = trace.Call(good.name, {**good.arguments, "until": "never"}, good.digest)
    assert not trace.replay([broken], None)
    assert trace.loads(record.to_json()) == [good] and trace.loads("null") is None and trace.loads("{") is None


def test_indicators_select_columns_of_the_full_panel():
    full = load_panel("stable", until=2022)
    some = load_panel("stable", until=2022, indicators=["grp_per_capita", "unemployment_rate"])
    pd.testing.assert_frame_equal(some, full[["region", "year", "grp_per_capita", "unemployment_rate"]])
    assert all(cell[2] in {"grp_per_capita", "unemployment_rate"} for cell in some.attrs["approximate"])
    with pytest.raises(DataError, match="argument indicators.*'gdp'.*expected one of: .*grp_nominal"):
        load_panel("stable", indicators=["gdp"])
