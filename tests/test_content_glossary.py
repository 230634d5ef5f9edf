"""book/glossary.csv, the single terminology source, and its use in the prose.

The glossary must be complete (every indicator of data/indicators.csv, every verdict and
warning key of the results contract, the nine components and five models of the article,
the starting list agreed for the project), free of duplicates, and in the right script.
The prose must use it: a term that an English page uses must appear, in its glossary
form, on the Kazakh and Russian versions of the same page.
"""
from __future__ import annotations

import csv
import re

import pytest
import yaml

from test_content_parsing import (
    GLOSSARY,
    KAZAKH_LETTERS,
    LANGS,
    PAGES,
    ROOT,
    URL,
    latin_words,
    load_page,
    read_glossary,
    term_pattern,
)

COLUMNS = ["term_id", "en", "ru", "kk", "note_en", "note_ru", "note_kk"]
NOTES = ["note_en", "note_ru", "note_kk"]

# The starting list agreed for the project (BNS and article usage), by the ids used here.
STARTING_LIST = {
    "region", "oblast", "city_republican", "kazakhstan", "grp_nominal", "per_capita",
    "population_jan1", "unemployment_rate", "income_per_capita_nominal_monthly",
    "life_expectancy_at_birth", "emissions_stationary_sources",
    "env_protection_current_expenditure", "investment_fixed_capital", "doctors_count", "sez",
    "selective_regional_policy", "interregional_disparities", "sustainable_development", "sme",
    "human_capital", "centre_region_relations", "decentralisation", "business_roadmap_2025",
    "convergence", "divergence", "sigma_convergence", "beta_convergence", "convergence_speed",
    "half_life", "coefficient_of_variation", "theil_index", "difference_in_differences",
    "event_study", "synthetic_control", "treated_region", "control_region",
    "confidence_interval", "composite_index", "economic_pillar", "social_pillar",
    "environmental_pillar", "rank_interval", "annual_report", "edition",
}
# Result keys from ARCHITECTURE.md ("Contract: results").
VERDICTS = {"converging", "diverging", "no_significant_change"}
WARNINGS = {"single_treated_unit", "few_treated_clusters", "poor_pre_fit", "pretrends_rejected"}
COMPONENTS = [
    "policy_financial_support", "policy_investment", "policy_infrastructure", "policy_social",
    "policy_labour", "policy_environmental", "policy_innovation", "policy_governance",
    "policy_economic",
]
MODELS = ["model_decentralisation", "model_fiscal_decentralisation", "model_asymmetric",
          "model_centralisation", "model_mixed"]
METHODS = {"weighted_cv", "markov_matrix", "convergence_club", "staggered_adoption",
           "wild_cluster_bootstrap", "randomization_inference", "normalisation", "weighting",
           "aggregation", "uncertainty_analysis", "selection_rule", "placebo_test", "donor_pool"}


@pytest.fixture(scope="module")
def glossary():
    return read_glossary()


def _indicator_ids() -> list[str]:
    with (ROOT / "data" / "indicators.csv").open(encoding="utf-8", newline="") as fh:
        return [row["id"] for row in csv.DictReader(fh)]


def _index_indicator_ids() -> set[str]:
    framework = yaml.safe_load((ROOT / "data" / "index.yml").read_text(encoding="utf-8"))
    return {ind["id"] for pillar in framework["pillars"] for ind in pillar["indicators"]}


def test_header_and_rows_are_well_formed(glossary):
    with GLOSSARY.open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert header == COLUMNS, f"{GLOSSARY.name}: header {header}, expected {COLUMNS}"
    for line, row in enumerate(glossary, start=2):
        assert re.fullmatch(r"[a-z][a-z0-9_]*", row["term_id"]), (
            f"{GLOSSARY.name} row {line}: term_id {row['term_id']!r} is not snake_case"
        )
        for lang in LANGS:
            value = row[lang] or ""
            assert value.strip() == value and value, (
                f"{GLOSSARY.name} row {line}, column {lang}: empty or padded value {value!r}"
            )


def test_no_duplicate_ids_or_forms(glossary):
    ids = [r["term_id"] for r in glossary]
    assert len(ids) == len(set(ids)), f"duplicate term_id: {sorted({i for i in ids if ids.count(i) > 1})}"
    for lang in LANGS:
        forms = [r[lang].lower() for r in glossary]
        dups = sorted({f for f in forms if forms.count(f) > 1})
        # A term that is the same in every language for two ids would be one term twice.
        assert not dups, f"{GLOSSARY.name}, column {lang}: the same form for two terms: {dups}"


def test_kk_and_ru_forms_are_cyrillic(glossary):
    for line, row in enumerate(glossary, start=2):
        for lang in ("kk", "ru"):
            assert not latin_words(row[lang]), (
                f"{GLOSSARY.name} row {line}, column {lang}: Latin script in {row[lang]!r}"
            )
    kazakh = "әғқңөұүһі"
    with_kazakh_letters = sum(1 for r in glossary if set(r["kk"].lower()) & set(kazakh))
    assert with_kazakh_letters > len(glossary) / 2, "the kk column looks Russian"
    assert not any(set(r["ru"].lower()) & set(kazakh) for r in glossary), "Kazakh letters in ru"


def test_every_note_is_written_in_all_three_languages(glossary):
    """A note is shown in the page's language, so it exists in all three or in none."""
    for line, row in enumerate(glossary, start=2):
        notes = {c: row[c] or "" for c in NOTES}
        for column, value in notes.items():
            assert value.strip() == value, f"{GLOSSARY.name} row {line}, {column}: padded value {value!r}"
        assert all(notes.values()) or not any(notes.values()), (
            f"{GLOSSARY.name} row {line} ({row['term_id']}): a note in some languages only: {notes}"
        )
    assert sum(1 for r in glossary if r["note_en"]) >= 50


