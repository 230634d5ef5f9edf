"""Monte Carlo sensitivity: reproducibility, agreement with one-at-a-time builds, known-truth indices."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from analysis.index import Framework, Pillar, build_index, sensitivity
from analysis.index.framework import Uncertainty
from analysis.index.sensitivity import first_order_indices


def synthetic(n=12, seed=0):
    """A one-year panel with 3 pillars and 6 indicators (two with negative polarity)."""
    rng = np.random.default_rng(seed)
    cols = ["e1", "e2", "s1", "s2", "v1", "v2"]
    data = rng.lognormal(size=(n, 6))
    panel = pd.DataFrame(data, columns=cols).assign(region=[f"R{i:02d}" for i in range(n)], year=2020)
    fw = Framework("syn", (Pillar("econ", 1.0, ("e1", "e2"), (1.0, 1.0)),
                           Pillar("soc", 1.0, ("s1", "s2"), (1.0, 1.0)),
                           Pillar("env", 1.0, ("v1", "v2"), (1.0, 1.0))),
                   {"e1": 1, "e2": -1, "s1": 1, "s2": 1, "v1": -1, "v2": 1}, outlier_max_values=0)
    national = pd.DataFrame([data.mean(axis=0)], columns=cols, index=[2020])
    return panel, fw, national


def with_uncertainty(fw, **changes):
    return dataclasses.replace(fw, uncertainty=dataclasses.replace(fw.uncertainty, **changes))


def test_same_seed_same_draws_other_seed_other_draws():
    panel, fw, national = synthetic()
    a = sensitivity(panel, fw, national=national, draws=2000, seed=7)
    b = sensitivity(panel, fw, national=national, draws=2000, seed=7)
    c = sensitivity(panel, fw, national=national, draws=2000, seed=8)
    assert np.array_equal(a.draw_ranks, b.draw_ranks) and a.ranks.equals(b.ranks)
    assert a.first_order.equals(b.first_order) and a.choices.equals(b.choices)
    assert not np.array_equal(a.draw_ranks, c.draw_ranks)


def test_every_draw_equals_a_build_with_those_choices():
    panel, fw, national = synthetic()
    res = sensitivity(panel, fw, national=national, draws=40, seed=3)
    pca = build_index(panel, fw.with_method(weighting="pca"), national=national).weights
    checked = set()
    for d in range(40):
        ch = res.choices.iloc[d]
        dropped = ch["dropped_indicator"]
        pillars = []
        for p in fw.pillars:
            if ch["weighting"] == "pca":  # the PCA scheme, declared as explicit weights
                base_p, base_i = pca.loc[p.indicators[0], "pillar_weight"], pca.loc[list(p.indicators), "within_weight"]
            else:
                base_p, base_i = p.weight, p.indicator_weights
            weights = tuple(0.0 if i == dropped else float(w) for i, w in zip(p.indicators, base_i))
            pillars.append(Pillar(p.id, float(base_p) * ch[f"weight_{p.id}"], p.indicators, weights))
        one = dataclasses.replace(fw, pillars=tuple(pillars)).with_method(
            normalisation=ch["normalisation"], aggregation=ch["aggregation"], weighting="equal")
        ranks = build_index(panel, one, national=national).table["rank"]
        assert [ranks[r] for r in res.regions] == res.draw_ranks[d].tolist()
        checked.add((ch["normalisation"], ch["aggregation"], ch["weighting"]))
    assert len(checked) >= 8  # most of the 12 method combinations were exercised


def test_no_uncertainty_gives_the_nominal_rank_with_a_zero_width_interval():
    panel, fw, national = synthetic()
    fixed = with_uncertainty(fw, normalisations=("zscore",), weightings=("pca",), aggregations=("geometric",),
                             weight_perturbation=0.0, drop_one_indicator=False)
    fixed = fixed.with_method(normalisation="zscore", weighting="pca", aggregation="geometric")
    res = sensitivity(panel, fixed, national=national, draws=50)
    nominal = build_index(panel, fixed, national=national).table["rank"]
    assert (res.ranks["low"] == res.ranks["high"]).all()
    assert (res.ranks["median"] == nominal[res.ranks.index]).all()
    assert (res.ranks["nominal"] == nominal[res.ranks.index]).all()
    assert res.first_order.empty or (res.first_order.columns.size == 0)


def test_when_only_normalisation_varies_it_explains_all_rank_variance():
    panel, fw, national = synthetic()
    only_norm = with_uncertainty(fw, normalisations=("minmax", "zscore", "distance_to_national"),
                                 weightings=("equal",), aggregations=("arithmetic",),
                                 weight_perturbation=0.0, drop_one_indicator=False)
    res = sensitivity(panel, only_norm, national=national, draws=3000, seed=1)
    assert list(res.first_order.columns) == ["normalisation"]
    moving = res.ranks.index[res.ranks["low"] < res.ranks["high"]]
    assert len(moving) > 0  # the three normalisations do reorder some regions
    assert np.allclose(res.first_order.loc[list(moving), "normalisation"], 1.0)


def test_first_order_index_of_an_additive_model_matches_the_analytic_value():
    # Y = a + 2 b with a, b independent fair coins: Var = 1/4 + 1 -> S_a = 0.2, S_b = 0.8
    rng = np.random.default_rng(0)
    a, b = rng.integers(2, size=200_000), rng.integers(2, size=200_000)
    y = (a + 2 * b)[:, None].astype(float)
    s = first_order_indices(y, {"a": a, "b": b})
    assert s.loc["all", "a"] == pytest.approx(0.2, abs=0.01) and s.loc["all", "b"] == pytest.approx(0.8, abs=0.01)


def test_a_dominant_region_is_always_first_and_intervals_are_ordered():
    panel, fw, national = synthetic()
    cols = ["e1", "e2", "s1", "s2", "v1", "v2"]
    best = {c: (panel[c].max() * 2 if fw.polarity[c] > 0 else panel[c].min() / 2) for c in cols}
    panel.loc[0, cols] = [best[c] for c in cols]
    res = sensitivity(panel, fw, national=national, draws=1000)
    assert res.ranks.loc["R00"].tolist() == [1, 1, 1, 1]
    assert (res.ranks["low"] <= res.ranks["median"]).all() and (res.ranks["median"] <= res.ranks["high"]).all()
    # every draw is a permutation of 1..n
    assert (np.sort(res.draw_ranks, axis=1) == np.arange(1, 13)).all()


def test_dropping_never_removes_a_whole_pillar():
    panel, fw, national = synthetic()
    one = dataclasses.replace(fw, pillars=(*fw.pillars[:2], Pillar("env", 1.0, ("v1",), (1.0,))))
    res = sensitivity(panel.drop(columns="v2"), one, national=national.drop(columns="v2"), draws=500)
    assert "v1" not in set(res.choices["dropped_indicator"])
    assert set(res.choices["dropped_indicator"]) == {"", "e1", "e2", "s1", "s2"}


def test_missing_national_reference_is_warned_not_silent():
    panel, fw, national = synthetic()
    assert sensitivity(panel, fw, national=national, draws=200).warnings == ()
    assert sensitivity(panel, fw, draws=200).warnings == ("reference_regional_mean",)


def test_bad_draws_rejected():
    panel, fw, national = synthetic()
    with pytest.raises(ValueError, match="draws"):
        sensitivity(panel, fw, national=national, draws=0)
