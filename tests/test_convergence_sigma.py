"""σ-convergence: dispersion measures against hand-computed values and known paths."""

import pickle

import numpy as np
import pandas as pd
import pytest

from analysis.convergence import PanelError, sigma, sigma_trend

# y = [1, 2, 3, 6]: every value below was worked out by hand (mean 3).
TOY = pd.DataFrame({"region": ["a", "b", "c", "d"], "year": 2000, "y": [1.0, 2.0, 3.0, 6.0],
                    "pop": [3.0, 1.0, 1.0, 1.0], "grp": ["A", "A", "B", "B"]})
HAND = {
    "cv": np.sqrt(14 / 4) / 3,                # squared deviations 4, 1, 0, 9
    "gini": 32 / (2 * 16 * 3),                # sum of |y_i - y_j| over ordered pairs is 32
    "theil_t": (np.log(1 / 3) / 3 + 2 / 3 * np.log(2 / 3) + 2 * np.log(2)) / 4,
    "theil_l": (np.log(3) + np.log(1.5) + 0 + np.log(0.5)) / 4,
    "sd_log": 0.649501,                       # sqrt(1.687404 / 4)
    "max_min": 6.0,
    # weights 3,1,1,1: p = .5, 1/6, 1/6, 1/6; weighted mean 7/3; variance 29/9
    "cv_weighted": np.sqrt(29 / 9) / (7 / 3),
    # groups A = {1, 2}, B = {3, 6}: shares .25/.75, group means 1.5/4.5
    "theil_t_between": 0.25 * np.log(0.5) + 0.75 * np.log(1.5),
    "theil_t_within": (2 / 3 * np.log(2 / 3) + 4 / 3 * np.log(4 / 3)) / 2,
}


def test_toy_values_match_hand_computation():
    row = sigma(TOY, "y", weight="pop", group="grp").loc[2000]
    for name, expected in HAND.items():
        assert row[name] == pytest.approx(expected, abs=1e-6), name
    assert row["n"] == 4 and row["mean"] == pytest.approx(3.0)


def test_theil_decomposition_is_exact_on_random_panels():
    rng = np.random.default_rng(7)
    panel = pd.DataFrame({"region": np.tile([f"r{i}" for i in range(40)], 5),
                          "year": np.repeat(np.arange(2001, 2006), 40),
                          "y": rng.lognormal(0, 0.8, 200),
                          "g": np.tile(rng.integers(0, 4, 40), 5)})
    out = sigma(panel, "y", group="g")
    np.testing.assert_allclose(out["theil_t_between"] + out["theil_t_within"], out["theil_t"],
                               rtol=1e-12)
    assert (out["theil_t_between"] > 0).all() and (out["theil_t_within"] > 0).all()


def test_known_dispersion_path_is_recovered():
    # Half the regions at m(1 + c_t), half at m(1 - c_t): CV is c_t and Gini c_t / 2
    # exactly; log levels m * exp(+-s_t) give sd_log = s_t exactly.
    years = np.arange(2000, 2021)
    c = 0.5 - 0.01 * (years - 2000)
    rows = []
    for t, ct in zip(years, c):
        m = 100 * 1.05 ** (t - 2000)
        for i in range(10):
            sign = 1 if i % 2 else -1
            rows.append({"reg": f"u{i}", "yr": t, "level": m * (1 + sign * ct),
                         "loglevel": m * np.exp(sign * ct)})
    panel = pd.DataFrame(rows)
    out = sigma(panel, "level", region="reg", year="yr")
    np.testing.assert_allclose(out["cv"], c, atol=1e-12)
    np.testing.assert_allclose(out["gini"], c / 2, atol=1e-12)
    np.testing.assert_allclose(sigma(panel, "loglevel", region="reg", year="yr")["sd_log"], c,
                               atol=1e-12)
    trend = sigma_trend(out["cv"])
    assert trend.slope == pytest.approx(-0.01, abs=1e-12)
    assert trend.verdict == "converging" and trend.n == 21


