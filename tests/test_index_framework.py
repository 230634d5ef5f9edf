"""Framework file, input checks, the missing-data rule and the index over time."""

import numpy as np
import pandas as pd
import pytest

from analysis.index import (Framework, FrameworkError, IndexInputError, Pillar, build_index, covered_years,
                            index_over_time, load_framework)
from analysis.index.framework import polarity_from_indicators

# The framework rebuilt in 2026-12 (data/index.yml explains each choice); PREVIOUS is the one it replaced.
SHIPPED = ("grp_per_capita_rel", "investment_per_capita", "income_per_capita_nominal_monthly", "unemployment_rate",
           "life_expectancy_at_birth", "doctors_per_10k", "emissions_per_capita")
PREVIOUS = ("grp_per_capita_rel", "income_per_capita_nominal_monthly", "unemployment_rate",
            "life_expectancy_at_birth", "doctors_per_10k", "emissions_per_capita", "emissions_per_grp",
            "env_expenditure_per_capita")
SHIPPED_POLARITY = {i: (-1 if i in ("unemployment_rate", "emissions_per_capita", "emissions_per_grp") else 1)
                    for i in SHIPPED + PREVIOUS}

GOOD = """
name: t
focus_regions: [B]
pillars:
  - id: p
    indicators: [x, {id: y, weight: 2}]
  - id: q
    weight: 2
    indicators: [z]
method: {normalisation: zscore, aggregation: geometric}
selection:
  select_by: both
  rules:
    - {id: low, kind: index_below, threshold: -1}
    - {id: b2, kind: bottom_k, k: 2}
    - {id: both, kind: all_of, rules: [low, b2]}
"""


def write(tmp_path, text):
    path = tmp_path / "index.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_framework_declares_the_three_pillars():
    fw = load_framework(polarity=SHIPPED_POLARITY)
    assert [p.id for p in fw.pillars] == ["economic", "social", "environmental"]
    assert fw.indicators == SHIPPED
    assert fw.focus_regions == ("KZ-43",) and fw.select_by in {r.id for r in fw.rules}
    # one selection rule, on the page's 0-1 scale; robustness at four in five variants
    rule = {r.id: r for r in fw.rules}[fw.select_by]
    assert (rule.kind, rule.share, fw.min_share_of_draws) == ("below_mean_share", 0.75, 0.8)
    assert fw.previous().indicators == PREVIOUS and fw.previous().previous() is None


def test_a_stated_polarity_must_agree_with_the_metadata(tmp_path):
    text = GOOD.replace("{id: y, weight: 2}", "{id: y, weight: 2, polarity: +1}")
    assert load_framework(write(tmp_path, text), polarity={"x": 1, "y": 1, "z": 1}).polarity["y"] == 1
    with pytest.raises(FrameworkError, match=r"pillars\[0\]\.indicators\[1\]\.polarity = 1: expected -1"):
        load_framework(write(tmp_path, text), polarity={"x": 1, "y": -1, "z": 1})


def test_the_previous_framework_is_read_with_its_own_polarity(tmp_path):
    text = GOOD + "previous:\n  until_edition: 2023\n  pillars:\n    - id: p\n      indicators: [x, w]\n"
    fw = load_framework(write(tmp_path, text), polarity={"x": 1, "y": 1, "z": 1, "w": -1})
    old = fw.previous()
    assert old.indicators == ("x", "w") and old.polarity == {"x": 1, "w": -1} and fw.previous_until == 2023
    assert old.method == fw.method and old.rules == fw.rules
    # without a polarity for a previous indicator there is no previous framework (never a guessed one)
    assert load_framework(write(tmp_path, text), polarity={"x": 1, "y": 1, "z": 1}).previous() is None


def test_below_mean_share_rule_is_read_and_checked(tmp_path):
    text = GOOD.replace("- {id: b2, kind: bottom_k, k: 2}", "- {id: b2, kind: below_mean_share, share: 0.75}")
    fw = load_framework(write(tmp_path, text), polarity={"x": 1, "y": 1, "z": 1})
    assert fw.rules[1].kind == "below_mean_share" and fw.rules[1].share == 0.75
    with pytest.raises(FrameworkError, match=r"selection.rules\[1\].share = 1.5"):
        load_framework(write(tmp_path, text.replace("share: 0.75", "share: 1.5")), polarity={"x": 1, "y": 1, "z": 1})


