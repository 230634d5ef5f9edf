"""The composite-index chapter and page: one selection rule, stated once, applied to every region it names.

Two kinds of test:

* constructed inputs with a known answer (a synthetic panel whose composite is known by hand,
  rendered through the real page renderer);
* the real 2023 edition: golden values recomputed from data/ with the framework of
  data/index.yml (2026-12 rebuild). If the data or the framework change, recompute them and
  say why in the commit; they pin what the page states, not a wish.
"""

import re

import numpy as np
import pandas as pd
import pytest

from analysis import report
from analysis.chapters import Edition
from analysis.chapters.composite import (CompositeChapter, composite_index_chapter, ends_and_selected,
                                         main_reason)
from analysis.index import Framework, Pillar, Rule, build_index, coherence, select_regions, sensitivity
from analysis.index import share_below_threshold
from analysis.i18n import region_name
from analysis.report.composite_page import composite_page, lower_name, region_verdict

LANGS = ("kk", "ru", "en")


def page_text(chapter) -> dict:
    """The Markdown paragraphs of the page per language (tables and figures left out)."""
    with report.capture() as outputs:
        composite_page(chapter)
    out = {lang: [] for lang in LANGS}
    for o in outputs:
        lang = o.get("metadata", {}).get("aimaq", {}).get("lang")
        if lang in out and "text/markdown" in o.get("data", {}):
            out[lang].append(o["data"]["text/markdown"])
    return {lang: "\n\n".join(parts) for lang, parts in out.items()}


def selection_part(text: str, lang: str) -> str:
    heading = {"en": "## Selected regions", "ru": "## Отобранные регионы", "kk": "## Іріктелген өңірлер"}[lang]
    part = text.split(heading, 1)[1]
    return part.split("\n## ", 1)[0]


# --- constructed inputs ----------------------------------------------------------------------

CODES = ["KZ-10", "KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27", "KZ-31", "KZ-33"]


def constructed_chapter():
    """Eight regions, one indicator x = 0..7 except the best at 14: min-max composite known by hand.

    composite = x / 14: 0, 1/14, ..., 6/14, 1; mean = (21/14 + 1) / 8 = 0.3125; threshold = 0.75 x mean
    = 0.234375, so the regions with x/14 < 0.234 (x = 0, 1, 2, 3) are selected: the four lowest.
    """
    x = np.array([0.0, 1, 2, 3, 4, 5, 6, 14])
    # a real indicator id, so that the page can name it; the values are synthetic
    panel = pd.DataFrame({"region": CODES, "year": 2022, "doctors_per_10k": x, "gdp": x + 1, "pop": 100.0})
    fw = Framework("toy", (Pillar("economic", 1.0, ("doctors_per_10k",), (1.0,)),), {"doctors_per_10k": 1},
                   outlier_max_values=0,
                   rules=(Rule("low", "below_mean_share", share=0.75),), select_by="low", min_share_of_draws=0.8,
                   focus_regions=("KZ-23",))
    result = build_index(panel, fw)
    sens = sensitivity(panel, fw, draws=300, seed=1)
    sel = select_regions(result, sensitivity=sens)
    composite = result.table["composite"].to_numpy()
    cohesion = share_below_threshold(panel, "gdp", "pop")
    return CompositeChapter(
        edition=Edition(2023), index_year=2022, framework=fw, result=result, coherence=coherence(result),
        sensitivity=sens, selection=sel, threshold=0.75 * composite.mean(), threshold_share=0.75,
        mean_score=composite.mean(), min_share=0.8,
        discussed=ends_and_selected(result.table["rank"], sel.selected, fw.focus_regions),
        previous_result=None, previous_coherence=None,
        changes=pd.DataFrame(columns=["region", "rank_previous", "rank", "change", "main_reason"]),
        cohesion=cohesion, cohesion_units=8)


def test_the_rule_selects_the_regions_known_by_hand():
    ch = constructed_chapter()
    assert ch.threshold == pytest.approx(0.234375)
    assert set(ch.selected) == set(CODES[:4])
    assert ch.top == "KZ-33" and ch.bottom == "KZ-10"
    # every selected region, both ends and the focus region are discussed, in rank order
    assert set(ch.discussed) == {"KZ-33", "KZ-23", *CODES[:4]}
    ranks = ch.result.table["rank"]
    assert list(ch.discussed) == sorted(ch.discussed, key=lambda c: ranks[c])


def test_constructed_page_names_every_selected_region_and_both_ends():
    ch = constructed_chapter()
    text = page_text(ch)
    for lang in LANGS:
        part = selection_part(text[lang], lang)
        for code in {*ch.selected, ch.top, ch.bottom}:
            name = region_name(code, lang)
            assert name[:1].upper() + name[1:] in part or name in part, (lang, code)
        # the threshold is stated once in the page's units (0.23 / 0,23), and not as a z-score
        shown = "0.23" if lang == "en" else "0,23"
        assert text[lang].count(shown) == 1, lang
        assert len(re.findall(r"\b80\s?%", text[lang])) == 1, lang


