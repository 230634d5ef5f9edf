"""Phillips–Sul clubs: simulated panels with known clubs, and the pieces against statsmodels."""

import numpy as np
import pandas as pd
import pytest

from analysis.convergence import PanelError, clubs
from analysis.convergence._hp import hp_trend


def ps_panel(limits, *, T=40, alpha=0.6, noise=0.02, seed=0, start=1990):
    """Phillips & Sul (2007) design: ln y_it = theta_it * mu_t with
    theta_it = limit_i + (a_i + noise * xi_it) / (ln(t + 1) t^alpha).
    Units sharing a limit converge together (a club); a unit whose limit is
    None drifts apart linearly instead."""
    rng = np.random.default_rng(seed)
    t = np.arange(1, T + 1)
    mu = 5 + 0.03 * t  # common growth of log levels
    decay = 1 / (np.log(t + 1) * t**alpha)
    rows = []
    for i, limit in enumerate(limits):
        a = rng.normal(0, 0.3)
        if limit is None:
            theta = 1 + 0.4 * (i % 2 - 0.5) * t / T + noise * rng.normal(size=T)
        else:
            theta = limit + (a + noise * rng.normal(size=T)) * decay
        rows.append(pd.DataFrame({"region": f"u{i:02d}", "year": start + t - 1,
                                  "y": np.exp(theta * mu)}))
    return pd.concat(rows, ignore_index=True)


def test_one_club_when_all_converge():
    r = clubs(ps_panel([1.0] * 12, seed=1), "y")
    assert r.verdict == "converging" and r.t_stat > -r.critical and r.b > 0
    assert len(r.clubs) == 1 and len(r.clubs[0].members) == 12 and r.divergent == ()


def test_two_known_clubs_are_found():
    limits = [1.1] * 6 + [0.9] * 6
    r = clubs(ps_panel(limits, seed=2), "y")
    assert r.verdict == "diverging"  # the whole panel does not converge
    found = sorted(tuple(c.members) for c in r.clubs)
    assert found == [tuple(f"u{i:02d}" for i in range(6)), tuple(f"u{i:02d}" for i in range(6, 12))]
    assert all(c.t_stat > -r.critical for c in r.clubs) and r.divergent == ()


def test_drifting_units_are_left_divergent():
    limits = [1.0] * 8 + [None, None]
    r = clubs(ps_panel(limits, seed=3), "y")
    assert [c.members for c in r.clubs] == [tuple(f"u{i:02d}" for i in range(8))]
    assert set(r.divergent) == {"u08", "u09"}


def test_clubs_are_stable_across_seeds():
    hits = 0
    for seed in range(10):
        r = clubs(ps_panel([1.1] * 5 + [0.9] * 5, seed=100 + seed), "y")
        hits += sorted(len(c.members) for c in r.clubs) == [5, 5]
    assert hits >= 9


def test_merging_joins_adjacent_clubs_that_converge_together():
    # True clubs u00-u05 (limit 1.00) and u06-u11 (1.05).  Here the sieve splits the
    # first into {u02..u05} and {u00, u01}; the merge step puts them back together.
    panel = ps_panel([1.0] * 6 + [1.05] * 6, seed=8)
    merged, unmerged = clubs(panel, "y"), clubs(panel, "y", merge=False)
    assert len(merged.initial_clubs) == 3 and len(merged.clubs) == 2
    assert merged.clubs[1].members == tuple(f"u{i:02d}" for i in range(6))
    assert merged.clubs[1].t_stat > -merged.critical
    assert unmerged.clubs == unmerged.initial_clubs == merged.initial_clubs


def test_merge_rule_only_joins_neighbours_that_pass():
    from analysis.convergence.clubs import _merge
    # A stand-in log t test: a group passes when it holds no unit of both 0 and 4.
    def fake_test(members):
        members = set(np.asarray(members).tolist())
        return 0.0, (-5.0 if {0, 4} <= members else 1.0)
    groups = [np.array([0, 1]), np.array([2, 3]), np.array([4]), np.array([5])]
    merged = _merge(fake_test, groups, 1.65)
    assert [sorted(m.tolist()) for m in merged] == [[0, 1, 2, 3], [4, 5]]


def relative_dispersion(panel):
    X = np.log(panel.pivot(index="region", columns="year", values="y").to_numpy())
    h = X / X.mean(axis=0)
    return ((h - 1) ** 2).mean(axis=0)


