"""analysis.i18n: catalogues, completeness, Babel formats and names.

Known truths come from CLDR conventions written out by hand here (kk/ru group
with a no-break space and use a decimal comma; en uses ``,`` and ``.``), not
from the code's own output.
"""

from __future__ import annotations

import json
import re
import string
import sys
import types
from pathlib import Path

import pandas as pd
import pytest

from analysis import i18n
from analysis.i18n import catalog, names
from analysis.i18n.catalog import LocalisedFormatter, read_domain

ROOT = Path(__file__).resolve().parents[1]
NBSP = "\xa0"
CYRILLIC = re.compile(r"[\u0400-\u04FF]")


# --- number formats -------------------------------------------------------

@pytest.mark.parametrize(
    "x, lang, decimals, expected",
    [
        (1234.5, "kk", 1, f"1{NBSP}234,5"),
        (1234.5, "ru", 1, f"1{NBSP}234,5"),
        (1234.5, "en", 1, "1,234.5"),
        (1234567.891, "ru", 2, f"1{NBSP}234{NBSP}567,89"),
        (1234567.891, "en", 0, "1,234,568"),
        (0.25, "en", 3, "0.250"),
        (-2.75, "kk", 1, "\u22122,8"),  # half away from zero would give -2,8 as well as half-even
        (-0.04, "ru", 1, "0,0"),  # no "-0,0"
        (float("nan"), "kk", 1, "\u2014"),
        (None, "en", 1, "\u2014"),
    ],
)
def test_format_number_known_values(x, lang, decimals, expected):
    assert i18n.format_number(x, lang, decimals) == expected


def test_format_percent_places_sign_by_locale():
    assert i18n.format_percent(0.1234, "en") == "12.3%"
    assert i18n.format_percent(0.1234, "ru") == f"12,3{NBSP}%"
    assert i18n.format_percent(0.1234, "kk") == "12,3%"
    assert i18n.format_percent(0.5, "en", decimals=0) == "50%"


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_signs_and_percent_spacing_follow_babels_locale_data(lang):
    """Negative numbers carry one minus sign, U+2212, in every language; percentages the locale's spacing.

    CLDR (Babel 2.x) gives kk, ru and en the hyphen-minus as minusSign; the book uses the
    typographic minus everywhere (templates write "−1,64"), so Babel's sign is replaced.
    Percent pattern: ``#,##0 %`` (no-break space) in ru but ``#,##0%`` in kk.
    """
    from babel.numbers import format_decimal, format_percent

    minus = "\u2212"
    assert i18n.format_number(-0.5, lang) == format_decimal(-0.5, locale=lang).replace("-", minus)
    assert i18n.format_number(-1234.5, lang).startswith(minus)
    assert i18n.format_signed(-1.26, lang).startswith(minus)
    assert i18n.format_percent(-0.071, lang).startswith(minus)
    assert i18n.format_percent(0.07, lang, decimals=0) == format_percent(0.07, locale=lang)
    assert i18n.format_percent(-0.07, lang, decimals=0) == format_percent(-0.07, locale=lang).replace("-", minus)
    # Written out by hand as well, so that a change in Babel's data shows up here.
    assert (i18n.format_number(-0.5, lang), i18n.format_percent(0.07, lang, decimals=0)) == {
        "kk": ("\u22120,5", "7%"), "ru": ("\u22120,5", f"7{NBSP}%"), "en": ("\u22120.5", "7%")}[lang]


def test_format_year_and_signed():
    assert i18n.format_year(2024, "ru") == "2024"
    assert i18n.format_year(2024.0, "kk") == "2024"
    with pytest.raises(ValueError, match="whole number"):
        i18n.format_year(2024.5, "en")
    assert i18n.format_signed(1.26, "ru") == "+1,3"
    assert i18n.format_signed(-1.26, "en") == "\u22121.3"
    assert i18n.format_signed(0.01, "en") == "0.0"


