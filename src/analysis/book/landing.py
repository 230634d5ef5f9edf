"""The site's landing page: what the report is, three headline findings, links to editions, PDFs and data.

The findings are never typed: each is a ``book`` catalogue template filled from
the values the edition's runs glued (``myst_nb.glue``, language-neutral), read
back from the executed notebooks of ``_build/runs/<edition>/``:

1. convergence (page ``convergence``): the coefficient of variation at the start
   and end of the period, and the page's verdict key (``convergence.*``);
2. programme evaluation (pages ``programmes/*``): how many programmes the edition
   evaluates and how many of their verdicts are a significant positive or negative effect;
3. composite index (page ``composite_index``): how many regions the selection rules pick.

A finding whose glued values are missing (a page renamed or not run) is left out
and named in :attr:`Landing.missing`, never replaced by a guess.

Examples
--------
>>> convergence_finding({"verdict": "convergence.converging", "cv_start": 0.61, "cv_end": 0.48,
...                      "start_year": 2000, "end_year": 2023}, "en", "GRP per capita")
'Regions are converging. Across regions, the coefficient of variation of GRP per capita fell from 0.61 in 2000 to 0.48 in 2023.'
>>> programme_finding(["programme.positive", "programme.no_effect", "programme.not_credible"], "ru")
'Оценены 3 программы. Статистически значимый положительный эффект: 1; отрицательный: 0; значимого эффекта нет или надёжная оценка невозможна: 2.'
"""

from __future__ import annotations

import ast
import html
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from analysis.book.assemble import ENDONYMS, run_pages
from analysis.book.publication import Publication, long_date
from analysis.book.structure import BookError
from analysis.i18n import LANGS, gettext, key_text, ngettext

_GLUE_PREFIX = "application/papermill.record/"
CONVERGENCE_PAGE = "convergence"
PROGRAMME_PAGES = "programmes/"
INDEX_PAGE = "composite_index"
# Verdicts of the programme decision table that state a significant effect (analysis.chapters.decision).
POSITIVE, NEGATIVE = "programme.positive", "programme.negative"


def glued_values(nb) -> dict:
    """``{name: value}`` of the values a notebook glued (plain Python literals; other values as text)."""
    values = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            name = (output.get("metadata") or {}).get("scrapbook", {}).get("name")
            text = (output.get("data") or {}).get(_GLUE_PREFIX + "text/plain")
            if name is None or text is None:
                continue
            text = "".join(text) if isinstance(text, list) else text
            try:
                values[name] = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                values[name] = text  # numpy reprs such as np.float64(0.5) are not needed here
    return values


def _direction(start: float, end: float) -> str:
    """fell / rose / same, as the two values read at the two decimals the sentence prints."""
    a, b = round(float(start), 2), round(float(end), 2)
    return "fell" if b < a else ("rose" if b > a else "same")


CV_TEXT = {
    "fell": "Across regions, the coefficient of variation of {indicator} fell from {a:.2f} in {start_year} to {b:.2f} in "
            "{end_year}.",
    "rose": "Across regions, the coefficient of variation of {indicator} rose from {a:.2f} in {start_year} to {b:.2f} in "
            "{end_year}.",
    "same": "Across regions, the coefficient of variation of {indicator} was {b:.2f} in both {start_year} and {end_year}.",
}


def convergence_finding(values: dict, lang: str, indicator: str) -> str:
    """The page's verdict in one sentence, then the dispersion at the start and the end of the period."""
    verdict = str(values["verdict"])
    headline = key_text(f"headline.{verdict}", lang)
    numbers = gettext(CV_TEXT[_direction(values["cv_start"], values["cv_end"])], lang, indicator=indicator,
                      a=float(values["cv_start"]), b=float(values["cv_end"]), start_year=int(values["start_year"]),
                      end_year=int(values["end_year"]))
    return f"{headline} {numbers}"


def programme_finding(verdicts: list[str], lang: str) -> str:
    """How many programmes were evaluated and how their verdicts split."""
    n = len(verdicts)
    positive, negative = verdicts.count(POSITIVE), verdicts.count(NEGATIVE)
    count = ngettext("{n} programme evaluated.", "{n} programmes evaluated.", n, lang)
    split = gettext("Statistically significant positive effect: {positive}; negative effect: {negative}; no "
                    "significant effect or no credible estimate: {other}.", lang, positive=positive,
                    negative=negative, other=n - positive - negative)
    return f"{count} {split}"


