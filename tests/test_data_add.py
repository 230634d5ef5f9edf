"""`aimaq data add`: a new year and revisions on a copy of data/, with history kept (as_of).

The added 2026 figures are synthetic (2025 x 1.1, national total = sum of regions): a known
truth for the checks, used only inside these tests.
"""

from __future__ import annotations

import csv
import hashlib
import math
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import analysis.data as D
from analysis.cli import app
from analysis.data.add import apply_addition, plan_addition
from analysis.data.paths import PROJECT_DATA_DIR

FIRST_RECORDED = "2026-11-27"  # when the shipped figures entered the data


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(PROJECT_DATA_DIR, target, ignore=shutil.ignore_patterns("index.yml"))
    return target


@pytest.fixture(scope="module")
def shared_copy(tmp_path_factory):
    """One copy for the tests that must write nothing (they check that it stays unchanged)."""
    return _copy(tmp_path_factory.mktemp("shared"))


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _fingerprint(root: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.glob("*")) if p.is_file()}


def _write(path: Path, rows: list[dict]) -> Path:
    columns = ["region", "year", "indicator", "territory", "value", "source", "note"]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    return path


def _grp_2024(data: Path, factor: float = 1.1) -> list[dict]:
    """Synthetic 2026 GRP for today's 20 units and Kazakhstan: 2025 x factor."""
    rows = [
        r for r in _rows(data / "observations.csv")
        if r["indicator"] == "grp_nominal" and r["year"] == "2025" and r["territory"] != "pre-2022"
    ]
    out = [dict(r, year="2026", value=repr(float(r["value"]) * factor), note="", source="") for r in rows if r["region"] != "KZ"]
    total = sum(float(r["value"]) for r in out)
    out.append({"region": "KZ", "year": "2026", "indicator": "grp_nominal", "value": repr(total)})
    return out


def test_add_a_year_to_a_copy(tmp_path):
    data = _copy(tmp_path)
    new = _write(tmp_path / "grp_2024.csv", _grp_2024(data))
    plan = plan_addition(new, data, source="BNS test release", recorded="2027-04-01")
    assert (len(plan.new), len(plan.revised), plan.unchanged) == (21, 0, 0)
    apply_addition(plan)

    panel = D.load_panel("stable", data).set_index(["region", "year"])
    before = D.load_panel("stable", data, until=2025).set_index(["region", "year"])
    for region in before.index.get_level_values("region").unique():
        if math.isnan(before.loc[(region, 2025), "grp_nominal"]):
            continue
        assert panel.loc[(region, 2026), "grp_nominal"] == pytest.approx(1.1 * before.loc[(region, 2025), "grp_nominal"])
        assert panel.loc[(region, 2026), "grp_growth"] == pytest.approx(math.log(1.1))
    # every added row records its source and date; the checksums were updated (load passed)
    added = [r for r in _rows(data / "observations.csv") if r["year"] == "2026" and r["indicator"] == "grp_nominal"]
    assert len(added) == 21 and {r["source"] for r in added} == {"BNS test release"}
    assert {r["recorded"] for r in added} == {"2027-04-01"}
    # the edition built before the addition still sees exactly what it saw
    old = D.load_panel("stable", data, as_of=FIRST_RECORDED)
    assert old["grp_nominal"][old["year"] == 2026].isna().all()


