"""analysis.data on the real data: harmonisation, derived indicators, metadata, national sums.

Expected values are read independently of the loader, straight from data/observations.csv with
the csv module, or taken from BNS's own published series.
"""

from __future__ import annotations

import csv
import math

import numpy as np
import pandas as pd
import pytest

import analysis.data as D
from analysis.data.paths import PROJECT_DATA_DIR


@pytest.fixture(scope="module")
def raw():
    """(region, year, indicator, territory) -> value, read with the csv module only."""
    with open(PROJECT_DATA_DIR / "observations.csv", encoding="utf-8", newline="") as handle:
        return {
            (r["region"], int(r["year"]), r["indicator"], r["territory"]): float(r["value"])
            for r in csv.DictReader(handle)
        }


@pytest.fixture(scope="module")
def stable():
    return D.load_panel("stable").set_index(["region", "year"])


@pytest.fixture(scope="module")
def current():
    return D.load_panel("current").set_index(["region", "year"])


def test_panel_shapes_and_columns(stable, current):
    assert stable.index.get_level_values("region").nunique() == 16
    assert current.index.get_level_values("region").nunique() == 20
    assert "KZ" not in stable.index.get_level_values("region")
    for derived in D.DERIVED:
        assert derived in stable.columns and derived in current.columns
    assert "investment_fixed_capital" in stable.columns  # official BNS series since 2026-12
    assert "investment_fixed_capital_datathon" not in stable.columns  # unverified: out by default
    assert all(dtype.kind == "f" for dtype in stable.dtypes)


@pytest.mark.parametrize("indicator", ["grp_nominal", "population_jan1"])
def test_stable_south_kazakhstan_2020_is_turkistan_plus_shymkent(stable, raw, indicator):
    expected = raw[("KZ-61", 2020, indicator, "")] + raw[("KZ-79", 2020, indicator, "")]
    assert ("KZ-SKO", 2020, indicator, "") not in raw  # nothing published for the old unit
    assert stable.loc[("KZ-SKO", 2020), indicator] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("indicator", ["grp_nominal", "population_jan1"])
def test_stable_karaganda_2022_is_karaganda_plus_ulytau(stable, raw, indicator):
    expected = raw[("KZ-35", 2022, indicator, "post-2022")] + raw[("KZ-62", 2022, indicator, "")]
    assert stable.loc[("KZ-35", 2022), indicator] == pytest.approx(expected, rel=1e-12)


def test_years_published_both_ways_are_not_double_counted(stable, raw):
    # GRP 2015 exists for South Kazakhstan and as BNS back-casts for Turkistan and Shymkent.
    own = raw[("KZ-SKO", 2015, "grp_nominal", "")]
    backcast = raw[("KZ-61", 2015, "grp_nominal", "")] + raw[("KZ-79", 2015, "grp_nominal", "")]
    assert stable.loc[("KZ-SKO", 2015), "grp_nominal"] == own
    assert backcast == pytest.approx(own, rel=0.05)  # same territory, so of the same size ...
    assert stable.loc[("KZ-SKO", 2015), "grp_nominal"] < own + backcast / 2  # ... and never added
    # GRP 2021: Almaty oblast published on post-2022 boundaries plus Jetisu -> the pre-2022 unit
    assert stable.loc[("KZ-19", 2021), "grp_nominal"] == pytest.approx(
        raw[("KZ-19", 2021, "grp_nominal", "post-2022")] + raw[("KZ-33", 2021, "grp_nominal", "")]
    )


def test_stable_grp_and_population_add_up_to_national_totals(stable, raw):
    for indicator, years in (("grp_nominal", range(1993, 2024)), ("population_jan1", range(2000, 2024))):
        for year in years:
            regional = stable.xs(year, level="year")[indicator].sum()
            assert regional == pytest.approx(raw[("KZ", year, indicator, "")], rel=1e-9), (indicator, year)


def test_current_basis_uses_only_todays_territory(current, raw):
    # Karaganda before 2021 is on pre-2022 boundaries: missing on the current basis, not copied.
    assert math.isnan(current.loc[("KZ-35", 2015), "grp_nominal"])
    assert current.loc[("KZ-35", 2022), "grp_nominal"] == raw[("KZ-35", 2022, "grp_nominal", "post-2022")]
    # Turkistan uses BNS back-casts where they exist, and nothing before them.
    assert current.loc[("KZ-61", 2011), "grp_nominal"] == raw[("KZ-61", 2011, "grp_nominal", "")]
    assert math.isnan(current.loc[("KZ-61", 2010), "grp_nominal"])
    assert not D.load_panel("current").attrs["approximate"]


