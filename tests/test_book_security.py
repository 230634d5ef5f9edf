"""Hostile strings from the data never run as script, in a real build and a real browser.

Every page title and paragraph of the synthetic fixture book carries a ``<script>`` and an
``onerror`` attribute, escaped as the report layer escapes every data string. The title reaches
the theme as plain text and the templates (the print header among them) must escape it again.
The built site must pass the whole-page site check, and Chromium, opening every page, must see
no dialog: an ``alert`` from either payload would show one.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

from analysis.book import build_book
from analysis.report import escape
from test_book_fixture import RUNS, make_project

pytestmark = [pytest.mark.slow, pytest.mark.browser]
CHROMIUM = Path("/usr/bin/chromium")
HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(2)>'


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output readable
        pass


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.fail("Chromium is not installed: run `make browser` (Debian's chromium package)")
    runs = {page: (nb, params, {lang: (escape(f"{title} {HOSTILE}"), escape(f"{text} {HOSTILE}"))
                                for lang, (title, text) in texts.items()})
            for page, (nb, params, texts) in RUNS.items()}
    paths = make_project(tmp_path_factory.mktemp("hostile"), runs=runs)
    # build_book runs the whole-page site check before it swaps the site in: it must pass.
    build_book(paths["edition"], project=paths["project"], build_dir=paths["build_dir"],
               runs_root=paths["runs_root"], data_dir=paths["data_dir"])
    root = (paths["build_dir"] / "html").resolve()
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_hostile_titles_are_shown_as_text_and_never_run(hostile_site):
    from playwright.sync_api import sync_playwright

    root, url = hostile_site
    pages = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html")
                   if p.parent.name in ("kk", "ru", "en") or "regions" in p.parts or "programmes" in p.parts)
    assert len(pages) >= 6, pages
    dialogs: list[str] = []
    shown = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        tab = browser.new_page()
        tab.on("dialog", lambda d: (dialogs.append(f"{tab.url}: {d.message}"), d.dismiss()))
        for page in pages:
            tab.goto(url + page)
            tab.wait_for_load_state("load")
            if "<script>alert(1)</script>" in tab.inner_text("body"):
                shown += 1
        browser.close()
    assert dialogs == [], dialogs
    # The payload is on the pages, as visible text: escaped, not dropped.
    assert shown >= 3
