"""TWFE DiD and the wild cluster restricted bootstrap: known truths and references."""

import itertools

import numpy as np
import pandas as pd
import pytest

from analysis.programmes import did, wild_cluster_bootstrap
from analysis.programmes._checks import PanelInputError
from test_programmes_sim import simulate_panel


def test_recovers_known_effect_and_flags_nothing_with_six_treated():
    p = simulate_panel(effect=2.0, seed=3)
    r = did(p, "y", unit="region", time="year", treated="d", B=999)
    assert abs(r.estimate - 2.0) < 3 * r.se
    assert r.bootstrap.ci[0] < 2.0 < r.bootstrap.ci[1]
    assert r.n_clusters == 20 and r.n_treated_clusters == 6 and r.df == 19
    assert r.warnings == ()
    assert r.verdict == "positive_effect"


def test_point_estimate_and_cluster_se_match_pyfixest_and_statsmodels():
    import pyfixest as pf
    import statsmodels.formula.api as smf

    p = simulate_panel(effect=0.4, seed=5)
    r = did(p, "y", unit="region", time="year", treated="d", bootstrap=False)
    # pyfixest default ssc = fixest "nonnested": k = 1 + (T - 1) + 1 -> our convention
    fit = pf.feols("y ~ d | region + year", data=p, vcov={"CRV1": "region"})
    assert r.estimate == pytest.approx(fit.coef()["d"], rel=1e-10)
    assert r.se == pytest.approx(fit.se()["d"], rel=1e-8)
    # statsmodels with explicit dummies counts every dummy in k (n - 1)/(n - 45)
    sm = smf.ols("y ~ d + C(region) + C(year)", data=p).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(p.region)[0]}
    )
    n, G = len(p), 20
    full = G / (G - 1) * (n - 1) / (n - (1 + 20 + 24))
    assert r.estimate == pytest.approx(sm.params["d"], rel=1e-10)
    assert r.se * np.sqrt(full / r.ssc) == pytest.approx(sm.bse["d"], rel=1e-8)


@pytest.mark.parametrize("weights", ["rademacher", "webb"])
def test_wcr_p_value_matches_wildboottest_within_monte_carlo_error(weights):
    import pyfixest as pf

    p = simulate_panel(effect=0.45, seed=11)
    p["cl"] = pd.factorize(p.region)[0]
    r = did(p, "y", unit="region", time="year", treated="d", B=9999, weights=weights, seed=2)
    ref = pf.feols("y ~ d | region + year", data=p, vcov={"CRV1": "cl"}).wildboottest(
        param="d", reps=9999, seed=7, weights_type=weights
    )
    p_ref = float(ref["Pr(>|t|)"])
    assert 0.01 < p_ref < 0.5  # an informative case, not a corner
    mc_se = np.sqrt(2 * p_ref * (1 - p_ref) / 9999)
    assert abs(r.bootstrap.p_value - p_ref) < 4 * mc_se


def _brute_force_wcr_p(y, x, F, cluster, V, beta0):
    """Explicit loop: restricted residuals, reweight, refit OLS with all dummies, t-stats."""
    Z = np.column_stack([x, F])
    codes = pd.factorize(cluster)[0]

    def t_stat(yy, b0):
        coef, *_ = np.linalg.lstsq(Z, yy, rcond=None)
        u = yy - Z @ coef
        inv = np.linalg.pinv(Z.T @ Z)
        scores = np.array([(Z[codes == g] * u[codes == g, None]).sum(0) for g in range(codes.max() + 1)])
        var = (inv @ scores.T @ scores @ inv)[0, 0]
        return (coef[0] - b0) / np.sqrt(var)

    t0 = t_stat(y, beta0)
    g_fit, *_ = np.linalg.lstsq(F, y - beta0 * x, rcond=None)
    u_r = y - beta0 * x - F @ g_fit
    ts = [t_stat(beta0 * x + F @ g_fit + u_r * v[codes], beta0) for v in V.T]
    return np.mean(np.abs(ts) >= abs(t0) - 1e-12)


@pytest.mark.parametrize("G,weights,beta0", [(8, "rademacher", 0.0), (4, "webb", 0.3), (9, "rademacher", 1.2)])
def test_enumerated_bootstrap_equals_brute_force_refits(G, weights, beta0):
    p = simulate_panel(n_units=G, n_periods=6, n_treated=3, start=3, effect=0.8, seed=G)
    unit = pd.factorize(p.region)[0]
    year = pd.factorize(p.year)[0]
    F = np.column_stack([np.eye(G)[unit], np.eye(6)[year][:, 1:]])
    r = wild_cluster_bootstrap(p.y.to_numpy(), p.d.to_numpy(float), F, unit, beta0=beta0, B=9999,
                               weights=weights, ci=False)
    assert r.enumerated
    support = [-1.0, 1.0] if weights == "rademacher" else [-np.sqrt(1.5), -1, -np.sqrt(0.5), np.sqrt(0.5), 1, np.sqrt(1.5)]
    V = np.array(list(itertools.product(support, repeat=G))).T
    assert r.draws == V.shape[1]
    expected = _brute_force_wcr_p(p.y.to_numpy(), p.d.to_numpy(float), F, unit, V, beta0)
    assert r.p_value == pytest.approx(expected, abs=1e-12)


