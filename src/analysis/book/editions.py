"""Every edition on the site: where each lives, the edition switcher, and the latest edition at the root.

Layout of a published site (``_build/html``)::

    index.html                 the landing page (latest edition's findings, links to every edition)
    kk/ ru/ en/                the latest edition (a copy of its year folder, see below)
    <year>/index.html          that edition's own landing page
    <year>/kk/ ru/ en/         every edition, each built from its own runs (``_build/runs/<year>``)

Each edition keeps a stable address (``/2022/ru/convergence.html``); the root
(``/ru/convergence.html``) always shows the latest one. The root copy is the
latest year folder as built, one level up: every link inside an edition is
relative and stays inside it, except the edition switcher's, which are written
for the year folder and lose one ``../`` in the copy (:func:`copy_to_root`).

The edition switcher (:func:`switcher_html`) sits beside the language switcher
on every page and lands on the *same page* of the other edition; when that
edition has no such page (a region that did not exist yet, a programme not yet
started), it lands on that edition's first page in the same language and says so.
This module is also the Sphinx extension that places it (``setup``): the build writes
an empty placeholder (:data:`PLACEHOLDER`) beside the language switcher, and
:func:`fill_switchers` fills it once every edition is built, from
:func:`editions_config` (the editions and their pages). So a built edition does
not depend on the editions after it and can be kept as it was published
(:mod:`analysis.book.site_cache`).

Examples
--------
>>> config = editions_config(2023, {2022: {"index", "convergence"}, 2023: {"index", "convergence", "changes"}},
...                          "en")
>>> nav = switcher_html("convergence", "en", config)
>>> 'href="../../2022/en/convergence.html"' in nav and 'aria-current="page">2023<' in nav
True
>>> 'href="../../2022/en/index.html"' in switcher_html("changes", "en", config)
True
"""

from __future__ import annotations

import html
import os
import re
import shutil
from pathlib import Path

from analysis.book.structure import BookError
from analysis.i18n import gettext

#: Pages every edition's language build has besides its book pages (Sphinx's own).
SPHINX_PAGES = ("search", "genindex")
LANDING_PAGE = "index"
EDITIONS_CSS = "aimaq-editions.css"  # book/_static: the two switchers side by side
#: What the build writes where the edition switcher goes (filled by fill_switchers).
PLACEHOLDER = '<nav class="aimaq-editions" hidden></nav>'


def edition_folder(year: int) -> str:
    """The folder of an edition inside the site (``"2022"``)."""
    return str(int(year))


def site_editions(runs_root: Path, manifest: Path | None = None) -> list[int]:
    """The editions to publish, oldest first: the manifest's, else every run folder's.

    Raises
    ------
    BookError
        An edition of the manifest has no executed runs (``aimaq run`` not done), or there is none at all.
    """
    runs_root = Path(runs_root)
    if manifest is not None and Path(manifest).is_file():
        from analysis.pipeline import load_manifest

        editions = sorted(int(e) for e in load_manifest(Path(manifest)).editions)
        missing = [e for e in editions if not (runs_root / edition_folder(e)).is_dir()]
        if missing:
            raise BookError(f"no executed runs for edition(s) {', '.join(map(str, missing))} of {manifest} in "
                            f"{runs_root}; run `aimaq run` first")
    else:
        editions = sorted(int(p.name) for p in runs_root.iterdir() if p.is_dir() and p.name.isdigit()) if (
            runs_root.is_dir()) else []
    if not editions:
        raise BookError(f"no executed runs under {runs_root}; run `aimaq run` first")
    return editions


def editions_config(current: int, pages: dict[int, set[str]], lang: str) -> dict:
    """The plain values the switcher of edition ``current`` in ``lang`` needs (a Sphinx config value).

    ``pages`` maps every edition on the site to its book pages (page paths, without Sphinx's own).
    """
    return {
        "current": int(current),
        "editions": [[int(year), sorted(set(names) | set(SPHINX_PAGES))] for year, names in sorted(pages.items())],
        "label": gettext("Other editions", lang),
        # per edition: the link text and its title when the page is not in that edition
        "elsewhere": {str(int(year)): gettext("{year} (no such page in that edition: opens its first page)", lang,
                                              year=int(year)) for year in pages},
        "elsewhere_title": {str(int(year)): gettext("This page is not in the {year} edition; the link opens that "
                                                    "edition's first page.", lang, year=int(year)) for year in pages},
    }


def switcher_href(pagename: str, lang: str, year: int, target: str) -> str:
    """URL of page ``target`` of edition ``year`` from ``pagename`` of an edition in its year folder."""
    depth = pagename.count("/") + 2  # out of the page's folders, the language folder and the year folder
    return "../" * depth + f"{edition_folder(year)}/{lang}/{target}.html"


