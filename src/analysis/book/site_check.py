"""Checks a built site must pass before it is published: safe article HTML and no broken internal link.

Strings from data reach pages through several rooms; every one of them
escapes, and this check is the last line: an article (the page body, where
notebook outputs and prose land) may contain no ``<script>``, ``<iframe>``,
``<object>``/``<embed>``, no ``on*=`` event attribute and no ``javascript:``
URL. Sphinx's own scripts live outside the article and are allowed, as are
the two the notebook machinery puts inside it: sphinx-thebe's configuration
(a non-executable ``text/x-thebe-config`` block) and sphinx-book-theme's
``kernelName = '<name>'``. Theme templates copied to ``_static/`` are not pages.

Examples
--------
>>> unsafe_markup('<article class="bd-article"><p>x</p><script>alert(1)</script></article>')
['<script> element']
>>> unsafe_markup('<article class="bd-article"><img src="a.png" onerror="x()"></article>')
['onerror= attribute on <img>']
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

_FORBIDDEN_TAGS = ("script", "iframe", "object", "embed", "base")
_DATA_SCRIPT_TYPES = ("text/x-thebe-config", "application/json")
_THEME_SCRIPT = re.compile(r"\s*kernelName = '[\w.-]+'\s*")


def _is_theme_script(tag) -> bool:
    if tag.name != "script" or tag.get("src"):
        return False
    return tag.get("type") in _DATA_SCRIPT_TYPES or bool(_THEME_SCRIPT.fullmatch(tag.get_text()))


def _article(soup: BeautifulSoup):
    # Pages without an article (Sphinx's search page) hold no content from notebooks or prose.
    return soup.find("article")


def unsafe_markup(page_html: str) -> list[str]:
    """What in a page's article could run code in a reader's browser."""
    article = _article(BeautifulSoup(page_html, "html.parser"))
    if article is None:
        return []
    problems = [f"<{tag.name}> element" for tag in article.find_all(_FORBIDDEN_TAGS) if not _is_theme_script(tag)]
    for tag in article.find_all(True):
        for name, value in tag.attrs.items():
            if name.lower().startswith("on"):
                problems.append(f"{name}= attribute on <{tag.name}>")
            text = " ".join(value) if isinstance(value, list) else str(value)
            if name in ("href", "src", "action", "formaction") and re.match(r"\s*javascript:", text, re.I):
                problems.append(f"javascript: URL in {name}= of <{tag.name}>")
    return problems


def internal_links(page: Path, page_html: str) -> list[tuple[str, Path]]:
    """``(url, target file)`` of each relative link and resource of a page."""
    soup = BeautifulSoup(page_html, "html.parser")
    found = []
    for tag in soup.find_all(["a", "link", "img", "script", "source"]):
        url = tag.get("href") or tag.get("src")
        if not url:
            continue
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith(("#", "mailto:", "data:")):
            continue
        target = (page.parent / unquote(parts.path)).resolve() if parts.path else page.resolve()
        found.append((url, target))
    return found


def check_site(site: Path) -> list[str]:
    """Problems found in every HTML page of a built site (empty list: publishable)."""
    site = Path(site).resolve()
    problems = []
    for page in sorted(site.rglob("*.html")):
        if "_static" in page.relative_to(site).parts:
            continue
        text = page.read_text(encoding="utf-8", errors="replace")
        where = page.relative_to(site).as_posix()
        problems += [f"{where}: unsafe markup: {p}" for p in unsafe_markup(text)]
        for url, target in internal_links(page, text):
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                problems.append(f"{where}: broken internal link {url!r}")
            elif site not in target.parents and target != site:
                problems.append(f"{where}: link {url!r} leaves the site")
    return problems
