"""β-convergence: known truths from simulated panels and agreement with statsmodels,
pyfixest and linearmodels on the same data."""

import numpy as np
import pandas as pd
import pytest

from analysis.convergence import PanelError, beta, beta_panel, rolling_beta
from analysis.convergence._regression import implied_speed


def ar_panel(n_regions, years, rho, *, seed, fixed_effects=0.0, shock=0.05, spread=0.5,
             region="region", year="year", value="y"):
    """Log levels follow ln y_t - a_i = rho (ln y_{t-1} - a_i) + e_t: λ = -ln rho exactly,
    and the growth over T years on the initial log level has slope (rho^T - 1)/T."""
    rng = np.random.default_rng(seed)
    a = rng.normal(0, fixed_effects, n_regions) if fixed_effects else np.zeros(n_regions)
    log = a + rng.normal(0, spread, n_regions)
    rows = []
    for t in years:
        rows.append(pd.DataFrame({region: [f"r{i:03d}" for i in range(n_regions)], year: t,
                                  value: np.exp(5 + log)}))
        log = a + rho * (log - a) + rng.normal(0, shock, n_regions) * (1 + np.abs(log - a))
    return pd.concat(rows, ignore_index=True)


def test_cross_section_beta_recovers_the_known_slope_speed_and_half_life():
    rho, T = 0.95, 10
    panel = ar_panel(4000, range(2000, 2011), rho, seed=1)
    r = beta(panel, "y", 2000, 2010)
    truth = (rho**T - 1) / T
    assert abs(r.beta - truth) < 3 * r.se and r.se < 0.05 * abs(truth)
    assert r.speed == pytest.approx(-np.log(rho), rel=0.05)
    assert r.half_life == pytest.approx(np.log(2) / -np.log(rho), rel=0.05)
    assert r.verdict == "converging" and r.n == 4000 and r.horizon == 10
    assert r.sample[0] == ("r000", 2000, 2010) and r.method == "cross_section"


def test_hc1_confidence_intervals_cover_the_truth_about_95_percent():
    rho, T, hits, reps = 0.9, 5, 0, 200
    truth = (rho**T - 1) / T
    for seed in range(reps):
        r = beta(ar_panel(60, range(0, 6), rho, seed=seed), "y", 0, 5)
        hits += abs(r.beta - truth) <= 1.96 * r.se
    assert 0.90 <= hits / reps <= 0.98  # ~0.95 up to Monte Carlo error and HC1's small-n bias


@pytest.mark.parametrize("cov_type", ["HC0", "HC1", "HC2", "HC3"])
def test_beta_matches_statsmodels_with_and_without_controls(cov_type):
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(40)
    panel = ar_panel(25, range(2000, 2009), 0.9, seed=4)
    panel["invest"] = rng.normal(0.2, 0.05, len(panel))
    panel["popgrowth"] = rng.normal(0.01, 0.01, len(panel))
    for controls in ((), ("invest", "popgrowth")):
        r = beta(panel, "y", 2000, 2008, controls=controls, cov_type=cov_type)
        wide = panel.pivot(index="region", columns="year")
        X = pd.DataFrame({"lny0": np.log(wide[("y", 2000)])})
        for c in controls:
            X[c] = wide[(c, 2000)]
        g = (np.log(wide[("y", 2008)]) - np.log(wide[("y", 2000)])) / 8
        ref = sm.OLS(g, sm.add_constant(X)).fit(cov_type=cov_type, use_t=True)
        assert r.beta == pytest.approx(ref.params["lny0"], rel=1e-10)
        assert r.se == pytest.approx(ref.bse["lny0"], rel=1e-10)
        assert r.pvalue == pytest.approx(ref.pvalues["lny0"], rel=1e-8)
        assert r.intercept == pytest.approx(ref.params["const"], rel=1e-10)
        assert r.r2 == pytest.approx(ref.rsquared, rel=1e-10)
        assert r.df == ref.df_resid and r.controls == controls


def test_delta_method_matches_numerical_derivatives():
    b, se, T = -0.031, 0.008, 7
    speed, speed_se, half, half_se = implied_speed(b, se, T)
    h = 1e-7
    d_speed = (implied_speed(b + h, se, T)[0] - implied_speed(b - h, se, T)[0]) / (2 * h)
    d_half = (implied_speed(b + h, se, T)[2] - implied_speed(b - h, se, T)[2]) / (2 * h)
    assert speed == pytest.approx(-np.log(1 + T * b) / T)
    assert half == pytest.approx(np.log(2) / speed)
    assert speed_se == pytest.approx(abs(d_speed) * se, rel=1e-6)
    assert half_se == pytest.approx(abs(d_half) * se, rel=1e-6)


def test_divergence_and_overshooting_carry_warnings_not_numbers():
    diverging = ar_panel(300, (0, 10), 1.04, seed=2)
    r = beta(diverging, "y", 0, 10)
    assert r.verdict == "diverging" and r.speed < 0
    assert np.isnan(r.half_life) and "no_half_life" in r.warnings
    assert np.isnan(implied_speed(-0.2, 0.01, 10)[0])  # 1 + Tβ < 0: no speed


def test_unbalanced_regions_are_dropped_and_listed():
    panel = ar_panel(10, (0, 5), 0.9, seed=3)
    panel.loc[(panel["region"] == "r004") & (panel["year"] == 5), "y"] = np.nan
    r = beta(panel, "y", 0, 5)
    assert r.n == 9 and "r004" not in {s[0] for s in r.sample}
    assert "unbalanced_sample" in r.warnings


