"""The book's static prose: the same pages with the same structure in kk, ru and en.

Checks what a reviewer of the three editions would otherwise check by eye: every page in
every language, one H1 and no skipped heading levels, the same headings, admonitions,
figures and targets in the same order, references that resolve, no Latin-script sentences
on kk and ru pages, Kazakh pages actually in Kazakh, and no numbers in prose other than
years (result numbers come only from the executed notebooks).
"""
from __future__ import annotations

import re

import pytest

from test_content_parsing import (
    CONTENT,
    LANGS,
    PAGES,
    kazakh_share,
    latin_words,
    load_page,
    non_year_numbers,
)

# Latin-script words allowed in kk and ru prose: none at present. Names of authors appear
# only inside citation roles and bibliography entries, which the parser leaves out.
ALLOWED_LATIN: set[str] = set()
# Kazakh letters may appear on ru pages only inside these official names.
RU_NAMES_WITH_KAZAKH_LETTERS = {"Жетісу", "Ұлытау"}


def _pages():
    return [(lang, name) for lang in LANGS for name in PAGES]


def test_same_page_files_in_every_language():
    files = {lang: sorted(p.stem for p in (CONTENT / lang).glob("*.md")) for lang in LANGS}
    assert set(PAGES) <= set(files["en"]), f"missing pages: {set(PAGES) - set(files['en'])}"
    assert files["kk"] == files["en"], f"kk differs from en: {set(files['kk']) ^ set(files['en'])}"
    assert files["ru"] == files["en"], f"ru differs from en: {set(files['ru']) ^ set(files['en'])}"


@pytest.mark.parametrize("lang,name", _pages())
def test_one_title_and_no_skipped_heading_levels(lang, name):
    page = load_page(lang, name)
    levels = [h.level for h in page.headings]
    assert levels and levels[0] == 1, f"{lang}/{name}.md must start with an H1, got {levels}"
    assert levels.count(1) == 1, f"{lang}/{name}.md has {levels.count(1)} H1 headings"
    for prev, cur in zip(levels, levels[1:]):
        assert cur <= prev + 1, f"{lang}/{name}.md jumps from H{prev} to H{cur}"
    assert all(h.text.strip() for h in page.headings), f"{lang}/{name}.md has an empty heading"


@pytest.mark.parametrize("name", PAGES)
def test_same_structure_in_three_languages(name):
    skeletons = {lang: load_page(lang, name).skeleton for lang in LANGS}
    for lang in ("kk", "ru"):
        assert skeletons[lang] == skeletons["en"], (
            f"{lang}/{name}.md: headings, admonitions, figures or targets differ from en/{name}.md"
        )


@pytest.mark.parametrize("lang,name", _pages())
def test_admonitions_have_backtick_fences_titles_and_bodies(lang, name):
    page = load_page(lang, name)
    assert set(page.fence_markers) <= {"```", "````"}, f"{lang}/{name}.md uses {page.fence_markers}"
    source = (CONTENT / lang / f"{name}.md").read_text(encoding="utf-8")
    assert ":::" not in source, f"{lang}/{name}.md uses a colon fence; use backticks"
    for title, cls, body in page.admonitions:
        assert title.strip(), f"{lang}/{name}.md: an admonition without a title"
        assert len(body.split()) >= 5, f"{lang}/{name}.md: admonition '{title}' is nearly empty"


@pytest.mark.parametrize("lang", LANGS)
def test_labels_unique_and_references_resolve(lang):
    labels, refs = [], []
    for name in PAGES:
        page = load_page(lang, name)
        labels += page.labels
        refs += [(name, r) for r in page.refs]
    duplicates = {x for x in labels if labels.count(x) > 1}
    assert not duplicates, f"{lang}: labels defined twice: {sorted(duplicates)}"
    missing = [(n, r) for n, r in refs if r not in labels]
    assert not missing, f"{lang}: references to undefined labels (page, label): {missing}"


@pytest.mark.parametrize("lang,name", [(l, n) for l in ("kk", "ru") for n in PAGES])
def test_no_latin_script_prose_on_kk_and_ru_pages(lang, name):
    page = load_page(lang, name)
    found = [w for text in page.prose for w in latin_words(text) if w not in ALLOWED_LATIN]
    assert not found, f"{lang}/{name}.md has Latin-script words in its prose: {found[:10]}"


@pytest.mark.parametrize("name", PAGES)
def test_kazakh_pages_are_written_in_kazakh(name):
    text = " ".join(load_page("kk", name).prose)
    # In Kazakh running text roughly every third word or more carries a Kazakh letter;
    # a page pasted in Russian scores zero.
    assert kazakh_share(text) > 0.25, f"kk/{name}.md reads like Russian ({kazakh_share(text):.2f})"


@pytest.mark.parametrize("name", PAGES)
def test_russian_pages_have_no_kazakh_words(name):
    text = " ".join(load_page("ru", name).prose)
    words = {w for w in re.findall(r"\w+", text) if set(w) & set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")}
    assert words <= RU_NAMES_WITH_KAZAKH_LETTERS, f"ru/{name}.md has Kazakh words: {words}"


@pytest.mark.parametrize("lang,name", _pages())
def test_prose_has_no_numbers_except_years(lang, name):
    page = load_page(lang, name)
    found = [(n, text[:60]) for text in page.prose for n in non_year_numbers(text)]
    assert not found, f"{lang}/{name}.md has numbers in prose (write them in words): {found[:5]}"


@pytest.mark.parametrize("lang,name", [(l, n) for l in LANGS for n in PAGES if n != "references"])
def test_pages_are_substantial(lang, name):
    words = sum(len(t.split()) for t in load_page(lang, name).prose)
    assert words >= 100, f"{lang}/{name}.md has only {words} words of prose"


def test_bibliography_entries_match_across_languages():
    entries = {lang: load_page(lang, "references").citations for lang in LANGS}
    assert len(entries["en"]) >= 20
    for lang in ("kk", "ru"):
        assert len(entries[lang]) == len(entries["en"])
    # Entries whose text is bibliographic data only are identical in every language.
    same = [e for e in entries["en"] if e in entries["kk"] and e in entries["ru"]]
    assert len(same) >= 15, "bibliographic entries should stay in the original language"
