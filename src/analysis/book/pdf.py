"""The PDF edition of each language: the built HTML pages in book order, printed by Chromium.

Route. Chromium's print-to-PDF over a print stylesheet, driven by Playwright
(both already needed by the browser tests, so no new dependency and no second
layout engine to keep in step with the site). Chromium 156 lays out ``@page``
margin boxes, so page numbers come from CSS (``counter(page)``), it embeds
subsets of the fonts it uses (DejaVu, which covers Kazakh Cyrillic: ә ғ қ ң ө ұ
ү һ і), and it writes a PDF outline from the headings. WeasyPrint would add a
pinned package plus Pango/Cairo system libraries; XeLaTeX would mean a second
rendering of every HTML table and several hundred MB of texlive.

Input. The site Sphinx built for the language (``<site>/<lang>/``): the page
order is that of its sidebar (the book's table of contents); of each page the
article is kept, without the language switcher, permalinks and buttons.
Figures and tables are numbered through the whole edition, each with its
caption (the figure's alt text, which the notebooks write in the page's
language, or the Sphinx caption) and, for outputs of the analysis, a source
line. The table of contents gets its page numbers from a draft print of the same loaded
document (everything hidden but the marker each chapter starts with: hidden boxes keep their place,
so no page break moves, and nothing is painted), read back with ``pdftotext`` for those markers; the numbers are then written into the
contents and the markers removed (in place: neither moves a line), and the edition is printed.

Examples
--------
>>> labels("kk")["figure"], labels("ru")["table"], labels("en")["contents"]
('Сурет', 'Таблица', 'Contents')
>>> build_pdfs("_build/html", 2023, ("kk",))  # doctest: +SKIP
[PosixPath('_build/html/kk/aimaq-2023-kk.pdf')]
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from analysis.book.publication import data_as_of, long_date
from analysis.book.structure import BookError
from analysis.i18n import gettext

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"]
PROJECT_ROOT = Path(__file__).resolve().parents[3]

# Words of the PDF's own furniture (cover, contents, captions), written for each language.
LABELS = {
    "kk": {"figure": "Сурет", "table": "Кесте", "contents": "Мазмұны", "publisher": "Баспагер: Aimaq жобасы",
           "as_of": "Деректердің жағдайы: {date}", "page": "Бет",
           "licence": "Лицензия: бағдарламалық код — MIT; деректер — Қазақстан Республикасы Ұлттық статистика "
                      "бюросының ресми статистикасы (пайдалану шарттары data/SOURCES.md файлында).",
           "source": "Дереккөз: Қазақстан Республикасы Ұлттық статистика бюросы; Aimaq есептеулері."},
    "ru": {"figure": "Рисунок", "table": "Таблица", "contents": "Содержание", "publisher": "Издатель: проект Aimaq",
           "as_of": "Данные по состоянию на {date}", "page": "Страница",
           "licence": "Лицензия: программный код — MIT; данные — официальная статистика Бюро национальной "
                      "статистики Республики Казахстан (условия использования в файле data/SOURCES.md).",
           "source": "Источник: Бюро национальной статистики Республики Казахстан; расчёты Aimaq."},
    "en": {"figure": "Figure", "table": "Table", "contents": "Contents", "publisher": "Publisher: the Aimaq project",
           "as_of": "Data as of {date}", "page": "Page",
           "licence": "Licence: code MIT; data: official statistics of the Bureau of National Statistics of the "
                      "Republic of Kazakhstan (terms of use in data/SOURCES.md).",
           "source": "Source: Bureau of National Statistics of the Republic of Kazakhstan; Aimaq calculations."},
}

#: A4 and the print margins (top, right, bottom, left), in millimetres.
PAGE_MM, MARGINS_MM = (210, 297), (20, 18, 22, 18)
#: The text block a figure is laid out in; a figure's image may fill its width, and its height up to
#: FIGURE_MAX_HEIGHT_MM (the rest of the page is left for its caption and source). A taller image is
#: shrunk to that height rather than cut over two pages; the figures are drawn to fit without it.
CONTENT_WIDTH_MM = PAGE_MM[0] - MARGINS_MM[1] - MARGINS_MM[3]
FIGURE_MAX_HEIGHT_MM = 225

PRINT_CSS = """
@page { size: A4; margin: %dmm %dmm %dmm %dmm;
        @bottom-center { content: counter(page) " / " counter(pages); font: 9pt "DejaVu Sans", sans-serif; } }
