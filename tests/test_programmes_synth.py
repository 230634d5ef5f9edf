"""Synthetic control: hand-checked cases, the QP against a general solver, pysyncon, placebos."""

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize

from analysis.programmes import synth_leave_one_out, synth_placebos, synthetic_control
from analysis.programmes._checks import PanelInputError
from analysis.programmes._synth_core import simplex_least_squares


def factor_panel(N=20, T=25, seed=0, noise=0.3):
    rng = np.random.default_rng(seed)
    F = rng.normal(size=(T, 3)).cumsum(0)
    L = rng.normal(size=(3, N))
    Y = F @ L + rng.normal(scale=noise, size=(T, N))
    return pd.DataFrame([(f"R{i:02d}", 2000 + t, Y[t, i]) for i in range(N) for t in range(T)],
                        columns=["region", "year", "y"])


def test_hand_checked_convex_combination_and_effect_are_recovered():
    p = factor_panel(N=8, seed=1)
    y = p.pivot(index="year", columns="region", values="y")
    truth = 0.25 * y.R01 + 0.75 * y.R04 + np.where(y.index >= 2018, 2.0, 0.0)
    p.loc[p.region == "R00", "y"] = truth.to_numpy()
    r = synthetic_control(p, "y", unit="region", time="year", treated_unit="R00", treatment_time=2018)
    assert r.weights["R01"] == pytest.approx(0.25, abs=1e-6)
    assert r.weights["R04"] == pytest.approx(0.75, abs=1e-6)
    assert r.weights.sum() == pytest.approx(1.0, abs=1e-12) and (r.weights >= 0).all()
    assert r.pre_rmspe < 1e-6
    assert np.allclose(r.gap.loc[2018:], 2.0, atol=1e-6)
    assert r.att == pytest.approx(2.0, abs=1e-6)
    assert r.warnings == ()


@pytest.mark.parametrize("seed", range(6))
def test_simplex_qp_is_optimal_against_a_general_solver(seed):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(6, 19))
    b = rng.normal(size=6) * 2
    w = simplex_least_squares(A, b)
    assert w.min() >= 0 and w.sum() == pytest.approx(1.0, abs=1e-12)
    ref = minimize(lambda x: np.sum((A @ x - b) ** 2), np.full(19, 1 / 19), method="SLSQP",
                   bounds=[(0, 1)] * 19, constraints={"type": "eq", "fun": lambda x: x.sum() - 1},
                   options={"ftol": 1e-14, "maxiter": 1000})
    assert np.sum((A @ w - b) ** 2) <= ref.fun + 1e-9
    # KKT: every donor's gradient is >= the common gradient on the support
    g = A.T @ (A @ w - b)
    assert g.min() >= g[w > 0].mean() - 1e-8


def test_weights_for_a_fixed_v_match_pysyncon():
    from pysyncon import Synth

    # more predictors than donors, so the weights are unique
    p = factor_panel(N=7, seed=2, noise=1.0)
    y = p.pivot(index="year", columns="region", values="y")
    pre = y.loc[:2017]
    X = pd.concat([pre.loc[2000:2004].mean()] + [pre.loc[t] for t in range(2005, 2018, 2)], axis=1).T
    X.index = [f"p{i}" for i in range(len(X))]
    V = np.linspace(1, 2, len(X))
    V /= V.sum()
    s = Synth()
    s.fit(X0=X.drop(columns="R00"), X1=X["R00"], Z0=pre.drop(columns="R00"), Z1=pre["R00"], custom_V=V)
    # our QP on the same scaled problem (pysyncon scales rows by their std across units)
    Xs = X.div(X.std(axis=1), axis=0)
    r = np.sqrt(V)
    w = simplex_least_squares(r[:, None] * Xs.drop(columns="R00").to_numpy(), r * Xs["R00"].to_numpy())
    assert np.allclose(w, s.W, atol=1e-3)  # pysyncon solves the QP by SLSQP to ~1e-4
    obj = lambda x: np.sum(V * (Xs["R00"].to_numpy() - Xs.drop(columns="R00").to_numpy() @ x) ** 2)
    assert obj(w) <= obj(np.asarray(s.W)) + 1e-12


