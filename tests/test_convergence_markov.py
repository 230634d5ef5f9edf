"""Distribution dynamics: agreement with giddy and recovery of a known chain."""

import numpy as np
import pandas as pd
import pytest

from analysis.convergence import PanelError, markov


def lognormal_panel(n=17, years=range(2000, 2024), seed=0):
    rng = np.random.default_rng(seed)
    log = rng.normal(0, 0.6, n)
    rows = []
    for t in years:
        rows.append(pd.DataFrame({"region": [f"r{i:02d}" for i in range(n)], "year": t,
                                  "y": np.exp(8 + log), "pop": rng.uniform(1, 3, n)}))
        log = 0.9 * log + rng.normal(0, 0.2, n)
    return pd.concat(rows, ignore_index=True)


def chain_panel(P, start_classes, years, seed):
    """Regions moving between classes 0..k-1 by P; value = class + 0.5 (cut-offs 1, 2, ...)."""
    rng = np.random.default_rng(seed)
    state = np.asarray(start_classes)
    cumulative = np.cumsum(P, axis=1)
    rows = []
    for t in range(years):
        rows.append(pd.DataFrame({"region": np.arange(state.size).astype(str), "year": t,
                                  "y": state + 0.5}))
        draw = rng.random(state.size)
        state = (draw[:, None] > cumulative[state]).sum(axis=1)
    return pd.concat(rows, ignore_index=True)


@pytest.fixture(scope="module")
def giddy_modules():
    # giddy costs ~9 s to import: only here, never in the library.
    markov_module = pytest.importorskip("giddy.markov")
    from giddy import ergodic, mobility
    import mapclassify
    return markov_module, ergodic, mobility, mapclassify


@pytest.mark.parametrize("pooled", [False, True])
def test_quantile_chains_match_giddy(giddy_modules, pooled):
    gm, ergodic, mobility, mc = giddy_modules
    panel = lognormal_panel()
    ours = markov(panel, "y", classes=5, pooled=pooled)
    wide = panel.pivot(index="region", columns="year", values="y")
    relative = (wide / wide.mean(axis=0)).to_numpy()
    if pooled:
        ids = mc.Quantiles(relative.ravel(), k=5).yb.reshape(relative.shape)
    else:
        ids = np.column_stack([mc.Quantiles(relative[:, j], k=5).yb
                               for j in range(relative.shape[1])])
    ref = gm.Markov(ids, classes=np.arange(5), summary=False)
    np.testing.assert_array_equal(ours.transitions.to_numpy(), ref.transitions)
    np.testing.assert_allclose(ours.p.to_numpy(), ref.p, atol=1e-12)
    np.testing.assert_allclose(ours.steady_state.to_numpy(), ergodic.steady_state(ref.p),
                               atol=1e-10)
    assert ours.shorrocks == pytest.approx(mobility.markov_mobility(ref.p, measure="P"))
    assert ours.n_transitions == 17 * 23


def test_weighted_relative_levels_use_the_weighted_mean(giddy_modules):
    gm, _, _, mc = giddy_modules
    panel = lognormal_panel(seed=3)
    ours = markov(panel, "y", weight="pop", pooled=True, classes=4)
    y = panel.pivot(index="region", columns="year", values="y")
    w = panel.pivot(index="region", columns="year", values="pop")
    relative = (y / ((y * w).sum() / w.sum())).to_numpy()
    q = mc.Quantiles(relative.ravel(), k=4)
    np.testing.assert_allclose(ours.cutoffs.iloc[0].to_numpy(), q.bins[:-1], rtol=1e-12)
    ref = gm.Markov(q.yb.reshape(relative.shape), classes=np.arange(4), summary=False)
    np.testing.assert_array_equal(ours.transitions.to_numpy(), ref.transitions)


def test_a_known_chain_is_recovered():
    P = np.array([[0.80, 0.15, 0.05], [0.10, 0.80, 0.10], [0.05, 0.25, 0.70]])
    panel = chain_panel(P, np.repeat([0, 1, 2], 200), years=40, seed=1)
    r = markov(panel, "y", relative=False, cutoffs=[1, 2])
    np.testing.assert_allclose(r.p.to_numpy(), P, atol=0.02)
    # Steady state of P by hand: the left eigenvector for eigenvalue 1.
    values, vectors = np.linalg.eig(P.T)
    truth = np.real(vectors[:, np.argmin(np.abs(values - 1))])
    np.testing.assert_allclose(r.steady_state.to_numpy(), truth / truth.sum(), atol=0.02)
    assert r.shorrocks == pytest.approx((3 - np.trace(P)) / 2, abs=0.02)
    assert r.transitions.to_numpy().sum() == 600 * 39 and not r.warnings


def test_verdict_follows_where_the_chain_is_heading():
    towards_middle = np.array([[0.7, 0.3, 0.0], [0.05, 0.9, 0.05], [0.0, 0.3, 0.7]])
    spread = chain_panel(towards_middle, np.repeat([0, 2], 150), years=4, seed=2)
    converging = markov(spread, "y", relative=False, cutoffs=[1, 2])
    assert converging.verdict == "converging"
    assert converging.spread_steady < converging.spread_latest and converging.pvalue < 0.05
    # The steady state hinges on the rare moves out of the extremes: enough regions to see them.
    to_extremes = np.array([[0.95, 0.05, 0.0], [0.15, 0.7, 0.15], [0.0, 0.05, 0.95]])
    middle = chain_panel(to_extremes, np.repeat([0, 1, 2], [300, 2400, 300]), years=3, seed=3)
    assert markov(middle, "y", relative=False, cutoffs=[1, 2]).verdict == "diverging"
    stable = chain_panel(towards_middle, np.repeat([0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2], 20),
                         years=30, seed=4)
    assert markov(stable, "y", relative=False, cutoffs=[1, 2]).verdict == "no_significant_change"


def test_bootstrap_is_deterministic_given_the_seed():
    panel = lognormal_panel(seed=5)
    a, b = markov(panel, "y", pooled=True), markov(panel, "y", pooled=True)
    c = markov(panel, "y", pooled=True, seed=1)
    assert a.pvalue == b.pvalue and a.verdict == b.verdict
    assert 0 < c.pvalue <= 1


def test_gaps_break_transitions_and_sparse_rows_are_flagged():
    panel = lognormal_panel(n=6, years=[2000, 2001, 2003, 2004], seed=6)
    panel.loc[(panel["region"] == "r00") & (panel["year"] == 2001), "y"] = np.nan
    r = markov(panel, "y", classes=3)
    # 2000->2001 and 2003->2004 only (2001->2003 is not one step); r00 misses 2000->2001.
    assert r.n_transitions == 5 + 6
    assert "sparse_transitions" in r.warnings
    assert r.cutoffs.index.tolist() == [2000, 2001, 2003, 2004]


def test_empty_class_makes_the_chain_reducible_not_wrong():
    panel = chain_panel(np.eye(3), np.repeat([0, 2], 10), years=5, seed=0)
    r = markov(panel, "y", relative=False, cutoffs=[1, 2])
    assert r.transitions.loc[1].sum() == 0 and "reducible_chain" in r.warnings
    assert r.steady_state.isna().all() and r.verdict == "no_significant_change"


def test_markov_input_errors():
    panel = lognormal_panel(n=4, years=[2000, 2001])
    with pytest.raises(PanelError, match="increasing list"):
        markov(panel, "y", cutoffs=[2.0, 1.0])
    with pytest.raises(PanelError, match="at least two years"):
        markov(panel[panel["year"] == 2000], "y")
    with pytest.raises(PanelError, match="at least two classes"):
        markov(panel, "y", classes=1)