@page :first { @bottom-center { content: none; } }
html { font: 10.5pt/1.45 "DejaVu Serif", serif; color: #000; }
h1, h2, h3, h4, .pdf-cover, figcaption, .pdf-caption, .pdf-source, table { font-family: "DejaVu Sans", sans-serif; }
h1 { font-size: 18pt; margin: 0 0 8mm; } h2 { font-size: 13.5pt; margin-top: 7mm; } h3 { font-size: 11.5pt; }
h1, h2, h3 { break-after: avoid; }
.pdf-cover { break-after: page; height: 250mm; display: flex; flex-direction: column; justify-content: center; }
.pdf-cover .title { font-size: 26pt; font-weight: bold; margin-bottom: 6mm; }
.pdf-cover .edition { font-size: 16pt; margin-bottom: 20mm; }
.pdf-cover p { margin: 2mm 0; font-size: 11pt; } .pdf-cover .licence { font-size: 9pt; margin-top: 12mm; }
.pdf-toc { break-after: page; } .pdf-toc ol { list-style: none; padding: 0; }
.pdf-toc li { display: flex; margin: 1.2mm 0; } .pdf-toc .pdf-page { min-width: 2.5em; text-align: right; } .pdf-toc a { color: #000; text-decoration: none; }
.pdf-toc .dots { flex: 1; border-bottom: 1px dotted #777; margin: 0 2mm 1.2mm; } .pdf-toc .part { font-weight: bold; margin-top: 4mm; }
.pdf-chapter { break-before: page; }
img { max-width: 100%%; height: auto; } figure { margin: 4mm 0; break-inside: avoid; }
figure img { width: auto; max-height: %dmm; }
figcaption, .pdf-caption { font-size: 9pt; margin-top: 1.5mm; } .pdf-source { font-size: 8pt; color: #333; margin-top: 1mm; }
table { border-collapse: collapse; font-size: 8pt; margin: 2mm 0; break-inside: auto; }
th, td { border: 0.5pt solid #999; padding: 1mm 1.5mm; vertical-align: top; } thead { display: table-header-group; }
tr { break-inside: avoid; } a { color: #000; }
.pdf-mark { position: absolute; font-size: 2pt; color: #fff; }
.pdf-table { margin: 4mm 0; } .pdf-table .pdf-caption { margin: 0 0 1mm; }
""" % (*MARGINS_MM, FIGURE_MAX_HEIGHT_MM)


def labels(lang: str) -> dict:
    """The PDF's own words in ``lang`` (one of kk, ru, en)."""
    return LABELS[lang]


@dataclass(frozen=True)
class Chapter:
    """One page of the book in the PDF: its path in the site, title and the cleaned article HTML."""

    page: str
    title: str
    body: str


def book_order(site_lang: Path) -> list[str]:
    """Page paths (``regions/KZ-43``) in the order of the book's table of contents, the landing page first."""
    from bs4 import BeautifulSoup, SoupStrainer

    soup = BeautifulSoup((site_lang / "index.html").read_text(encoding="utf-8"), "lxml", parse_only=SoupStrainer("nav"))
    nav = soup.select_one("nav.bd-docs-nav")
    if nav is None:
        raise BookError(f"{site_lang / 'index.html'}: no table of contents (nav.bd-docs-nav) to order the PDF by")
    pages = ["index"]
    for link in nav.select("a.reference.internal"):
        page = link.get("href", "").split("#")[0].removesuffix(".html")
        if page and page not in pages:
            pages.append(page)
    return pages


def _anchor(page: str) -> str:
    return "p-" + re.sub(r"[^A-Za-z0-9_-]", "-", page)


def _report_caption(image, word: str):
    """The paragraph ``<strong>Сурет 3.</strong> …`` that report.figure put after ``image``'s output, or None."""
    cell = image.find_parent(class_=re.compile(r"\bcell\b")) or image.find_parent(class_=re.compile("cell_output"))
    following = cell.find_next_sibling() if cell is not None else None
    while following is not None and following.name is None:
        following = following.find_next_sibling()
    if following is None or following.name != "p":
        return None
    label = following.find("strong")
    if label is None or following.contents[0] is not label:
        return None
    return following if re.fullmatch(rf"{re.escape(word)} \d+\.", label.get_text(strip=True)) else None


def chapter(site_lang: Path, page: str, counters: dict, lang: str) -> Chapter:
    """The article of one built page, cleaned for print, its figures and tables numbered (``counters`` runs on)."""
    from bs4 import BeautifulSoup, SoupStrainer

    path = site_lang / f"{page}.html"
    text = path.read_text(encoding="utf-8")
    # only the article is parsed (a third of the time): the theme's sidebars and scripts are most of a page
    soup = BeautifulSoup(text, "lxml", parse_only=SoupStrainer("article", class_="bd-article"))
    article = soup.select_one("article.bd-article")
    if article is None:
        soup = BeautifulSoup(text, "lxml")
        article = soup.select_one("main")
    if article is None:
        raise BookError(f"{path}: no article to print")
    # The site's furniture goes; so do the figures' collapsed data tables (the CSV downloads carry them)
    # and the provenance block (the cover states it once).
    for junk in article.select("nav.aimaq-langs, nav.aimaq-editions, a.headerlink, button, .prev-next-footer, script, "
                               ".toggle-details, details.aimaq-figure-data, aside.aimaq-provenance, "
                               "p.aimaq-downloads"):
        junk.decompose()
    words = labels(lang)
    for img in article.find_all("img"):
        src = img.get("src", "")
        if src and not re.match(r"^[a-z]+:", src):
            img["src"] = (path.parent / src).resolve().as_uri()
    for link in article.find_all("a", href=True):
        href = link["href"]
        if href.startswith("#") or re.match(r"^[a-z]+:", href):
            continue
        target = (path.parent / href.split("#")[0]).resolve()
        try:
            link["href"] = "#" + _anchor(str(target.relative_to(site_lang.resolve())).removesuffix(".html"))
        except ValueError:
            del link["href"]
    for element in list(article.find_all(["figure", "img"])):  # in the order of the page
        if element.name == "figure":  # a Sphinx figure: our running number replaces Sphinx's per-page one
            counters["figure"] += 1
            number = element.select_one("span.caption-number")
            if number is not None:
                number.string = f"{words['figure']} {counters['figure']}. "
            continue
        if element.find_parent("figure") is not None:
            continue
        counters["figure"] += 1
        own = _report_caption(element, words["figure"])
        wrapper = soup.new_tag("figure")
        element.replace_with(wrapper)
        wrapper.append(element)
        caption = soup.new_tag("figcaption")
        if own is not None:
            # report.figure numbered it on its page ("Сурет 1. … Дереккөз: ҰСБ."): the number runs through
            # the edition instead, the caption and its source stay as written, and nothing is added
            own.extract()
            label = own.find("strong")
            label.string = f"{words['figure']} {counters['figure']}."
            caption.extend(list(own.contents))
            wrapper.append(caption)
            continue
        caption.string = f"{words['figure']} {counters['figure']}. {element.get('alt', '').strip()}"
        wrapper.append(caption)
        if wrapper.find_parent(class_=re.compile("cell_output|output")) is not None:
            source = soup.new_tag("div", attrs={"class": "pdf-source"})
            source.string = words["source"]
            wrapper.append(source)
    for table in article.find_all("table"):
        if table.find_parent("table") is not None:
            continue
        counters["table"] += 1
        own = table.find("caption")
        text = own.get_text(" ", strip=True) if own is not None else ""
        if own is not None:
            own.decompose()
        box = soup.new_tag("div", attrs={"class": "pdf-table"})
        table.replace_with(box)
        caption = soup.new_tag("div", attrs={"class": "pdf-caption"})
        caption.string = f"{words['table']} {counters['table']}." + (f" {text}" if text else "")
        box.append(caption)
        box.append(table)
        if box.find_parent(class_=re.compile("cell_output|output")) is not None:
            source = soup.new_tag("div", attrs={"class": "pdf-source"})
            source.string = words["source"]
            box.append(source)
    heading = article.find("h1")
    title = heading.get_text(" ", strip=True) if heading is not None else page
    return Chapter(page, title, "".join(str(child) for child in article.children))


def document_html(lang: str, edition: int, as_of: str, chapters: list[Chapter]) -> str:
    """The whole edition as one printable HTML document: cover, contents, then every page in book order.

    The contents leave each page number empty (``<span class="pdf-page" data-chapter=…>``), and each chapter
    starts with a marker, positioned out of the flow so that it moves nothing, that :func:`chapter_pages`
    finds in the draft's text; :func:`_print_edition` fills the one and removes the other.
    """
    words = labels(lang)
    esc = html.escape
    title = gettext("Regional inequality in Kazakhstan", lang)
    subtitle = gettext("Annual report, edition {year}", lang, year=int(edition))
    cover = (f'<section class="pdf-cover"><div class="title">{esc(title)}</div><div class="edition">{esc(subtitle)}</div>'
             f"<p>{esc(words['publisher'])}</p><p>{esc(words['as_of'].format(date=long_date(as_of, lang)))}</p>"
             f'<p class="licence">{esc(words["licence"])}</p></section>')
    items = [f'<li><a href="#{_anchor(c.page)}">{esc(c.title)}</a><span class="dots"></span>'
             f'<span class="pdf-page" data-chapter="{_anchor(c.page)}"></span></li>' for c in chapters]
    toc = f'<section class="pdf-toc"><h1>{esc(words["contents"])}</h1><ol>' + "".join(items) + "</ol></section>"
    body = "".join(f'<section class="pdf-chapter" id="{_anchor(c.page)}"><span class="pdf-mark">@@{_anchor(c.page)}@@'
                   f"</span>{c.body}</section>" for c in chapters)
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{esc(title)}. {esc(subtitle)}</title>'
            f"<style>{PRINT_CSS}</style></head><body>{cover}{toc}{body}</body></html>")


def _page_texts(pdf: Path) -> list[str]:
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return done.stdout.split("\f")


def chapter_pages(pdf: Path, chapters: list[Chapter]) -> dict:
    """Page (1-based) on which each chapter starts, read from the draft's page markers."""
    found = {}
    for number, text in enumerate(_page_texts(pdf), 1):
        for mark in re.findall(r"@@(p-[A-Za-z0-9_-]+)@@", text):
            found.setdefault(mark, number)
    return {c.page: found[_anchor(c.page)] for c in chapters if _anchor(c.page) in found}


# The draft is read for its page breaks only: hidden boxes keep their place (nothing moves) and are neither
# painted nor encoded; only the chapters' markers are printed, for chapter_pages to find.
DRAFT_CSS = "body * { visibility: hidden; } .pdf-mark { visibility: visible; }"
# Page numbers into the contents, markers out: text of a fixed-width box and an out-of-flow span, so no line moves.
FINISH_JS = """pages => {
  for (const mark of document.querySelectorAll('.pdf-mark')) mark.remove();
  for (const slot of document.querySelectorAll('.pdf-page')) slot.textContent = pages[slot.dataset.chapter] ?? '';
}"""


def _print_edition(browser, document: str, chapters: list[Chapter], out: Path, work: Path) -> None:
    """Load ``document`` once, print the draft for the chapters' pages, fill the contents, print ``out``.

    The draft skips the outline and the tags as well, which move no page break and take a quarter of a print.
    """
    source = work / f"{out.stem}.html"
    source.write_text(document, encoding="utf-8")
    draft = work / f"{out.stem}-draft.pdf"
    options = {"format": "A4", "print_background": True, "prefer_css_page_size": True}
    tab = browser.new_page()
    try:
        tab.goto(source.as_uri(), wait_until="load", timeout=180_000)
        hide_images = tab.add_style_tag(content=DRAFT_CSS)
        tab.pdf(path=str(draft), outline=False, tagged=False, **options)
        pages = {_anchor(page): number for page, number in chapter_pages(draft, chapters).items()}
        hide_images.evaluate("style => style.remove()")
        tab.evaluate(FINISH_JS, pages)
        tab.pdf(path=str(out), outline=True, tagged=True, **options)
    finally:
        tab.close()


class Printer:
    """One headless Chromium that prints the PDF editions of built sites, a language at a time.

    A context manager (it starts Playwright and the browser, and stops both); a thread that prints
    keeps its own (Playwright's objects belong to the thread that made them).

    Examples
    --------
    >>> with Printer() as printer:  # doctest: +SKIP
    ...     printer.print_language("_build/html/2023", 2023, "kk", "2026-11-27")
    PosixPath('_build/html/2023/kk/aimaq-2023-kk.pdf')
    """

    def __enter__(self) -> "Printer":
        from playwright.sync_api import sync_playwright

        if not CHROMIUM.exists():
            raise BookError(f"Chromium is not installed at {CHROMIUM} (Debian's chromium package)")
        if shutil.which("pdftotext") is None:
            raise BookError("pdftotext is not installed (Debian's poppler-utils)")
        self._work = tempfile.TemporaryDirectory(prefix="aimaq-pdf-")
        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                                             args=CHROMIUM_FLAGS)
        except BaseException:
            self._playwright.stop()
            self._work.cleanup()
            raise
        return self

    def __exit__(self, *exc) -> None:
        try:
            self._browser.close()
        finally:
            self._playwright.stop()
            self._work.cleanup()

    def print_language(self, site_dir, edition: int, lang: str, as_of: str) -> Path:
        """Print ``<site_dir>/<lang>/`` to ``<site_dir>/<lang>/aimaq-<edition>-<lang>.pdf`` and return its path."""
        started = time.perf_counter()
        site_lang = Path(site_dir) / lang
        counters = {"figure": 0, "table": 0}
        chapters = [chapter(site_lang, page, counters, lang) for page in book_order(site_lang)]
        final = Path(self._work.name) / f"aimaq-{edition}-{lang}.pdf"
        _print_edition(self._browser, document_html(lang, edition, as_of, chapters), chapters, final,
                       Path(self._work.name))
        target = site_lang / final.name
        shutil.move(str(final), str(target.with_suffix(".pdf.tmp")))
        os.replace(target.with_suffix(".pdf.tmp"), target)  # a reader never sees half a file
        print(f"pdf {edition} {lang}: {target.stat().st_size / 1e6:.1f} MB, {time.perf_counter() - started:.1f} s")
        return target


def build_pdfs(site_dir, edition: int, langs=("kk", "ru", "en"), *, as_of: str | None = None,
               data_dir: Path | None = None) -> list[Path]:
    """Print each language's edition to ``<site_dir>/<lang>/aimaq-<edition>-<lang>.pdf`` and return the paths.

    Parameters
    ----------
    site_dir : path
        The built site, with one folder per language (``kk/index.html`` …).
    edition : int
        Report year, printed on the cover and in the file name.
    langs : sequence of str
        Languages to print.
    as_of : str, optional
        The edition's date of the data, printed on the cover (the publication's); without it,
        :func:`analysis.book.publication.data_as_of` of ``data_dir``.
    data_dir : Path, optional
        Data whose latest ``recorded`` date is the cover's date of the data (default: the project's ``data/``).

    Raises
    ------
    BookError
        Chromium missing, a page without an article, or a print that failed; no PDF is left half-written.
    """
    as_of = as_of or data_as_of(edition, data_dir)
    with Printer() as printer:
        return [printer.print_language(site_dir, edition, lang, as_of) for lang in langs]
