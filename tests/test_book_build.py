"""End-to-end book builds with Jupyter Book from the synthetic fixture (slow: each build takes ~30-60 s).

One build per scenario, shared by the tests of the scenario (module-scoped):

* the normal book, checked page by page;
* a hostile book, built with network sockets blocked, whose run parameters and
  (escaped) texts contain ``<script>``: it must build, show the text, run nothing;
* failing builds (a Sphinx warning, raw ``<script>`` reaching a page, a run
  without kk outputs): each must leave the published site byte for byte as it was.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Comment, Declaration, Doctype

from analysis.book import BookError, build_book
from analysis.i18n import LANGS, load_catalogue
from test_book_fixture import EDITION, FIGURE_WORD, RUNS, STATIC, make_project

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
EVIL = "<script>alert('aimaq')</script>"


def _build(paths, **kwargs):
    return build_book(paths["edition"], project=paths["project"], build_dir=paths["build_dir"],
                      runs_root=paths["runs_root"], data_dir=paths["data_dir"], **kwargs)


def visible_text(page: Path) -> str:
    """What a reader sees or hears in the page's language: text and title/placeholder/aria-label/alt."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    for tag in soup(["script", "style", "code", "pre"]):
        tag.decompose()  # code is commands and identifiers, not language
    page_lang = soup.html.get("lang") if soup.html else None
    for tag in soup.find_all(lambda t: t.name != "html" and t.has_attr("lang") and t["lang"] != page_lang):
        tag.decompose()  # text marked as another language (the glossary's columns, the switcher) is meant so
    parts = [s for s in soup.find_all(string=True) if not isinstance(s, (Comment, Doctype, Declaration))]
    for tag in soup.find_all(True):
        parts += [str(tag[a]) for a in ("title", "placeholder", "aria-label", "alt") if tag.has_attr(a)]
    return re.sub(r"\s+", " ", " ".join(parts))


def _tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    paths = make_project(tmp_path_factory.mktemp("book"))
    report = _build(paths)
    return paths, report, paths["build_dir"] / "html"


def test_three_editions_with_the_same_pages(book):
    _, report, site = book
    assert report.edition == EDITION
    pages = {lang: sorted(p.relative_to(site / lang).as_posix() for p in (site / lang).rglob("*.html")
                          if "_static" not in p.parts) for lang in LANGS}
    assert pages["kk"] == pages["ru"] == pages["en"]
    for page in ("index.html", "intro.html", "convergence.html", "regions/KZ-43.html", "programmes/sez.html",
                 "reproducibility.html", "search.html"):
        assert page in pages["kk"]
    assert report.pages["kk"] == len(pages["kk"]) - 2  # search and genindex are not content pages
    assert (site / "index.html").is_file()


@pytest.mark.parametrize("lang", LANGS)
def test_each_page_shows_its_language_only_and_no_code(book, lang):
    _, _, site = book
    for page, (_, _, texts) in RUNS.items():
        text = visible_text(site / lang / f"{page}.html")
        for other in LANGS:
            assert (texts[other][1] in text) == (other == lang), (page, other)
        assert "report.title" not in text and "debug noise" not in text
    html_text = (site / lang / "regions" / "KZ-43.html").read_text(encoding="utf-8")
    assert f'alt="{RUNS["regions/KZ-43"][2][lang][0]}: {FIGURE_WORD[lang]}"' in html_text