def index_finding(values: dict, lang: str) -> str:
    """How many regions the composite index's selection rules pick."""
    year, regions, selected = int(values["index_year"]), int(values["regions_count"]), int(values["selected_count"])
    if selected == 0:
        return gettext("By the composite index of {index_year}, none of the {regions} regions qualifies for "
                       "targeted support.", lang, index_year=year, regions=regions)
    return gettext("By the composite index of {index_year}, {selected} of {regions} regions qualify for targeted "
                   "support.", lang, index_year=year, regions=regions, selected=selected)


@dataclass(frozen=True)
class Landing:
    """The glued values the findings read, per finding; ``missing`` names what could not be read."""

    convergence: dict | None = None
    programmes: tuple = ()
    index: dict | None = None
    missing: tuple = field(default=())

    def findings(self, lang: str) -> list[str]:
        """The headline findings in ``lang``, in the order of the book."""
        from analysis.chapters.convergence import HEADLINE
        from analysis.i18n import indicator_name

        out = []
        if self.convergence is not None:
            out.append(convergence_finding(self.convergence, lang, indicator_name(HEADLINE, lang)))
        if self.programmes:
            out.append(programme_finding(list(self.programmes), lang))
        if self.index is not None:
            out.append(index_finding(self.index, lang))
        return out


def read_landing(runs: Path) -> Landing:
    """The glued values of an edition's runs that the landing page's findings need."""
    pages = run_pages(Path(runs))
    missing = []

    def values_of(page: str, names: tuple) -> dict | None:
        if page not in pages:
            missing.append(f"{page}: no executed run")
            return None
        try:
            values = glued_values(nbformat.read(pages[page], as_version=4))
        except Exception as exc:  # nbformat raises several kinds for a broken file
            raise BookError(f"{pages[page]}: not a readable executed notebook ({exc})") from exc
        absent = [n for n in names if n not in values]
        if absent:
            missing.append(f"{page}: no glued value {', '.join(absent)}")
            return None
        return {n: values[n] for n in names}

    convergence = values_of(CONVERGENCE_PAGE, ("verdict", "cv_start", "cv_end", "start_year", "end_year"))
    verdicts = []
    for page in sorted(p for p in pages if p.startswith(PROGRAMME_PAGES)):
        found = values_of(page, ("verdict",))
        if found is not None:
            verdicts.append(str(found["verdict"]))
    index = values_of(INDEX_PAGE, ("index_year", "regions_count", "selected_count"))
    return Landing(convergence, tuple(verdicts), index, tuple(missing))


def picker_html(edition: int) -> str:
    """A landing page with no findings: one link per language (kept for sites built without runs)."""
    return landing_html(Publication(edition, "", "", False), None, None)


ABOUT = ("An annual report on regional inequality and selective regional policy in Kazakhstan, built from the official "
         "statistics of the Bureau of National Statistics: whether regions are converging, what targeted programmes "
         "achieved, a composite index with a transparent selection of the regions needing support, and a profile of "
         "every region. Every number can be recomputed from the published code and data.")

LANDING_CSS = (
    "body{font-family:'DejaVu Sans',system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.5;color:#1a1a1a;background:#fff}h1{font-size:1.6rem}h2{font-size:1.35rem;margin-top:2.2rem}"
    "h3{font-size:1.05rem}section{border-top:1px solid #bbb;padding-top:.5rem}a{color:#0b4f8a}"
    "ul.aimaq-links{list-style:none;padding:0}ul.aimaq-links li{margin:.35rem 0}"
    ".aimaq-meta{color:#333;font-size:.95rem}"
)


@dataclass(frozen=True)
class EditionLink:
    """An edition on the site as a landing page links it: its facts and its folder relative to the page."""

    publication: Publication
    folder: str  # e.g. "2022/" from the site's root, "../2022/" from an edition's own landing page


def editions_list(editions: list[EditionLink], site_root: Path | None, lang: str) -> str:
    """The landing page's list of every edition in ``lang``: its pages, its PDF, what changed (when built)."""
    esc = html.escape
    items = []
    for link in editions:
        pub = link.publication
        year = int(pub.edition)
        folder = Path(site_root) / str(year) / lang if site_root is not None else None
        parts = [f'<a href="{esc(link.folder)}{lang}/index.html">'
                 f'{esc(gettext("Annual report, edition {year}", lang, year=year))}</a>']
        if folder is not None and pub.pdf and (folder / pub.pdf_name(lang)).is_file():
            parts.append(f'<a href="{esc(link.folder)}{lang}/{esc(pub.pdf_name(lang))}" type="application/pdf">'
                         f'{esc(gettext("PDF of the {year} edition", lang, year=year))}</a>')
        if folder is not None and (folder / "changes.html").is_file():
            parts.append(f'<a href="{esc(link.folder)}{lang}/changes.html">'
                         f'{esc(gettext("What changed since the {previous_year} edition", lang, previous_year=_previous(editions, year)))}</a>')
        items.append("<li>" + " · ".join(parts) + "</li>")
    return (f'<h3>{esc(gettext("Every edition", lang))}</h3><ul class="aimaq-links aimaq-editions-list">'
            + "".join(items) + "</ul>")


