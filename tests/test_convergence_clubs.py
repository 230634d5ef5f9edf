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
    # Limits 1.00 and 1.02 are too close for T = 40: the sieve splits the units in two
    # initial clubs whose union nevertheless passes the log t test, so they merge.
    panel = ps_panel([1.0] * 6 + [1.02] * 6, seed=1)
    merged, unmerged = clubs(panel, "y"), clubs(panel, "y", merge=False)
    assert len(merged.initial_clubs) == 2 and len(merged.clubs) == 1
    assert merged.clubs[0].t_stat > -merged.critical and len(merged.clubs[0].members) == 12
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


def test_log_t_regression_matches_statsmodels_hac():
    sm = pytest.importorskip("statsmodels.api")
    panel = ps_panel([1.0] * 10, seed=5, T=30)
    r = clubs(panel, "y", hp_lambda=None, trim=0.3)
    X = np.log(panel.pivot(index="region", columns="year", values="y").to_numpy())
    h = X / X.mean(axis=0)
    H = ((h - 1) ** 2).mean(axis=0)
    t = np.arange(9, 31)  # [rT] = 9 for r = 0.3, T = 30
    y = np.log(H[0] / H[t - 1]) - 2 * np.log(np.log(t))
    ref = sm.OLS(y, sm.add_constant(np.log(t))).fit(
        cov_type="HAC", cov_kwds={"maxlags": int(4 * (t.size / 100) ** (2 / 9)),
                                  "use_correction": True})
    assert r.b == pytest.approx(ref.params[1], rel=1e-10)
    assert r.t_stat == pytest.approx(ref.tvalues[1], rel=1e-10)


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
