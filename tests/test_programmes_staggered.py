"""Callaway-Sant'Anna ATT(g,t): csdid on the same data, known truths, pre-trend test."""

import contextlib
import io

import numpy as np
import pandas as pd
import pytest

from analysis.programmes import aggregate_att_gt, att_gt
from analysis.programmes._checks import PanelInputError
from test_programmes_sim import simulate_panel

COHORTS = {i: (5 if i < 4 else 8 if i < 9 else 11) for i in range(12)}


def _panel(seed=4, **kw):
    p = simulate_panel(n_units=25, n_periods=14, cohorts=COHORTS, dynamic=lambda e: 1 + 0.2 * e, seed=seed, **kw)
    p["id"] = pd.factorize(p.region)[0] + 1
    return p


def _csdid(p, control, method="dr", xformla=None):
    from csdid.att_gt import ATTgt

    with contextlib.redirect_stdout(io.StringIO()):  # csdid prints its summary tables
        return ATTgt(yname="y", tname="year", idname="id", gname="first_year", data=p,
                     control_group=control, xformla=xformla).fit(est_method=method, bstrap=False)


@pytest.mark.parametrize("control,cs_control", [("never", "nevertreated"), ("notyet", "notyettreated")])
def test_att_gt_and_all_aggregations_match_csdid(control, cs_control):
    p = _panel()
    ours = att_gt(p, "y", unit="region", time="year", group="first_year", control=control)
    ref = _csdid(p, cs_control)
    assert np.allclose(ours.table.group, ref.results["group"])
    assert np.allclose(ours.table.time, ref.results["year"])
    assert np.allclose(ours.table.att, ref.results["att"], atol=1e-10)
    assert np.allclose(ours.table.se, ref.results["se"], atol=1e-10)
    for kind in ("simple", "dynamic", "group", "calendar"):
        with contextlib.redirect_stdout(io.StringIO()):
            a = ref.aggte(typec=kind, bstrap=False).atte
        agg = aggregate_att_gt(ours, kind)
        assert agg.estimate == pytest.approx(float(np.ravel(a["overall_att"])[0]), abs=1e-10), kind
        assert agg.se == pytest.approx(float(np.ravel(a["overall_se"])[0]), abs=1e-10), kind
        if a["egt"] is not None:
            assert np.allclose(agg.table.iloc[:, 0], np.ravel(a["egt"]))
            assert np.allclose(agg.table.estimate, np.ravel(a["att_egt"]), atol=1e-10)
            assert np.allclose(agg.table.se, np.ravel(a["se_egt"]), atol=1e-10)


def test_outcome_regression_with_covariate_matches_csdid_reg():
    p = _panel(seed=6)
    rng = np.random.default_rng(1)
    p["x"] = rng.normal(size=len(p))
    p["y"] = p.y + 0.8 * p.x
    ours = att_gt(p, "y", unit="region", time="year", group="first_year", covariates=["x"])
    ref = _csdid(p, "nevertreated", method="reg", xformla="~ x")
    assert np.allclose(ours.table.att, ref.results["att"], atol=1e-8)
    assert np.allclose(ours.table.se, ref.results["se"], atol=1e-8)


def test_recovers_known_dynamic_effects():
    p = simulate_panel(n_units=60, n_periods=12, cohorts={i: 4 + i % 3 * 2 for i in range(30)},
                       dynamic=lambda e: 1 + 0.5 * e, seed=9)
    r = att_gt(p, "y", unit="region", time="year", group="first_year")
    dyn = aggregate_att_gt(r, "dynamic").table.set_index("rel_time")
    for e in (0, 1, 2, 3):
        assert abs(dyn.loc[e, "estimate"] - (1 + 0.5 * e)) < 3.5 * dyn.loc[e, "se"], e
    for e in (-3, -2, -1):
        assert abs(dyn.loc[e, "estimate"]) < 3.5 * dyn.loc[e, "se"], e
    assert "pretrends_rejected" not in r.warnings and r.pretrend_df > 0


def test_pretrend_rejected_when_treated_diverge_before_treatment():
    p = _panel(seed=2)
    treated = p.first_year > 0
    p.loc[treated, "y"] += 0.8 * (p.year - 2000)[treated]  # treated grow faster all along
    r = att_gt(p, "y", unit="region", time="year", group="first_year")
    assert r.pretrend_p_value < 0.01 and "pretrends_rejected" in r.warnings


def test_single_unit_cohort_and_few_treated_are_flagged_and_incomplete_units_dropped():
    p = simulate_panel(n_units=12, n_periods=8, cohorts={0: 3, 1: 5, 2: 5}, seed=1)
    p = p.drop(index=p.index[(p.region == "R11") & (p.year == 2004)])
    r = att_gt(p, "y", unit="region", time="year", group="first_year")
    assert {"single_treated_unit", "few_treated_clusters", "dropped_incomplete_units"} <= set(r.warnings)
    assert r.n_units == 11


def test_group_must_be_constant_within_unit():
    p = _panel()
    p.loc[3, "first_year"] = 2009
    with pytest.raises(PanelInputError, match="constant within 'region'"):
        att_gt(p, "y", unit="region", time="year", group="first_year")
