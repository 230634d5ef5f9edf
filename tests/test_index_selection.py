"""Selection rules on constructed data with a known answer."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from analysis.index import Framework, IndexInputError, Pillar, Rule, build_index, select_regions, sensitivity


def one_indicator(values, national=None, extra=None):
    """Composite = min-max of x, so composite z-scores and ranks are known by hand."""
    regions = [f"R{i}" for i in range(len(values))]
    cols = {"x": values, **(extra or {})}
    panel = pd.DataFrame({"region": regions, "year": 2020, **cols})
    fw = Framework("sel", (Pillar("p", 1.0, ("x",), (1.0,)),), {"x": 1}, outlier_max_values=0)
    if extra:
        fw = Framework("sel", (Pillar("p", 1.0, ("x",), (1.0,)), Pillar("q", 0.0, tuple(extra), (1.0,) * len(extra))),
                       {"x": 1, **{k: 1 for k in extra}}, outlier_max_values=0)
    nat = None if national is None else pd.DataFrame({k: [v] for k, v in national.items()}, index=[2020])
    return panel, fw, nat


def test_index_below_uses_the_z_score_of_the_composite():
    values = [1.0, 2.0, 3.0, 4.0, 10.0]
    panel, fw, _ = one_indicator(values)
    res = build_index(panel, fw)
    z = (np.array(values) - np.mean(values)) / np.std(values, ddof=1)  # min-max keeps z-scores
    assert np.allclose(res.table.loc[[f"R{i}" for i in range(5)], "composite_z"], z)
    sel = select_regions(res, [Rule("low", "index_below", threshold=-0.3)])
    assert set(sel.selected) == {f"R{i}" for i in range(5) if z[i] < -0.3} == {"R0", "R1"}  # z(R2) = -0.28


def test_bottom_k_selects_exactly_k_lowest():
    panel, fw, _ = one_indicator([5.0, 1.0, 4.0, 2.0, 3.0])
    sel = select_regions(build_index(panel, fw), [{"id": "b2", "kind": "bottom_k", "k": 2}])
    assert set(sel.selected) == {"R1", "R3"}


def test_eu_cohesion_rule_uses_published_values_against_national():
    # gdp relative to a national value of 200: R0 = 0.5, R1 = 0.74, R2 = 0.75 (not below), R3 = 1.5
    panel, fw, nat = one_indicator([1.0, 2.0, 3.0, 4.0], national={"x": 1.0, "gdp": 200.0},
                                   extra={"gdp": [100.0, 148.0, 150.0, 300.0]})
    res = build_index(panel, fw, national=nat)
    sel = select_regions(res, [Rule("eu", "below_national_share", indicator="gdp", share=0.75)])
    assert set(sel.selected) == {"R0", "R1"}
    assert sel.table.loc["R0", "rules_met"] == ("eu",) and sel.table.loc["R2", "rules_met"] == ()


def test_eu_rule_ignores_winsorisation():
    gdp = [100.0] * 14 + [140.0, 160.0, 5000.0]
    panel, fw, nat = one_indicator(list(range(1, 18)), national={"x": 1.0, "gdp": 200.0}, extra={"gdp": gdp})
    fw = dataclasses.replace(fw, outlier_max_values=3)
    res = build_index(panel, fw, national=nat)
    assert (res.flags["flag"] == "winsorised").any()
    sel = select_regions(res, [Rule("eu", "below_national_share", indicator="gdp", share=0.75)])
    assert set(sel.selected) == {f"R{i}" for i in range(15)}


def test_combinations_and_rules_met():
    panel, fw, nat = one_indicator([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], national={"x": 1.0, "gdp": 100.0},
                                   extra={"gdp": [50.0, 90.0, 60.0, 120.0, 70.0, 130.0]})
    rules = [Rule("b3", "bottom_k", k=3), Rule("eu", "below_national_share", indicator="gdp", share=0.75),
             Rule("both", "all_of", rules=("b3", "eu")), Rule("either", "any_of", rules=("b3", "eu"))]
    res = build_index(panel, fw, national=nat)
    both = select_regions(res, rules, select_by="both")
    either = select_regions(res, rules, select_by="either")
    assert set(both.selected) == {"R0", "R2"}
    assert set(either.selected) == {"R0", "R1", "R2", "R4"}
    assert either.table.loc["R1", "rules_met"] == ("b3",) and either.table.loc["R4", "rules_met"] == ("eu",)
    assert either.table.loc["R0", "rules_met"] == ("b3", "eu")
    assert select_regions(res, rules).select_by == "either"  # default: the last rule


def test_share_of_draws_and_holds():
    rng = np.random.default_rng(0)
    cols = ["a", "b"]
    x = rng.normal(size=(10, 2))
    x[0] = [-5, -5]            # always last
    x[1] = [5, 5]              # always first
    panel = pd.DataFrame(x, columns=cols).assign(region=[f"R{i}" for i in range(10)], year=2020)
    fw = Framework("d", (Pillar("p", 1.0, ("a",), (1.0,)), Pillar("q", 1.0, ("b",), (1.0,))),
                   {"a": 1, "b": 1}, outlier_max_values=0)
    nat = pd.DataFrame({"a": [1.0], "b": [1.0]}, index=[2020])
    res = build_index(panel, fw, national=nat)
    sens = sensitivity(panel, fw, national=nat, draws=500, seed=2)
    sel = select_regions(res, [Rule("b1", "bottom_k", k=1)], sensitivity=sens)
    assert sel.table.loc["R0", "share_of_draws"] == 1.0 and sel.table.loc["R1", "share_of_draws"] == 0.0
    expected = (sens.draw_ranks[:, list(sens.regions).index("R5")] == 10).mean()
    assert sel.table.loc["R5", "share_of_draws"] == pytest.approx(expected)
    assert sel.table["holds"].all() or sel.table["share_of_draws"].between(0.5, 1).any()
    assert sel.table.loc["R0", "holds"] and sel.table.loc["R1", "holds"]


def test_missing_national_value_is_a_clear_error():
    panel, fw, _ = one_indicator([1.0, 2.0, 3.0], extra={"gdp": [1.0, 2.0, 3.0]})
    res = build_index(panel, fw)
    with pytest.raises(IndexInputError, match="national value of 'gdp'"):
        select_regions(res, [Rule("eu", "below_national_share", indicator="gdp", share=0.75)])


def test_bad_rules_are_rejected_with_the_key():
    panel, fw, _ = one_indicator([1.0, 2.0, 3.0])
    res = build_index(panel, fw)
    with pytest.raises(ValueError, match=r"rules\[0\]\.kind"):
        select_regions(res, [{"id": "x", "kind": "top_k", "k": 1}])
    with pytest.raises(ValueError, match=r"rules\[1\]\.rules\[0\]"):
        select_regions(res, [{"id": "a", "kind": "bottom_k", "k": 1}, {"id": "c", "kind": "all_of", "rules": ["zz"]}])
    with pytest.raises(ValueError, match="select_by"):
        select_regions(res, [Rule("a", "bottom_k", k=1)], select_by="nope")


def test_mismatched_sensitivity_is_rejected():
    panel, fw, _ = one_indicator([1.0, 2.0, 3.0, 4.0])
    res = build_index(panel, fw)
    other = sensitivity(panel[panel.region != "R0"], fw, draws=10)
    with pytest.raises(ValueError, match="does not match"):
        select_regions(res, [Rule("a", "bottom_k", k=1)], sensitivity=other)


# --- below_mean_share: the rule stated on the page's 0-1 scale ------------------------------

def test_below_mean_share_on_min_max_scores_known_by_hand():
    # one indicator: composite = min-max of x = 0, 1/9, 2/9, 3/9, 1; mean 1/3; threshold 0.75 / 3 = 0.25
    panel, fw, _ = one_indicator([1.0, 2.0, 3.0, 4.0, 10.0])
    res = build_index(panel, fw)
    assert np.allclose(res.table.loc[[f"R{i}" for i in range(5)], "composite"], [0, 1 / 9, 2 / 9, 3 / 9, 1])
    sel = select_regions(res, [Rule("low", "below_mean_share", share=0.75)])
    assert set(sel.selected) == {"R0", "R1", "R2"}  # 2/9 = 0.222 < 0.25 <= 3/9
    sel = select_regions(res, [{"id": "low", "kind": "below_mean_share", "share": 0.5}])  # threshold 1/6
    assert set(sel.selected) == {"R0", "R1"}


def test_below_mean_share_counts_only_the_draws_on_the_headline_scale():
    panel, fw, _ = one_indicator([1.0, 2.0, 3.0, 4.0, 10.0])
    fw = dataclasses.replace(fw, uncertainty=dataclasses.replace(
        fw.uncertainty, normalisations=("minmax", "zscore"), aggregations=("arithmetic",)))
    res = build_index(panel, fw)
    sens = sensitivity(panel, fw, draws=400, seed=3)
    sel = select_regions(res, [Rule("low", "below_mean_share", share=0.75)], sensitivity=sens, min_share=0.8)
    minmax = int((sens.choices["normalisation"] == "minmax").sum())
    assert 0 < minmax < 400 and sel.draws_used == minmax and sel.draws_normalisation == "minmax"
    # every min-max draw of a one-indicator index is the headline itself: shares are 0 or 1, all decisions hold
    assert sel.table.loc[["R0", "R1", "R2"], "share_of_draws"].eq(1.0).all()
    assert sel.table.loc[["R3", "R4"], "share_of_draws"].eq(0.0).all() and sel.table["holds"].all()
    # a sensitivity result without the draws' composites cannot be used for this rule
    with pytest.raises(ValueError, match="below_mean_share"):
        select_regions(res, [Rule("low", "below_mean_share", share=0.75)],
                       sensitivity=dataclasses.replace(sens, draw_composite=None))