def test_weighted_cv_equals_unweighted_with_equal_weights_and_needs_all_weights():
    rng = np.random.default_rng(3)
    panel = pd.DataFrame({"region": np.tile(list("abcdef"), 3), "year": np.repeat([1, 2, 3], 6),
                          "y": rng.lognormal(0, 0.5, 18), "w": 5.0})
    panel.loc[panel.index[-1], "w"] = np.nan  # a missing weight in year 3
    out = sigma(panel, "y", weight="w")
    np.testing.assert_allclose(out.loc[[1, 2], "cv_weighted"], out.loc[[1, 2], "cv"])
    assert np.isnan(out.loc[3, "cv_weighted"]) and not np.isnan(out.loc[3, "cv"])


def test_long_panel_and_index_input_give_the_same_answer():
    long = TOY.melt(id_vars=["region", "year"], value_vars=["y", "pop"], var_name="indicator")
    pd.testing.assert_frame_equal(sigma(long, "y", weight="pop"), sigma(TOY, "y", weight="pop"))
    indexed = TOY.set_index(["region", "year"])
    pd.testing.assert_frame_equal(sigma(indexed, "y"), sigma(TOY, "y"))


def test_years_with_one_region_are_left_out():
    panel = pd.DataFrame({"region": ["a", "b", "a"], "year": [1, 1, 2], "y": [1.0, 2.0, 3.0]})
    assert sigma(panel, "y").index.tolist() == [1]


@pytest.mark.parametrize("change, message", [
    (lambda p: p.assign(y=p["y"].astype(object).where(p.index != 2, "n/a")),
     "row 2, column 'y': got 'n/a', expected a number"),
    (lambda p: p.assign(y=p["y"].where(p.index != 1, -1.0)),
     "row ('b', 2000), column 'y': got '-1.0', expected a positive number"),
    (lambda p: pd.concat([p, p.iloc[[0]]], ignore_index=True),
     "row 4, column 'region': got \"('a', 2000)\", expected one row per region and year"),
    (lambda p: p.drop(columns="y"), "column 'y': got '(absent)'"),
    (lambda p: p.assign(year="twenty"), "row 0, column 'year': got 'twenty', expected a whole year"),
])
def test_bad_input_names_row_column_and_expectation(change, message):
    bad = change(TOY.copy())
    bad.attrs["source"] = "kz.csv"
    with pytest.raises(PanelError) as err:
        sigma(bad, "y")
    assert str(err.value).startswith("kz.csv, ") and message in str(err.value)
    assert pickle.loads(pickle.dumps(err.value)).args == err.value.args


def test_sigma_trend_matches_statsmodels_hac():
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(11)
    years = np.arange(2000, 2024)
    series = pd.Series(0.6 - 0.004 * (years - 2000) + rng.normal(0, 0.02, years.size), index=years)
    ours = sigma_trend(series, 2002, 2022, maxlags=2)
    keep = (years >= 2002) & (years <= 2022)
    ref = sm.OLS(series.to_numpy()[keep], sm.add_constant(years[keep].astype(float))).fit(
        cov_type="HAC", cov_kwds={"maxlags": 2, "use_correction": True}, use_t=True)
    assert ours.slope == pytest.approx(ref.params[1], rel=1e-10)
    assert ours.se == pytest.approx(ref.bse[1], rel=1e-10)
    assert ours.pvalue == pytest.approx(ref.pvalues[1], rel=1e-8)
    assert ours.intercept == pytest.approx(ref.params[0], rel=1e-8)
    assert (ours.start, ours.end, ours.n) == (2002, 2022, 21)


def test_sigma_trend_verdicts_follow_sign_and_significance():
    rng = np.random.default_rng(5)
    years = np.arange(1990, 2030)
    noise = pd.Series(rng.normal(0, 0.05, years.size), index=years)
    assert sigma_trend(0.3 + 0.01 * (years - 1990) + noise).verdict == "diverging"
    flat = sigma_trend(0.3 + noise)
    assert flat.verdict == "no_significant_change" and flat.pvalue > flat.alpha
    with pytest.raises(PanelError, match="at least three years"):
        sigma_trend(noise, 2000, 2001)