def test_log_t_regression_with_newey_west_matches_statsmodels():
    sm = pytest.importorskip("statsmodels.api")
    panel = ps_panel([1.0] * 10, seed=5, T=30)
    r = clubs(panel, "y", hp_lambda=None, trim=0.3, hac="newey-west")
    H = relative_dispersion(panel)
    t = np.arange(10, 31)  # round(0.3 * 30) + 1 = 10
    y = np.log(H[0] / H[t - 1]) - 2 * np.log(np.log(t))
    ref = sm.OLS(y, sm.add_constant(np.log(t))).fit(
        cov_type="HAC", cov_kwds={"maxlags": int(4 * (t.size / 100) ** (2 / 9)),
                                  "use_correction": True})
    assert r.b == pytest.approx(ref.params[1], rel=1e-10)
    assert r.t_stat == pytest.approx(ref.tvalues[1], rel=1e-10)


def convergence_clubs_estimate(H, time_trim):
    """ConvergenceClubs' estimateMod_fqsb and andrs2 (R, from Phillips & Sul's GAUSS
    code), transcribed statement by statement with 1-based indices kept as in R."""
    nT = len(H)
    rT = np.arange(round(nT * time_trim) + 1, nT + 1)
    logt = np.log(rT)
    rH = np.log(H[0] / H[rT - 1]) - 2 * np.log(logt)
    xx = np.column_stack([np.ones(rT.size), logt])
    b = np.linalg.solve(xx.T @ xx, xx.T @ rH)
    re = rH - xx @ b
    # andrs2(re)
    x = re
    t = len(x)
    x1, y1 = x[0:t - 1], x[1:t]
    b1 = np.sum(x1 * y1) / np.sum(x1**2)
    ee = y1 - x1 * b1
    a2 = (4 * b1**2) / ((1 - b1) ** 4)
    band2 = 1.3221 * (a2 * t) ** (1 / 5)
    jb2 = np.arange(1, t) / band2
    jband2 = jb2 * 1.2 * np.pi
    kern1 = ((np.sin(jband2) / jband2 - np.cos(jband2)) / ((jb2 * np.pi) ** 2 * 12)) * 25
    tt = len(ee)
    lam = 0.0
    for j in range(1, tt):
        ttp1 = (x[0:tt - j] @ x[j:tt]) * (kern1[j - 1] / tt)
        lam = lam + 2 * ttp1
    lam = (x @ x) / tt + lam
    var_b = np.diag(np.linalg.inv(xx.T @ xx)) * lam
    return b[1], b[1] / np.sqrt(var_b[1])


@pytest.mark.parametrize("seed, limits", [(5, [1.0] * 10), (6, [1.1] * 4 + [0.9] * 4)])
def test_log_t_regression_matches_the_convergence_clubs_reference(seed, limits):
    panel = ps_panel(limits, seed=seed, T=34)
    r = clubs(panel, "y", hp_lambda=None)
    b, t_stat = convergence_clubs_estimate(relative_dispersion(panel), 1 / 3)
    assert r.b == pytest.approx(b, rel=1e-10)
    assert r.t_stat == pytest.approx(t_stat, rel=1e-10)


def test_hp_trend_matches_statsmodels():
    hpfilter = pytest.importorskip("statsmodels.tsa.filters.hp_filter").hpfilter
    rng = np.random.default_rng(6)
    x = np.cumsum(rng.normal(size=(3, 25)), axis=1)
    ours = hp_trend(x, 400.0)
    for row, trend in zip(x, ours):
        np.testing.assert_allclose(trend, hpfilter(row, lamb=400.0)[1], atol=1e-10)


def test_unbalanced_regions_are_left_out_and_errors_are_clear():
    panel = ps_panel([1.0] * 6, seed=7)
    panel.loc[panel.index[3], "y"] = np.nan
    r = clubs(panel, "y")
    assert "unbalanced_sample" in r.warnings
    assert "u00" not in sum((c.members for c in r.clubs), ()) + r.divergent
    with pytest.raises(PanelError, match="at least five common years"):
        clubs(panel[panel["year"] < 1994], "y")
    with pytest.raises(PanelError, match="fraction"):
        clubs(panel, "y", trim=1.5)
