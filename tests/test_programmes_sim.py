"""Simulated panels with a known treatment effect for the programme tests."""

import numpy as np
import pandas as pd


def simulate_panel(
    n_units=20, n_periods=25, effect=1.0, n_treated=6, start=15, seed=0, rho=0.5, first_year=2000,
    cohorts=None, dynamic=None,
):
    """Unit and year effects + AR(1) noise; `effect` added once treated.

    cohorts: optional {unit index: first treated period index} (staggered); by default
    units 0..n_treated-1 start at `start`. dynamic(e) -> effect at event time e overrides `effect`.
    Returns columns region, year, first_year (0 = never), d, y, y0 (untreated outcome).
    """
    rng = np.random.default_rng(seed)
    if cohorts is None:
        cohorts = {i: start for i in range(n_treated)}
    a = rng.normal(size=n_units)
    g = np.cumsum(rng.normal(scale=0.3, size=n_periods))
    rows = []
    for i in range(n_units):
        e = rng.normal() / np.sqrt(1 - rho**2)
        for t in range(n_periods):
            e = rho * e + rng.normal()
            s = cohorts.get(i)
            d = int(s is not None and t >= s)
            tau = 0.0
            if d:
                tau = dynamic(t - s) if dynamic is not None else effect
            y0 = a[i] + g[t] + e
            rows.append((f"R{i:02d}", first_year + t, 0 if s is None else first_year + s, d, y0 + tau, y0))
    return pd.DataFrame(rows, columns=["region", "year", "first_year", "d", "y", "y0"])


def test_simulator_adds_exactly_the_stated_effect():
    p = simulate_panel(effect=2.5, n_treated=3, start=4, n_periods=8, n_units=6)
    assert np.allclose((p.y - p.y0)[p.d == 1], 2.5)
    assert np.allclose((p.y - p.y0)[p.d == 0], 0.0)
    assert set(p.loc[p.d == 1, "region"]) == {"R00", "R01", "R02"}
    assert p.loc[p.d == 1, "year"].min() == 2004
