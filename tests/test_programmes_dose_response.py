"""Dose–response estimators on simulated panels whose dose–response is known."""

import numpy as np
import pandas as pd
import pytest

from analysis.programmes._checks import PanelInputError
from analysis.programmes.dose_response import dose_response, unit_changes

YEARS = range(2000, 2018)


def simulate(slope=0.04, n=16, cohorts=(2008,), dynamic=0.0, pretrend=0.0, noise=0.01, seed=0):
    """Unit and year effects, a dose in [1, 3], effect ``slope * dose * (1 + dynamic * e)`` after the start.

    ``pretrend``: high-dose units trend apart by ``pretrend * dose`` a year throughout (parallel trends fail).
    """
    rng = np.random.default_rng(seed)
    units = [f"u{i:02d}" for i in range(n)]
    dose = dict(zip(units, rng.uniform(1, 3, n)))
    start = {u: cohorts[i % len(cohorts)] for i, u in enumerate(units)}
    alpha = dict(zip(units, rng.normal(0, 0.5, n)))
    gamma = {t: 0.03 * (t - 2000) + rng.normal(0, 0.02) for t in YEARS}
    rows = []
    for u in units:
        for t in YEARS:
            e = t - start[u]
            effect = slope * dose[u] * (1 + dynamic * e) if e >= 0 else 0.0
            y = alpha[u] + gamma[t] + effect + pretrend * dose[u] * (t - 2000) + rng.normal(0, noise)
            rows.append((u, t, y, start[u]))
    return pd.DataFrame(rows, columns=["region", "year", "y", "first"]), dose, start


def _run(panel, dose, **kw):
    return dose_response(panel, "y", dose, B=999, n_permutations=999, **kw)


def test_known_linear_dose_response_is_recovered_with_every_inference_method():
    panel, dose, _ = simulate(slope=0.04)
    r = _run(panel, dose)
    for est in (r.twfe, r.acrt):
        assert est.estimate == pytest.approx(0.04, abs=0.005)
        assert est.ci[0] < 0.04 < est.ci[1]
        assert est.p_value < 0.01 and est.bootstrap.p_value < 0.01 and est.randomization_p < 0.01
        assert est.bootstrap.ci[0] < 0.04 < est.bootstrap.ci[1]
    assert r.n_units == 16 and r.cohorts == (2008,)
    assert r.event_study.pretrend_p_value > 0.05


def test_staggered_dynamic_effects_acrt_hits_the_truth_where_twfe_does_not():
    # effects grow with time since the start and cohorts start in different years: the unit's mean
    # post-start effect per unit of dose is slope * (1 + dynamic * mean(e)); the ACRT targets its
    # variance-weighted cohort average, TWFE uses already-treated units as controls
    slope, dynamic = 0.02, 0.5
    panel, dose, start = simulate(slope=slope, cohorts=(2004, 2012), dynamic=dynamic, noise=0.002)
    truth_by_cohort = {g: slope * (1 + dynamic * np.mean(np.arange(0, max(YEARS) - g + 1))) for g in (2004, 2012)}
    # pooled slope with cohort intercepts = within-cohort dose-variance weighted average of cohort slopes
    d = pd.Series(dose)
    weights = {g: ((d[[u for u in d.index if start[u] == g]] - d[[u for u in d.index if start[u] == g]].mean()) ** 2)
               .sum() for g in (2004, 2012)}
    truth = sum(weights[g] * truth_by_cohort[g] for g in weights) / sum(weights.values())
    r = _run(panel, dose)
    assert r.acrt.estimate == pytest.approx(truth, rel=0.05)
    assert abs(r.twfe.estimate - truth) > 0.2 * truth  # the TWFE slope is not the average causal response


def test_no_dose_effect_is_not_rejected_too_often():
    rejections = {"analytic": 0, "bootstrap": 0, "randomization": 0}
    reps = 40
    for seed in range(reps):
        panel, dose, _ = simulate(slope=0.0, noise=0.05, seed=100 + seed)
        r = dose_response(panel, "y", dose, B=399, n_permutations=399, seed=seed)
        rejections["analytic"] += r.acrt.p_value < 0.05
        rejections["bootstrap"] += r.acrt.bootstrap.p_value < 0.05
        rejections["randomization"] += r.acrt.randomization_p < 0.05
    for method, count in rejections.items():
        assert count / reps <= 0.15, method


def test_dose_related_pretrend_is_detected_by_the_event_study_by_intensity_group():
    panel, dose, _ = simulate(slope=0.0, pretrend=0.01, noise=0.005)
    r = _run(panel, dose)
    assert r.event_study.pretrend_p_value < 0.05


def test_unit_changes_is_the_mean_post_change_from_the_year_before_the_start():
    panel, dose, start = simulate(slope=0.0, noise=0.0)
    ch = unit_changes(panel, "y", unit="region", time="year", first="first")
    u = "u03"
    g = panel[panel.region == u]
    expected = g.loc[g.year >= start[u], "y"].mean() - g.loc[g.year == start[u] - 1, "y"].iloc[0]
    assert ch[u] == pytest.approx(expected)


def test_bad_inputs_name_the_problem():
    panel, dose, _ = simulate()
    del dose["u05"]
    with pytest.raises(PanelInputError, match="u05"):
        _run(panel, dose)
    panel, dose, _ = simulate()
    with pytest.raises(PanelInputError, match="year before its start"):
        _run(panel[~((panel.region == "u01") & (panel.year == 2007))], dose)