def test_population_weighted_rates_are_flagged_and_weighted(stable, raw):
    panel = D.load_panel("stable")
    approx = panel.attrs["approximate"]
    assert ("KZ-SKO", 2020, "unemployment_rate") in approx
    assert ("KZ-SKO", 2020, "grp_nominal") not in approx
    w1, w2 = raw[("KZ-61", 2020, "population_jan1", "")], raw[("KZ-79", 2020, "population_jan1", "")]
    r1, r2 = raw[("KZ-61", 2020, "unemployment_rate", "")], raw[("KZ-79", 2020, "unemployment_rate", "")]
    assert stable.loc[("KZ-SKO", 2020), "unemployment_rate"] == pytest.approx((w1 * r1 + w2 * r2) / (w1 + w2))
    assert min(r1, r2) <= stable.loc[("KZ-SKO", 2020), "unemployment_rate"] <= max(r1, r2)
    # No weights before 2017 (no population for the parts): no value rather than a guess.
    assert math.isnan(stable.loc[("KZ-SKO", 2012), "unemployment_rate"])


def test_derived_indicators_from_raw_components(stable, raw):
    pop = (raw[("KZ-43", 2019, "population_jan1", "")] + raw[("KZ-43", 2020, "population_jan1", "")]) / 2
    row = stable.loc[("KZ-43", 2019)]
    assert row["population_avg"] == pytest.approx(pop)
    assert row["grp_per_capita"] == pytest.approx(raw[("KZ-43", 2019, "grp_nominal", "")] * 1e3 / pop)
    assert row["doctors_per_10k"] == pytest.approx(raw[("KZ-43", 2019, "doctors_count", "")] * 1e4 / pop)
    assert row["emissions_per_capita"] == pytest.approx(
        raw[("KZ-43", 2019, "emissions_stationary_sources", "")] * 1e6 / pop)
    assert row["grp_growth"] == pytest.approx(
        math.log(raw[("KZ-43", 2019, "grp_nominal", "")] / raw[("KZ-43", 2018, "grp_nominal", "")]))
    nat = D.load_national()
    assert row["grp_per_capita_rel"] == pytest.approx(row["grp_per_capita"] / nat.loc[2019, "grp_per_capita"])


def test_computed_grp_per_capita_matches_bns_published_in_non_census_years():
    # BNS divides GRP by the average annual population: away from the census re-basing years
    # (2008, 2021) and Almaty's 2014 enlargement our figure must reproduce the published one.
    nat = D.load_national()
    for year in (2010, 2012, 2016, 2018, 2019, 2022):
        assert nat.loc[year, "grp_per_capita"] == pytest.approx(nat.loc[year, "grp_per_capita_nominal"], rel=5e-4)
    from analysis.data.coverage import per_capita_check

    check = per_capita_check()
    calm = check[~check["year"].isin([2008, 2014, 2021])]
    assert len(calm) > 200
    assert calm["rel_diff"].abs().max() < 1e-3  # every region, every other year: within 0.1 %
    assert check["rel_diff"].abs().max() < 0.10  # census re-basing years: a few per cent at most


def test_until_cuts_the_edition(stable):
    panel = D.load_panel("stable", until=2019)
    assert panel["year"].max() == 2019
    # the last year's average population needs 1 January 2020, which edition 2019 does not see
    last = panel[panel["year"] == 2019]
    assert last["population_avg"].isna().all()
    assert all(year <= 2019 for _, year, _ in panel.attrs["approximate"])


def test_unverified_only_on_request():
    panel = D.load_panel("current", include_unverified=True)
    assert panel["investment_fixed_capital_datathon"].notna().sum() > 100


def test_units_follow_the_boundary_changes():
    assert len(D.units(2017)) == 15 and "KZ-61" not in D.units(2017)
    assert len(D.units(2018)) == 17 and {"KZ-61", "KZ-79"} <= set(D.units(2018))
    assert len(D.units(2022)) == 20
    assert len(D.units(2022, "stable")) == 16 and "KZ-SKO" in D.units(2022, "stable")
    assert "KZ-71" not in D.units(1995, "stable")


