"""The decision table, case by case: on facts, and on simulated panels whose truth is known."""

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from analysis.chapters.convergence import convergence_facts, direction_periods
from analysis.chapters.decision import (
    CONVERGENCE_RULES, EVIDENCE_RULES, PROGRAMME_RULES, SYNTH_FIT_RULES, TABLES, Rule, decide,
)
from analysis.chapters.programme import Estimate, estimate_rows, programme_facts
from test_programmes_sim import simulate_panel

NAN = math.nan


def _facts(applicable=2, significant=0, pos=0, neg=0, pretrends=False, credible=True, dose=False):
    return {"applicable": applicable, "significant": significant, "significant_positive": pos,
            "significant_negative": neg, "pretrends_rejected": pretrends, "comparison_credible": credible,
            "dose_design": dose}


@pytest.mark.parametrize("facts, verdict", [
    (_facts(applicable=0), "programme.no_estimate"),
    (_facts(significant=2, neg=2, pretrends=True), "programme.not_credible"),  # intervals do not matter
    (_facts(significant=2, pos=2), "programme.positive"),
    (_facts(significant=2, neg=2), "programme.negative"),
    (_facts(significant=1, neg=1), "programme.disagree"),
    (_facts(significant=2, pos=1, neg=1), "programme.disagree"),
    (_facts(), "programme.no_effect"),
])
def test_programme_rules(facts, verdict):
    assert decide(PROGRAMME_RULES, facts) == verdict


@pytest.mark.parametrize("rmspe, gap, verdict", [
    (0.076, 0.061, "synth.poor_fit"), (0.05, 0.05, "synth.poor_fit"), (0.02, 0.061, "synth.good_fit"),
])
def test_synth_fit_rule(rmspe, gap, verdict):
    assert decide(SYNTH_FIT_RULES, {"synth_pre_rmspe": rmspe, "synth_abs_gap": gap}) == verdict


@pytest.mark.parametrize("facts, level", [
    (_facts(applicable=0, credible=False), "evidence.not_rated"),
    (_facts(pretrends=True, credible=False), "evidence.level2"),
    (_facts(credible=True), "evidence.level3"),
    (_facts(credible=True, dose=True), "evidence.level3_dose"),
    (_facts(pretrends=True, credible=False, dose=True), "evidence.level2"),
    (_facts(credible=False), "evidence.level2"),
])
def test_evidence_rules(facts, level):
    assert decide(EVIDENCE_RULES, facts) == level


@pytest.mark.parametrize("sigma, beta, turns, verdict", [
    (-1, -1, 0, "convergence.converging"), (1, 1, 0, "convergence.diverging"),
    (-1, -1, 1, "convergence.converging"), (0, 0, 1, "convergence.direction_changed"),
    (-1, 1, 0, "convergence.mixed"), (1, -1, 0, "convergence.mixed"),
    (-1, 0, 0, "convergence.partly_converging"), (0, -1, 0, "convergence.partly_converging"),
    (1, 0, 0, "convergence.partly_diverging"), (0, 1, 0, "convergence.partly_diverging"),
    (0, 0, 0, "convergence.no_significant_change"),
])
def test_convergence_rules(sigma, beta, turns, verdict):
    assert decide(CONVERGENCE_RULES, {"sigma": sigma, "beta": beta, "direction_changes": turns}) == verdict


def test_every_table_ends_with_a_fallback_and_names_known_facts():
    for name, rules in TABLES.items():
        assert rules[-1].conditions == (), name
    with pytest.raises(KeyError, match="no fact"):
        Rule("x", (("missing", "==", 1),)).holds({"present": 1})


def _evaluate(panel, n_treated, B=999, seed=0):
    from analysis.programmes import aggregate_att_gt, att_gt, did, event_study, randomization_inference

    panel = panel.assign(first_year=panel.first_year.astype(float))
    gt = att_gt(panel, "y", unit="region", time="year", group="first_year", control="never")
    return SimpleNamespace(
        did=did(panel, "y", unit="region", time="year", treated="d", B=B, seed=seed),
        event_study=event_study(panel, "y", unit="region", time="year", group="first_year", window=(-5, 5)),
        att_gt=gt, att_simple=aggregate_att_gt(gt, "simple"),
        randomization=randomization_inference(panel, "y", unit="region", time="year", group="first_year",
                                              n_permutations=999, seed=seed),
        synth=None, synth_placebos=None,
    )


