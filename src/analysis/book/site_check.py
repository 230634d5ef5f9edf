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

import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html

_FORBIDDEN_TAGS = ("script", "iframe", "object", "embed", "base")
_DATA_SCRIPT_TYPES = ("text/x-thebe-config", "application/json")
_THEME_SCRIPT = re.compile(r"\s*kernelName = '[\w.-]+'\s*")
_URL_ATTRIBUTES = ("href", "src", "action", "formaction")


def _parse(page_html: str):
    # lxml, not BeautifulSoup: a book has hundreds of pages and this runs before every publish.
    return lxml.html.document_fromstring(page_html.encode("utf-8"))


def _is_theme_script(element) -> bool:
    if element.tag != "script" or element.get("src"):
        return False
    return element.get("type") in _DATA_SCRIPT_TYPES or bool(_THEME_SCRIPT.fullmatch(element.text_content()))


def _unsafe_in(document) -> list[str]:
    articles = document.xpath("//article")
    if not articles:
        return []  # pages without an article (Sphinx's search page) hold no content from notebooks or prose
    problems = []
    for element in articles[0].iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        if element.tag in _FORBIDDEN_TAGS and not _is_theme_script(element):
            problems.append(f"<{element.tag}> element")
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                problems.append(f"{name}= attribute on <{element.tag}>")
            if name in _URL_ATTRIBUTES and re.match(r"\s*javascript:", value, re.I):
                problems.append(f"javascript: URL in {name}= of <{element.tag}>")
    return problems


def unsafe_markup(page_html: str) -> list[str]:
    """What in a page's article could run code in a reader's browser."""
    return _unsafe_in(_parse(page_html))


def _links_in(page: Path, document) -> list[tuple[str, Path]]:
    found = []
    for url in document.xpath("//a/@href | //link/@href | //img/@src | //script/@src | //source/@src"):
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith(("#", "mailto:", "data:")):
            continue
        target = Path(os.path.normpath(page.parent / unquote(parts.path))) if parts.path else page
        found.append((url, target))
    return found


def internal_links(page: Path, page_html: str) -> list[tuple[str, Path]]:
    """``(url, target file)`` of each relative link and resource of a page."""
    return _links_in(page, _parse(page_html))


def check_site(site: Path) -> list[str]:
    """Problems found in every HTML page of a built site (empty list: publishable)."""
    site = Path(os.path.abspath(site))
    problems = []
    exists: dict[Path, bool] = {}
    for page in sorted(site.rglob("*.html")):
        relative = page.relative_to(site)
        if "_static" in relative.parts:
            continue
        document = _parse(page.read_text(encoding="utf-8", errors="replace"))
        where = relative.as_posix()
        problems += [f"{where}: unsafe markup: {p}" for p in _unsafe_in(document)]
        for url, target in _links_in(page, document):
            if target not in exists:
                exists[target] = target.is_file() or (target / "index.html").is_file()
            if not exists[target]:
                problems.append(f"{where}: broken internal link {url!r}")
            elif site not in target.parents and target != site:
                problems.append(f"{where}: link {url!r} leaves the site")
    return problems