def test_a_small_file_is_read_with_its_choices(tmp_path):
    fw = load_framework(write(tmp_path, GOOD), polarity={"x": 1, "y": "-1", "z": "negative"})
    assert fw.pillars[0] == Pillar("p", 1.0, ("x", "y"), (1.0, 2.0))
    assert fw.pillars[1].weight == 2.0 and fw.polarity == {"x": 1, "y": -1, "z": -1}
    assert fw.method.normalisation == "zscore" and fw.method.aggregation == "geometric"
    assert fw.rules[2].rules == ("low", "b2") and fw.select_by == "both"


@pytest.mark.parametrize("bad, where", [
    (GOOD.replace("normalisation: zscore", "normalisation: rank"), "method.normalisation"),
    (GOOD.replace("weight: 2\n    indicators: [z]", "weight: -1\n    indicators: [z]"), "pillars[1].weight"),
    (GOOD.replace("indicators: [z]", "indicators: [x]"), "pillars[1].indicators[0].id"),
    (GOOD.replace("rules: [low, b2]", "rules: [low, nope]"), "selection.rules[2].rules[1]"),
    (GOOD.replace("k: 2", "k: 0"), "selection.rules[1].k"),
    (GOOD.replace("select_by: both", "select_by: all"), "selection.select_by"),
    ("pillars: [oops", "line"),
])
def test_bad_files_name_the_file_and_key(tmp_path, bad, where):
    with pytest.raises(FrameworkError) as err:
        load_framework(write(tmp_path, bad), polarity={"x": 1, "y": 1, "z": 1})
    assert str(err.value).startswith("index.yml: " + where)
    assert "expected" in str(err.value)


def test_missing_polarity_is_an_error(tmp_path):
    with pytest.raises(FrameworkError, match="polarity"):
        load_framework(write(tmp_path, GOOD), polarity={"x": 1})
    with pytest.raises(FrameworkError, match="expected \\+1"):
        load_framework(write(tmp_path, GOOD), polarity={"x": 1, "y": 1, "z": "neutral"})


def test_polarity_table_errors_name_the_row():
    table = pd.DataFrame({"id": ["x", "y"], "polarity": ["positive", "sideways"]})
    assert polarity_from_indicators(table, ("x",)) == {"x": 1}
    with pytest.raises(FrameworkError, match="row 3, column polarity"):
        polarity_from_indicators(table, ("x", "y"))
    with pytest.raises(FrameworkError, match="'z'"):
        polarity_from_indicators(table, ("z",))


# --- inputs, missing data, coverage ---------------------------------------------

def small():
    fw = Framework("s", (Pillar("p", 1.0, ("x", "y"), (1.0, 1.0)), Pillar("q", 1.0, ("z",), (1.0,))),
                   {"x": 1, "y": 1, "z": 1}, carry_forward_years=1, min_indicator_coverage=0.5,
                   outlier_max_values=0)
    rows = []
    for year in (2019, 2020, 2021):
        for k, r in enumerate("ABCD"):
            rows.append((r, year, 1.0 + k + year % 10, 2.0 * k, 10.0 - k))
    panel = pd.DataFrame(rows, columns=["region", "year", "x", "y", "z"])
    return fw, panel


def test_carry_forward_is_flagged_with_its_source_year():
    fw, panel = small()
    panel.loc[(panel.region == "B") & (panel.year == 2021), "x"] = np.nan
    res = build_index(panel, fw, 2021)
    flags = res.flags.set_index(["region", "indicator"])
    assert flags.loc[("B", "x"), "flag"] == "carried_forward" and flags.loc[("B", "x"), "source_year"] == 2020
    assert res.values.loc["B", "x"] == panel.query("region == 'B' and year == 2020")["x"].item()
    assert np.isnan(res.raw.loc["B", "x"])


def test_beyond_the_carry_window_the_pillar_is_reweighted_and_flagged():
    fw, panel = small()
    panel.loc[(panel.region == "B") & (panel.year >= 2020), "x"] = np.nan
    res = build_index(panel, fw, 2021)
    row = res.flags[(res.flags.region == "B")]
    assert row["flag"].tolist() == ["pillar_reweighted"]
    assert res.table.loc["B", "p"] == pytest.approx(res.scores.loc["B", "y"])