def test_revisions_keep_their_history(tmp_path):
    data = _copy(tmp_path)
    original = next(
        float(r["value"]) for r in _rows(data / "observations.csv")
        if (r["region"], r["year"], r["indicator"]) == ("KZ-43", "2019", "unemployment_rate")
    )
    for value, date in ((original + 0.5, "2027-03-01"), (original + 0.7, "2028-03-01")):
        row = {"region": "KZ-43", "year": "2019", "indicator": "unemployment_rate", "value": repr(value)}
        plan = plan_addition(_write(tmp_path / f"rev{date}.csv", [row]), data, source=f"BNS {date}", recorded=date)
        assert len(plan.revised) == 1 and plan.revised.loc[0, "old_value"] == pytest.approx(value - (0.5 if date < "2028" else 0.2))
        apply_addition(plan)

    def value_as_of(as_of):
        panel = D.load_panel("current", data, as_of=as_of).set_index(["region", "year"])
        return panel.loc[("KZ-43", 2019), "unemployment_rate"]

    assert value_as_of(FIRST_RECORDED) == pytest.approx(original)
    assert value_as_of("2027-06-30") == pytest.approx(original + 0.5)
    assert value_as_of(None) == pytest.approx(original + 0.7)
    history = [h for h in _rows(data / "revisions.csv") if h["indicator"] == "unemployment_rate"]
    assert [(h["value"], h["superseded"], h["superseded_by"]) for h in history] == [
        (repr(original), "2027-03-01", "BNS 2027-03-01"),
        (repr(original + 0.5), "2028-03-01", "BNS 2028-03-01"),
    ]


def test_identical_figures_change_nothing(tmp_path):
    data = _copy(tmp_path)
    rows = [r for r in _rows(data / "observations.csv") if r["region"] == "KZ-43" and r["year"] == "2019"]
    before = _fingerprint(data)
    plan = plan_addition(_write(tmp_path / "same.csv", rows), data, recorded="2027-01-01")
    assert (len(plan.new), len(plan.revised), plan.unchanged) == (0, 0, len(rows))
    apply_addition(plan)
    assert _fingerprint(data) == before


@pytest.mark.parametrize(
    "row, column, expected",
    [
        ({"region": "KZ-99", "year": "2026", "indicator": "grp_nominal", "value": "1"}, "region", "regions.csv"),
        ({"region": "KZ-43", "year": "2026", "indicator": "grp_nominal", "value": "-1"}, "value", "plausible"),
        ({"region": "KZ-43", "year": "2026", "indicator": "gdp", "value": "1"}, "indicator", "indicators.csv"),
        ({"region": "KZ-35", "year": "2026", "indicator": "grp_nominal", "value": "1"}, "territory", "split"),
        ({"region": "KZ-43", "year": "twenty", "indicator": "grp_nominal", "value": "1"}, "year", "whole number"),
    ],
)
def test_bad_new_rows_are_refused_before_writing(tmp_path, shared_copy, row, column, expected):
    data = shared_copy
    before = _fingerprint(data)
    new = _write(tmp_path / "new.csv", [{**row, "source": "x"}])
    with pytest.raises(D.DataError) as info:
        plan_addition(new, data, recorded="2027-01-01")
    assert (info.value.file, info.value.row, info.value.column) == ("new.csv", 2, column)
    assert expected in info.value.expected
    result = CliRunner().invoke(app, ["data", "add", str(new), "--yes", "--data-dir", str(data)])
    assert result.exit_code == 1 and result.output.startswith("error: new.csv, row 2") and "Traceback" not in result.output
    assert _fingerprint(data) == before


def test_a_national_total_that_does_not_add_up_names_the_new_file(tmp_path, shared_copy):
    data = shared_copy
    rows = _grp_2024(data)
    rows[-1]["value"] = repr(float(rows[-1]["value"]) * 1.02)
    new = _write(tmp_path / "grp.csv", rows)
    with pytest.raises(D.DataError) as info:
        plan_addition(new, data, source="x", recorded="2027-01-01")
    assert (info.value.file, info.value.row) == ("grp.csv", len(rows) + 1)
    assert "sum of the regions" in info.value.expected


def test_source_is_required(tmp_path, shared_copy):
    data = shared_copy
    new = _write(tmp_path / "nosource.csv", [{"region": "KZ-43", "year": "2026", "indicator": "grp_nominal", "value": "1"}])
    with pytest.raises(D.DataError) as info:
        plan_addition(new, data, recorded="2027-01-01")
    assert (info.value.row, info.value.column) == (2, "source")


