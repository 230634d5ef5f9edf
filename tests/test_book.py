"""analysis.book without Sphinx: page filtering, structure, appendix, checks, publishing, UI catalogues."""

from __future__ import annotations

import gettext as stdlib_gettext
import hashlib
import json
import os
import re
import shlex
from pathlib import Path

import nbformat
import pytest
import yaml
from typer.testing import CliRunner

from analysis.book.appendix import RunInfo, appendix_markdown, code_span, data_checksums, footer_markdown, \
    papermill_command, verify_command
from analysis.book.assemble import Sources, assemble, compile_ui_catalogues, config_yaml, static_pages, toc_yaml
from analysis.book.glossary import glossary_table, read_glossary
from analysis.book.landing import picker_html
from analysis.book.pages import languages_present, page_notebook
from analysis.book.publish import new_site_dir, publish, remove_old_sites
from analysis.book.site_check import check_site, unsafe_markup
from analysis.book.sphinx_ext import relative_to_other, switcher_html
from analysis.book.structure import BookError, read_structure, resolve_structure
from analysis.cli import app
from analysis.i18n import LANGS, gettext
from test_book_fixture import GLUED, RUNS, executed_notebook, make_project

ROOT = Path(__file__).resolve().parents[1]
CYRILLIC = re.compile(r"[\u0400-\u04FF]")


# --- one notebook, one page per language -----------------------------------

@pytest.fixture
def notebook():
    name, parameters, texts = RUNS["regions/KZ-43"]
    return executed_notebook(name, parameters, texts)


def _visible(page) -> str:
    parts = [c.source for c in page.cells if c.cell_type == "markdown"]
    for cell in page.cells:
        for output in cell.get("outputs", []):
            parts += [str(v) for k, v in output.get("data", {}).items() if not k.startswith("application/papermill")]
    return "\n".join(parts)


@pytest.mark.parametrize("lang", LANGS)
def test_page_keeps_only_its_language_and_no_code(notebook, lang):
    page = page_notebook(notebook, lang)
    text = _visible(page)
    for other in LANGS:
        title = RUNS["regions/KZ-43"][2][other][0]
        assert (title in text) == (other == lang)
    assert "debug noise" not in text  # untagged stream output
    assert all(c.source == "# output of the executed run" for c in page.cells if c.cell_type == "code")
    assert all("remove-input" in c.metadata["tags"] for c in page.cells if c.cell_type == "code")
    assert page.cells[0].source == "# " + RUNS["regions/KZ-43"][2][lang][0]  # the title builds the page heading
    assert "papermill" not in page.metadata


def test_page_keeps_glue_and_gives_images_their_alt(notebook):
    page = page_notebook(notebook, "ru")
    outputs = [o for c in page.cells for o in c.get("outputs", [])]
    assert sum("scrapbook" in o.metadata for o in outputs) == len(GLUED)
    cells = [c for c in page.cells if any("image/png" in o.get("data", {}) for o in c.get("outputs", []))]
    assert len(cells) == 1 and len(cells[0].outputs) == 1
    assert cells[0].metadata["mystnb"]["image"]["alt"] == "Кызылординская область: рисунок"
    nbformat.validate(page)


def test_page_is_deterministic_and_leaves_input_alone(notebook):
    before = nbformat.writes(notebook)
    first = nbformat.writes(page_notebook(notebook, "kk", footer="x"))
    assert first == nbformat.writes(page_notebook(notebook, "kk", footer="x"))
    assert nbformat.writes(notebook) == before
    assert languages_present(notebook) == set(LANGS)


# --- structure -------------------------------------------------------------

SPEC = {"root": "index", "parts": [
    {"caption": "Region profiles", "pages": ["regions/*"]},
    {"caption": "Appendices", "pages": ["glossary", "missing_page", "reproducibility"]},
]}


def test_structure_orders_globs_and_skips_absent_entries():
    plan = resolve_structure(SPEC, {"index", "glossary"}, {"regions/KZ-75", "regions/KZ-11"})
    assert plan.pages == ("index", "regions/KZ-11", "regions/KZ-75", "glossary", "reproducibility")
    assert plan.skipped == ("missing_page",)