def test_metadata_tables_have_three_languages():
    regions, indicators, programmes = D.load_regions(), D.load_indicators(), D.load_programmes()
    for table in (regions, indicators, programmes):
        for lang in ("kk", "ru", "en"):
            assert (table[f"name_{lang}"].str.len() > 0).all()
    assert regions.loc["KZ-SKO", "successors"] == "KZ-61; KZ-79"
    assert set(D.DERIVED) <= set(indicators.index[indicators["derived"]])
    # Kazakh names use Kazakh letters, Russian names do not
    assert indicators["name_kk"].str.contains("[әғқңөұүһі]").mean() > 0.8
    assert not indicators["name_ru"].str.contains("[әғқңөұүһі]").any()
    aral = programmes[programmes["programme"] == "aral_2007"]
    assert set(aral["region"]) == {"KZ-43", "KZ-15", "KZ-35", "KZ-SKO"}
    assert (programmes.loc[programmes["start"] == "", "confidence"] != "high").all()


def test_load_is_deterministic():
    a = D.load_panel("stable")
    from analysis.data import tables

    tables._CACHE.clear()
    b = D.load_panel("stable")
    pd.testing.assert_frame_equal(a, b)
    assert a.attrs["approximate"] == b.attrs["approximate"]
    assert np.isfinite(a.select_dtypes("number").to_numpy()[~np.isnan(a.select_dtypes("number").to_numpy())]).all()


@pytest.mark.parametrize(
    "kwargs, column",
    [({"basis": "old"}, "basis"), ({"until": "next year"}, "until"), ({"until": 1800}, "until"),
     ({"as_of": "2020"}, "as_of")],
)
def test_bad_arguments_are_refused_clearly(kwargs, column):
    with pytest.raises(D.DataError) as info:
        D.load_panel(**kwargs)
    assert info.value.file == f"(argument {column})"


def test_as_of_before_any_record_is_empty_not_an_error():
    assert D.load_panel("stable", as_of="2000-01-01").empty


def test_map_panel_has_the_units_of_the_map_in_force():
    import analysis.data as data

    assert [len(data.units(y, "map")) for y in (2015, 2017, 2018, 2021, 2022)] == [16, 16, 17, 17, 20]
    for year in (2015, 2019, 2023):
        panel = data.load_map_panel(year)
        assert sorted(panel["region"].unique()) == sorted(data.units(year, "map"))
        assert int(panel["year"].max()) == year


def test_map_panel_takes_each_unit_on_its_territory_of_that_year():
    import analysis.data as data

    stable = data.load_panel("stable").set_index(["region", "year"])
    current = data.load_panel("current").set_index(["region", "year"])
    before = data.load_map_panel(2019).set_index(["region", "year"])
    # Karaganda before the 2022 split: its pre-2022 territory (= stable basis), present, not empty
    assert before.loc[("KZ-35", 2019), "grp_nominal"] == stable.loc[("KZ-35", 2019), "grp_nominal"]
    assert not math.isnan(before.loc[("KZ-35", 2019), "grp_nominal"])
    assert math.isnan(current.loc[("KZ-35", 2019), "grp_nominal"])
    # Turkistan and Shymkent exist from 2018 and come from BNS's own figures (current basis)
    assert before.loc[("KZ-61", 2019), "grp_nominal"] == current.loc[("KZ-61", 2019), "grp_nominal"]
    # the units of the 2019 map add up to the national total (nothing double-counted or lost)
    national = data.load_national().loc[2019, "grp_nominal"]
    assert before.xs(2019, level="year")["grp_nominal"].sum() == pytest.approx(national, rel=5e-4)
    after = data.load_map_panel(2022).set_index(["region", "year"])
    assert after.loc[("KZ-35", 2022), "grp_nominal"] == current.loc[("KZ-35", 2022), "grp_nominal"]
    early = data.load_map_panel(2015).set_index(["region", "year"])
    assert early.loc[("KZ-SKO", 2015), "grp_nominal"] == stable.loc[("KZ-SKO", 2015), "grp_nominal"]
