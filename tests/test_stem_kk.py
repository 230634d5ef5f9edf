"""The Kazakh suffix stripper: inflected forms stem alike, distinct words stay apart, Python and JS agree.

The inflected forms are generated here from the grammar's rules of vowel
harmony and consonant assimilation (an independent statement of the endings,
not the stemmer's tables), so each lemma's paradigm is a known truth.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from analysis.book import stem_kk
from analysis.book.stem_kk import stem

ROOT = Path(__file__).resolve().parents[1]
BACK, FRONT = set("аоұы"), set("әөүіе")
VOICELESS = set("кқпстфхцчшщ")
VOWELS = set("аәеёиоөуұүыіэюя")


def _front(word: str) -> bool:
    for ch in reversed(word):
        if ch in BACK:
            return False
        if ch in FRONT:
            return True
    return False


def _pick(word: str, back: str, front: str) -> str:
    return front if _front(word) else back


def plural(w):
    last = w[-1]
    head = "л" if last in VOWELS or last in "рйу" else "т" if last in VOICELESS or last in "бвгд" else "д"
    return w + head + _pick(w, "ар", "ер")


def possessive(w):
    return w + (_pick(w, "сы", "сі") if w[-1] in VOWELS else _pick(w, "ы", "і"))


def voiced(w):
    """The stem before a vowel ending: final к/қ/п become г/ғ/б (теңсіздік → теңсіздігі)."""
    return w[:-1] + {"к": "г", "қ": "ғ", "п": "б"}.get(w[-1], w[-1])


def cases(w, after_possessive=False):
    """The six oblique cases of a form (the n-forms after a third-person possessive)."""
    last, front = w[-1], _front(w)
    a, y = ("е", "і") if front else ("а", "ы")
    if after_possessive:
        return [w + "н" + y + "ң", w + "н" + a, w + "н", w + "нд" + a, w + "н" + a + "н", w + "мен",
                w + "нд" + a + ("гі" if front else "ғы")]
    vowel, voiceless, nasal = last in VOWELS, last in VOICELESS, last in "мнң"
    gen = ("н" if vowel or nasal else "т" if voiceless else "д") + y + "ң"
    dat = ("к" if front else "қ") if voiceless else ("г" if front else "ғ")
    acc = ("н" if vowel else "т" if voiceless else "д") + y
    loc = ("т" if voiceless else "д") + a
    abl = ("н" if nasal else "т" if voiceless else "д") + a + "н"
    ins = ("п" if voiceless else "б" if last in "жз" else "м") + "ен"
    return [w + gen, w + dat + a, w + acc, w + loc, w + abl, w + ins, w + loc + ("гі" if front else "ғы")]


def paradigm(lemma: str) -> list[str]:
    """Lemma, plural, possessive, plural possessive, and every case of each."""
    pl = plural(lemma)
    poss = possessive(voiced(lemma)) if lemma[-1] in "кқп" else possessive(lemma)
    pl_poss = possessive(pl)
    forms = [lemma, pl, poss, pl_poss]
    forms += cases(lemma) + cases(pl) + cases(poss, True) + cases(pl_poss, True)
    return forms


# Nouns of the report (its glossary, prose and pages), with stems of each shape: front and back vowels,
# final vowel, voiced, voiceless and nasal consonants, a voicing stem (теңсіздік) and a protected name.
LEMMAS = ["өңір", "аудан", "облыс", "жыл", "көрсеткіш", "бағдарлама", "теңсіздік", "табыс", "деңгей", "нәтиже",
          "мән", "халық", "қала", "ел", "кезең", "әдіс", "дерек", "алшақтық", "баға", "Алматы", "Қарағанды",
          "Қызылорда", "Астана", "Шымкент", "Түркістан", "Ақтөбе", "Павлодар", "Қостанай", "Атырау", "Маңғыстау"]


def test_generated_paradigm_has_the_forms_of_the_issue():
    forms = paradigm("өңір")
    for form in ("өңірдің", "өңірлер", "өңірлердің", "өңірде", "өңірге", "өңірлерінің", "өңірлеріндегі"):
        assert form in forms


@pytest.mark.parametrize("lemma", LEMMAS)
def test_every_inflected_form_stems_like_its_lemma(lemma):
    expected = stem(lemma)
    # names of places take the cases only (no plural, no possessive of their own)
    forms = cases(lemma.lower()) if lemma[0].isupper() else paradigm(lemma)
    wrong = {form: stem(form) for form in forms if stem(form) != expected}
    assert not wrong, f"{lemma} -> {expected}, but {wrong}"


def test_issue_examples_stem_alike():
    words = ["өңір", "өңірдің", "өңірлер", "өңірлердің", "өңірде", "өңірлерде", "өңірге", "өңірдегі", "өңірі",
             "өңірінің", "өңіріне", "өңірлерін", "Өңірлердің"]
    assert {stem(w) for w in words} == {"өңір"}


# Pairs that share letters but not meaning: a stemmer that collapses them makes search return wrong pages.
APART = [("өңір", "өңірлік"), ("жыл", "жылдам"), ("жыл", "жылдық"), ("бағдарлама", "бағдарламасыз"),
         ("сан", "сана"), ("аудан", "ауа"), ("теңсіздік", "теңсіз"), ("халық", "халықаралық"),
         ("білім", "біл"), ("өнім", "өн"), ("сауда", "сау"), ("орта", "ор"), ("Қызылорда", "қызыл"),
         ("ел", "елу"), ("тау", "тауар")]


@pytest.mark.parametrize("first,second", APART)
def test_distinct_words_stay_apart(first, second):
    assert stem(first) != stem(second)


def test_other_scripts_are_only_lower_cased():
    assert [stem(w) for w in ("Regions", "регионов", "2023", "GDP")] == ["regions", "регионов", "2023", "gdp"]


def _book_words() -> list[str]:
    words = set()
    for path in list((ROOT / "book" / "content" / "kk").rglob("*.md")) + [ROOT / "book" / "glossary.csv"]:
        words.update(re.findall(r"\w+", path.read_text(encoding="utf-8")))
    return sorted(words)


def test_javascript_stemmer_agrees_with_python_on_every_word():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    words = sorted(set(_book_words()) | {f for lemma in LEMMAS for f in paradigm(lemma.lower())}
                   | {w for pair in APART for w in pair})
    assert len(words) > 1000
    script = stem_kk.JS_STEMMER + (
        "\nvar words = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "\nvar s = new Stemmer();\nprocess.stdout.write(JSON.stringify(words.map(function (w) { return s.stemWord(w); })));\n")
    done = subprocess.run([node, "-e", script], input=json.dumps(words, ensure_ascii=False), capture_output=True,
                          text=True, encoding="utf-8", check=True, timeout=60)
    js = json.loads(done.stdout)
    differ = [(w, p, j) for w, p, j in zip(words, map(stem, words), js) if p != j]
    assert not differ, differ[:20]


def test_stemming_merges_the_book_vocabulary():
    """Most forms of the report's words fall together (a no-op stemmer would merge nothing)."""
    words = {w.lower() for w in _book_words() if re.search("[әөүұқғңі]", w.lower())}
    stems = {stem(w) for w in words}
    assert len(stems) < 0.8 * len(words)