def test_a_region_without_a_pillar_is_excluded_and_flagged():
    fw, panel = small()
    panel.loc[(panel.region == "C"), "z"] = np.nan
    res = build_index(panel, fw, 2021)
    assert res.excluded == ("C",) and "C" not in res.table.index
    assert ("C", "q", "excluded_pillar_missing") in set(zip(res.flags.region, res.flags.indicator, res.flags.flag))


def test_uncovered_year_and_bad_columns_are_clear_errors():
    fw, panel = small()
    panel.loc[panel.year == 2019, ["x", "y"]] = np.nan
    assert covered_years(panel, fw) == [2020, 2021]
    with pytest.raises(IndexInputError, match="year 2019 .*covered years: 2020, 2021"):
        build_index(panel, fw, 2019)
    with pytest.raises(IndexInputError, match="column 'z' is missing"):
        build_index(panel.drop(columns="z"), fw)
    text = panel.astype({"y": object})
    text.loc[5, "y"] = "n/a"
    with pytest.raises(IndexInputError, match="row 5, column 'y'.*'n/a'.*expected a number"):
        build_index(text, fw)
    dup = pd.concat([panel, panel.iloc[[4]]])  # row 4 is region A in 2020
    with pytest.raises(IndexInputError, match="'A' appears twice in year 2020"):
        build_index(dup, fw, 2020)


def test_default_year_is_the_latest_covered():
    fw, panel = small()
    panel.loc[panel.year == 2021, "z"] = np.nan
    assert build_index(panel, fw).year == 2020


# --- over time -------------------------------------------------------------------

def test_rank_changes_against_previous_and_base_year():
    fw = Framework("t", (Pillar("p", 1.0, ("x",), (1.0,)),), {"x": 1}, outlier_max_values=0)
    order = {2018: "ABCD", 2019: "BACD", 2020: "DCBA"}  # best first
    rows = [(r, y, 10.0 - k) for y, regs in order.items() for k, r in enumerate(regs)]
    panel = pd.DataFrame(rows, columns=["region", "year", "x"])
    t = index_over_time(panel, fw).table.set_index(["region", "year"])
    assert t.loc[("A", 2019), "rank_change_previous"] == -1 and t.loc[("B", 2019), "rank_change_previous"] == 1
    assert t.loc[("D", 2020), "rank_change_previous"] == 3 and t.loc[("D", 2020), "rank_change_base"] == 3
    assert t.loc[("A", 2020), "rank_change_base"] == -3
    assert pd.isna(t.loc[("A", 2018), "rank_change_previous"])
    later = index_over_time(panel, fw, years=[2019, 2020], base_year=2019)
    assert later.years == (2019, 2020) and later.warnings == ()


def test_a_new_region_warns_that_the_unit_set_changed():
    fw = Framework("t", (Pillar("p", 1.0, ("x",), (1.0,)),), {"x": 1}, outlier_max_values=0)
    panel = pd.DataFrame({"region": ["A", "B", "A", "B", "C"], "year": [1, 1, 2, 2, 2],
                          "x": [1.0, 2.0, 1.0, 2.0, 3.0]})
    res = index_over_time(panel, fw)
    assert res.warnings == ("unit_set_changed",)
    c = res.table.set_index(["region", "year"])
    assert pd.isna(c.loc[("C", 2), "rank_change_previous"]) and c.loc[("A", 2), "rank_change_previous"] == -1
    with pytest.raises(IndexInputError, match="not covered"):
        index_over_time(panel, fw, years=[3])


def test_polarity_is_read_from_the_data_folder_of_the_framework_file(tmp_path):
    (tmp_path / "indicators.csv").write_text("id,polarity\nx,positive\ny,negative\nz,positive\n", encoding="utf-8")
    from unittest import mock

    table = pd.read_csv(tmp_path / "indicators.csv")
    with mock.patch("analysis.data.load_indicators", return_value=table) as loader:
        fw = load_framework(write(tmp_path, GOOD))
    assert loader.call_args.args[0] == tmp_path
    assert fw.polarity == {"x": 1, "y": -1, "z": 1}
