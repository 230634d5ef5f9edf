"""The 75 % headline: population share of regions below 75 % of national GRP per capita."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.data import load_national, load_panel
from analysis.index import share_below_threshold


def test_known_shares_on_a_toy_panel():
    p = pd.DataFrame({"region": list("ABCD") * 2, "year": [1] * 4 + [2] * 4,
                      "y": [1.0, 2.0, 3.0, 10.0, 1.0, 1.0, 1.0, np.nan],
                      "pop": [10.0, 20.0, 30.0, 40.0, 1.0, 1.0, 1.0, 1.0]})
    out = share_below_threshold(p, "y", "pop", national=pd.Series({1: 4.0, 2: 1.0}))
    # threshold 3.0: A and B below (30 of 100 persons); year 2 has a missing region: left out
    assert out.index.tolist() == [1]
    assert out.loc[1, "share"] == pytest.approx(0.3) and out.loc[1, "regions_below"] == "A; B"
    # a region exactly at the threshold is not below it
    out = share_below_threshold(p, "y", "pop", threshold=0.75, national=pd.Series({1: 4.0}))
    assert "C" not in out.loc[1, "regions_below"]
    with pytest.raises(ValueError):
        share_below_threshold(p, "y", "pop", threshold=0)


def test_kazakhstan_default_reference_equals_national_figure():
    panel = load_panel("stable")
    national = load_national()["grp_per_capita"]
    own = share_below_threshold(panel, "grp_per_capita", "population_avg")
    ref = share_below_threshold(panel, "grp_per_capita", "population_avg", national=national)
    common = own.index.intersection(ref.index)
    assert len(common) >= 20 and 2025 in common
    # the regions cover the country: the population-weighted mean is the national figure
    assert np.allclose(own.loc[common, "national"], ref.loc[common, "national"], rtol=2e-3)
    assert (ref["share"].between(0, 1)).all()