def test_v_search_fits_at_least_as_well_as_pysyncon_with_special_predictors():
    from pysyncon import Synth

    p = factor_panel(N=8, T=16, seed=0)  # small: pysyncon's SLSQP inner loop is slow
    y = p.pivot(index="year", columns="region", values="y")
    donors = [c for c in y.columns if c != "R00"]
    X = pd.concat([y.loc[2000:2005].mean(), y.loc[2007], y.loc[2009], y.loc[2011]], axis=1).T
    s = Synth()
    s.fit(X0=X[donors], X1=X["R00"], Z0=y.loc[:2011, donors], Z1=y.loc[:2011, "R00"],
          optim_options={"maxiter": 300})
    ref_mspe = float(np.mean((y.loc[:2011, "R00"] - y.loc[:2011, donors] @ s.W) ** 2))
    preds = [("y", range(2000, 2006), "mean"), ("y", [2007], "mean"), ("y", [2009], "mean"), ("y", [2011], "mean")]
    r = synthetic_control(p, "y", unit="region", time="year", treated_unit="R00", treatment_time=2012,
                          predictors=preds)
    assert r.pre_rmspe**2 <= ref_mspe * (1 + 1e-6)
    assert list(r.predictors.index) == ["y 2000-2005 mean", "y 2007 mean", "y 2009 mean", "y 2011 mean"]
    assert r.predictor_weights.sum() == pytest.approx(1.0)


def test_default_predictors_reach_the_pre_period_lower_bound():
    p = factor_panel(seed=3)
    r = synthetic_control(p, "y", unit="region", time="year", treated_unit="R05", treatment_time=2015)
    assert r.pre_rmspe**2 == pytest.approx(r.spec["pre_mspe_bound"], rel=1e-9)


def test_placebos_rank_a_large_effect_first_and_leave_one_out():
    p = factor_panel(N=12, seed=4)
    y = p.pivot(index="year", columns="region", values="y")
    truth = 0.5 * y.R02 + 0.3 * y.R03 + 0.2 * y.R07 + np.where(y.index >= 2018, 5.0, 0.0)
    p.loc[p.region == "R00", "y"] = truth.to_numpy()
    r = synthetic_control(p, "y", unit="region", time="year", treated_unit="R00", treatment_time=2018)
    pl = synth_placebos(r)
    assert len(pl.table) == 12 and pl.rank == 1 and pl.p_value == pytest.approx(1 / 12)
    assert pl.gaps.shape == (25, 12)
    loo = synth_leave_one_out(r)
    assert set(loo.columns) == {"R02", "R03", "R07"}
    assert np.isfinite(loo.to_numpy()).all()


def test_poor_fit_and_hull_are_flagged_for_an_extreme_unit():
    p = factor_panel(N=10, seed=5)
    p.loc[p.region == "R00", "y"] += 50.0
    r = synthetic_control(p, "y", unit="region", time="year", treated_unit="R00", treatment_time=2015)
    assert {"poor_pre_fit", "treated_outside_hull"} <= set(r.warnings)


def test_clear_errors():
    p = factor_panel(N=5, T=6)
    with pytest.raises(PanelInputError, match="treated unit 'X'"):
        synthetic_control(p, "y", unit="region", time="year", treated_unit="X", treatment_time=2003)
    with pytest.raises(PanelInputError, match="expected at least 2"):
        synthetic_control(p, "y", unit="region", time="year", treated_unit="R00", treatment_time=2001)
    with pytest.raises(PanelInputError, match="aggregation 'avg'"):
        synthetic_control(p, "y", unit="region", time="year", treated_unit="R00", treatment_time=2003,
                          predictors=[("y", [2000], "avg")])