def test_formats_reject_bad_input_clearly():
    with pytest.raises(ValueError, match="unknown language 'de'"):
        i18n.format_number(1.0, "de")
    with pytest.raises(TypeError, match="expected a number, got str 'abc'"):
        i18n.format_number("abc", "en")
    with pytest.raises(ValueError, match="decimals"):
        i18n.format_number(1.0, "en", decimals=-1)


# --- gettext and keys -----------------------------------------------------

def test_gettext_in_three_languages():
    assert [i18n.gettext("Contents", lang) for lang in i18n.LANGS] == ["Мазмұны", "Содержание", "Contents"]


def test_gettext_fills_values_and_keeps_years_plain():
    assert i18n.gettext("Data up to {year}", "ru", year=2024) == "Данные по 2024 год"
    assert i18n.gettext("Rerun this page: {command}", "en", command="aimaq verify") == (
        "Rerun this page: aimaq verify"
    )
    with pytest.raises(KeyError, match="needs a value for 'year'"):
        i18n.gettext("Data up to {year}", "kk", wrong=1)
    with pytest.raises(KeyError, match="needs a value for 'year'"):
        i18n.gettext("Data up to {year}", "ru")  # never the raw template


def test_template_numbers_follow_language():
    fmt_ru, fmt_en = LocalisedFormatter("ru"), LocalisedFormatter("en")
    template = "{x} | {x:.3f} | {share:.1%} | {n} | {n:d}"
    values = dict(x=12345.678, share=0.5, n=20000)
    assert fmt_ru.format(template, **values) == f"12{NBSP}345,7 | 12{NBSP}345,678 | 50,0{NBSP}% | 20{NBSP}000 | 20000"
    assert fmt_en.format(template, **values) == "12,345.7 | 12,345.678 | 50.0% | 20,000 | 20000"
    with pytest.raises(ValueError, match="unsupported number format"):
        fmt_en.format("{x:e}", x=1.0)


def test_unknown_msgid_is_an_error_not_english():
    with pytest.raises(i18n.MissingTranslation, match="no 'kk' translation for msgid 'Not a catalogued sentence'"):
        i18n.gettext("Not a catalogued sentence", "kk")
    with pytest.raises(i18n.MissingTranslation):
        i18n.gettext("Not a catalogued sentence", "en")
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        i18n.gettext("Contents", "fr")


@pytest.mark.parametrize("key", [
    "verdict.converging", "verdict.diverging", "verdict.no_significant_change",
    "warning.single_treated_unit", "warning.few_treated_clusters", "warning.poor_pre_fit",
    "warning.pretrends_rejected",
])
def test_contract_keys_have_three_different_sentences(key):
    texts = [i18n.key_text(key, lang) for lang in i18n.LANGS]
    assert len(set(texts)) == 3
    assert all(CYRILLIC.search(t) for t in texts[:2]) and not CYRILLIC.search(texts[2])
    assert i18n.has_key(key)


def test_unknown_key_is_an_error():
    assert not i18n.has_key("verdict.sideways")
    with pytest.raises(i18n.MissingTranslation, match="key 'verdict.sideways'"):
        i18n.key_text("verdict.sideways", "ru")


# --- catalogue files ------------------------------------------------------