def _previous(editions: list[EditionLink], year: int) -> int:
    earlier = [int(link.publication.edition) for link in editions if int(link.publication.edition) < year]
    return max(earlier)


def _section(pub: Publication, lang: str, findings: list[str], links: list[tuple[str, str]],
             editions: str = "") -> str:
    esc = html.escape
    g = lambda msgid, **values: esc(gettext(msgid, lang, **values))  # noqa: E731 - keeps the layout readable
    parts = [f'<section lang="{lang}" aria-labelledby="title-{lang}">',
             f'<h2 id="title-{lang}">{g("Regional inequality in Kazakhstan")}</h2>',
             f'<p class="aimaq-meta">{g("Annual report, edition {year}", year=int(pub.edition))}']
    if pub.as_of:
        parts.append(f' · {g("Date of the data")}: <time datetime="{esc(pub.as_of)}">'
                     f"{esc(long_date(pub.as_of, lang))}</time>")
    parts.append("</p>")
    parts.append(f"<p>{g(ABOUT)}</p>")
    if findings:
        parts.append(f'<h3>{g("Main findings of the {year} edition", year=int(pub.edition))}</h3><ul>')
        parts += [f"<li>{esc(text)}</li>" for text in findings]
        parts.append("</ul>")
    parts.append('<ul class="aimaq-links">')
    parts += [f'<li><a href="{esc(href)}">{esc(label)}</a></li>' for href, label in links]
    parts.append("</ul>")
    parts.append(editions)  # HTML built by editions_list, every text escaped there
    parts.append("</section>")
    return "".join(parts)


def landing_html(pub: Publication, site: Path | None, runs: Path | None, editions: list[EditionLink] | None = None,
                 site_root: Path | None = None) -> str:
    """The landing page of the site or of one edition (all text escaped), every section in its own language.

    Parameters
    ----------
    pub : Publication
        The edition at the root of the site.
    site : Path, optional
        The site being built; a link is printed only to a file that is there (a PDF, a data package).
    runs : Path, optional
        ``_build/runs/<edition>``, whose glued values the findings read.
    editions : list of EditionLink, optional
        Every edition on the site (listed with its PDFs when there are two or more).
    site_root : Path, optional
        The root of the site being built (where the editions' folders are).
    """
    landing = read_landing(runs) if runs is not None else Landing()
    sections, titles = [], []
    for lang in LANGS:
        titles.append(gettext("Regional inequality in Kazakhstan", lang))
        links = [(f"{lang}/index.html", gettext("Read the {year} edition ({language})", lang, year=int(pub.edition),
                                                language=ENDONYMS[lang]))]
        if site is not None and pub.pdf and (Path(site) / lang / pub.pdf_name(lang)).is_file():
            links.append((f"{lang}/{pub.pdf_name(lang)}", gettext("Download the edition as PDF", lang)))
        for href, label in extra_links(site, lang):
            links.append((href, label))
        listed = editions_list(editions, site_root, lang) if editions and len(editions) > 1 else ""
        sections.append(_section(pub, lang, landing.findings(lang), links, listed))
    nav = " · ".join(f'<a href="#title-{lang}" hreflang="{lang}" lang="{lang}">{html.escape(ENDONYMS[lang])}</a>'
                     for lang in LANGS)
    choose = " · ".join(html.escape(gettext("Choose a language", lang)) for lang in LANGS)
    return ('<!DOCTYPE html>\n<html lang="kk">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(' / '.join(titles))}</title>\n<style>{LANDING_CSS}</style>\n</head>\n<body>\n"
            f'<header><h1>Aimaq</h1><nav aria-label="{choose}"><p>{nav}</p></nav></header>\n<main>\n'
            + "\n".join(sections) + "\n</main>\n</body>\n</html>\n")


def extra_links(site: Path | None, lang: str) -> list[tuple[str, str]]:
    """Links to further files of the site in ``lang`` (data packages, earlier editions), when they exist."""
    if site is None:
        return []
    from analysis.book.downloads import landing_links

    return landing_links(Path(site), lang)