@pytest.mark.parametrize("static, runs, message", [
    ({"index"}, {"convergence"}, "convergence are not placed"),
    ({"index", "glossary", "notes"}, set(), "notes are not placed"),
    ({"glossary"}, set(), "root page 'index' is missing"),
    ({"index", "regions/KZ-11"}, {"regions/KZ-11"}, "exist both as prose"),
])
def test_structure_refuses_what_would_vanish_or_clash(static, runs, message):
    with pytest.raises(BookError, match=message):
        resolve_structure(SPEC, static, runs)


def test_structure_file_errors_name_the_file(tmp_path):
    path = tmp_path / "structure.yml"
    path.write_text("root: index\nparts:\n  - caption: X\n    pages: ['../etc/passwd']\n", encoding="utf-8")
    with pytest.raises(BookError, match=r"structure.yml: part 1 \(X\): invalid page entry '../etc/passwd'"):
        read_structure(path)


def test_project_structure_captions_translate_in_every_language():
    spec = read_structure(ROOT / "book" / "structure.yml")
    for part in spec["parts"]:
        texts = [gettext(part["caption"], lang) for lang in LANGS]
        assert len(set(texts[:2] + [texts[2]])) >= 2 and CYRILLIC.search(texts[0]) and CYRILLIC.search(texts[1])


def test_static_pages_must_exist_in_all_three_languages(tmp_path):
    for lang in LANGS:
        (tmp_path / lang).mkdir()
        (tmp_path / lang / "index.md").write_text("# x\n", encoding="utf-8")
    (tmp_path / "en" / "intro.md").write_text("# x\n", encoding="utf-8")
    with pytest.raises(BookError, match=r"book/content/kk/ lacks intro.md"):
        static_pages(tmp_path)
    (tmp_path / "en" / "intro.md").unlink()
    assert static_pages(tmp_path) == {"index"}


def test_toc_and_config_per_language():
    from analysis.book.structure import BookPlan, Part

    toc = toc_yaml(BookPlan("index", (Part("Region profiles", ("regions/KZ-43",)),), ()), "kk")
    assert toc == {"format": "jb-book", "root": "index",
                   "parts": [{"caption": "Өңірлер бейнесі", "chapters": [{"file": "regions/KZ-43"}]}]}
    base = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config = config_yaml(base, "kk", 2023)
    sphinx = config["sphinx"]["config"]
    assert sphinx["language"] == "kk" and config["execute"]["execute_notebooks"] == "off"
    assert sphinx["html_theme_options"]["search_bar_text"] == "Кітаптан іздеу…"
    assert base["sphinx"]["config"].get("language") is None  # the shared file is not modified


# --- appendix and rerun commands -------------------------------------------

EVIL = "KZ-1'; rm -rf / #<script>alert(1)</script>"


def test_rerun_commands_quote_parameters_so_a_shell_gets_them_back():
    run = RunInfo("regions/x", "region_profile.ipynb", {"year": 2023, "region": EVIL, "data_dir": ""}, "ok")
    words = shlex.split(verify_command(run, 2023))
    assert words[:4] == ["aimaq", "verify", "--notebook", "region_profile"]
    assert words[words.index("--region") + 1] == EVIL and words[-2:] == ["--edition", "2023"]
    words = shlex.split(papermill_command(run))
    assert words[:3] == ["papermill", "notebooks/region_profile.ipynb", "region_profile.out.ipynb"]
    assert ["-p", "region", EVIL] == words[3:6] and "data_dir" not in words


def test_programme_pages_are_verified_by_page():
    run = RunInfo("programmes/sez", "programme_effects.ipynb", {"year": 2023, "programme": "sez", "data_dir": ""})
    assert verify_command(run, 2023) == "aimaq verify --notebook programmes/sez --edition 2023"
    assert papermill_command(run).endswith("-p programme sez -p year 2023")


def test_code_span_survives_backticks():
    assert code_span("a``b") == "```a``b```"
    assert code_span("`x") == "`` `x ``"


