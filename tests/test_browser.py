"""The book in a real browser: Playwright driving Debian's Chromium (``/usr/bin/chromium``).

Builds the synthetic fixture book once, serves it on 127.0.0.1 and reads it as
a reader would: landing pages, the language switcher on a deep page, images,
the Kazakh search, and every internal link. Screenshots go to
``test-artifacts/`` (git-ignored). Install the browser with ``make browser``.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from analysis.book import build_book
from test_book_fixture import make_project

pytestmark = [pytest.mark.slow, pytest.mark.browser]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output readable
        pass


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.fail("Chromium is not installed: run `make browser` (Debian's chromium package)")
    paths = make_project(tmp_path_factory.mktemp("browser"))
    build_book(paths["edition"], project=paths["project"], build_dir=paths["build_dir"],
               runs_root=paths["runs_root"], data_dir=paths["data_dir"])
    handler = functools.partial(_QuietHandler, directory=str((paths["build_dir"] / "html").resolve()))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
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


@pytest.fixture
def page(browser, site_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="kk-KZ")
    tab = context.new_page()
    failures = []
    tab.on("response", lambda r: failures.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    # A request cut short because the test navigated on is not a broken resource.
    tab.on("requestfailed", lambda r: failures.append(f"failed {r.url}") if "ABORTED" not in (r.failure or "") else None)
    tab.failures = failures
    yield tab
    context.close()


def _screenshot(tab, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / name), full_page=False)


@pytest.mark.parametrize("lang, title_word", [("kk", "өңірлік"), ("ru", "Региональное"), ("en", "Regional")])
def test_landing_pages_open(page, site_url, lang, title_word):
    response = page.goto(site_url + f"{lang}/index.html")
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == lang
    assert title_word in page.title()
    _screenshot(page, f"{lang}-landing.png")
    assert page.failures == []


def test_language_picker_leads_to_each_edition(page, site_url):
    page.goto(site_url)
    page.locator("main a[href='kk/index.html']").click()  # the landing page: read the edition in Kazakh
    assert page.url == site_url + "kk/index.html"


def test_switching_language_on_a_deep_page_keeps_the_page(page, site_url):
    page.goto(site_url + "kk/regions/KZ-43.html")
    _screenshot(page, "kk-region-KZ-43.png")
    page.locator("nav.aimaq-langs").get_by_role("link", name="Русский").click()
    page.wait_for_load_state("load")
    assert page.url == site_url + "ru/regions/KZ-43.html"
    assert "Кызылординская область" in page.locator("article").inner_text()
    page.locator("nav.aimaq-langs").get_by_role("link", name="English").click()
    page.wait_for_load_state("load")
    assert page.url == site_url + "en/regions/KZ-43.html"
    page.goto(site_url + "ru/convergence.html", wait_until="load")
    _screenshot(page, "ru-convergence.png")
    assert page.failures == []


def test_every_image_loads(page, site_url):
    for path in ("kk/convergence.html", "ru/regions/KZ-43.html", "en/programmes/sez.html"):
        page.goto(site_url + path, wait_until="load")
        sizes = page.eval_on_selector_all("article img", "imgs => imgs.map(i => [i.complete, i.naturalWidth])")
        assert sizes and all(done and width > 0 for done, width in sizes), path


def _search(page, site_url, lang: str, word: str) -> list[str]:
    page.goto(site_url + f"{lang}/search.html?q={word}")
    page.wait_for_selector("#search-results .search-summary, #search-results p.search-summary", timeout=20000)
    return page.eval_on_selector_all("#search-results ul.search li a", "links => links.map(a => a.href)")


def test_kazakh_search_finds_the_kazakh_page(page, site_url):
    hits = _search(page, site_url, "kk", "жақындап")
    assert any(h.endswith("kk/convergence.html") or "kk/convergence.html?" in h for h in hits), hits
    summary = page.locator("#search-results").inner_text()
    assert "Іздеу" in summary or "бет" in summary  # the status line is Kazakh, not "Search finished"
    assert "Search finished" not in summary
    _screenshot(page, "kk-search.png")


def test_each_language_searches_its_own_pages(page, site_url):
    assert _search(page, site_url, "ru", "жақындап") == []
    hits = _search(page, site_url, "ru", "сближаются")
    assert hits and all("/ru/" in h for h in hits)


def test_no_broken_internal_link(page, site_url):
    seen, queue, broken = set(), [site_url + f"{lang}/index.html" for lang in ("kk", "ru", "en")] + [site_url], []
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = page.goto(url)
        if response is None or response.status != 200:
            broken.append(url)
            continue
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
        for href in hrefs:
            target = urljoin(url, href).split("#")[0].split("?")[0]
            if target.startswith(site_url) and target.endswith(".html"):
                queue.append(target)
    assert broken == [] and page.failures == []
    assert len(seen) >= 3 * 8
