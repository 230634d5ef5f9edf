"""The region profile chapter (analysis.chapters.region) and its page (analysis.report.region_page).

Rules are tested on constructed inputs with known answers, then on the real 2023 edition.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from analysis.chapters import Edition
from analysis.chapters import region as R
from analysis.data import load_map_panel, load_national, load_programmes
from analysis.i18n import ngettext
from analysis.report import capture

# ------------------------------------------------------------------ rules on constructed inputs


def test_rank_by_polarity_puts_the_best_first():
    values = pd.Series({"a": 3.0, "b": 7.0, "c": 5.0, "d": np.nan, "e": 7.0})
    assert R.rank_by_polarity(values, "positive").to_dict() == {"a": 4, "b": 1, "c": 3, "e": 1}
    assert R.rank_by_polarity(values, "negative").to_dict() == {"a": 1, "b": 3, "c": 2, "e": 3}
    with pytest.raises(ValueError, match="polarity"):
        R.rank_by_polarity(values, "neutral")


def _regions(rows):
    return pd.DataFrame(rows, columns=["code", "parent", "valid_to"]).set_index("code", drop=False)


def test_listed_units_follows_abolished_predecessors_only():
    t = _regions([("OLD", "", "2018-06-18"), ("NEW", "OLD", ""), ("CITY", "OLD", ""),
                  ("LIVE", "", ""), ("SPLIT", "LIVE", ""), ("GRAND", "NEW", "")])
    assert R.listed_units(t, "NEW") == ("NEW", "OLD")
    assert R.listed_units(t, "CITY") == ("CITY", "OLD")
    assert R.listed_units(t, "SPLIT") == ("SPLIT",)  # its parent still exists
    assert R.listed_units(t, "GRAND") == ("GRAND",)  # NEW is not abolished, so the chain stops
    assert R.listed_units(t, "UNKNOWN") == ("UNKNOWN",)


def test_listed_units_on_the_real_map():
    regions = Edition.build(2023).regions()
    assert R.listed_units(regions, "KZ-61") == ("KZ-61", "KZ-SKO")
    assert R.listed_units(regions, "KZ-79") == ("KZ-79", "KZ-SKO")
    assert R.listed_units(regions, "KZ-10") == ("KZ-10",)  # East Kazakhstan still exists
    assert R.listed_units(regions, "KZ-43") == ("KZ-43",)


PROGRAMMES = pd.DataFrame([
    # programme, kind, region, start
    ("zone", "sez", "A", "2010-05-03"),
    ("zone", "sez", "A", ""),  # start not recorded: listed, marked as such
    ("zone", "sez", "A", "2030-01-01"),  # begins after the edition: not listed
    ("plan", "programme", "OLD", "2007"),  # listed for the predecessor
    ("plan", "programme_funding", "A", "2012"),  # a figure about a programme, not a programme
    ("plan", "programme", "KZ", "2007"),  # nationwide
    ("later", "programme", "KZ", "2031"),
], columns=["programme", "kind", "region", "start"]).assign(end="", name_en="x", name_ru="x", name_kk="x")


def test_region_programmes_keeps_programme_rows_only():
    regions = _regions([("OLD", "", "2018"), ("A", "OLD", "")])
    got = R.region_programmes(PROGRAMMES, regions, "A", 2023)
    assert list(zip(got["programme"], got["kind"], got["region"], got["start"])) == [
        ("zone", "sez", "A", "2010-05-03"), ("zone", "sez", "A", ""), ("plan", "programme", "OLD", "2007")]
    assert "programme_funding" not in set(got["kind"])
    assert got["has_page"].all()
    nationwide = R.nationwide_programmes(PROGRAMMES, 2023)
    assert list(nationwide["programme"]) == ["plan"]


def test_programme_has_page_follows_the_manifest_rule():
    assert R.programme_has_page(PROGRAMMES, "zone", 2010)
    assert not R.programme_has_page(PROGRAMMES, "zone", 2009)  # no part begun yet
    assert not R.programme_has_page(PROGRAMMES, "later", 2023)
    undated = pd.DataFrame({"programme": ["towns", "towns"], "start": ["", None]})
    assert R.programme_has_page(undated, "towns", 1995)  # no known start: a page in every edition


def test_the_damu_data_row_is_not_a_programme_of_shymkent_or_astana():
    programmes = load_programmes()
    damu = programmes[programmes["name_en"].str.contains("DAMU projects")]
    assert set(damu["kind"]) == {"programme_funding"} and {"KZ-79", "KZ-71"} <= set(damu["region"])
    regions = Edition.build(2023).regions()
    for code in ("KZ-79", "KZ-71", "KZ-61"):
        got = R.region_programmes(programmes, regions, code, 2023)
        assert not got["name_en"].str.contains("DAMU").any(), code
    astana = R.region_programmes(programmes, regions, "KZ-71", 2023)
    assert sorted(astana["name_en"]) == ["Astana - New City", "Astana - Technopolis"]


def _panel():
    """Four regions over 2015–2020, and D only from 2020 (a new region on the map)."""
    rows = []
    levels = {"A": 10.0, "B": 20.0, "C": 30.0}
    for year in range(2015, 2021):
        for code, base in levels.items():
            # A grows fastest, so it passes B in 2020; unemployment: C the lowest
            level = base * (1.3 if code == "A" and year == 2020 else 1.0) + (year - 2015) * (2.0 if code == "A" else 1.0)
            rows.append({"region": code, "year": year, "money": level, "jobless": {"A": 6, "B": 5, "C": 4}[code],
                         "g": 0.02 if code == "A" else 0.01})
    rows.append({"region": "D", "year": 2020, "money": 100.0, "jobless": 1.0, "g": 0.01})
    panel = pd.DataFrame(rows)
    national = pd.DataFrame({"money": 20.0, "jobless": 5.0, "g": 0.01}, index=pd.Index(range(2015, 2021), name="year"))
    return panel, national


def test_key_figures_on_a_constructed_panel():
    panel, national = _panel()
    old = R.PERCENT_CHANGE
    R.PERCENT_CHANGE = {"money"}
    try:
        figures = {f.indicator: f for f in R.key_figures(panel, national, "A", ["money", "jobless"],
                                                           {"money": "positive", "jobless": "negative"})}
    finally:
        R.PERCENT_CHANGE = old
    money, jobless = figures["money"], figures["jobless"]
    # 2020: A = 10*1.3 + 10 = 23; B = 25; C = 35; D = 100 -> A is 4th of 4 where more is better
    assert (money.year, money.value, money.rank, money.n) == (2020, 23.0, 4, 4)
    assert money.change == pytest.approx(23.0 / 10.0 - 1)  # per cent change from 2015
    assert money.standing == "standing.bottom"
    # among the regions with figures in both 2015 and 2020 (D left out): 3rd then, 3rd now
    assert (money.base_rank, money.common_rank) == (3, 3)
    # less is better: A has the highest unemployment among A, B, C and D (1.0)
    assert (jobless.rank, jobless.n, jobless.change) == (4, 4, 0.0)
    assert (jobless.base_rank, jobless.common_rank) == (3, 3)
    c = {f.indicator: f for f in R.key_figures(panel, national, "D", ["jobless"], {"jobless": "negative"})}
    assert c["jobless"].rank == 1 and c["jobless"].standing == "standing.top"
    assert c["jobless"].base_rank is None and math.isnan(c["jobless"].change)  # no figure five years before


@pytest.mark.parametrize("share,expected", [(0.05, "standing.top"), (0.25, "standing.top"), (0.26, "standing.middle"),
                                            (0.75, "standing.middle"), (0.76, "standing.bottom")])
def test_standing_rules(share, expected):
    assert R.decide(R.STANDING_RULES, {"rank_share": share}) == expected


def test_growth_pace_against_the_country():
    panel, national = _panel()
    move = R.growth_pace(panel, national, "A", column="g")
    assert (move.start, move.end) == (2015, 2020)  # five annual rates, 2016..2020
    assert move.region == pytest.approx(math.expm1(5 * 0.02))
    assert move.country == pytest.approx(math.expm1(5 * 0.01))
    # the gap is about 5.2 percentage points: faster
    assert move.verdict == "pace.faster"
    same = R.growth_pace(panel, national, "B", column="g")
    assert same.verdict == "pace.same" and same.region == pytest.approx(same.country)
    # a region with a single year of growth is not compared
    assert R.growth_pace(panel, national, "D", column="g") is None


@pytest.mark.parametrize("gap_pp,expected", [(1.01, "pace.faster"), (1.0, "pace.same"), (-1.0, "pace.same"),
                                             (-1.01, "pace.slower")])
def test_pace_rules_tolerance(gap_pp, expected):
    assert R.decide(R.PACE_RULES, {"gap_pp": gap_pp}) == expected


def test_relative_move():
    panel, national = _panel()
    move = R.relative_move(panel, national, "A", "money", "relative_money")
    assert (move.start, move.end) == (2015, 2020)
    assert move.country == pytest.approx(10.0 / 20.0) and move.region == pytest.approx(23.0 / 20.0)
    assert move.verdict == "relative.up"
    assert R.relative_move(panel, national, "D", "money", "relative_money") is None
    assert R.decide(R.RELATIVE_RULES, {"ratio_change": -0.011}) == "relative.down"
    assert R.decide(R.RELATIVE_RULES, {"ratio_change": 0.01}) == "relative.same"


# ------------------------------------------------------------------ the real 2023 edition

REGIONS = ("KZ-43", "KZ-71", "KZ-10")


@pytest.fixture(scope="module")
def chapters():
    edition = Edition.build(2023)
    return {code: R.region_chapter(edition, code) for code in REGIONS}


def test_ranks_on_real_data_follow_polarity(chapters):
    ch = chapters["KZ-43"]
    panel = load_map_panel(2023, indicators=["unemployment_rate", "life_expectancy_at_birth"])
    for indicator, better in (("unemployment_rate", np.less), ("life_expectancy_at_birth", np.greater)):
        f = ch.figure(indicator)
        year = panel[panel["year"] == f.year].dropna(subset=[indicator])
        own = float(year.loc[year["region"] == "KZ-43", indicator].iloc[0])
        assert f.rank == 1 + int(better(year[indicator], own).sum()), indicator
        assert f.n == len(year)
    # rank 1 of unemployment is the lowest rate, not the highest
    best = [c for c in chapters.values() if c.figure("unemployment_rate").rank == 1]
    for c in best:
        assert c.figure("unemployment_rate").value == panel.loc[panel["year"] == c.figure("unemployment_rate").year,
                                                                "unemployment_rate"].min()


def test_real_growth_on_real_data(chapters):
    national = load_national(until=2023, indicators=["grp_growth_real"])
    panel = load_map_panel(2023, indicators=["grp_growth_real"])
    for code, ch in chapters.items():
        move = next(m for m in ch.movements if m.measure == "real_growth")
        years = range(move.start + 1, move.end + 1)
        own = panel[(panel["region"] == code) & panel["year"].isin(years)]["grp_growth_real"]
        assert len(own) == len(years) <= R.SPAN
        assert move.region == pytest.approx(np.prod(np.exp(own.to_numpy())) - 1)
        assert move.country == pytest.approx(np.prod(np.exp(national.loc[list(years), "grp_growth_real"])) - 1)
        gap = 100 * (move.region - move.country)
        expected = "pace.faster" if gap > 1 else "pace.slower" if gap < -1 else "pace.same"
        assert move.verdict == expected, code
    # Abai exists from 2022; BNS gives its volume index from 2021, so its window is shorter
    abai = next(m for m in chapters["KZ-10"].movements if m.measure == "real_growth")
    assert abai.start == 2020 and abai.end == 2023


def test_money_is_real_or_labelled_nominal(chapters):
    for ch in chapters.values():
        for f in ch.key_figures:
            if f.indicator in R.PERCENT_CHANGE:
                assert f.prices in ("prices.real", "prices.nominal"), f.indicator
        assert all(m.indicator != "grp_per_capita" for m in ch.movements)  # no nominal GRP comparison


def test_index_position_read_through_the_index_api(chapters):
    from analysis import index as aindex

    framework = aindex.load_framework()
    panel = load_map_panel(2023, indicators=list(framework.indicators))
    national = load_national(until=2023, indicators=list(framework.indicators))
    table = aindex.build_index(panel, framework, None, national=national).table
    for code, ch in chapters.items():
        assert ch.index.rank == int(table.loc[code, "rank"]) and ch.index.n == len(table)
        gaps = {p: s - m for p, s, m in ch.index.pillars}
        assert gaps[ch.index.weakest] == min(gaps.values()) and gaps[ch.index.strongest] == max(gaps.values())


def test_glue_keeps_the_names_of_earlier_editions(chapters):
    glued = chapters["KZ-43"].glue_values()
    for name in ("grp_per_capita_value", "grp_per_capita_rank", "unemployment_rate_rank", "programmes_count"):
        assert name in glued
    assert glued["programmes_count"] == len(chapters["KZ-43"].programmes) == 1  # the Aral Sea programme


def test_unknown_region_lists_the_valid_ones():
    from analysis.chapters import EditionError

    with pytest.raises(EditionError, match="'region'.*KZ-43"):
        R.region_chapter(Edition.build(2023), "KZ-99", with_index=False)


# ------------------------------------------------------------------ the page, read in kk and ru


@pytest.fixture(scope="module")
def pages(chapters):
    import importlib

    page = importlib.import_module("analysis.report.region_page")  # the module (report.region_page is the function)

    saved = page.figure
    page.figure = lambda *args, **kwargs: None  # figures are tested in tests/test_plots*.py
    try:
        out = {}
        for code, ch in chapters.items():
            with capture() as outputs:
                page.region_page(ch)
            out[code] = {lang: "\n\n".join(o["data"].get("text/markdown", "") for o in outputs
                                           if "data" in o and o["metadata"]["aimaq"]["lang"] == lang)
                         for lang in ("kk", "ru", "en")}
        return out
    finally:
        page.figure = saved


def test_case_forms_in_the_sentences(pages):
    kk, ru = pages["KZ-43"]["kk"], pages["KZ-43"]["ru"]
    assert "Қызылорда облысының" in kk and "Қызылорда облысында" in kk
    assert "в Кызылординской области" in ru and "ВРП Кызылординской области" in ru
    assert "показатель региона Кызылординская область" not in ru and "Қызылорда облысы көрсеткіші" not in kk
    assert "Абайская область" in pages["KZ-10"]["ru"] and "область Абай" not in pages["KZ-10"]["ru"]
    assert "города Астаны" in pages["KZ-71"]["ru"] and "Город Астана входит" in pages["KZ-71"]["ru"]


def test_prose_has_no_iso_dates_hyphen_minus_or_latin(pages):
    for code, langs in pages.items():
        for lang, text in langs.items():
            prose = re.sub(r"\]\([^)]*\)", "]", text)  # link targets are paths, not prose
            assert not re.search(r"\d{4}-\d{2}-\d{2}", prose), (code, lang)
            assert not re.search(r"(?<![\w\d])-\d", prose), (code, lang)  # a sign is U+2212
            if lang != "en":
                assert re.findall(r"[A-Za-z]{2,}", prose) == [], (code, lang, re.findall(r"[A-Za-z]{2,}", prose))
    assert "24 ноября 2017 г." in pages["KZ-71"]["ru"] and "2017 жылғы 24 қараша" in pages["KZ-71"]["kk"]
    assert "24 November 2017" in pages["KZ-71"]["en"]


def test_programmes_link_to_their_pages_and_data_rows_are_not_listed(pages):
    assert "](../programmes/sez.ipynb)" in pages["KZ-71"]["en"]
    assert "](../programmes/aral_2007.ipynb)" in pages["KZ-43"]["ru"]
    for code in pages:
        assert "Даму" not in pages[code]["ru"] and "DAMU" not in pages[code]["en"]
    assert "— 2 программы:" in pages["KZ-71"]["ru"] and "— 1 программа:" in pages["KZ-43"]["ru"]


def test_plural_forms_of_the_programme_count():
    class Named:
        def __format__(self, case):  # the page passes a region whose field names its case
            return f"X({case})"

    msg = ("By {year} the programme list has {n} programme for {region:gen}:",
           "By {year} the programme list has {n} programmes for {region:gen}:")
    got = [ngettext(*msg, n, "ru", year=2023, region=Named()) for n in (1, 3, 5, 21)]
    assert [g.split("— ")[1] for g in got] == ["1 программа:", "3 программы:", "5 программ:", "21 программа:"]
    assert got[0].startswith("К 2023 году в перечне для X(gen)")
    assert ngettext(*msg, 1, "en", year=2023, region=Named()).endswith("1 programme for X(gen):")
    assert ngettext(*msg, 2, "kk", year=2023, region=Named()).startswith("2023 жылға қарай тізімде X(dat) қатысты")


def test_verdict_sentences_agree_with_the_numbers(pages, chapters):
    for code, ch in chapters.items():
        move = next(m for m in ch.movements if m.measure == "real_growth")
        en = pages[code]["en"]
        said = {"pace.faster": "outpaced", "pace.slower": "lagged behind", "pace.same": "kept pace"}
        from analysis.i18n import format_percent

        for lang in ("kk", "ru", "en"):  # the sentence states both growth rates it judges
            for value in (move.region, move.country):
                shown = format_percent(value, lang)
                assert (shown if shown.startswith("\u2212") else "+" + shown) in pages[code][lang], (code, lang)
        assert said[move.verdict] in en
        assert sum(word in en for word in said.values()) == 1
        for f in ch.key_figures:
            if f.standing == "standing.top":
                assert f.rank <= 0.25 * f.n
        ranks_said = re.findall(r"then (\d+), now (\d+)", en)
        for then, now in ranks_said:
            assert abs(int(then) - int(now)) >= R.RANK_MOVE_MIN
    assert "not selected" in pages["KZ-71"]["en"] or "is selected" in pages["KZ-71"]["en"]


def test_every_profile_indicator_has_a_figure_of_three_panels_at_most():
    from analysis.report.region_page import FIGURE_GROUPS

    grouped = [i for _caption, group in FIGURE_GROUPS for i in group]
    assert sorted(grouped) == sorted(R.PROFILE_INDICATORS)  # each in exactly one figure
    # one GRP per capita is drawn (real where there is a volume index), so a figure holds three panels
    assert all(len(set(group) - {"grp_per_capita"}) <= 3 for _caption, group in FIGURE_GROUPS)
