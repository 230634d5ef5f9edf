"""Bad input: every malformed or edited data file stops with one message naming file, row,
column, value and expectation; `aimaq data check` exits 1 without a traceback; nothing is written.

Each case edits a small part of a copy of data/ made in tmp_path.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import analysis.data as D
from analysis.cli import app
from analysis.data.checksums import write_datapackage
from analysis.data.paths import PROJECT_DATA_DIR


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(PROJECT_DATA_DIR, target, ignore=shutil.ignore_patterns("index.yml"))
    return target


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def _set_value(path: Path, needle: str, change) -> int:
    """Replace the value field of the first line containing ``needle`` by ``change(value)``; its line number."""
    line = _line_of(path, needle)
    text = path.read_text(encoding="utf-8").splitlines()
    fields = text[line - 1].split(",")
    fields[4] = change(fields[4])
    text[line - 1] = ",".join(fields)
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    return line


def _fingerprint(root: Path) -> dict:
    return {p.relative_to(root): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def _expect(data_dir: Path, file: str, row, column, value_part: str | None = None):
    before = _fingerprint(data_dir)
    with pytest.raises(D.DataError) as info:
        D.load_panel("stable", data_dir)
    err = info.value
    assert (err.file, err.row, err.column) == (file, row, column), str(err)
    if value_part is not None:
        assert value_part in str(err.value)
    # the CLI: one line on stderr, exit code 1, no traceback, nothing written
    result = CliRunner().invoke(app, ["data", "check", "--data-dir", str(data_dir)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and file in lines[0]
    assert _fingerprint(data_dir) == before
    return err


def test_message_names_everything():
    err = D.DataError("observations.csv", 7, "value", "-1", "a non-negative number")
    assert str(err) == "observations.csv, row 7, column 'value': got '-1', expected a non-negative number"


def test_clean_copy_passes(tmp_path):
    data = _copy(tmp_path)
    result = CliRunner().invoke(app, ["data", "check", "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    assert "data OK" in result.output


def test_missing_column(tmp_path):
    data = _copy(tmp_path)
    _edit(data / "regions.csv", "code,name_kk,", "kod,name_kk,")
    write_datapackage(data)
    err = _expect(data, "regions.csv", 1, "code", "missing")
    assert "code" in err.expected


# One line of observations.csv edited: (text found, its replacement, column the error names,
# part of the value it shows, part of its expectation); the error names the edited line.
OBSERVATION_EDITS = {
    "wrong_type": ("KZ-43,2019,grp_nominal,,", "KZ-43,2019,grp_nominal,,about ", "value", "about", "number"),
    "wrong_type_year": ("KZ-43,2019,grp_nominal,", "KZ-43,2019a,grp_nominal,", "year", "2019a", None),
    "unknown_region_code": ("KZ-43,2019,grp_nominal,", "KZ-44,2019,grp_nominal,", "region", "KZ-44", "regions.csv"),
    # Shymkent figures before BNS's back-casts begin, South Kazakhstan after it ceased
    "code_not_valid_for_its_year": ("KZ-SKO,2017,grp_nominal,", "KZ-SKO,2019,grp_nominal,", "year", "2019", "KZ-SKO"),
    "missing_territory_marker": ("KZ-35,2010,grp_nominal,pre-2022", "KZ-35,2010,grp_nominal,", "territory", None, None),
    "negative_population": ("KZ-43,2019,population_jan1,,", "KZ-43,2019,population_jan1,,-", "value", "-",
                            "population_jan1"),
    "derived_indicator_stored": ("KZ-43,2019,unemployment_rate,,", "KZ-43,2019,grp_per_capita,,", "indicator",
                                 "grp_per_capita", None),
}


@pytest.mark.parametrize(("old", "new", "column", "value_part", "expected_part"), OBSERVATION_EDITS.values(),
                         ids=OBSERVATION_EDITS.keys())
def test_bad_observation(tmp_path, old, new, column, value_part, expected_part):
    data = _copy(tmp_path)
    obs = data / "observations.csv"
    line = _line_of(obs, old)
    _edit(obs, old, new)
    write_datapackage(data)
    err = _expect(data, "observations.csv", line, column, value_part)
    if expected_part is not None:
        assert expected_part in err.expected


def test_duplicate_row(tmp_path):
    data = _copy(tmp_path)
    obs = data / "observations.csv"
    lines = obs.read_text(encoding="utf-8").splitlines(keepends=True)
    first = _line_of(obs, "KZ-43,2019,grp_nominal,")
    lines.append(lines[first - 1])
    obs.write_text("".join(lines), encoding="utf-8")
    write_datapackage(data)
    err = _expect(data, "observations.csv", len(lines), "region, year, indicator, territory", "KZ-43 2019")
    assert f"row {first}" in err.expected


def test_implausible_rate(tmp_path):
    data = _copy(tmp_path)
    line = _set_value(data / "observations.csv", "KZ-43,2019,unemployment_rate,,", lambda _: "48.0")
    write_datapackage(data)
    _expect(data, "observations.csv", line, "value", "48")


def test_non_utf8_file(tmp_path):
    data = _copy(tmp_path)
    regions = data / "regions.csv"
    line = _line_of(regions, "KZ-43,")
    text = regions.read_text(encoding="utf-8")
    regions.write_bytes(text.encode("cp1251", errors="replace"))  # Cyrillic in a Windows code page
    write_datapackage(data)
    before = _fingerprint(data)
    with pytest.raises(D.DataError) as info:
        D.load_panel("stable", data)
    assert (info.value.file, info.value.row) == ("regions.csv", 2)  # the first Cyrillic name
    assert info.value.expected == "UTF-8 text"
    assert line > 2
    result = CliRunner().invoke(app, ["data", "check", "--data-dir", str(data)])
    assert result.exit_code == 1 and "UTF-8" in result.output and "Traceback" not in result.output
    assert _fingerprint(data) == before


def test_checksum_mismatch(tmp_path):
    data = _copy(tmp_path)
    # an edit that is valid in itself, made without `aimaq data add`
    _edit(data / "programmes.csv", "Pavlodar", "Pavlodar SEZ")
    err = _expect(data, "programmes.csv", None, None)
    assert "datapackage.json" in err.expected


def test_checksum_mismatch_of_a_boundary_file_in_data_check(tmp_path):
    data = _copy(tmp_path)
    geo = data / "geo" / "kz_adm1_2022_simplified.geojson"
    geo.write_bytes(geo.read_bytes().replace(b"Kyzylorda", b"Qyzylorda", 1))
    result = CliRunner().invoke(app, ["data", "check", "--data-dir", str(data)])
    assert result.exit_code == 1
    assert "geo/kz_adm1_2022_simplified.geojson" in result.output


def test_national_sum_mismatch(tmp_path):
    data = _copy(tmp_path)
    # 1 % off: above the 0.05 % tolerance
    line = _set_value(data / "observations.csv", "KZ,2019,grp_nominal,", lambda v: str(float(v) * 1.01))
    write_datapackage(data)
    err = _expect(data, "observations.csv", line, "value")
    assert "sum of the regions" in err.expected and "0.05%" in err.expected


def test_national_sum_within_tolerance_passes(tmp_path):
    data = _copy(tmp_path)
    # 0.01 %: rounding-sized, accepted
    _set_value(data / "observations.csv", "KZ,2019,grp_nominal,", lambda v: str(float(v) * 1.0001))
    write_datapackage(data)
    assert len(D.load_panel("stable", data)) > 0


def test_missing_file(tmp_path):
    data = _copy(tmp_path)
    (data / "datapackage.json").unlink()
    err = _expect(data, "datapackage.json", None, None)
    assert "checksums" in err.expected


def test_environment_variable_selects_the_data_dir(tmp_path, monkeypatch):
    data = _copy(tmp_path)
    _edit(data / "programmes.csv", "Pavlodar", "Pavlodar SEZ")
    monkeypatch.setenv("AIMAQ_DATA_DIR", str(data))
    with pytest.raises(D.DataError):
        D.load_panel()