def _write_po(path: Path, entries: list[tuple[str, str, bool]], lang: str) -> None:
    lines = ['msgid ""', 'msgstr ""', f'"Language: {lang}\\n"', '"Content-Type: text/plain; charset=utf-8\\n"', ""]
    for msgid, msgstr, fuzzy in entries:
        if fuzzy:
            lines.append("#, fuzzy")
        lines += [f'msgid "{msgid}"', f'msgstr "{msgstr}"', ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


def test_fuzzy_and_empty_translations_count_as_missing(tmp_path):
    po = tmp_path / "kk" / "LC_MESSAGES" / "room.po"
    _write_po(po, [("Done", "Дайын", False), ("Guess", "Болжам", True), ("Empty", "", False)], "kk")
    texts = {e.msgid: e.text for e in read_domain(po, "kk")}
    assert texts == {"Done": "Дайын", "Guess": "", "Empty": ""}


def test_domains_that_disagree_are_rejected(tmp_path):
    base = tmp_path
    _write_po(base / "ru" / "LC_MESSAGES" / "a.po", [("Map", "Карта", False)], "ru")
    _write_po(base / "ru" / "LC_MESSAGES" / "b.po", [("Map", "Схема", False)], "ru")
    with pytest.raises(i18n.CatalogueError, match=r"'Map' is translated differently in a.po .* and b.po"):
        catalog.load_catalogue("ru", base)


def test_malformed_po_names_the_file(tmp_path):
    po = tmp_path / "en" / "LC_MESSAGES" / "broken.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid "x"\nmsgstr "y"\nnonsense here\n', encoding="utf-8")
    with pytest.raises(i18n.CatalogueError, match="broken.po: cannot read catalogue"):
        read_domain(po, "en")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_entry_is_a_valid_template():
    for lang in i18n.LANGS:
        for entry in i18n.load_catalogue(lang).values():
            try:
                list(string.Formatter().parse(entry.text))
            except ValueError as exc:
                pytest.fail(f"{lang} {entry.domain}.po line {entry.lineno}: {entry.msgid!r}: {exc}")


def test_every_entry_has_kk_ru_en_with_the_same_placeholders():
    source = i18n.load_catalogue("en")
    assert source, "no English catalogue entries found"
    for lang in ("kk", "ru"):
        target = i18n.load_catalogue(lang)
        assert set(target) == set(source), f"{lang} and en catalogues list different messages"
        for key, entry in source.items():
            translated = target[key]
            where = f"{lang} {translated.domain}.po line {translated.lineno}"
            assert translated.text, f"{where}: {key} is not translated"
            assert _fields(translated.text) == _fields(entry.text), f"{where}: placeholders differ"
            words = re.sub(r"\{[^}]*\}", "", entry.text)
            if re.search("[A-Za-z]{2}", words):  # pure-placeholder templates need no words
                assert CYRILLIC.search(translated.text), f"{where}: not Cyrillic: {translated.text!r}"


# --- terminology agreed with the prose (book/glossary.csv is the single source) ----------

# (lang, glossary term_id, retired wording) -- the glossary form replaces the retired one.
RETIRED_WORDING = [
    ("kk", "weighted_cv", r"санымен\s+өлшенген"),
    ("kk", "distribution_dynamics", r"бөлініс\w*\s+серпін"),
    ("kk", "ergodic_distribution", r"ұзақ\s+мерзімді\s+бөлініс"),
    ("kk", "boundary_vintage", r"шекара\s+кезең"),
    ("kk", "selection_rule", r"іріктеу\s+шарт"),  # the kk twin of ru "условие отбора"
    ("ru", "ergodic_distribution", r"долгосрочн\w*\s+(распределени|перспектив)"),
    ("ru", "boundary_vintage", r"период\w*\s+границ"),
    ("ru", "selection_rule", r"услови\w+\s+отбора"),
]


def _glossary() -> dict[str, dict[str, str]]:
    import csv

    with (ROOT / "book" / "glossary.csv").open(encoding="utf-8", newline="") as fh:
        return {row["term_id"]: row for row in csv.DictReader(fh)}


def test_retired_wording_is_not_the_glossary_form():
    glossary = _glossary()
    for lang, term, retired in RETIRED_WORDING:
        assert not re.search(retired, glossary[term][lang], re.I), (lang, term)


@pytest.mark.parametrize("domain", sorted({p.stem for p in (ROOT / "src/analysis/i18n/locale").glob("*/LC_MESSAGES/*.po")}))
def test_catalogues_use_the_agreed_glossary_terms(domain):
    found = []
    for lang in ("kk", "ru"):
        path = ROOT / "src/analysis/i18n/locale" / lang / "LC_MESSAGES" / f"{domain}.po"
        for entry in read_domain(path, lang) if path.is_file() else []:
            found += [f"{lang}/{domain}.po line {entry.lineno}: {term}: {entry.text!r}"
                      for _, term, retired in (r for r in RETIRED_WORDING if r[0] == lang)
                      if re.search(retired, entry.text, re.I)]
    assert found == []


# analysis.report's helpers take a msgid (or a result key) as their first argument.
REPORT_MESSAGES = ("title", "heading", "paragraph", "text", "Msg")
REPORT_KEYS = ("key_paragraph", "key_sentence", "Key")


def test_every_msgid_used_in_code_and_notebooks_is_translated():
    roots = [ROOT / "src", ROOT / "notebooks", ROOT / "book"]
    problems = i18n.missing_translations(
        [r for r in roots if r.exists()],
        message_functions=i18n.extract.MESSAGE_FUNCTIONS + REPORT_MESSAGES,
        key_functions=i18n.extract.KEY_FUNCTIONS + REPORT_KEYS,
    )
    assert problems == [], "\n".join(problems)


def test_extraction_finds_uncatalogued_messages_in_code_and_notebooks(tmp_path):
    (tmp_path / "mod.py").write_text(
        "from analysis.i18n import gettext, key_text\n"
        "a = gettext('Contents', lang)\n"
        "b = gettext('A sentence nobody translated', lang)\n"
        "c = key_text('warning.unheard_of', lang)\n"
        "d = gettext(variable, lang)\n",
        encoding="utf-8",
    )
    notebook = {"cells": [{"cell_type": "markdown", "source": "gettext('ignored in markdown')"},
                          {"cell_type": "code", "source": ["x = 1\n", "y = gettext('Notebook-only sentence', 'kk')\n"]}],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "page.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    used = i18n.extract_messages([tmp_path])
    assert {(u.text, u.is_key) for u in used} == {
        ("Contents", False), ("A sentence nobody translated", False),
        ("warning.unheard_of", True), ("Notebook-only sentence", False),
    }
    problems = i18n.missing_translations([tmp_path])
    assert len(problems) == 9  # three uncatalogued messages x three languages
    assert any("page.ipynb cell 2:2" in p for p in problems)
    assert not any("'Contents'" in p for p in problems)


# --- names ----------------------------------------------------------------

@pytest.fixture
def fake_data_module(monkeypatch):
    """A stand-in ``analysis.data`` with a two-row synthetic metadata table."""
    module = types.ModuleType("analysis.data")
    regions = pd.DataFrame({
        "region": ["KZ-01", "KZ-02"],
        "name_en": ["Alpha Region", "Beta Region"],
        "name_ru": ["Альфа область", "Бета область"],
        "name_kk": ["Альфа облысы", None],
    })
    module.load_regions = lambda *a: regions
    monkeypatch.setitem(sys.modules, "analysis.data", module)
    names.name_table.cache_clear()
    yield module
    names.name_table.cache_clear()


def test_region_name_reads_the_table(fake_data_module):
    assert i18n.region_name("KZ-01", "kk") == "Альфа облысы"
    assert i18n.region_name("KZ-02", "ru") == "Бета область"


def test_region_name_errors_name_row_and_column(fake_data_module):
    with pytest.raises(i18n.NameUnavailable, match=r"row 'KZ-02', column name_kk: name is empty"):
        i18n.region_name("KZ-02", "kk")
    with pytest.raises(i18n.NameUnavailable, match=r"no row 'KZ-99'; valid: KZ-01, KZ-02"):
        i18n.region_name("KZ-99", "en")
    with pytest.raises(i18n.NameUnavailable, match="load_indicators"):
        i18n.indicator_name("grp", "en")