def _verdict(ev, n_treated):
    rows = estimate_rows(ev, n_treated)
    facts = programme_facts(rows, ev.event_study.pretrend_p_value, ev.att_gt.pretrend_p_value)
    return decide(PROGRAMME_RULES, facts), decide(EVIDENCE_RULES, facts), rows


def test_simulated_true_effect_is_found_by_every_estimator():
    ev = _evaluate(simulate_panel(n_units=24, n_treated=8, effect=3.0, seed=1), 8)
    verdict, evidence, rows = _verdict(ev, 8)
    assert verdict == "programme.positive" and evidence == "evidence.level3"
    assert all(r.applicable for r in rows)


def test_simulated_null_effect_gives_no_effect():
    ev = _evaluate(simulate_panel(n_units=24, n_treated=8, effect=0.0, seed=1), 8)
    assert _verdict(ev, 8)[0] == "programme.no_effect"


def test_simulated_borderline_null_where_inference_methods_disagree():
    # no true effect; clustered and bootstrap p about 0.02, randomization p about 0.05: the
    # headline must not call this significant
    ev = _evaluate(simulate_panel(n_units=24, n_treated=8, effect=0.0, seed=2), 8)
    verdict, _, rows = _verdict(ev, 8)
    assert verdict == "programme.disagree"
    assert {r.method for r in rows if r.applicable and not r.significant} >= {"randomization"}


def test_simulated_pretrend_makes_the_comparison_not_credible():
    panel = simulate_panel(n_units=24, n_treated=8, effect=3.0, seed=3)
    treated = panel.first_year > 0
    panel.loc[treated, "y"] += 0.8 * (panel.loc[treated, "year"] - 2000)  # treated already drifting up
    verdict, evidence, _ = _verdict(_evaluate(panel, 8), 8)
    assert verdict == "programme.not_credible" and evidence == "evidence.level2"


def test_callaway_santanna_pretrend_wald_over_rejects_so_it_does_not_decide():
    # exactly parallel trends: the event-study F test accepts, the CS Wald test of all
    # pre-period ATT(g,t) rejects (hence the rule reads only the event study)
    ev = _evaluate(simulate_panel(n_units=24, n_treated=8, effect=3.0, seed=2), 8)
    assert ev.event_study.pretrend_p_value > 0.05 and ev.att_gt.pretrend_p_value < 0.05
    assert not programme_facts(estimate_rows(ev, 8), ev.event_study.pretrend_p_value,
                               ev.att_gt.pretrend_p_value)["pretrends_rejected"]


def test_few_treated_regions_exclude_analytic_intervals_from_the_agreement():
    ev = _evaluate(simulate_panel(n_units=20, n_treated=3, effect=3.0, seed=4), 3)
    rows = {r.method: r for r in estimate_rows(ev, 3)}
    assert not rows["did_analytic"].applicable and rows["did_analytic"].reason == "reason.few_treated_analytic"
    assert not rows["cs_simple"].applicable
    assert rows["did_bootstrap"].applicable and rows["randomization"].applicable


def test_disagreement_is_named():
    rows = [Estimate("did_bootstrap", 0.5, 0.1, 0.9, 0.01, True), Estimate("randomization", 0.5, NAN, NAN, 0.2, True)]
    facts = programme_facts(rows, 0.6, NAN)
    assert decide(PROGRAMME_RULES, facts) == "programme.disagree"


def _cv(values, first=2000):
    return pd.Series(values, index=range(first, first + len(values)))


def test_direction_periods_find_a_simulated_turn():
    rng = np.random.default_rng(0)
    years = np.arange(23)
    cv = np.where(years <= 6, 0.55 + 0.02 * years, 0.67 - 0.006 * (years - 6)) + rng.normal(0, 0.004, 23)
    periods = direction_periods(_cv(cv))
    assert [p.direction for p in periods] == [1, -1]
    assert abs(periods[0].end - 2006) <= 1 and periods[0].end == periods[1].start
    assert convergence_facts(SimpleNamespace(verdict="no_significant_change"),
                             SimpleNamespace(verdict="no_significant_change"), periods)["direction_changes"] == 1


def test_direction_periods_keep_a_monotone_or_flat_series_whole():
    rng = np.random.default_rng(1)
    falling = direction_periods(_cv(0.7 - 0.01 * np.arange(20) + rng.normal(0, 0.003, 20)))
    assert [(p.start, p.end, p.direction) for p in falling] == [(2000, 2019, -1)]
    flat = direction_periods(_cv(0.6 + rng.normal(0, 0.01, 20)))
    assert len(flat) == 1 and flat[0].direction == 0
