"""Event study: leads/lags against pyfixest, known dynamic effects, pre-trend test."""

import numpy as np
import pytest

from analysis.programmes import event_study
from test_programmes_sim import simulate_panel


def _staggered(seed=0, trend=0.0):
    cohorts = {i: (8 if i < 4 else 12 if i < 8 else 15) for i in range(11)}
    p = simulate_panel(n_units=20, n_periods=20, cohorts=cohorts, dynamic=lambda e: 0.5 + 0.25 * e, seed=seed)
    # a pre-trend in treated units, growing towards treatment, when trend != 0
    treated = p.first_year > 0
    p.loc[treated, "y"] += trend * np.minimum(p.year - p.first_year, 0)[treated]
    return p


def test_matches_pyfixest_coefficients_and_cluster_se():
    import pyfixest as pf

    p = _staggered(seed=1)
    es = event_study(p, "y", unit="region", time="year", group="first_year", window=(-4, 4))
    rel = np.where(p.first_year > 0, np.clip(p.year - p.first_year, -4, 4), -99)
    q = p.assign(rel=rel)
    # never-treated rows get rel = -99, a unit-level constant absorbed by the unit effects
    fit = pf.feols("y ~ i(rel, ref=-1) | region + year", data=q, vcov={"CRV1": "region"})
    coefs = fit.coef()
    ses = fit.se()
    ours = es.table.set_index("rel_time")
    checked = 0
    for name in coefs.index:
        e = int(float(name.split("::")[1].rstrip("]")))
        if e == -99:
            continue
        assert ours.loc[e, "estimate"] == pytest.approx(coefs[name], rel=1e-8, abs=1e-10)
        assert ours.loc[e, "se"] == pytest.approx(ses[name], rel=1e-6)
        checked += 1
    assert checked == 8


def test_recovers_dynamic_effects_and_passes_pretrend_test_when_parallel():
    p = _staggered(seed=2)
    es = event_study(p, "y", unit="region", time="year", group="first_year", window=(-4, 3))
    t = es.table.set_index("rel_time")
    assert t.loc[-1, "estimate"] == 0 and np.isnan(t.loc[-1, "se"])
    for e in (0, 1, 2):
        truth = 0.5 + 0.25 * e
        assert abs(t.loc[e, "estimate"] - truth) < 3.5 * t.loc[e, "se"]
    assert es.pretrend_df == (3, 19)
    assert "pretrends_rejected" not in es.warnings
    assert list(t.index) == list(range(-4, 4))
    assert t.n_treated_obs.sum() == (p.first_year > 0).sum()


def test_rejects_pretrends_when_they_exist():
    p = _staggered(seed=3, trend=0.6)
    es = event_study(p, "y", unit="region", time="year", group="first_year", window=(-4, 3))
    assert es.pretrend_p_value < 0.01
    assert "pretrends_rejected" in es.warnings


def test_window_must_contain_reference():
    p = _staggered()
    with pytest.raises(ValueError, match="reference"):
        event_study(p, "y", unit="region", time="year", group="first_year", window=(0, 3))
