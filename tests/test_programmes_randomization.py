"""Randomization inference: exact enumeration, agreement with refitting, size under the null."""

import math

import numpy as np
import pytest

from analysis.programmes import did, randomization_inference
from analysis.programmes.randomization import _all_assignments
from test_programmes_sim import simulate_panel


def test_enumeration_lists_every_distinct_assignment_once():
    values = np.array([0, 0, 0, 2005, 2005, 2008, 0])
    rows = _all_assignments(values)
    assert len(rows) == math.factorial(7) // (math.factorial(4) * math.factorial(2))
    assert len({tuple(r) for r in rows}) == len(rows)
    assert all(sorted(r) == sorted(values) for r in rows)


def test_exact_p_value_equals_refitting_did_for_every_assignment():
    p = simulate_panel(n_units=8, n_periods=6, n_treated=2, start=3, effect=1.5, seed=3)
    r = randomization_inference(p, "y", unit="region", time="year", group="first_year")
    assert r.exact and r.n_permutations == math.comb(8, 2)
    units = sorted(p.region.unique())
    stats = []
    for pair in __import__("itertools").combinations(units, 2):
        q = p.assign(d=((p.region.isin(pair)) & (p.year >= 2003)).astype(int))
        stats.append(did(q, "y", unit="region", time="year", treated="d", bootstrap=False).estimate)
    stats = np.array(stats)
    observed = did(p, "y", unit="region", time="year", treated="d", bootstrap=False).estimate
    assert r.statistic == pytest.approx(observed, rel=1e-10)
    assert np.allclose(np.sort(r.null_distribution), np.sort(stats))
    assert r.p_value == pytest.approx(np.mean(np.abs(stats) >= abs(observed) - 1e-12))


def test_monte_carlo_when_too_many_assignments_and_callable_statistic_agrees():
    p = simulate_panel(n_units=20, n_periods=8, cohorts={0: 3, 1: 3, 2: 5, 3: 5, 4: 6}, effect=2.0, seed=5)
    r = randomization_inference(p, "y", unit="region", time="year", group="first_year", n_permutations=300, seed=1)
    assert not r.exact and r.n_permutations == 300 and r.permuted == "units_and_timing"
    assert r.p_value == pytest.approx((1 + np.sum(np.abs(r.null_distribution) >= abs(r.statistic))) / 301)

    def twfe(frame):
        d = ((frame.first_year > 0) & (frame.year >= frame.first_year)).astype(int)
        return did(frame.assign(d=d), "y", unit="region", time="year", treated="d", bootstrap=False).estimate

    slow = randomization_inference(p, "y", unit="region", time="year", group="first_year",
                                   statistic=twfe, n_permutations=40, seed=1)
    fast = randomization_inference(p, "y", unit="region", time="year", group="first_year", n_permutations=40, seed=1)
    assert np.allclose(slow.null_distribution, fast.null_distribution)


def test_size_under_the_null_is_at_most_nominal():
    rejections = 0
    for rep in range(60):
        p = simulate_panel(n_units=10, n_periods=6, n_treated=2, start=3, effect=0.0, seed=200 + rep)
        rejections += randomization_inference(p, "y", unit="region", time="year", group="first_year").p_value <= 0.1
    # exact test: rejection rate <= 0.1 in expectation; 60 reps, sd 0.039
    assert rejections / 60 <= 0.1 + 2.5 * 0.039


def test_power_with_a_large_effect():
    p = simulate_panel(n_units=12, n_periods=8, n_treated=3, start=4, effect=4.0, seed=1)
    r = randomization_inference(p, "y", unit="region", time="year", group="first_year")
    assert r.exact and r.p_value <= 1 / math.comb(12, 3) + 1e-12
    assert "few_treated_clusters" in r.warnings
