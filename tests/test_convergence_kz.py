"""Golden values on the shipped Kazakhstan panel (stable basis, GRP per capita).

The numbers below were produced by :mod:`analysis.convergence` and each test
also recomputes them along an independent path (plain numpy from GRP and
population, statsmodels for the regressions), so a golden value is never the
code's own output taken on trust.  They change only when the data change
(a BNS revision or a new year): update them deliberately then.
"""

import numpy as np
import pandas as pd
import pytest

from analysis.convergence import beta, beta_panel, clubs, markov, rolling_beta, sigma, sigma_trend

VALUE, WEIGHT = "grp_per_capita", "population_avg"
LATEST = 2022

# year: cv, cv_weighted, sd_log, gini, theil_t, theil_l, max_min
GOLDEN_SIGMA = {
    2000: (0.654233, 0.648697, 0.627029, 0.346302, 0.193259, 0.198166, 9.443893),
    2001: (0.639795, 0.654961, 0.614081, 0.339596, 0.186014, 0.190310, 9.241543),
    2002: (0.697027, 0.716231, 0.636716, 0.358490, 0.211624, 0.210905, 10.225570),
    2003: (0.674782, 0.691640, 0.601958, 0.343922, 0.195820, 0.191508, 8.759090),
    2004: (0.723521, 0.776258, 0.686853, 0.378951, 0.232879, 0.239645, 10.010566),
    2005: (0.751227, 0.817053, 0.726553, 0.395164, 0.254259, 0.265967, 10.679540),
    2006: (0.778608, 0.865001, 0.765816, 0.408442, 0.273530, 0.290966, 12.242456),
    2007: (0.691524, 0.768392, 0.689767, 0.367157, 0.220441, 0.233555, 9.671831),
    2008: (0.710451, 0.775913, 0.709030, 0.374225, 0.228210, 0.243466, 11.795171),
    2009: (0.713196, 0.764582, 0.672011, 0.366008, 0.221882, 0.227189, 11.264597),
    2010: (0.770183, 0.805453, 0.689094, 0.382928, 0.246421, 0.245707, 12.587363),
    2011: (0.759079, 0.793470, 0.668942, 0.370313, 0.234472, 0.231345, 12.100118),
    2012: (0.687937, 0.733234, 0.634765, 0.353313, 0.204611, 0.205882, 9.332610),
    2013: (0.681463, 0.738887, 0.630171, 0.353643, 0.203059, 0.204007, 8.950443),
    2014: (0.688910, 0.740918, 0.628679, 0.356327, 0.206943, 0.205967, 8.693086),
    2015: (0.699119, 0.751786, 0.617668, 0.354493, 0.210132, 0.204360, 8.046934),
    2016: (0.699350, 0.744842, 0.613875, 0.353362, 0.207109, 0.200932, 8.871878),
    2017: (0.679105, 0.725834, 0.612596, 0.348031, 0.198990, 0.196282, 8.822785),
    2018: (0.725909, 0.741562, 0.617741, 0.355752, 0.214845, 0.205349, 9.627287),
    2019: (0.751219, 0.755475, 0.609628, 0.354720, 0.220416, 0.204751, 10.452003),
    2020: (0.614734, 0.630641, 0.532608, 0.301889, 0.158211, 0.150831, 7.520350),
    2021: (0.673049, 0.669347, 0.550056, 0.313681, 0.178088, 0.164769, 9.231227),
    2022: (0.696437, 0.687103, 0.552485, 0.315261, 0.185369, 0.168623, 9.621321),
}
SIGMA_COLUMNS = ("cv", "cv_weighted", "sd_log", "gini", "theil_t", "theil_l", "max_min")

# (start, end): beta, HC1 se, p-value, speed λ, half-life (years; NaN under divergence)
GOLDEN_BETA = {
    (2000, LATEST): (-0.00877435, 0.00592333, 0.160675, 0.00974890, 71.1000),
    (2000, 2007): (0.00521260, 0.01185517, 0.666873, -0.00511975, np.nan),
    (2007, 2014): (-0.01447770, 0.00644951, 0.041460, 0.01526498, 45.4077),
    (2014, LATEST): (-0.02429026, 0.01259228, 0.074257, 0.02700891, 25.6637),
}


@pytest.fixture(scope="module")
def kz():
    from analysis.data import load_panel

    return load_panel(basis="stable", as_of="2026-12-04")  # golden values: the data before the Dec 2026 additions


@pytest.fixture(scope="module")
def levels(kz):
    """Independent path: GRP (mln KZT) over mean population, thousand KZT per person."""
    grp = kz.pivot(index="region", columns="year", values="grp_nominal")
    pop = kz.pivot(index="region", columns="year", values=WEIGHT)
    return (grp * 1000 / pop).loc[:, 2000:LATEST], pop.loc[:, 2000:LATEST]


