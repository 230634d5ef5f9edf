"""β on real growth: the library's β on the chain-linked column equals OLS of the growth implied
by BNS's volume index (minus population growth) on the log initial real level."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.convergence import beta
from analysis.data import load_panel


def test_real_beta_is_volume_index_growth_net_of_population_on_the_initial_level():
    panel = load_panel("stable")
    start, end = 2007, 2014
    p = panel.set_index(["region", "year"]).sort_index()
    units = p.index.get_level_values("region").unique()
    y0 = np.array([p.loc[(u, start), "grp_per_capita_real"] for u in units])
    # real GRP growth from the index alone; per capita: minus the growth of average population
    g = np.array([np.log(p.loc[(u, slice(start + 1, end)), "grp_volume_index"] / 100).sum() for u in units])
    pop = np.array([np.log(p.loc[(u, end), "population_avg"] / p.loc[(u, start), "population_avg"]) for u in units])
    growth = (g - pop) / (end - start)
    X = np.column_stack([np.ones(len(units)), np.log(y0)])
    coef = np.linalg.lstsq(X, growth, rcond=None)[0]
    result = beta(panel, "grp_per_capita_real", start, end)
    assert result.n == len(units) == 16
    assert result.beta == pytest.approx(coef[1], rel=1e-9)


def test_real_and_nominal_beta_differ_and_real_growth_is_smaller():
    panel = load_panel("stable")
    real = beta(panel, "grp_per_capita_real", 2014, 2025)
    nominal = beta(panel, "grp_per_capita", 2014, 2025)
    assert real.beta != pytest.approx(nominal.beta, rel=0.05)
    p = panel.set_index(["region", "year"])
    real_growth = np.log(p.xs(2025, level="year")["grp_per_capita_real"] / p.xs(2014, level="year")["grp_per_capita_real"])
    nominal_growth = np.log(p.xs(2025, level="year")["grp_per_capita"] / p.xs(2014, level="year")["grp_per_capita"])
    assert (real_growth < nominal_growth).all()
