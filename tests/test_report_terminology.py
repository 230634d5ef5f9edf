"""The report and plots catalogues use the terminology of book/glossary.csv (the single source)."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from analysis.i18n import LANGS, gettext, key_text
from analysis.i18n.catalog import read_domain

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "src/analysis/i18n/locale"

# (lang, glossary term_id, retired wording, pattern of the glossary form in any inflection)
TERMS = [
    ("kk", "weighted_cv", r"санымен\s+өлшенген", r"санымен\s+салмақталған"),
    ("kk", "distribution_dynamics", r"бөлініс\w*\s+серпін", r"үлестірім\s+динамика"),
    ("kk", "ergodic_distribution", r"ұзақ\s+мерзімд\w*\s+(бөлініс|үлес)", r"шекті\s+үлестірім"),
    ("kk", "boundary_vintage", r"шекара\w*\s+кезең|кезеңнің\s+шекара", r"шекаралар\s+нұсқа"),
    ("kk", "selection_rule", r"іріктеу\s+шарт", r"іріктеу\s+ереже"),
    ("ru", "ergodic_distribution", r"долгосрочн\w*\s+(распределени|перспектив)", r"предельн\w+\s+распределени"),
    ("ru", "boundary_vintage", r"период\w*\s+границ|границах\s+одного\s+периода", r"редакци\w+\s+границ"),
    ("ru", "selection_rule", r"услови\w+\s+отбора", r"правил\w+\s+отбора"),
]


def _glossary():
    with (ROOT / "book" / "glossary.csv").open(encoding="utf-8", newline="") as fh:
        return {row["term_id"]: row for row in csv.DictReader(fh)}


def _entries(lang):
    for domain in ("report", "plots"):
        path = LOCALE / lang / "LC_MESSAGES" / f"{domain}.po"
        for entry in read_domain(path, lang):
            yield domain, entry


@pytest.mark.parametrize("lang,term,retired,agreed", TERMS)
def test_report_and_plots_use_the_glossary_term(lang, term, retired, agreed):
    assert re.search(agreed, _glossary()[term][lang], re.I), "the pattern must match the glossary form"
    stale = [f"{lang}/{domain}.po line {e.lineno}: {e.text!r}" for domain, e in _entries(lang)
             if re.search(retired, e.text, re.I)]
    assert stale == []
    assert any(re.search(agreed, e.text, re.I) for _, e in _entries(lang)), f"{lang}: {term} never used"


def test_figure_and_page_wording_examples():
    assert gettext("Long-run (steady state)", "ru").startswith("Предельное распределение")
    assert gettext("Long-run (steady state)", "kk").startswith("Шекті үлестірім")
    assert gettext("Population-weighted coefficient of variation", "kk") == \
        "Халық санымен салмақталған вариация коэффициенті"
    assert gettext("Distribution dynamics and convergence clubs", "kk") == \
        "Үлестірім динамикасы және конвергенция клубтары"
    assert "правилу отбора" in gettext("No region meets the selection rule in {year}.", "ru", year=2022)


def test_few_periods_warning_is_translated():
    texts = {lang: key_text("warning.few_periods", lang) for lang in LANGS}
    assert texts["en"] == "Few growth spells: the fixed-effects estimate overstates the speed of convergence."
    assert len(set(texts.values())) == 3
    glossary = _glossary()
    for lang in ("kk", "ru"):
        assert glossary["convergence_speed"][lang].split()[0].lower()[:6] in texts[lang].lower()
        assert glossary["fixed_effects"][lang].split()[0].lower()[:6] in texts[lang].lower()
