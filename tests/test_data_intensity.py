"""Business Roadmap intensity: checks of programme_intensity.csv, stable basis with offshoots added."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

import analysis.data as D
from analysis.data.checksums import write_datapackage
from analysis.data.intensity import load_intensity
from analysis.data.paths import PROJECT_DATA_DIR


def _raw():
    return pd.read_csv(PROJECT_DATA_DIR / "programme_intensity.csv")


def test_stable_basis_adds_offshoots_to_parents_and_keeps_the_national_total():
    raw = _raw()
    stable = load_intensity(basis="stable").set_index(["region", "year"])["amount"]
    v = raw.set_index(["region", "year"])["value"]
    assert stable[("KZ-35", 2015)] == pytest.approx(v[("KZ-35", 2015)] + v[("KZ-62", 2015)])
    assert stable[("KZ-SKO", 2016)] == pytest.approx(v[("KZ-61", 2016)] + v[("KZ-79", 2016)])
    assert stable[("KZ-SKO", 2012)] == pytest.approx(v[("KZ-61", 2012)])  # no Shymkent row before 2015
    nat = raw[raw.region == "KZ"].set_index("year")["value"]
    assert stable.groupby(level="year").sum().to_numpy() == pytest.approx(nat.to_numpy(), rel=1e-6)


def test_per_capita_is_amount_over_average_population():
    df = load_intensity().set_index(["region", "year"])
    pop = D.load_panel("stable", indicators=["population_avg"]).set_index(["region", "year"])["population_avg"]
    row = df.loc[("KZ-43", 2014)]
    assert row["per_capita"] == pytest.approx(row["amount"] * 1e9 / pop[("KZ-43", 2014)])


@pytest.mark.parametrize("edit, column, words", [
    ({"region": "KZ-SKO"}, "region", "post-2022 map"),
    ({"programme": "nonexistent"}, "programme", "programmes.csv"),
    ({"value": -1.0}, "value", "[0"),
])
def test_bad_rows_name_file_row_column(tmp_path, edit, column, words):
    data = tmp_path / "data"
    shutil.copytree(PROJECT_DATA_DIR, data)
    raw = _raw()
    for k, val in edit.items():
        raw.loc[3, k] = val
    raw.to_csv(data / "programme_intensity.csv", index=False, lineterminator="\n")
    write_datapackage(data)
    with pytest.raises(D.DataError) as info:
        load_intensity(data_dir=data)
    err = info.value
    assert err.file == "programme_intensity.csv" and err.row == 5 and err.column == column
    assert words in err.expected


def test_a_national_row_that_does_not_add_up_is_refused(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(PROJECT_DATA_DIR, data)
    raw = _raw()
    raw.loc[(raw.region == "KZ") & (raw.year == 2015), "value"] += 1.0
    raw.to_csv(data / "programme_intensity.csv", index=False, lineterminator="\n")
    write_datapackage(data)
    with pytest.raises(D.DataError) as info:
        load_intensity(data_dir=data)
    assert info.value.column == "value" and "sum of the regions" in info.value.expected


def test_an_intensity_series_not_yet_recorded_on_a_date_has_no_rows_then():
    recorded = pd.read_csv(PROJECT_DATA_DIR / "programme_intensity.csv", dtype=str)["recorded"]
    first = recorded.min()
    before = (pd.Timestamp(first) - pd.Timedelta(days=1)).date().isoformat()
    assert load_intensity(as_of=before).empty
    on_the_day = load_intensity(as_of=first)
    pd.testing.assert_frame_equal(on_the_day, load_intensity())  # every row was recorded that day
    assert len(on_the_day) > 0
