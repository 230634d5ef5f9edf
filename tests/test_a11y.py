"""Accessibility in the browser (axe-core through axe-playwright-python) and the downloads of a built site.

One synthetic fixture book is built (every kind of page: convergence, programme, region, composite
index, data overview, conclusions, glossary; each run page carries a real ``report.figure`` and
``report.table``), served on 127.0.0.1 and read in one headless Chromium:

* axe-core runs on the landing page and on one page of each kind in kk, ru and en; a serious or
  critical violation fails the test, named with its rule, page and first elements;
* every download link of every page resolves over HTTP and its CSV parses with as many fields per
  row as its header; the landing page links one data package per language, which opens and whose
  ``datapackage.json`` validates (:func:`analysis.book.download_check.package_problems`).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import http.server
import io
import json
import threading
import urllib.request
from pathlib import Path

import nbformat
import pytest

from analysis.book import build_book
from analysis.book.download_check import package_problems
from test_book_fixture import EDITION, RUNS, make_project
from test_downloads import report_outputs

pytestmark = [pytest.mark.slow, pytest.mark.browser]
CHROMIUM = Path("/usr/bin/chromium")
LANGS = ("kk", "ru", "en")
EXTRA_RUNS = {
    "composite_index": ("composite_index.ipynb", {"year": EDITION, "data_dir": ""}, {
        "kk": ("Композиттік индекс", "Индекс бойынша өңірлерді іріктеу."),
        "ru": ("Композитный индекс", "Отбор регионов по индексу."),
        "en": ("Composite index", "Selection of regions by the index."),
    }),
    "data_overview": ("data_overview.ipynb", {"year": EDITION, "data_dir": ""}, {
        "kk": ("Деректерге шолу", "Деректер көздері мен қамтуы."),
        "ru": ("Обзор данных", "Источники и охват данных."),
        "en": ("Data overview", "Sources and coverage of the data."),
    }),
    "conclusions": ("conclusions.ipynb", {"year": EDITION, "data_dir": ""}, {
        "kk": ("Қорытындылар", "Баяндаманың қорытындылары."),
        "ru": ("Выводы", "Выводы доклада."),
        "en": ("Conclusions", "Conclusions of the report."),
    }),
}
#: One page of each kind (the landing page is checked once: it holds the three languages).
PAGES = ("convergence", "programmes/sez", "regions/KZ-43", "composite_index", "data_overview", "conclusions",
         "glossary")
BLOCKING = ("serious", "critical")


def _with_report_outputs(path: Path) -> None:
    """Give a fixture run the outputs of a real report.figure and report.table (their values on the metadata)."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source == "report.figure(...)":
            glue = [o for o in cell.outputs if "scrapbook" in o.get("metadata", {})]
            cell.outputs = report_outputs() + glue
        elif cell.cell_type == "code" and cell.source == "report.table(...)":
            cell.outputs = []
    nbformat.write(nb, path)


def _describe_data(data_dir: Path) -> None:
    """The fixture's data folder gets its Data Package descriptor (the data package reuses it)."""
    body = (data_dir / "observations.csv").read_bytes()
    header = body.decode("utf-8").splitlines()[0].split(",")
    (data_dir / "datapackage.json").write_text(json.dumps({"profile": "data-package", "name": "fixture", "resources": [{
        "name": "observations", "path": "observations.csv", "format": "csv", "bytes": len(body),
        "hash": "sha256:" + hashlib.sha256(body).hexdigest(),
        "schema": {"fields": [{"name": n, "type": "string"} for n in header]}}]}), encoding="utf-8")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output readable
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.fail("Chromium is not installed: run `make browser` (Debian's chromium package)")
    paths = make_project(tmp_path_factory.mktemp("a11y"), runs={**RUNS, **EXTRA_RUNS})
    for page in {**RUNS, **EXTRA_RUNS}:
        _with_report_outputs(paths["runs_root"] / str(EDITION) / f"{page}.ipynb")
    _describe_data(paths["data_dir"])
    build_book(paths["edition"], project=paths["project"], build_dir=paths["build_dir"],
               runs_root=paths["runs_root"], data_dir=paths["data_dir"], pdfs=False)
    root = (paths["build_dir"] / "html").resolve()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield chromium
        chromium.close()


