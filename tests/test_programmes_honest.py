"""Rambachan-Roth bounds: known truths (closed forms of the two restrictions) and a simulated
event study with a linear violation of parallel trends."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.programmes.honest import breakdown_value, event_study_bounds, honest_bounds


def test_smoothness_zero_extrapolates_a_linear_pre_trend_exactly():
    slope, effect = 0.07, np.array([0.3, 0.5, 0.4])
    pre = slope * np.arange(-4, 0)  # delta_t = slope * t, delta_0 = 0
    post = effect + slope * np.arange(1, 4)
    for k in range(3):
        l = np.eye(3)[k]
        lo, hi = honest_bounds(pre, post, 0.0, "smoothness", l)
        assert lo == pytest.approx(effect[k]) and hi == pytest.approx(effect[k])
    # a plain difference-in-differences would be biased by the trend
    assert post[2] - effect[2] == pytest.approx(3 * slope)


def test_smoothness_set_widens_with_m_by_the_known_amount():
    # With M, the bias in post period t can bend by up to M per period: |x_t - t*slope| <= M t(t+1)/2
    pre, post = [-0.2, -0.1], [0.5, 0.6, 0.7]
    for m in (0.01, 0.05):
        for t in (1, 2, 3):
            lo, hi = honest_bounds(pre, post, m, "smoothness", np.eye(3)[t - 1])
            centre = post[t - 1] - 0.1 * t
            assert lo == pytest.approx(centre - m * t * (t + 1) / 2)
            assert hi == pytest.approx(centre + m * t * (t + 1) / 2)


def test_relative_magnitudes_closed_form():
    pre = [0.05, -0.02, 0.04]  # path 0.05, -0.02, 0.04, 0: largest change 0.07
    post = [0.3, 0.2]
    big = 0.07
    for mbar in (0.5, 1.0, 2.0):
        lo, hi = honest_bounds(pre, post, mbar)
        assert (lo, hi) == pytest.approx((0.3 - mbar * big, 0.3 + mbar * big))
        lo, hi = honest_bounds(pre, post, mbar, weights=[0.5, 0.5])  # mean bias within 1.5 B
        assert (lo, hi) == pytest.approx((0.25 - 1.5 * mbar * big, 0.25 + 1.5 * mbar * big))
    assert breakdown_value(pre, post) == pytest.approx(0.3 / big, abs=1e-5)


def test_event_study_table_mapping_and_bad_arguments():
    t = pd.DataFrame({"rel_time": [-5, -4, -3, -2, -1, 0, 1, 2, 3],
                      "estimate": [9.0, -0.3, -0.2, -0.1, 0.0, 0.5, 0.6, 0.7, 9.0]})
    out = event_study_bounds(t, [0.0, 0.1], "smoothness", window=(-5, 3), weights="average")
    assert out.loc[0, "lower"] == pytest.approx(np.mean([0.5, 0.6, 0.7]) - 0.2)  # trend 0.1 per period
    assert (out["upper"] - out["lower"]).is_monotonic_increasing
    with pytest.raises(ValueError, match="m="):
        honest_bounds([0.1], [0.2], -1.0)
    with pytest.raises(ValueError, match="restriction"):
        honest_bounds([0.1], [0.2], 1.0, "wiggles")


# honestdid (requirements-crosscheck.txt) gives confidence sets, which shrink to the identified set as
# the covariance of the coefficients goes to zero: with a negligible one, its accepted grid must span
# our bounds to within one grid step. What honestdid 0.1.1 can compute under numpy 2 limits the
# cases: its smoothness sets, and its relative-magnitudes sets whenever its test takes the dual
# route (other weights, other pre-period counts here), stop on a 1 x 1 array passed to float(); so
# relative magnitudes for the first post-period effect with three pre-periods, and smoothness is
# checked against its closed forms above.
@pytest.mark.parametrize("pre, post", [([0.05, -0.02, 0.04], [0.3, 0.2, 0.25]),
                                       ([0.02, 0.03, -0.04], [-0.1, 0.05, 0.0, 0.1])])
@pytest.mark.parametrize("mbar", [0.5, 2.0])
def test_relative_magnitudes_match_honestdid_as_the_noise_vanishes(pre, post, mbar):
    honestdid = pytest.importorskip("honestdid", reason="honestdid needs the CPU build of torch "
                                    "(Makefile TORCH_WHEELS), not on this machine")
    first = np.eye(len(post))[0]
    lo, hi = honest_bounds(pre, post, mbar, weights=first)
    assert hi - lo > 0.05  # a set, not a point: both ends are checked
    grid_lb, grid_ub, points = lo - 0.2, hi + 0.2, 201
    step = (grid_ub - grid_lb) / (points - 1)
    cs = honestdid.computeConditionalCS_DeltaRM(np.array(pre + post), 1e-10 * np.eye(len(pre) + len(post)),
                                                len(pre), len(post), l_vec=first, Mbar=mbar, gridPoints=points,
                                                grid_lb=grid_lb, grid_ub=grid_ub)
    accepted = cs.loc[cs["accept"] == 1, "grid"]
    assert accepted.min() == pytest.approx(lo, abs=1.01 * step)
    assert accepted.max() == pytest.approx(hi, abs=1.01 * step)