def test_ci_is_the_test_inversion_boundary():
    p = simulate_panel(effect=0.7, seed=8)
    unit = pd.factorize(p.region)[0]
    F = np.column_stack([np.eye(20)[unit], np.eye(25)[pd.factorize(p.year)[0]][:, 1:]])
    y, x = p.y.to_numpy(), p.d.to_numpy(float)
    r = wild_cluster_bootstrap(y, x, F, unit, B=1999, seed=4, alpha=0.1)
    width = r.ci[1] - r.ci[0]
    for end, inward in ((r.ci[0], +1), (r.ci[1], -1)):
        inside = wild_cluster_bootstrap(y, x, F, unit, beta0=end + inward * 1e-4 * width, B=1999, seed=4, ci=False)
        outside = wild_cluster_bootstrap(y, x, F, unit, beta0=end - inward * 1e-4 * width, B=1999, seed=4, ci=False)
        assert inside.p_value >= 0.1 > outside.p_value


def test_seeded_and_deterministic():
    p = simulate_panel(seed=2, effect=0.3)
    a = did(p, "y", unit="region", time="year", treated="d", B=499, seed=9)
    b = did(p, "y", unit="region", time="year", treated="d", B=499, seed=9)
    assert a == b


def test_wild_bootstrap_ci_covers_close_to_nominal():
    """Seeded Monte Carlo: 20 clusters, 4 treated, AR(1) errors; 90 % intervals."""
    hits, reps = 0, 150
    for rep in range(reps):
        p = simulate_panel(n_units=20, n_periods=10, n_treated=4, start=6, effect=0.5, seed=1000 + rep)
        r = did(p, "y", unit="region", time="year", treated="d", B=199, seed=rep, alpha=0.1)
        hits += r.bootstrap.ci[0] <= 0.5 <= r.bootstrap.ci[1]
    coverage = hits / reps
    # binomial sd at 0.9 with 150 reps is 0.024; the WCR is known to be close to exact here
    assert 0.82 <= coverage <= 0.97, coverage


def test_warnings_for_single_treated_region():
    p = simulate_panel(n_treated=1, seed=4)
    r = did(p, "y", unit="region", time="year", treated="d", B=999)
    assert "single_treated_unit" in r.warnings and "few_treated_clusters" in r.warnings


def test_bad_input_names_row_and_column():
    p = simulate_panel(n_units=4, n_periods=3)
    with pytest.raises(PanelInputError, match="column 'treat' is missing"):
        did(p, "y", unit="region", time="year", treated="treat")
    q = p.copy()
    q.loc[5, "d"] = 2
    with pytest.raises(PanelInputError, match=r"row 5 \(region='R01', year=2002\), column 'd': expected 0 or 1"):
        did(q, "y", unit="region", time="year", treated="d")
    q = p.copy().astype({"y": object})
    q.loc[3, "y"] = "n/a"
    with pytest.raises(PanelInputError, match=r"row 3 .*column 'y': expected a finite number, got 'n/a'"):
        did(q, "y", unit="region", time="year", treated="d")


def test_unbalanced_panel_and_coarser_clusters_match_pyfixest():
    import pyfixest as pf

    p = simulate_panel(effect=0.6, seed=21)
    p = p.drop(index=p.sample(frac=0.08, random_state=1).index)  # missing unit-years
    p["state"] = p.region.str[1:].astype(int) // 2  # 10 clusters of two regions
    r = did(p, "y", unit="region", time="year", treated="d", cluster="state", bootstrap=False)
    fit = pf.feols("y ~ d | region + year", data=p, vcov={"CRV1": "state"})
    assert r.estimate == pytest.approx(fit.coef()["d"], rel=1e-10)
    assert r.se == pytest.approx(fit.se()["d"], rel=1e-8)
    assert r.n_clusters == 10 and r.df == 9


def test_too_few_clusters_give_a_huge_interval_not_a_false_one():
    # 4 clusters, Rademacher enumerated: 16 draws, the smallest attainable p-value is 2/16 > 0.05
    p = simulate_panel(n_units=4, n_periods=8, n_treated=1, start=4, effect=5.0, seed=1)
    r = did(p, "y", unit="region", time="year", treated="d", weights="rademacher")
    assert r.bootstrap.enumerated and r.bootstrap.draws == 16
    assert r.bootstrap.p_value >= 2 / 16
    # far from the estimate the original t grows without bound while bootstrap t's stay bounded,
    # so the inverted interval is finite, but it must cover zero and be far wider than the analytic one
    lo, hi = r.bootstrap.ci
    assert lo < 0 < 5.0 < hi
    assert hi - lo > 50 * (r.ci[1] - r.ci[0])
    assert r.verdict == "no_significant_effect"
    assert {"single_treated_unit", "few_treated_clusters"} <= set(r.warnings)