def test_sphinx_search_language_uses_the_stemmer():
    language = stem_kk.search_language()({})
    assert language.lang == "kk"
    assert language.stem("Өңірлердің") == "өңір"
    assert not language.word_filter("және") and language.word_filter("өңір")
    assert "var Stemmer" in language.js_stemmer_code


def test_sphinx_registers_kazakh_search(tmp_path):
    """The book's extension adds the language to Sphinx; a kk build then indexes stems."""
    from sphinx.application import Sphinx
    from sphinx.search import languages

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text("extensions = ['analysis.book.sphinx_ext']\nlanguage = 'kk'\n", encoding="utf-8")
    (src / "index.rst").write_text("Өңірлер\n=======\n\nӨңірлердің табысы мен өңірдегі деңгейі.\n", encoding="utf-8")
    app = Sphinx(str(src), str(src), str(tmp_path / "out"), str(tmp_path / "doctrees"), "html",
                 status=None, warning=None, freshenv=True)
    app.build()
    assert languages["kk"].__name__ == "SearchKazakh"
    index = (tmp_path / "out" / "searchindex.js").read_text(encoding="utf-8")
    terms = json.loads(index[index.index("(") + 1: index.rindex(")")])["terms"]
    titles = json.loads(index[index.index("(") + 1: index.rindex(")")])["titleterms"]
    assert "өңір" in titles and "табыс" in terms and "деңгей" in terms
    assert "өңірлердің" not in terms
    language_data = (tmp_path / "out" / "_static" / "language_data.js").read_text(encoding="utf-8")
    assert "Kazakh suffix stripper" in language_data


# --- In the browser: the kk search page (Sphinx's searchtools.js with our Stemmer) finds inflected forms ---

@pytest.fixture(scope="module")
def kk_search(tmp_path_factory):
    """Search the synthetic fixture book's kk edition in Chromium; yields ``search(word) -> [page hrefs]``."""
    import functools
    import http.server
    import threading

    from analysis.book import build_book
    from test_book_fixture import make_project

    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.fail("Chromium is not installed: run `make browser` (Debian's chromium package)")
    from playwright.sync_api import sync_playwright

    paths = make_project(tmp_path_factory.mktemp("kk-search"))
    build_book(paths["edition"], project=paths["project"], build_dir=paths["build_dir"],
               runs_root=paths["runs_root"], data_dir=paths["data_dir"])
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(paths["build_dir"] / "html"))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/kk/search.html?q="
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        tab = browser.new_page()

        def search(word: str) -> list[str]:
            tab.goto(url + word)
            tab.wait_for_selector("#search-results .search-summary", timeout=20000)
            return sorted(tab.eval_on_selector_all("#search-results ul.search li a",
                                                    "links => links.map(a => a.getAttribute('href'))"))

        search.tab = tab
        yield search
        browser.close()
    server.shutdown()


@pytest.mark.slow
@pytest.mark.browser
def test_kazakh_search_finds_inflected_forms(kk_search):
    # The convergence page says only "Өңірлердің" and "өңірлер"; none of these queries is a substring of either,
    # so Sphinx's partial matching alone (the English fallback) finds nothing for them.
    for query in ("өңірдің", "өңірге", "өңірлерде", "өңірлерінің"):
        hits = kk_search(query)
        assert any(h.startswith("convergence.html") for h in hits), (query, hits)
    # the page's stemmed form and its plain form find the same page
    assert kk_search("өңірдің") == kk_search("өңір")
    # a word of no page finds nothing (the stemmer does not make everything match)
    assert kk_search("тауар") == []
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    kk_search("өңірдің")
    kk_search.tab.screenshot(path=str(artifacts / "kk-search-inflected.png"))