def _blocking(response: dict) -> list[str]:
    found = []
    for violation in response["violations"]:
        if violation.get("impact") in BLOCKING:
            targets = [", ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
            found.append(f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])} elements: "
                         f"{'; '.join(targets)}): {violation['help']}")
    return found


def test_no_serious_or_critical_axe_violation(site, browser):
    from axe_playwright_python.sync_playwright import Axe

    _root, url = site
    axe = Axe()
    addresses = ["index.html"] + [f"{lang}/{page}.html" for lang in LANGS for page in PAGES]
    context = browser.new_context()
    page = context.new_page()
    problems, checked = [], 0
    for address in addresses:
        assert page.goto(url + address).ok, address
        results = axe.run(page)
        checked += 1
        problems += [f"{address}: {p}" for p in _blocking(results.response)]
    context.close()
    assert checked == 1 + len(LANGS) * len(PAGES)
    assert problems == [], "\n".join(problems)


def test_the_axe_check_fails_on_a_page_with_a_serious_violation(browser):
    """The same check, on a page built to break two rules: it names both (so the test above can fail)."""
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page()
    try:
        page.set_content('<html lang="kk"><head><title>t</title></head><body><main><h1>t</h1>'
                         '<img src="x.png"><p style="color:#bbb;background:#fff">Төмен контраст</p></main></body></html>')
        found = _blocking(Axe().run(page).response)
    finally:
        page.close()
    assert [f.split(" ")[0] for f in found] == ["color-contrast", "image-alt"], found


def _fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - the test's own server on loopback
        return response.read()


@pytest.mark.parametrize("lang", LANGS)
def test_every_figure_and_table_has_a_download_that_resolves_and_parses(site, browser, lang):
    root, url = site
    page = browser.new_page()
    try:
        for name in PAGES[:-1]:  # the run pages: each has one figure and one table
            assert page.goto(f"{url}{lang}/{name}.html").ok
            figures = page.locator("details.aimaq-figure-data").count()
            tables = page.locator("table.aimaq-table").count() - figures
            links = page.locator("p.aimaq-downloads a[href$='.csv']")
            assert (figures, tables, links.count()) == (1, 1, 2), name
            for i in range(links.count()):
                href = links.nth(i).evaluate("a => a.href")
                rows = list(csv.reader(io.StringIO(_fetch(href).decode("utf-8"), newline="")))
                assert len(rows) >= 2 and {len(r) for r in rows} == {len(rows[0])}, href
            json_links = page.locator("p.aimaq-downloads a[href$='.json']")
            for i in range(json_links.count()):
                described = json.loads(_fetch(json_links.nth(i).evaluate("a => a.href")))
                assert described["sources"][0]["title"], name
    finally:
        page.close()


def test_landing_and_data_page_link_one_valid_data_package_per_language(site, browser):
    root, url = site
    page = browser.new_page()
    try:
        assert page.goto(url + "index.html").ok
        packages = [page.locator(f"section[lang='{lang}'] a[href$='.zip']") for lang in LANGS]
        assert [p.count() for p in packages] == [1, 1, 1]
        for lang, link in zip(LANGS, packages):
            href = link.first.evaluate("a => a.href")
            assert href.endswith(f"aimaq-{EDITION}-{lang}-data.zip")
            body = _fetch(href)
            assert package_problems(href, body) == []
            assert page.goto(f"{url}{lang}/data_overview.html").ok
            on_data_page = page.locator("p.aimaq-downloads a[href$='.zip']").evaluate("a => a.href")
            assert on_data_page == href
            assert page.goto(url + "index.html").ok
    finally:
        page.close()