def test_other_column_names_and_long_format_work():
    panel = ar_panel(30, (1995, 2005), 0.9, seed=5, region="oblast", year="t", value="gdp_pc")
    ours = beta(panel, "gdp_pc", 1995, 2005, region="oblast", year="t")
    long = panel.melt(id_vars=["oblast", "t"], var_name="indicator")
    assert beta(long, "gdp_pc", 1995, 2005, region="oblast", year="t") == ours
    renamed = panel.rename(columns={"oblast": "region", "t": "year", "gdp_pc": "y"})
    assert beta(renamed, "y", 1995, 2005).beta == ours.beta


def test_beta_errors_are_clear():
    panel = ar_panel(3, (0, 5), 0.9, seed=6)
    collinear = ar_panel(10, (0, 5), 0.9, seed=6)
    collinear["twice"] = 2 * np.log(collinear["y"])
    with pytest.raises(PanelError, match="collinear"):
        beta(collinear, "y", 0, 5, controls=["twice"])
    with pytest.raises(PanelError, match="more than 2 regions"):
        beta(panel.iloc[:4], "y", 0, 5)
    with pytest.raises(PanelError, match="end later than start"):
        beta(panel, "y", 5, 0)
    with pytest.raises(ValueError, match="HC0"):
        beta(panel, "y", 0, 5, cov_type="robust")


def spells(panel, spell, start, end):
    wide = panel.pivot(index="region", columns="year", values="y")
    recs = [{"region": r, "period": t0, "lny": np.log(wide.at[r, t0]),
             "g": (np.log(wide.at[r, t0 + spell]) - np.log(wide.at[r, t0])) / spell}
            for t0 in range(start, end - spell + 1, spell) for r in wide.index]
    return pd.DataFrame(recs)


def test_panel_fe_matches_pyfixest_linearmodels_and_statsmodels():
    pf = pytest.importorskip("pyfixest")
    panel = ar_panel(16, range(2000, 2024), 0.9, seed=8, fixed_effects=0.3)
    r = beta_panel(panel, "y", spell=5)
    data = spells(panel, 5, 2000, 2023)
    fixest = pf.feols("g ~ lny | region + period", data=data, vcov={"CRV1": "region"})
    assert r.beta == pytest.approx(fixest.coef()["lny"], rel=1e-10)
    assert r.se == pytest.approx(fixest.se()["lny"], rel=1e-10)
    assert r.pvalue == pytest.approx(fixest.pvalue()["lny"], rel=1e-8)
    assert (r.n, r.n_clusters, r.df) == (64, 16, 15.0)
    assert r.sample[:2] == (("r000", 2000, 2005), ("r000", 2005, 2010)) and r.end == 2020

    from linearmodels.panel import PanelOLS
    indexed = data.set_index(["region", "period"])
    lm = PanelOLS(indexed["g"], indexed[["lny"]], entity_effects=True, time_effects=True).fit(
        cov_type="clustered", cluster_entity=True)
    assert r.beta == pytest.approx(lm.params["lny"], rel=1e-10)

    import statsmodels.formula.api as smf
    dummies = smf.ols("g ~ lny + C(region) + C(period)", data=data).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(data["region"])[0]})
    # statsmodels counts the 15 region dummies in K as well: (N-K) is 44, not 59.
    assert r.se * np.sqrt(59 / 44) == pytest.approx(dummies.bse["lny"], rel=1e-10)


def test_panel_fe_recovers_the_known_speed_with_many_spells():
    rho, spell = 0.9, 5
    panel = ar_panel(150, range(0, 251), rho, seed=9, fixed_effects=0.5)
    r = beta_panel(panel, "y", spell=spell)
    truth = (rho**spell - 1) / spell
    # The within estimator's Nickell bias is O(1/periods) = O(1/50): allow 10 %.
    assert r.beta == pytest.approx(truth, rel=0.10)
    assert r.speed == pytest.approx(-np.log(rho), rel=0.15)
    assert r.verdict == "converging" and not {"few_clusters", "few_periods"} & set(r.warnings)


def test_panel_fe_warns_with_few_clusters_and_handles_missing_spells():
    panel = ar_panel(8, range(0, 21), 0.9, seed=10)
    panel = panel[~((panel["region"] == "r001") & (panel["year"] == 10))]
    r = beta_panel(panel, "y", spell=5)
    assert {"few_clusters", "few_periods", "unbalanced_sample"} <= set(r.warnings)
    assert r.n == 8 * 4 - 2 and ("r001", 5, 10) not in r.sample


def test_rolling_beta_is_beta_on_each_window():
    panel = ar_panel(20, range(2000, 2016), 0.9, seed=12)
    rolled = rolling_beta(panel, "y", window=10, step=2)
    assert rolled.index.tolist() == [2000, 2002, 2004]
    for start, row in rolled.iterrows():
        single = beta(panel, "y", start, start + 10)
        assert row["beta"] == single.beta and row["half_life"] == single.half_life
        assert row["verdict"] == single.verdict and row["end"] == start + 10


def test_conditional_panel_fe_matches_pyfixest():
    pf = pytest.importorskip("pyfixest")
    panel = ar_panel(20, range(0, 31), 0.9, seed=13, fixed_effects=0.3)
    panel["invest"] = np.random.default_rng(14).normal(0.2, 0.05, len(panel))
    r = beta_panel(panel, "y", spell=5, controls=["invest"])
    data = spells(panel, 5, 0, 30).merge(
        panel.rename(columns={"year": "period"})[["region", "period", "invest"]])
    fixest = pf.feols("g ~ lny + invest | region + period", data=data, vcov={"CRV1": "region"})
    assert r.beta == pytest.approx(fixest.coef()["lny"], rel=1e-10)
    assert r.se == pytest.approx(fixest.se()["lny"], rel=1e-10)
    assert r.controls == ("invest",) and r.n == 20 * 6