def test_every_page_links_the_same_page_in_the_other_languages(book):
    _, _, site = book
    for lang in LANGS:
        for page in ("index", "regions/KZ-43", "reproducibility", "search", "genindex"):
            soup = BeautifulSoup((site / lang / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
            nav = soup.find("nav", class_="aimaq-langs")
            links = {a["hreflang"]: a["href"] for a in nav.find_all("a")}
            assert set(links) == set(LANGS) - {lang}
            for other, href in links.items():
                target = ((site / lang / page).parent / href).resolve()
                assert target == (site / other / f"{page}.html").resolve() and target.is_file()


def test_same_runs_give_a_byte_identical_site(book, tmp_path):
    paths, _, site = book
    again = build_book(paths["edition"], project=paths["project"], build_dir=tmp_path / "build",
                       runs_root=paths["runs_root"], data_dir=paths["data_dir"])
    assert _tree_digest(again.site) == _tree_digest(site)


def test_rerun_note_and_appendix(book):
    _, _, site = book
    kk = visible_text(site / "kk" / "regions" / "KZ-43.html")
    assert "Бұл бетті қайта есептеу:" in kk
    page = BeautifulSoup((site / "kk" / "regions" / "KZ-43.html").read_text(encoding="utf-8"), "html.parser")
    assert "aimaq verify --notebook region_profile --region KZ-43 --edition 2023" in page.find("article").get_text()
    appendix = BeautifulSoup((site / "ru" / "reproducibility.html").read_text(encoding="utf-8"),
                             "html.parser").find("article").get_text()
    assert "Воспроизведение результатов" in appendix and "Выполнен (из кэша)" in appendix
    assert "papermill notebooks/programme_effects.ipynb programme_effects.out.ipynb -p programme sez -p year 2023" in appendix


def _english_sentences() -> set[str]:
    """English catalogue texts that are sentences or phrases (two words or more), split at placeholders."""
    english = {e.text for e in load_catalogue("en").values()}
    from babel.messages.pofile import read_po

    for domain in ("sphinx", "booktheme"):
        with open(ROOT / "book" / "locale" / "kk" / "LC_MESSAGES" / f"{domain}.po", "rb") as fh:
            english |= {m.id for m in read_po(fh) if m.id}
    pieces = set()
    for text in english:
        for piece in re.split(r"\{[^}]*\}|%\(\w+\)s|\$\{\w+\}", text):  # placeholders split a template
            piece = piece.strip(" .,:;…")
            if len(re.findall(r"[A-Za-z]{2,}", piece)) >= 2:  # words, not formula bits such as "p ="
                pieces.add(piece)
    return pieces


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_no_english_sentence_on_kk_and_ru_pages(book, lang):
    _, _, site = book
    sentences = _english_sentences()
    assert len(sentences) > 40
    found = []
    for page in sorted((site / lang).rglob("*.html")):
        if "_static" in page.parts:
            continue
        text = visible_text(page)
        found += [f"{page.name}: {s!r}" for s in sentences if s in text]
    assert found == []


def test_no_single_english_ui_word_left_on_kk_pages(book):
    _, _, site = book
    allowed = {"English", "Ctrl", "K", "SHA", "PDF", "JavaScript", "Aimaq", "MIT"}  # a language's own name; keys; names
    for page in ("regions/KZ-43", "convergence", "search", "reproducibility", "intro"):
        text = visible_text(site / "kk" / f"{page}.html")
        words = set(re.findall(r"\b[A-Za-z][A-Za-z]+\b", text)) - allowed
        if page == "reproducibility":  # package and file names are names, not chrome
            words = {w for w in words if w[0].isupper()}
        assert words == set(), page


@pytest.mark.parametrize("lang, prefix", [("kk", "Сурет 1"), ("ru", "Рис. 1"), ("en", "Fig. 1")])
def test_figure_numbers_are_in_the_page_language(book, lang, prefix):
    _, _, site = book
    captions = [re.sub(r"\s+", " ", m).strip() for m in
                re.findall(r'<span class="caption-number">(.*?)</span>', (site / lang / "intro.html").read_text("utf-8"))]
    assert captions == [prefix]


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_glossary_page_shows_the_glossary_table(book, lang):
    _, _, site = book
    soup = BeautifulSoup((site / lang / "glossary.html").read_text(encoding="utf-8"), "html.parser")
    table = soup.select_one("article table.aimaq-glossary")
    assert table is not None, "the glossary page has no table"
    rows = table.select("tbody tr")
    with (ROOT / "book" / "glossary.csv").open(encoding="utf-8", newline="") as fh:
        import csv

        terms = list(csv.DictReader(fh))
    assert [r.find("td").get_text() for r in rows] == [t[lang] for t in terms]
    # The note is the one written in the page's language, unmarked, so the reader hears it as the page.
    notes = [r.select("td")[-2] for r in rows]
    assert [n.get_text() for n in notes] == [t[f"note_{lang}"] for t in terms]
    assert not any(n.has_attr("lang") for n in notes)
    if lang != "en":
        visible = visible_text(site / lang / "glossary.html")
        assert "stat.gov.kz" in visible and terms[0][f"note_{lang}"] in visible
        assert not [t["note_en"] for t in terms if t["note_en"] and t["note_en"] in visible]
    index = (site / lang / "searchindex.js").read_text(encoding="utf-8")
    terms = json.loads(index[index.index("(") + 1: index.rindex(")")])["terms"]
    assert {"kk": "үлестірім", "ru": "предельн", "en": "ergod"}[lang] in terms  # searchable (stemmed in ru, en)


def test_kk_search_page_and_translations_are_kazakh(book):
    _, _, site = book
    js = (site / "kk" / "_static" / "translations.js").read_text(encoding="utf-8")
    assert '"locale": "kk"' in js and "\\u0406\\u0437\\u0434\\u0435\\u0443" in js  # "Іздеу" escaped
    index = (site / "kk" / "searchindex.js").read_text(encoding="utf-8")
    terms = json.loads(index[index.index("(") + 1: index.rindex(")")])["terms"]
    assert "жақындап" in terms  # Kazakh words are indexed as written (Sphinx has no kk stemmer)


# --- a hostile book built with the network blocked ---------------------------

BLOCKER = textwrap.dedent('''
    import os, socket
    _log = os.environ["AIMAQ_NETWORK_LOG"]
    def _refuse(self, address, *args):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            with open(_log, "a") as fh:
                fh.write(f"{os.getpid()} {address!r}\\n")
            raise OSError("network blocked by the Aimaq no-network test")
        return _connect(self, address, *args)
    _connect = socket.socket.connect
    socket.socket.connect = _refuse
    socket.socket.connect_ex = _refuse
''')


@pytest.fixture(scope="module")
def hostile_book(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    blocker = root / "blocker"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(BLOCKER, encoding="utf-8")
    log = root / "network.log"
    log.touch()
    runs = dict(RUNS)
    name, parameters, texts = RUNS["regions/KZ-43"]
    runs["regions/KZ-99"] = (name, dict(parameters, region="KZ-99" + EVIL), {
        lang: (html.escape(EVIL) + " " + texts[lang][0], texts[lang][1]) for lang in LANGS})
    paths = make_project(root, runs=runs)
    _replace_with_report_outputs(paths["runs_root"] / str(EDITION) / "regions" / "KZ-43.ipynb",
                                 _data_copy_with_hostile_name(root / "data-copy", "KZ-43"))
    env = {"PYTHONPATH": os.pathsep.join(filter(None, [str(blocker), os.environ.get("PYTHONPATH")])),
           "AIMAQ_NETWORK_LOG": str(log)}
    probe = subprocess.run([sys.executable, "-c", "import socket; socket.create_connection(('192.0.2.1', 80), 1)"],
                           env={**os.environ, **env}, capture_output=True, text=True)
    assert "network blocked" in probe.stderr and log.read_text() != ""  # the blocker works (so this test can fail)
    log.write_text("")
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        import socket

        original = socket.socket.connect

        def refuse(self, address, *args):
            if self.family in (socket.AF_INET, socket.AF_INET6):
                with open(log, "a") as fh:
                    fh.write(f"parent {address!r}\n")
                raise OSError("network blocked")
            return original(self, address, *args)

        socket.socket.connect = refuse
        try:
            report = _build(paths)
        finally:
            socket.socket.connect = original
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return paths, report, paths["build_dir"] / "html", log


def _data_copy_with_hostile_name(target: Path, code: str) -> Path:
    """A copy of the project's data where region ``code``'s names end in ``<script>``; checksums updated."""
    import shutil

    import pandas as pd

    shutil.copytree(ROOT / "data", target)
    regions = pd.read_csv(target / "regions.csv", dtype=str, keep_default_na=False)
    row = regions.index[regions["code"] == code][0]
    for lang in LANGS:
        regions.loc[row, f"name_{lang}"] += " " + EVIL
    regions.to_csv(target / "regions.csv", index=False)
    package = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
    data = (target / "regions.csv").read_bytes()
    for resource in package["resources"]:
        if resource["path"] == "regions.csv":
            resource["hash"], resource["bytes"] = "sha256:" + hashlib.sha256(data).hexdigest(), len(data)
    (target / "datapackage.json").write_text(json.dumps(package, indent=2, ensure_ascii=False), encoding="utf-8")
    return target


def _replace_with_report_outputs(path: Path, data_dir: Path) -> None:
    """Make a run's outputs with analysis.report itself, reading region names from ``data_dir``."""
    import nbformat

    from analysis import report

    with report.capture() as outputs:
        report.title("{region}: region profile, {year}", region=report.Region("KZ-43", str(data_dir)), year=EDITION)
        report.bullets([report.Region("KZ-43", str(data_dir))])
    nb = nbformat.read(path, as_version=4)
    nb.cells[-1].outputs = [nbformat.v4.new_output("display_data", o["data"], metadata=o["metadata"]) for o in outputs]
    nb.cells = nb.cells[:2] + nb.cells[-1:]
    nbformat.write(nb, path)


def test_build_makes_no_network_connection(hostile_book):
    *_, log = hostile_book
    assert log.read_text() == ""


def test_script_in_data_never_runs(hostile_book):
    _, _, site, _ = hostile_book
    for lang in LANGS:
        for page in ("regions/KZ-99.html", "regions/KZ-43.html", "reproducibility.html"):
            soup = BeautifulSoup((site / lang / page).read_text(encoding="utf-8"), "html.parser")
            article = soup.find("article")
            assert not [s for s in article.find_all("script") if "alert" in s.get_text()]
            assert "<script>alert(" in article.get_text()  # shown to the reader as text


@pytest.mark.parametrize("page", ["regions/KZ-99.html", "reproducibility.html", "regions/KZ-43.html"])
def test_script_in_data_is_shown_exactly_as_in_the_data(hostile_book, page):
    _, _, site, _ = hostile_book
    for lang in LANGS:
        article = BeautifulSoup((site / lang / page).read_text(encoding="utf-8"), "html.parser").find("article")
        assert EVIL in article.get_text()


# --- failures leave the published site untouched ---------------------------

@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("failing")
    paths = make_project(root, runs={"convergence": RUNS["convergence"]})
    _build(paths)
    return root, paths


def _assert_failure_keeps_site(paths, expected: str):
    site = paths["build_dir"] / "html"
    before, target = _tree_digest(site), os.readlink(site)
    with pytest.raises(BookError, match=expected):
        _build(paths)
    assert os.readlink(site) == target and _tree_digest(site) == before
    assert sorted(p.name for p in (paths["build_dir"] / "sites").iterdir()) == [Path(target).name]
    assert not list(paths["build_dir"].glob("book-*/"))  # no work folder left behind


def test_sphinx_warning_fails_the_build_and_keeps_the_site(published):
    _, paths = published
    intro = paths["project"] / "book" / "content" / "ru" / "intro.md"
    intro.write_text(intro.read_text(encoding="utf-8") + "\nСм. {ref}`no-such-label`.\n", encoding="utf-8")
    try:
        _assert_failure_keeps_site(paths, "jupyter-book failed for ru")
    finally:
        intro.write_text(STATIC["intro"]["ru"], encoding="utf-8")


def test_raw_script_reaching_a_page_is_refused(published):
    _, paths = published
    page = paths["project"] / "book" / "content" / "en" / "intro.md"
    page.write_text(STATIC["intro"]["en"] + "\n<script>alert(1)</script>\n", encoding="utf-8")
    try:
        _assert_failure_keeps_site(paths, r"en/intro.html: unsafe markup: <script> element")
    finally:
        page.write_text(STATIC["intro"]["en"], encoding="utf-8")


def test_run_without_a_language_is_refused(published):
    import nbformat

    _, paths = published
    path = paths["runs_root"] / str(EDITION) / "convergence.ipynb"
    original = path.read_text(encoding="utf-8")
    nb = nbformat.reads(original, as_version=4)
    for cell in nb.cells:
        cell["outputs"] = [o for o in cell.get("outputs", []) if o.get("metadata", {}).get("aimaq", {}).get("lang") != "kk"]
    nbformat.write(nb, path)
    try:
        _assert_failure_keeps_site(paths, "has no output for 'kk'")
    finally:
        path.write_text(original, encoding="utf-8")


def test_kill_9_mid_build_keeps_the_site_and_the_next_build_recovers(published):
    import signal
    import time

    _, paths = published
    site, build_dir = paths["build_dir"] / "html", paths["build_dir"]
    before, target = _tree_digest(site), os.readlink(site)
    arguments = ", ".join(f"{k}=Path({str(paths[k])!r})" for k in ("project", "build_dir", "runs_root", "data_dir"))
    code = f"from pathlib import Path; from analysis.book import build_book; build_book({EDITION}, {arguments})"
    # With its site cache the build copies the published languages in a second; emptied, it must run
    # Jupyter Book again, which is the part a kill can catch half-way.
    shutil.rmtree(build_dir / "site-cache", ignore_errors=True)
    process = subprocess.Popen([sys.executable, "-c", code], start_new_session=True)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and not list(build_dir.glob("book-*/out/*")) and process.poll() is None:
        time.sleep(0.2)  # until the Jupyter Book processes are writing
    assert process.poll() is None, "the build finished before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert list(build_dir.glob("book-*"))  # killed before cleaning up
    assert os.readlink(site) == target and _tree_digest(site) == before
    entries = [e for e in (build_dir / "site-cache").glob("*") if not e.name.startswith(".staging-")]
    assert all((e / "index.html").is_file() for e in entries)  # no half entry a later build would reuse
    report = _build(paths)
    assert report.pages["kk"] > 0
    assert not list(build_dir.glob("book-*")) and len(list((build_dir / "sites").iterdir())) == 1