def test_kk_and_ru_notes_are_cyrillic_and_keep_the_english_numbers(glossary):
    """No Latin script in the kk and ru notes (a web address such as stat.gov.kz aside: names of
    authors are transliterated), no Kazakh word in ru, and the same numbers (years, dates) as
    the English note, none added or lost."""
    for line, row in enumerate(glossary, start=2):
        numbers = sorted(re.findall(r"\d+", row["note_en"]))
        for lang in ("kk", "ru"):
            note = row[f"note_{lang}"]
            assert not latin_words(URL.sub(" ", note)), (
                f"{GLOSSARY.name} row {line}, note_{lang}: Latin script in {note!r}"
            )
            assert note != row["note_en"] or not latin_words(note), f"row {line}: note_{lang} is the English note"
            assert sorted(re.findall(r"\d+", note)) == numbers, (
                f"{GLOSSARY.name} row {line}, note_{lang}: numbers {note!r} differ from note_en {row['note_en']!r}"
            )
        assert not KAZAKH_LETTERS & set(row["note_ru"]), f"{GLOSSARY.name} row {line}: Kazakh letters in note_ru"
    notes_kk = [r["note_kk"] for r in glossary if r["note_kk"]]
    with_kazakh_letters = sum(1 for n in notes_kk if KAZAKH_LETTERS & set(n))
    assert with_kazakh_letters > len(notes_kk) / 2, "the note_kk column looks Russian"


def test_notes_use_the_glossary_terms(glossary):
    """A kk or ru note that names another glossary term names it in its glossary form."""
    by_id = {r["term_id"]: r for r in glossary}
    mentions = {  # term_id of the note: the terms its English note names
        "edition": ["annual_report"],
        "grp_nominal_rub": ["grp_nominal"],
        "population_avg": ["population_jan1"],
        "model_mixed": ["centre_region_relations"],
        "between_group": ["theil_index"],
        "within_group": ["theil_index"],
        "programme_effect": ["treated_region"],
        "parallel_trends": ["difference_in_differences"],
    }
    wrong = [(term_id, lang, by_id[term_id][f"note_{lang}"], by_id[other][lang])
             for term_id, named in mentions.items() for other in named for lang in ("kk", "ru")
             if not term_pattern(by_id[other][lang]).search(by_id[term_id][f"note_{lang}"])]
    assert not wrong, f"notes that do not name a term in its glossary form (term, lang, note, form): {wrong}"


def test_glossary_is_complete(glossary):
    ids = {r["term_id"] for r in glossary}
    required = (STARTING_LIST | VERDICTS | WARNINGS | set(COMPONENTS) | set(MODELS) | METHODS
                | set(_indicator_ids()) | _index_indicator_ids())
    assert not required - ids, f"{GLOSSARY.name} lacks terms: {sorted(required - ids)}"


@pytest.mark.parametrize("lang", LANGS)
def test_every_indicator_has_a_definition_box(lang):
    boxes = [body for _, cls, body in load_page(lang, "data_methods").admonitions
             if cls == "indicator-definition"]
    defined = {m for body in boxes for m in re.findall(r"`([a-z0-9_]+)`", body)}
    missing = set(_indicator_ids()) - defined
    assert not missing, f"{lang}/data_methods.md: no definition box names {sorted(missing)}"


@pytest.mark.parametrize("lang", LANGS)
def test_components_and_models_are_named_as_in_the_glossary(lang, glossary):
    by_id = {r["term_id"]: r for r in glossary}
    text = " ".join(load_page(lang, "intro").prose)
    for term_id in COMPONENTS + MODELS:
        pattern = term_pattern(by_id[term_id][lang])
        assert pattern.search(text), f"{lang}/intro.md does not name {by_id[term_id][lang]!r}"


@pytest.mark.parametrize("name", PAGES)
def test_terms_used_in_english_are_used_in_kk_and_ru(name, glossary):
    prose = {lang: " ".join(load_page(lang, name).prose) for lang in LANGS}
    missing = []
    for row in glossary:
        if row["term_id"] in VERDICTS | WARNINGS:
            continue  # result keys: rendered from the i18n catalogue, not written in prose
        en = term_pattern(row["en"])
        if not (en and en.search(prose["en"])):
            continue
        for lang in ("kk", "ru"):
            pattern = term_pattern(row[lang])
            if pattern and not pattern.search(prose[lang]):
                missing.append((row["term_id"], lang, row[lang]))
    assert not missing, (
        f"{name}.md: glossary terms used in en but not in their glossary form in kk/ru: {missing}"
    )


def test_indicator_terms_agree_with_the_indicator_names_in_the_data():
    """data/indicators.csv names indicators on axes and in tables; the glossary names them in
    prose. The names may add a unit or a qualifier, but must contain the glossary term."""
    by_id = {r["term_id"]: r for r in read_glossary()}
    with (ROOT / "data" / "indicators.csv").open(encoding="utf-8", newline="") as fh:
        indicators = list(csv.DictReader(fh))
    drift = []
    for line, row in enumerate(indicators, start=2):
        for lang in LANGS:
            term = by_id[row["id"]][lang]
            if not term_pattern(term).search(row[f"name_{lang}"]):
                drift.append(f"data/indicators.csv row {line} ({row['id']}), name_{lang}: "
                             f"{row[f'name_{lang}']!r} does not contain the glossary term {term!r}")
    assert not drift, "\n".join(drift)