def test_the_panel_has_sixteen_regions_from_2000_to_the_latest_year(kz):
    assert sorted(GOLDEN_SIGMA) == list(range(2000, LATEST + 1))
    counts = kz.dropna(subset=[VALUE]).groupby("year").size()
    assert counts.index.min() == 2000 and counts.index.max() == LATEST
    assert (counts == 16).all()


def test_sigma_series_matches_golden_values_and_a_direct_computation(kz, levels):
    out = sigma(kz, VALUE, weight=WEIGHT)
    golden = pd.DataFrame.from_dict(GOLDEN_SIGMA, orient="index", columns=list(SIGMA_COLUMNS))
    pd.testing.assert_frame_equal(out.loc[golden.index, list(SIGMA_COLUMNS)], golden,
                                  check_names=False, atol=5e-6, rtol=0)
    y, pop = levels
    for year, row in golden.iterrows():
        v, w = y[year].to_numpy(), pop[year].to_numpy()
        mean_w = np.average(v, weights=w)
        direct = {
            "cv": v.std() / v.mean(),
            "cv_weighted": np.sqrt(np.average((v - mean_w) ** 2, weights=w)) / mean_w,
            "sd_log": np.log(v).std(),
            "gini": np.abs(v[:, None] - v[None, :]).sum() / (2 * v.size**2 * v.mean()),
            "theil_t": np.sum(v / v.sum() * np.log(v.size * v / v.sum())),
            "theil_l": np.mean(np.log(v.mean() / v)),
            "max_min": v.max() / v.min(),
        }
        for name, value in direct.items():
            assert row[name] == pytest.approx(value, abs=5e-6), (year, name)


def test_beta_windows_match_golden_values_and_statsmodels(kz, levels):
    sm = pytest.importorskip("statsmodels.api")
    y, _ = levels
    for (start, end), (b, se, p, speed, half_life) in GOLDEN_BETA.items():
        r = beta(kz, VALUE, start, end)
        assert (r.beta, r.se, r.pvalue) == pytest.approx((b, se, p), rel=1e-5, abs=1e-7)
        assert r.speed == pytest.approx(speed, rel=1e-5)
        assert r.half_life == pytest.approx(half_life, rel=1e-5, nan_ok=True)
        assert r.n == 16
        growth = (np.log(y[end]) - np.log(y[start])) / (end - start)
        ref = sm.OLS(growth.to_numpy(), sm.add_constant(np.log(y[start].to_numpy()))).fit(
            cov_type="HC1", use_t=True)
        assert r.beta == pytest.approx(ref.params[1], rel=1e-9)
        assert r.se == pytest.approx(ref.bse[1], rel=1e-9)
        assert r.speed == pytest.approx(-np.log(1 + (end - start) * ref.params[1]) / (end - start))


def test_directions_agree_with_published_kazakhstan_studies(kz):
    # Turganbayev (2016): divergence to the mid-2000s, convergence 2006-2014.
    series = sigma(kz, VALUE, weight=WEIGHT)
    for measure in ("cv", "cv_weighted", "sd_log", "theil_t"):
        assert sigma_trend(series[measure], 2000, 2007).verdict == "diverging", measure
    assert beta(kz, VALUE, 2000, 2007).beta > 0
    assert beta(kz, VALUE, 2007, 2014).verdict == "converging"
    assert sigma_trend(series["sd_log"], 2007, 2014).verdict == "converging"


def test_the_rest_of_the_battery_runs_on_the_shipped_panel(kz):
    panel_fe = beta_panel(kz, VALUE, spell=5)
    assert panel_fe.n == 16 * 4 and panel_fe.n_clusters == 16 and {"few_clusters", "few_periods"} <= set(panel_fe.warnings)
    rolled = rolling_beta(kz, VALUE, window=7)
    assert rolled.index.tolist() == list(range(2000, LATEST - 6))
    assert rolled.loc[2007, "beta"] == pytest.approx(GOLDEN_BETA[(2007, 2014)][0], rel=1e-5)
    chain = markov(kz, VALUE, weight=WEIGHT)
    assert chain.n_transitions == 16 * (LATEST - 2000)
    assert (chain.transitions.sum(axis=1) > 0).all()
    assert chain.steady_state.sum() == pytest.approx(1.0)
    found = clubs(kz, VALUE)
    members = sum((c.members for c in found.clubs), ()) + found.divergent
    assert sorted(members) == sorted(kz["region"].unique())


def test_current_basis_with_gaps_still_runs(kz):
    from analysis.data import load_panel

    current = load_panel(basis="current")
    r = beta(current, VALUE, 2000, LATEST)
    assert "unbalanced_sample" in r.warnings and r.n < current["region"].nunique()
    assert sigma(current, VALUE, weight=WEIGHT).loc[LATEST, "n"] == current["region"].nunique()