def test_verdict_sentence_follows_the_two_conditions():
    assert region_verdict(True, True) != region_verdict(True, False) != region_verdict(False, False)
    assert region_verdict(False, True, 0.0) != region_verdict(False, True, 0.1)
    assert "no variant" in region_verdict(False, True, 0.0)


def test_main_reason_is_the_indicator_whose_contribution_changed_most():
    idx = ["A", "B"]
    now = pd.DataFrame({"x": [1.0, 0.0], "e": [0.0, 1.0]}, index=idx)
    before = pd.DataFrame({"x": [1.0, 0.0], "e": [0.0, 1.0], "s": [1.0, 0.2]}, index=idx)
    # now: x and e weigh 1/2 each; before: x 1/2, e and s 1/4 each
    reason = main_reason(now, pd.Series({"x": 0.5, "e": 0.5}), before, pd.Series({"x": 0.5, "e": 0.25, "s": 0.25}))
    # A: x unchanged, e 0 -> 0, s lost 0.25  -> s;  B: e gained 0.25, s lost 0.05 -> e
    assert reason.to_dict() == {"A": "s", "B": "e"}


def test_indicator_names_inside_sentences_are_not_capitalised():
    assert lower_name("Unemployment rate") == "unemployment rate"
    assert lower_name("ВРП на душу населения") == "ВРП на душу населения"
    assert lower_name("Жан басына шаққандағы ЖӨӨ") == "жан басына шаққандағы ЖӨӨ"


# --- the real 2023 edition ------------------------------------------------------------------

@pytest.fixture(scope="module")
def edition2023():
    return composite_index_chapter(Edition.build(2023))


def test_real_2023_edition_golden_values(edition2023):
    ch = edition2023
    # per-capita figures end in 2022 in the 2023 edition (average population of 2023 needs 1 January 2024)
    assert ch.index_year == 2022 and len(ch.result.table) == 20
    # coherence first: the previous environmental pillar was incoherent (alpha -0.08, issue 14) ...
    assert ch.previous_coherence.cronbach_alpha["environmental"] == pytest.approx(-0.0786, abs=5e-4)
    assert ch.previous_result.table.loc["KZ-23", "environmental"] == pytest.approx(0.831, abs=5e-4)
    assert int(ch.previous_result.table.loc["KZ-23", "rank"]) == 3
    # ... the rebuilt economic pillar is coherent, the environmental one has one indicator
    assert ch.coherence.cronbach_alpha["economic"] == pytest.approx(0.860, abs=5e-4)
    assert np.isnan(ch.coherence.cronbach_alpha["environmental"])
    # Atyrau keeps 3rd place, now from its economic pillar; its environmental score falls to 0.61
    assert int(ch.result.table.loc["KZ-23", "rank"]) == 3
    assert ch.result.table.loc["KZ-23", "environmental"] == pytest.approx(0.610, abs=5e-4)
    assert (ch.top, ch.bottom) == ("KZ-71", "KZ-62")
    assert ch.threshold == pytest.approx(0.3836, abs=5e-4)
    assert ch.selected == ("KZ-35", "KZ-55", "KZ-62")
    assert not ch.selection.table.loc[list(ch.selected), "holds"].any()  # none robust at 80 %
    assert set(ch.discussed) == {"KZ-71", "KZ-43", "KZ-35", "KZ-55", "KZ-62"}
    # the 75 % headline on the 16 stable units
    assert ch.cohesion_units == 16
    assert ch.cohesion.loc[2000, "share"] == pytest.approx(0.448, abs=5e-4)
    assert ch.cohesion.loc[2022, "share"] == pytest.approx(0.383, abs=5e-4)
    assert set(ch.moved["region"]) == {"KZ-63", "KZ-61", "KZ-33", "KZ-35", "KZ-62"}


def test_real_2023_page_states_the_rule_once_and_discusses_both_ends(edition2023):
    ch = edition2023
    text = page_text(ch)
    for lang in LANGS:
        part = selection_part(text[lang], lang)
        for code in {*ch.selected, ch.top, ch.bottom, "KZ-55"}:  # Pavlodar, last in the old ranking
            name = region_name(code, lang)
            assert (name[:1].upper() + name[1:]) in part, (lang, code)
        shown = "0.38" if lang == "en" else "0,38"
        assert text[lang].count(shown) == 1, (lang, "selection threshold stated once")
        assert len(re.findall(r"\b80\s?%", text[lang])) == 1, (lang, "robustness threshold stated once")
        assert "standard deviation" not in text[lang]
        # one minus sign: no hyphen before a number
        assert not re.search(r"(?<![\w–])-\d", text[lang]), lang
    for lang in ("kk", "ru"):
        latin = re.findall(r"[A-Za-z]{3,}", re.sub(r"\*\*[^*]*\*\*", "", text[lang]))
        assert latin == [], (lang, latin[:5])


def test_glued_values_are_finite_and_name_the_discussed_regions(edition2023):
    values = edition2023.glue_values()
    assert values["selected_count"] == 3 and values["bottom_region"] == "KZ-62"
    for code in edition2023.discussed:
        assert f"rank_{code.replace('-', '_')}" in values
    assert all(np.isfinite(v) for v in values.values() if isinstance(v, float))