def switcher_html(pagename: str, lang: str, config: dict) -> str:
    """The edition switcher of one page (all text escaped); empty with a single edition."""
    esc = html.escape
    editions = config.get("editions") or []
    if len(editions) < 2:
        return ""
    items = []
    for year, names in editions:
        if year == config["current"]:
            items.append(f'<span class="aimaq-edition-current" aria-current="page">{int(year)}</span>')
        elif pagename in names:
            href = switcher_href(pagename, lang, year, pagename)
            items.append(f'<a class="aimaq-edition" href="{esc(href)}">{int(year)}</a>')
        else:
            href = switcher_href(pagename, lang, year, LANDING_PAGE)
            items.append(f'<a class="aimaq-edition aimaq-edition-elsewhere" href="{esc(href)}" '
                         f'title="{esc(config["elsewhere_title"][str(year)])}">'
                         f'{esc(config["elsewhere"][str(year)])}</a>')
    return (f'<nav class="aimaq-editions" aria-label="{esc(config["label"])}">'
            f'<span class="aimaq-editions-label">{esc(config["label"])}:</span> ' + " ".join(items) + "</nav>")


_NAV = re.compile(r'<nav class="aimaq-editions".*?</nav>', re.S)


def root_html(page_html: str) -> str:
    """A page of the latest edition as it reads from the root copy: switcher links one level shorter.

    >>> root_html('<nav class="aimaq-editions"><a href="../../2022/kk/x.html">2022</a></nav>')
    '<nav class="aimaq-editions"><a href="../2022/kk/x.html">2022</a></nav>'
    """
    return _NAV.sub(lambda m: m.group(0).replace('href="../', 'href="'), page_html)


def copy_to_root(site: Path, latest: int) -> None:
    """Copy the latest edition's folder to the root of ``site`` (its landing page excepted)."""
    source = Path(site) / edition_folder(latest)
    for child in sorted(source.iterdir()):
        if child.name == "index.html":
            continue  # the site's own landing page is written separately
        target = Path(site) / child.name
        if target.exists():
            raise BookError(f"{target}: the root copy of edition {latest} would overwrite it")
        if child.is_dir():
            shutil.copytree(child, target)
        else:
            shutil.copy2(child, target)
    for page in sorted(Path(site).glob("*/**/*.html")):
        if page.relative_to(site).parts[0].isdigit():
            continue  # the year folders stay as built
        text = page.read_text(encoding="utf-8")
        fixed = root_html(text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def fill_switchers(folder: Path, lang: str, config: dict) -> int:
    """Put each page's edition switcher in place of the placeholder in a built language folder.

    Returns the number of pages filled; a page of the folder without the placeholder is left as it is
    (Sphinx's own redirect or print pages have no switcher).
    """
    folder, filled = Path(folder), 0
    for page in sorted(folder.rglob("*.html")):
        relative = page.relative_to(folder)
        if "_static" in relative.parts:
            continue
        text = page.read_text(encoding="utf-8")
        if PLACEHOLDER not in text:
            continue
        name = relative.with_suffix("").as_posix()
        # a new file, not an edit in place: a cached copy of the folder never changes under it
        staging = page.with_name(f".{page.name}.tmp")
        staging.write_text(text.replace(PLACEHOLDER, switcher_html(name, lang, config)), encoding="utf-8")
        os.replace(staging, page)
        filled += 1
    return filled


def site_size(folder: Path) -> int:
    """Bytes of the files under ``folder`` (what ``du --apparent-size`` counts)."""
    return sum(os.path.getsize(p) for p in Path(folder).rglob("*") if p.is_file() and not p.is_symlink())


# -- Sphinx extension --------------------------------------------------------------------------------


def _page_context(app, pagename, templatename, context, doctree):
    switcher = PLACEHOLDER  # filled by fill_switchers once every edition is built
    context["aimaq_editions"] = switcher  # the search and index templates (book/_templates) place it
    languages = context.get("aimaq_switcher", "")
    body = context.get("body", "")
    # analysis.book.sphinx_ext (loaded first) opened the body with the language switcher: put both in one row.
    if doctree is not None and languages and body.startswith(languages):
        context["body"] = f'<div class="aimaq-switchers">{languages}{switcher}</div>' + body[len(languages):]


def setup(app):
    if (Path(app.srcdir) / "_static" / EDITIONS_CSS).is_file():
        app.add_css_file(EDITIONS_CSS)
    app.connect("html-page-context", _page_context, priority=600)  # after sphinx_ext's (500)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
