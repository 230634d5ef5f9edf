"""Checks a built site must pass before it is published: no markup that runs code, no broken internal link.

Strings from data reach pages through several rooms; every one of them
escapes, and this check is the last line. It parses the **whole page**, not only
the article: the print header, the sidebar, the ``<title>`` and the navigation
carry page titles too (a region or programme name). Anywhere on a page there may
be no ``<iframe>``, ``<object>``/``<embed>``/``<base>``, no ``on*=`` event
attribute and no ``javascript:`` URL. A ``<script>`` is allowed only when it is
one of Sphinx's and the themes' own: a file under the site (``src=`` relative, not
in the article), a non-executable data block (``text/x-thebe-config``,
``application/json``), or an inline script whose text (whitespace normalised) is
one of the fixed snippets the pinned themes write, or one of their one-line
settings with a plain value (:data:`_THEME_INLINE`). Anything else -- a script a
name smuggled in, or a new theme snippet after an upgrade -- stops the publish,
naming the page and the script's first characters. Theme templates copied to
``_static/`` are not pages.

Examples
--------
>>> unsafe_markup('<article class="bd-article"><p>x</p><script>alert(1)</script></article>')
['<script> element']
>>> unsafe_markup('<div id="jb-print-docs-body"><h1>A<img src="a.png" onerror="x()"></h1></div>')
['onerror= attribute on <img>']
>>> unsafe_markup("<head><script>DOCUMENTATION_OPTIONS.pagename = 'regions/KZ-43';</script></head>")
[]
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html

_FORBIDDEN_TAGS = ("iframe", "object", "embed", "base", "frame", "frameset", "applet")
_DATA_SCRIPT_TYPES = ("text/x-thebe-config", "application/json")
_URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data", "poster", "background")
_PLAIN = r"'[^'\\<>]*'"  # a quoted setting with no quote, backslash or markup in it
#: Inline scripts of Sphinx 7.4, pydata-sphinx-theme 0.17, sphinx-book-theme 1.3, sphinx-togglebutton
#: and sphinx-thebe, whitespace normalised (fullmatch).
_THEME_INLINE = tuple(re.compile(pattern) for pattern in (
    r"DOCUMENTATION_OPTIONS\.pagename = '[\w./-]+';",
    r"DOCUMENTATION_OPTIONS\.search_as_you_type = (true|false);",
    r"kernelName = '[\w.-]+'",
    rf"let toggleHint(Hide|Show) = {_PLAIN};",
    r"let toggleOpenOnPrint = '(true|false)';",
    rf"var togglebuttonSelector = {_PLAIN};",
    re.escape('document.documentElement.dataset.mode = localStorage.getItem("mode") || ""; '
              'document.documentElement.dataset.theme = localStorage.getItem("theme") || "";'),
    re.escape('const THEBE_JS_URL = "https://unpkg.com/thebe@0.8.2/lib/index.js"; const thebe_selector = '
              '".thebe,.cell"; const thebe_selector_input = "pre"; const thebe_selector_output = ".output, .cell_output"'),
    re.escape('// Activate the search field on page load let searchInput = document.querySelector('
              '"form.bd-search input"); if (searchInput) { searchInput.focus(); searchInput.select(); '
              'console.log("[PST]: Set focus on search field."); }'),
))
# In the article (notebook outputs and prose) only the notebook machinery's two snippets.
_ARTICLE_INLINE = (_THEME_INLINE[2],)


def _parse(page_html: str):
    # lxml, not BeautifulSoup: a book has hundreds of pages and this runs before every publish.
    return lxml.html.document_fromstring(page_html.encode("utf-8"))


def _script_problem(element, in_article: bool) -> str | None:
    """Why a ``<script>`` is not one of the site's own, or None."""
    kind = (element.get("type") or "").strip().lower()
    text = " ".join(element.text_content().split())
    if kind in _DATA_SCRIPT_TYPES and not element.get("src"):
        return None  # a data block: browsers do not run it
    if element.get("src") is not None:
        parts = urlsplit(element.get("src"))
        if in_article or parts.scheme or parts.netloc or text:
            return f"<script src={element.get('src')!r}> element"
        return None  # the site's own file (the link check makes sure it is inside the site)
    allowed = _ARTICLE_INLINE if in_article else _THEME_INLINE
    if any(pattern.fullmatch(text) for pattern in allowed):
        return None
    return "<script> element"


def _unsafe_in(document) -> list[str]:
    articles = set(document.xpath("//article"))
    problems = []
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        tag = element.tag.lower()
        if tag == "script":
            in_article = any(a is element or a in element.iterancestors() for a in articles)
            problem = _script_problem(element, in_article)
            if problem:
                problems.append(problem)
        elif tag in _FORBIDDEN_TAGS:
            problems.append(f"<{tag}> element")
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                problems.append(f"{name}= attribute on <{tag}>")
            scheme = re.match(r"\s*(javascript|vbscript|data\s*:\s*text/html)", value, re.I)
            if name.lower() in _URL_ATTRIBUTES and scheme:
                problems.append(f"{scheme.group(1).split(':')[0].lower()}: URL in {name}= of <{tag}>")
        if tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
            problems.append("<meta http-equiv=refresh>")
    return problems


def unsafe_markup(page_html: str) -> list[str]:
    """What anywhere in a page could run code in a reader's browser."""
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


def _page_problems(site: Path, pages: list[Path]) -> list[str]:
    """Unsafe markup and broken or escaping internal links of ``pages`` (paths under ``site``)."""
    problems = []
    exists: dict[Path, bool] = {}
    for page in pages:
        document = _parse(page.read_text(encoding="utf-8", errors="replace"))
        where = page.relative_to(site).as_posix()
        problems += [f"{where}: unsafe markup: {p}" for p in _unsafe_in(document)]
        for url, target in _links_in(page, document):
            if target not in exists:
                exists[target] = target.is_file() or (target / "index.html").is_file()
            if not exists[target]:
                problems.append(f"{where}: broken internal link {url!r}")
            elif site not in target.parents and target != site:
                problems.append(f"{where}: link {url!r} leaves the site")
    return problems


def check_site(site: Path, jobs: int = 1) -> list[str]:
    """Problems found in every HTML page of a built site (empty list: publishable).

    ``jobs`` processes share the pages (in slices of the sorted list, so the problems come in page
    order) and the check of the downloads; a site of seven editions has over a thousand pages.
    """
    from analysis.book.download_check import download_problems  # every CSV and data package reads back

    site = Path(os.path.abspath(site))
    pages = [page for page in sorted(site.rglob("*.html")) if "_static" not in page.relative_to(site).parts]
    if jobs <= 1:
        return _page_problems(site, pages) + download_problems(site)
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    size = -(-len(pages) // jobs)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
        downloads = pool.submit(download_problems, site)
        slices = [pool.submit(_page_problems, site, pages[i:i + size]) for i in range(0, len(pages), size)]
        return [problem for part in slices for problem in part.result()] + downloads.result()
