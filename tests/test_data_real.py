"""Real terms from BNS's volume index: chain-linking identity, the stable-basis combination of
split units with previous-year nominal weights, and the 2023 revision path."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import analysis.data as D
from analysis.data.derived import REAL_BASE_YEAR, chain_link
from analysis.data.harmonise import harmonise
from analysis.data.tables import load_tables


def test_chain_link_identity_on_a_known_series():
    # volume +10 %, -5 %, +20 % after the base: levels known by hand
    f = pd.DataFrame({"region": "A", "year": [2014, 2015, 2016, 2017, 2018],
                      "n": [80.0, 100.0, 120.0, 125.0, 160.0], "v": [np.nan, 125.0, 110.0, 95.0, 120.0]})
    real = chain_link(f, "n", "v", 2015)
    assert real.tolist() == pytest.approx([80.0, 100.0, 110.0, 104.5, 125.4])


def test_a_missing_index_breaks_the_chain():
    f = pd.DataFrame({"region": "A", "year": [2014, 2015, 2016, 2017],
                      "n": [1.0, 100.0, 1.0, 1.0], "v": [102.0, 104.0, np.nan, 110.0]})
    real = chain_link(f, "n", "v", 2015)
    assert real[:2].tolist() == pytest.approx([100 / 1.04, 100.0]) and real[2:].isna().all()


def test_real_gdp_of_the_panel_follows_the_volume_index_and_equals_nominal_in_the_base_year():
    panel = D.load_panel("stable")
    p = panel.set_index(["region", "year"]).sort_index()
    base = p.xs(REAL_BASE_YEAR, level="year")
    assert np.allclose(base["grp_real"], base["grp_nominal"])
    assert np.allclose(base["grp_deflator"], 100.0)
    ratio = p["grp_real"] / p.groupby(level="region")["grp_real"].shift(1)
    have = ratio.notna() & p["grp_volume_index"].notna()
    assert have.sum() > 300
    assert np.allclose(ratio[have], p.loc[have, "grp_volume_index"] / 100.0)
    assert np.allclose(p["grp_growth_real"].dropna(), np.log(p["grp_volume_index"].dropna() / 100))
    # real growth is far below nominal growth (inflation): 2001-2025 average, every unit
    span = p.xs(2025, level="year")["grp_real"] / p.xs(2000, level="year")["grp_real"]
    nominal = p.xs(2025, level="year")["grp_nominal"] / p.xs(2000, level="year")["grp_nominal"]
    assert (span < nominal / 5).all()


def test_national_real_gdp_reproduces_published_gdp_growth():
    nat = D.load_national()
    ratio = nat["grp_real"] / nat["grp_real"].shift(1)
    assert ratio.loc[2020] == pytest.approx(0.975) and ratio.loc[2001] == pytest.approx(1.135)


def test_stable_basis_combines_split_units_with_previous_year_nominal_weights():
    t = load_tables(None)
    obs = t.observations
    long, approximate = harmonise(obs[obs["region"] != "KZ"], t.regions, t.indicators, "stable")
    got = long.set_index(["unit", "year", "indicator"])["value"]

    def stored(region, year, indicator, territory=""):
        row = obs[(obs.region == region) & (obs.year == year) & (obs.indicator == indicator)
                  & (obs.territory == territory)]
        return float(row["value"].iloc[0])

    # South Kazakhstan 2019 = Turkistan + Shymkent, weighted by their 2018 nominal GRP
    w = [stored("KZ-61", 2018, "grp_nominal"), stored("KZ-79", 2018, "grp_nominal")]
    v = [stored("KZ-61", 2019, "grp_volume_index"), stored("KZ-79", 2019, "grp_volume_index")]
    assert got[("KZ-SKO", 2019, "grp_volume_index")] == pytest.approx(np.dot(w, v) / sum(w))
    # Karaganda 2023 = Karaganda (post-2022) + Ulytau, weighted by 2022 nominal GRP
    w = [stored("KZ-35", 2022, "grp_nominal", "post-2022"), stored("KZ-62", 2022, "grp_nominal")]
    v = [stored("KZ-35", 2023, "grp_volume_index", "post-2022"), stored("KZ-62", 2023, "grp_volume_index")]
    assert got[("KZ-35", 2023, "grp_volume_index")] == pytest.approx(np.dot(w, v) / sum(w))
    # the combination lies between its parts and is flagged
    assert min(v) <= got[("KZ-35", 2023, "grp_volume_index")] <= max(v)
    assert ("KZ-35", 2023, "grp_volume_index") in approximate
    # a figure for the unit's own territory wins: Karaganda 2021 is pre-2022, published as such
    assert got[("KZ-35", 2021, "grp_volume_index")] == stored("KZ-35", 2021, "grp_volume_index", "pre-2022")
    assert ("KZ-35", 2021, "grp_volume_index") not in approximate


def test_first_year_on_new_territory_uses_the_volume_at_this_years_prices():
    # Almaty oblast 2021: no 2020 nominal GRP on post-2022 territory -> weights nominal_t / index_t
    t = load_tables(None)
    obs = t.observations
    long, _ = harmonise(obs[obs["region"] != "KZ"], t.regions, t.indicators, "stable")
    got = long.set_index(["unit", "year", "indicator"])["value"]
    part = obs[(obs.year == 2021) & obs.region.isin(["KZ-19", "KZ-33"]) & (obs.territory != "pre-2022")]
    nom = part[part.indicator == "grp_nominal"].set_index("region")["value"]
    vi = part[part.indicator == "grp_volume_index"].set_index("region")["value"]
    w = nom / vi * 100
    assert got[("KZ-19", 2021, "grp_volume_index")] == pytest.approx(float((w * vi).sum() / w.sum()))


def test_revision_path_2023_as_published_and_final():
    before = D.load_panel("stable", as_of="2026-12-04").set_index(["region", "year"])
    after = D.load_panel("stable").set_index(["region", "year"])
    rev = load_tables(None).revisions
    prelim = rev[(rev.indicator == "grp_nominal") & (rev.year == 2023) & (rev.region == "KZ-43")]
    assert before.loc[("KZ-43", 2023), "grp_nominal"] == float(prelim["value"].iloc[0])
    assert after.loc[("KZ-43", 2023), "grp_nominal"] != before.loc[("KZ-43", 2023), "grp_nominal"]
    # as published, the 2023 edition had neither 2024 nor real terms
    assert before.loc[(slice(None), 2024), "grp_nominal"].isna().all()
    assert before["grp_real"].dropna().index.get_level_values("year").unique().tolist() == [REAL_BASE_YEAR]
    # final 2023 differs from preliminary by -13.4 % .. +10.3 % (the additions README)
    cur_before = D.load_panel("current", as_of="2026-12-04").set_index(["region", "year"])
    cur_after = D.load_panel("current").set_index(["region", "year"])
    change = cur_after.xs(2023, level="year")["grp_nominal"] / cur_before.xs(2023, level="year")["grp_nominal"] - 1
    assert change.min() == pytest.approx(-0.134, abs=0.01) and change.max() == pytest.approx(0.103, abs=0.01)


def test_per_capita_exists_through_2025_but_not_for_editions_that_cannot_see_next_january():
    p = D.load_panel("stable").set_index(["region", "year"])
    assert p.xs(2025, level="year")["grp_per_capita_real"].notna().all()
    e = D.load_panel("stable", until=2025).set_index(["region", "year"])
    assert e.xs(2025, level="year")["grp_per_capita"].isna().all()
    assert e.xs(2024, level="year")["grp_per_capita"].notna().all()
    assert math.isfinite(float(p.loc[("KZ-43", 2024), "investment_per_capita"]))