def test_appendix_escapes_data_and_lists_checksums(tmp_path):
    (tmp_path / "a.csv").write_bytes(b"abc")
    (tmp_path / ".hidden").write_bytes(b"x")
    assert data_checksums(tmp_path) == [
        ("a.csv", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]  # FIPS 180-2 test vector
    runs = [RunInfo("regions/x", "region_profile.ipynb", {"year": 2023, "region": EVIL}, "failed")]
    text = appendix_markdown(2023, runs, tmp_path, "kk", packages=("numpy", "not-a-package"))
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "Қате; соңғы сәтті нәтиже көрсетілген" in text and "numpy" in text and "not-a-package" not in text
    assert text.startswith("# Нәтижелерді қайта шығару")
    footer = footer_markdown(runs[0], 2023, "ru")
    assert footer.startswith("---\n\nПересчитать эту страницу: `") and "<script>" in footer  # inside a code span


# --- site checks -----------------------------------------------------------

def test_unsafe_markup_is_found_and_theme_scripts_are_allowed():
    ok = ('<article><script type="text/x-thebe-config">{}</script><script>kernelName = \'python3\'</script>'
          "<p>&lt;script&gt;</p></article>")
    assert unsafe_markup(ok) == []
    assert unsafe_markup("<article><script>kernelName = 'x'; steal()</script></article>") == ["<script> element"]
    assert unsafe_markup('<article><a href=" JavaScript:go()">x</a></article>') == ["javascript: URL in href= of <a>"]
    assert unsafe_markup("<article><svg onload=go()></svg></article>") == ["onload= attribute on <svg>"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_check_site_finds_broken_and_escaping_links(tmp_path, jobs):
    (tmp_path / "kk").mkdir()
    (tmp_path / "kk" / "a.html").write_text('<a href="b.html#x">b</a><img src="../missing.png"><a href="../../x.html">x</a>'
                                            '<a href="https://example.org">ext</a>', encoding="utf-8")
    (tmp_path / "kk" / "b.html").write_text("<p>b</p>", encoding="utf-8")
    (tmp_path / "kk" / "c.html").write_text('<p><a href="d.html">d</a></p><script>alert(1)</script>', encoding="utf-8")
    # in page order whether one process checks every page or each of two a slice
    assert check_site(tmp_path, jobs) == ["kk/a.html: broken internal link '../missing.png'",
                                          "kk/a.html: broken internal link '../../x.html'",
                                          "kk/c.html: unsafe markup: <script> element",
                                          "kk/c.html: broken internal link 'd.html'"]


def test_switcher_links_the_same_page_in_other_languages():
    assert relative_to_other("index", "ru") == "../ru/index.html"
    assert relative_to_other("regions/KZ-43", "en") == "../../en/regions/KZ-43.html"
    nav = switcher_html("regions/KZ-43", "ru", [["kk", "Қазақша"], ["ru", "Русский"], ["en", "<b>"]], "Язык")
    assert 'href="../../kk/regions/KZ-43.html"' in nav and 'aria-current="page">Русский' in nav
    assert "&lt;b&gt;" in nav and "<b>" not in nav


def test_picker_links_three_languages():
    page = picker_html(2023)
    assert [m for m in re.findall(r'href="(\w\w)/index.html"', page)] == list(LANGS)
    assert "Қазақстандағы өңірлік теңсіздік" in page and "edition 2023" in page


# --- atomic publishing -----------------------------------------------------

def test_publish_swaps_a_symlink_and_keeps_the_old_site_until_then(tmp_path):
    link = tmp_path / "html"
    legacy = link / "kk"
    legacy.mkdir(parents=True)
    (legacy / "index.html").write_text("legacy", encoding="utf-8")
    first = new_site_dir(tmp_path)
    (first / "index.html").write_text("v1", encoding="utf-8")
    previous = publish(first, link)
    assert link.is_symlink() and (link / "index.html").read_text() == "v1"
    assert (previous / "kk" / "index.html").read_text() == "legacy"  # a real folder is moved, not deleted
    second = new_site_dir(tmp_path)
    (second / "index.html").write_text("v2", encoding="utf-8")
    assert (link / "index.html").read_text() == "v1"  # building the next site changes nothing published
    assert publish(second, link) == first.resolve()
    remove_old_sites(tmp_path, second)
    assert (link / "index.html").read_text() == "v2" and not first.exists()
    assert oct(second.stat().st_mode & 0o777) == "0o755"
    assert not os.path.isabs(os.readlink(link))  # the site can move with _build


# --- glossary page ---------------------------------------------------------

GLOSSARY_HEADERS = {  # written out by hand: the page's language first, then the others in en, ru, kk order
    "kk": ["Қазақша", "Ағылшынша", "Орысша", "Түсіндірме", "Сәйкестендіргіш"],
    "ru": ["Русский", "Английский", "Казахский", "Пояснение", "Идентификатор"],
    "en": ["English", "Russian", "Kazakh", "Note", "Identifier"],
}


def _glossary_rows(page_text: str, with_lang: bool = False) -> tuple[list[str], list[list]]:
    """Headers and cell texts of the glossary table (with ``with_lang``: (text, lang attribute) per cell)."""
    import lxml.html

    table = lxml.html.fragment_fromstring(page_text[page_text.index("<table"):page_text.index("</table>") + 8])
    headers = [th.text_content() for th in table.xpath(".//thead//th")]
    cell = (lambda td: (td.text_content(), td.get("lang"))) if with_lang else (lambda td: td.text_content())
    rows = [[cell(td) for td in tr.xpath("./td")] for tr in table.xpath(".//tbody/tr")]
    return headers, rows


@pytest.fixture
def assembled_glossary(tmp_path):
    """The fixture project assembled (no Sphinx), with a glossary.csv holding markup and a comma in a note."""
    paths = make_project(tmp_path)
    csv_text = ("term_id,en,ru,kk,note_en,note_ru,note_kk\n"
                "region,region,регион,өңір,general word,общее слово,жалпы сөз\n"
                "evil,<script>alert(1)</script>,a & b,«c»,\"x, <b>y</b>\",\"р, <i>я</i>\",\"қ, &amp;\"\n"
                "sez,special economic zone (SEZ),специальная экономическая зона (СЭЗ),арнайы экономикалық аймақ (АЭА),,,\n")
    (paths["project"] / "book" / "glossary.csv").write_text(csv_text, encoding="utf-8")
    _, trees = assemble(Sources(paths["project"], paths["runs_root"] / "2023", paths["data_dir"], 2023),
                        tmp_path / "src")
    return paths, trees


@pytest.mark.parametrize("lang", LANGS)
def test_glossary_page_gets_the_table_of_glossary_csv(assembled_glossary, lang):
    _, trees = assembled_glossary
    text = (trees[lang] / "glossary.md").read_text(encoding="utf-8")
    from test_book_fixture import STATIC

    assert text.startswith(STATIC["glossary"][lang].rstrip("\n"))  # the prose stays, the table follows it
    headers, rows = _glossary_rows(text, with_lang=True)
    assert headers == GLOSSARY_HEADERS[lang]
    order = {"kk": ["kk", "en", "ru"], "ru": ["ru", "en", "kk"], "en": ["en", "ru", "kk"]}[lang]
    expected = [
        {"en": "region", "ru": "регион", "kk": "өңір", "id": "region",
         "note_en": "general word", "note_ru": "общее слово", "note_kk": "жалпы сөз"},
        {"en": "<script>alert(1)</script>", "ru": "a & b", "kk": "«c»", "id": "evil",
         "note_en": "x, <b>y</b>", "note_ru": "р, <i>я</i>", "note_kk": "қ, &amp;"},
        {"en": "special economic zone (SEZ)", "ru": "специальная экономическая зона (СЭЗ)",
         "kk": "арнайы экономикалық аймақ (АЭА)", "id": "sez", "note_en": "", "note_ru": "", "note_kk": ""},
    ]
    # File order, text exact; the terms of the other languages carry their lang, the note (in the
    # page's language) and the identifier carry none.
    assert rows == [[(e[c], None if c == lang or not e[c] else c) for c in order]
                    + [(e[f"note_{lang}"], None), (e["id"], None)] for e in expected]
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert {"en": "x, &lt;b&gt;y&lt;/b&gt;", "ru": "р, &lt;i&gt;я&lt;/i&gt;", "kk": "қ, &amp;amp;"}[lang] in text
    assert "\n\n" not in text[text.index("<table"):]  # a blank line would end MyST's HTML block


def test_real_glossary_table_has_every_term_in_file_order():
    import csv

    with (ROOT / "book" / "glossary.csv").open(encoding="utf-8", newline="") as fh:
        terms = list(csv.DictReader(fh))
    headers, rows = _glossary_rows(glossary_table(read_glossary(ROOT / "book" / "glossary.csv"), "kk"))
    assert headers == GLOSSARY_HEADERS["kk"]
    assert [r[0] for r in rows] == [t["kk"] for t in terms] and [r[-1] for r in rows] == [t["term_id"] for t in terms]


@pytest.mark.parametrize("lang", LANGS)
def test_real_glossary_table_notes_are_in_the_page_language(lang):
    """Each note cell holds the note written for the page's language, unmarked: no English note
    (and no Latin script at all, bar a web address such as stat.gov.kz) on the kk and ru pages."""
    from test_content_parsing import URL, latin_words

    rows_csv = read_glossary(ROOT / "book" / "glossary.csv")
    _, rows = _glossary_rows(glossary_table(rows_csv, lang), with_lang=True)
    notes = [row[-2] for row in rows]
    assert notes == [(r[f"note_{lang}"], None) for r in rows_csv]
    assert sum(1 for text, _ in notes if text) >= 50  # the notes are there, not blanked
    if lang != "en":
        latin = [(text, latin_words(URL.sub(" ", text))) for text, _ in notes if latin_words(URL.sub(" ", text))]
        assert not latin, f"{lang} glossary table: notes in Latin script: {latin[:5]}"
        english = {r["note_en"] for r in rows_csv if r["note_en"]}
        assert not english & {text for text, _ in notes}, f"{lang} glossary table shows English notes"


def test_glossary_csv_problems_are_named(tmp_path):
    with pytest.raises(BookError, match="glossary.csv: missing"):
        read_glossary(tmp_path / "glossary.csv")
    for header in ("term_id,en,ru,kk", "term_id,en,ru,kk,note"):  # the second: English-only notes, retired
        (tmp_path / "glossary.csv").write_text(header + "\nx,a,b,c,d\n", encoding="utf-8")
        with pytest.raises(BookError, match="header"):
            read_glossary(tmp_path / "glossary.csv")
    (tmp_path / "glossary.csv").write_text("term_id,en,ru,kk,note_en,note_ru,note_kk\nx,a,b,c,d\n",
                                           encoding="utf-8")
    with pytest.raises(BookError, match="line 2: expected 7 columns"):
        read_glossary(tmp_path / "glossary.csv")


# --- UI catalogues ---------------------------------------------------------

def _fields(text: str) -> set[str]:
    return set(re.findall(r"%\(\w+\)s|\$\{\w+\}", text))


@pytest.mark.parametrize("domain", ["sphinx", "booktheme"])
def test_kk_ui_catalogues_are_complete_kazakh(domain):
    from babel.messages.pofile import read_po

    with open(ROOT / "book" / "locale" / "kk" / "LC_MESSAGES" / f"{domain}.po", "rb") as fh:
        catalog = read_po(fh, locale="kk")
    messages = [m for m in catalog if m.id]
    assert len(messages) > 15
    for m in messages:
        assert m.string and CYRILLIC.search(m.string), m.id
        assert _fields(m.string) == _fields(m.id), m.id


def test_compiled_ui_catalogues_translate_through_stdlib_gettext(tmp_path):
    for lang in ("kk", "ru"):
        compile_ui_catalogues(ROOT / "book" / "locale", tmp_path, lang)
    folder = tmp_path / "_locale"
    kk = stdlib_gettext.translation("sphinx", localedir=folder, languages=["kk"])
    assert kk.gettext("Search") == "Іздеу" and kk.gettext("Toggle primary sidebar").startswith("Негізгі")
    booktheme = stdlib_gettext.translation("booktheme", localedir=folder, languages=["kk"])
    assert booktheme.gettext("Contents") == "Мазмұны"
    ru = stdlib_gettext.translation("sphinx", localedir=folder, languages=["ru"])
    assert ru.gettext("Search Results") == "Результаты поиска"  # Sphinx's own ru, merged under ours
    assert ru.gettext("Back to top") == "Наверх"  # a gap of the shipped ru catalogue, filled by us
    # Figure captions are numbered through these (Sphinx's numfig_format); kk had English "Fig. 1".
    assert kk.gettext("Fig. %s") == "Сурет %s" and kk.gettext("Table %s") == "Кесте %s"
    assert kk.gettext("Link to this image") == "Осы суретке сілтеме"
    assert ru.gettext("Fig. %s") == "Рис. %s" and ru.gettext("Link to this definition") == "Ссылка на это определение"
    js = (folder / "kk" / "LC_MESSAGES" / "sphinx.js").read_text(encoding="utf-8")
    messages = json.loads(js[js.index("(") + 1: js.rindex(")")])["messages"]
    assert messages["Search Results"] == "Іздеу нәтижелері"


# --- command line ----------------------------------------------------------

def test_cli_book_fails_clearly_without_runs(tmp_path):
    result = CliRunner().invoke(app, ["book", "--edition", "1999", "--build-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "published site is unchanged" in result.output
    assert not (tmp_path / "html").exists()