def test_cli_asks_before_writing(tmp_path):
    data = _copy(tmp_path)
    new = _write(tmp_path / "grp.csv", _grp_2024(data))
    before = _fingerprint(data)
    runner = CliRunner()
    declined = runner.invoke(app, ["data", "add", str(new), "--source", "BNS", "--recorded", "2027-01-01",
                                   "--data-dir", str(data)], input="n\n")
    assert declined.exit_code == 1 and "21 new, 0 revised" in declined.output
    assert _fingerprint(data) == before
    accepted = runner.invoke(app, ["data", "add", str(new), "--source", "BNS", "--recorded", "2027-01-01",
                                   "--data-dir", str(data)], input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert _fingerprint(data) != before
    assert runner.invoke(app, ["data", "check", "--data-dir", str(data)]).exit_code == 0


def _state(data: Path) -> dict:
    return {(r["region"], r["year"], r["indicator"], r["territory"]): r["value"] for r in _rows(data / "observations.csv")}


def test_a_write_interrupted_before_the_journal_leaves_the_old_data(tmp_path, monkeypatch):
    data = _copy(tmp_path)
    before = _fingerprint(data)
    row = {"region": "KZ-43", "year": "2019", "indicator": "unemployment_rate", "value": "9.9", "source": "x"}
    plan = plan_addition(_write(tmp_path / "rev.csv", [row]), data, recorded="2027-01-01")

    def killed(*_):
        raise KeyboardInterrupt

    monkeypatch.setattr("analysis.data.add.atomic_write_text", killed)  # dies writing the journal
    with pytest.raises(KeyboardInterrupt):
        apply_addition(plan)
    visible = {name: digest for name, digest in _fingerprint(data).items() if not name.startswith(".")}
    assert visible == before and list(data.glob(".*.tmp"))  # only hidden temporaries were written
    assert len(D.load_panel("stable", data)) > 0
    monkeypatch.undo()
    from analysis.data.add import resume_addition

    assert resume_addition(data) is False and not list(data.glob(".*.tmp"))


def test_a_write_interrupted_mid_swap_is_refused_then_resumed(tmp_path, monkeypatch):
    data = _copy(tmp_path)
    old = _state(data)
    row = {"region": "KZ-43", "year": "2019", "indicator": "unemployment_rate", "value": "9.9", "source": "x"}
    plan = plan_addition(_write(tmp_path / "rev.csv", [row]), data, recorded="2027-01-01")
    real_replace, calls = os.replace, []

    def replace_then_die(src, dst):
        calls.append(dst)
        if len(calls) == 3:  # the journal, revisions.csv, then killed before observations.csv
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr("analysis.data.add.os.replace", replace_then_die)
    monkeypatch.setattr("analysis.data.checksums.os.replace", replace_then_die)
    with pytest.raises(KeyboardInterrupt):
        apply_addition(plan)
    monkeypatch.undo()
    # half swapped: loading refuses and says how to finish
    with pytest.raises(D.DataError) as info:
        D.load_panel("stable", data)
    assert "aimaq data resume" in info.value.expected
    # nothing is lost meanwhile: every old figure is in observations.csv or revisions.csv
    kept = {**_state(data), **{(r["region"], r["year"], r["indicator"], r["territory"]): r["value"]
                                for r in _rows(data / "revisions.csv") if r["superseded"] >= "2027"}}
    assert kept == old
    result = CliRunner().invoke(app, ["data", "resume", "--data-dir", str(data)])
    assert result.exit_code == 0 and "finished" in result.output
    panel = D.load_panel("current", data).set_index(["region", "year"])
    assert panel.loc[("KZ-43", 2019), "unemployment_rate"] == 9.9
    key = ("KZ-43", "2019", "unemployment_rate", "")
    assert D.load_panel("current", data, as_of=FIRST_RECORDED).set_index(["region", "year"]).loc[
        ("KZ-43", 2019), "unemployment_rate"] == float(old[key])
    assert not list(data.glob(".*.tmp")) and not (data / ".add-journal.json").exists()


def _bns_workbook(path: Path, rows: list[list]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "2008-2026"
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_add_reads_bns_spreadsheet_layout(tmp_path):
    """A sheet laid out like BNS's GRP table (English labels with Cyrillic look-alike letters,
    quarterly columns, a formula for the national total, footnotes) gives the same rows as the
    template. Values are synthetic (2025 x 1.1), so the expected cells are known."""
    data = _copy(tmp_path)
    template = {(r["region"], r.get("territory", "")): float(r["value"]) for r in _grp_2024(data)}
    labels = {
        "KZ-10": "Abay", "KZ-11": "Akmola", "KZ-15": "Аktobе", "KZ-19": "Аlmaty", "KZ-23": "Аtyrau",
        "KZ-27": "Batys Kazakhstan", "KZ-31": "Zhambyl", "KZ-33": "Zhetisu ", "KZ-35": "Кaragandy",
        "KZ-39": "Коstanay", "KZ-43": "Кyzylorda", "KZ-47": "Мangystau", "KZ-55": "Pavlodar",
        "KZ-59": "Soltustik Кazakhstan", "KZ-61": "Turkistan", "KZ-62": "Ulytau", "KZ-63": "Shygys Kazakhstan",
        "KZ-71": "Astana city", "KZ-75": "Almaty city", "KZ-79": "Shymkent city",
    }
    rows = [["Gross regional product1)"], [None], [None, "1 quarter of 2026", "2026 2)"],
            ["Republic of Kazakhstan", "=SUM(B5:B24)", "=SUM(C5:C24)"]]
    for code, label in labels.items():
        territory = "post-2022" if code in ("KZ-19", "KZ-35", "KZ-63") else ""
        rows.append([label, 1.0, template[(code, territory)]])
    rows += [[None], ["1) quarterly calculations of GRP have been producing only from 2008"], ["2) preliminary data"]]
    book = _bns_workbook(tmp_path / "grp.xlsx", rows)
    plan = plan_addition(book, data, source="BNS GRP 2026", recorded="2027-04-01", indicator="grp_nominal")
    got = {(r.region, r.territory): r.value for r in plan.new.itertuples()}
    expected = {key: value for key, value in template.items() if key[0] != "KZ"}
    assert got.keys() == expected.keys()
    assert all(got[key] == pytest.approx(expected[key], rel=1e-14) for key in got)  # xlsx stores 15 digits
    assert set(plan.new["year"]) == {2026} and plan.revised.empty
    apply_addition(plan)
    panel = D.load_panel("stable", data).set_index(["region", "year"])
    assert panel.loc[("KZ-35", 2026), "grp_nominal"] == pytest.approx(template[("KZ-35", "post-2022")] + template[("KZ-62", "")])


def test_bns_sheet_errors_name_the_sheet_row(tmp_path, shared_copy):
    data = shared_copy
    book = _bns_workbook(tmp_path / "pop.xlsx", [["Population"], [None, 2026], ["Аktobе", -5.0]])
    with pytest.raises(D.DataError) as info:
        plan_addition(book, data, source="x", recorded="2027-04-01", indicator="population_jan1")
    assert (info.value.file, info.value.row, info.value.column) == ("pop.xlsx", 3, "value")
    with pytest.raises(D.DataError) as info:
        plan_addition(book, data, source="x", recorded="2027-04-01")
    assert "--indicator" in info.value.expected


def test_spreadsheet_exported_csv_with_bom_and_crlf_is_read(tmp_path, shared_copy):
    new = tmp_path / "excel.csv"
    new.write_bytes("\ufeffregion,year,indicator,value,source\r\nKZ-43,2026,unemployment_rate,4.5,BNS\r\n".encode("utf-8"))
    plan = plan_addition(new, shared_copy, recorded="2027-01-01")
    assert plan.new[["region", "year", "value", "source"]].values.tolist() == [["KZ-43", 2026, 4.5, "BNS"]]


def test_a_semicolon_separated_file_is_refused_with_the_expected_header(tmp_path, shared_copy):
    new = tmp_path / "semi.csv"
    new.write_text("region;year;indicator;value;source\nKZ-43;2026;unemployment_rate;4,5;BNS\n", encoding="utf-8")
    with pytest.raises(D.DataError) as info:
        plan_addition(new, shared_copy, recorded="2027-01-01")
    assert (info.value.file, info.value.row, info.value.column) == ("semi.csv", 1, "region")
