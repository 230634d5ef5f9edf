"""Who publishes an edition, when, under which licence, where its code lives and how to cite it.

Every page of an edition carries the same provenance block (``provenance_html``),
placed by :mod:`analysis.book.sphinx_ext` at the end of the article: the PDF of the
edition in the page's language, the publisher, the edition, the date of the data,
the licence, the repository and a "how to cite" line. The PDF's cover
(:mod:`analysis.book.pdf`) and the landing page use the same words.

Facts, not prose: the date of the data is the latest ``recorded`` date of an
observation of a year up to the edition (:func:`data_as_of`), the repository
address is ``repository-code`` of ``CITATION.cff`` (the one place it is written),
and every sentence is a ``book`` catalogue template.

Examples
--------
>>> pub = Publication(2023, "2026-12-05", "https://example.org/aimaq", pdf=True)
>>> pub.pdf_name("kk")
'aimaq-2023-kk.pdf'
>>> long_date("2026-12-05", "ru").replace("\u202f", " ")  # Babel puts a narrow no-break space before г.
'5 декабря 2026 г.'
>>> how_to_cite(pub, "en")
'The Aimaq project (2026). Regional inequality in Kazakhstan. Annual report, edition 2023. Data as of December 5, 2026. https://example.org/aimaq'
"""

from __future__ import annotations

import csv
import datetime
import html
import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from analysis.book.structure import BookError
from analysis.i18n import format_date, gettext

PROJECT_ROOT = Path(__file__).resolve().parents[3]
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Publication:
    """The facts every page of an edition states about itself.

    Attributes
    ----------
    edition : int
        Report year.
    as_of : str
        Date of the data, ``YYYY-MM-DD``.
    repository : str
        Address of the code repository (``""``: not stated, no link is printed).
    pdf : bool
        Whether the edition's PDFs are built (only then do pages link them).
    """

    edition: int
    as_of: str
    repository: str = ""
    pdf: bool = False

    def pdf_name(self, lang: str) -> str:
        """File name of the edition's PDF in ``lang`` (it lies in the language's folder of the site)."""
        return f"aimaq-{int(self.edition)}-{lang}.pdf"

    def as_config(self) -> dict:
        """Plain values for the Sphinx configuration of a language's build."""
        return {"edition": int(self.edition), "as_of": self.as_of, "repository": self.repository, "pdf": self.pdf}

    @classmethod
    def from_config(cls, values: dict) -> "Publication":
        return cls(int(values["edition"]), str(values["as_of"]), str(values.get("repository") or ""),
                   bool(values.get("pdf")))


def data_as_of(edition: int, data_dir: Path | None = None) -> str:
    """Date of the data of an edition: when the last of its figures (years up to it) was first recorded.

    A figure revised later (its old value moved to ``revisions.csv``, the new one recorded on the
    revision date) counts with the date it first entered the data, so a past edition keeps the date
    it was published with and the revision shows as a change in the next edition
    (:mod:`analysis.book.what_changed`), not as a later date of the old one.

    Raises
    ------
    BookError
        The file has no ``recorded`` column, a ``recorded`` value is not a date ``YYYY-MM-DD``
        (file, row, column, value and what was expected are named), or no observation is of a year
        up to the edition.
    """
    data_dir = Path(data_dir or os.environ.get("AIMAQ_DATA_DIR") or PROJECT_ROOT / "data")
    path = data_dir / "observations.csv"
    if not path.is_file():
        raise BookError(f"{path}: not found; the pages state the date of the data from it")
    first: dict[tuple, str] = {}
    for source in (path, data_dir / "revisions.csv"):
        for key, recorded in _recorded_dates(source, edition) if source.is_file() else ():
            first[key] = min(first.get(key, recorded), recorded)
    if not first:
        raise BookError(f"{path}: no observation of a year up to {edition}; expected at least one")
    return max(first.values())


def edition_as_of(edition: int, data_dir: Path | None = None, manifest: Path | None = None) -> str:
    """Date of the data of an edition: its date under ``published:`` of the run manifest once it was
    published (the pipeline built it from the figures of that date), else :func:`data_as_of`."""
    if manifest is not None and Path(manifest).is_file():
        from analysis.pipeline import load_manifest

        pinned = load_manifest(manifest).as_of(edition)
        if pinned:
            return pinned
    return data_as_of(edition, data_dir)


def _recorded_dates(path: Path, edition: int):
    """``(figure key, recorded)`` of each row of a year up to ``edition`` (dates checked, errors named)."""
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if "recorded" not in (reader.fieldnames or []):
            raise BookError(f"{path}: no column 'recorded' (expected the date each figure entered the data, "
                            "YYYY-MM-DD); the pages state the date of the data from it")
        for row_number, row in enumerate(reader, start=2):  # line 1 is the header
            year = (row.get("year") or "").strip()
            if not year.isdigit() or int(year) > int(edition):
                continue
            recorded = (row.get("recorded") or "").strip()
            if not _is_date(recorded):
                raise BookError(f"{path}, row {row_number}, column 'recorded': {recorded!r} is not valid; "
                                "expected a date YYYY-MM-DD")
            key = (row.get("region"), year, row.get("indicator"), (row.get("territory") or "").strip())
            yield key, recorded


def _is_date(text: str) -> bool:
    if not _ISO_DATE.fullmatch(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def repository_url(project: Path | None = None) -> str:
    """``repository-code`` of the project's ``CITATION.cff`` (``""`` when it states none)."""
    path = Path(project or PROJECT_ROOT) / "CITATION.cff"
    if not path.is_file():
        return ""
    try:
        citation = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise BookError(f"{path}: not valid YAML ({exc})") from None
    url = str(citation.get("repository-code") or "").strip()
    if url and not re.fullmatch(r"https://[\w.-]+(/[\w.~%-]+)*/?", url):
        raise BookError(f"{path}, key 'repository-code': {url!r} is not valid; expected an https:// address")
    return url


def long_date(iso: str, lang: str) -> str:
    """``2026-12-05`` written out as a writer of ``lang`` writes a date (:func:`analysis.i18n.format_date`)."""
    return format_date(iso, lang)


def how_to_cite(pub: Publication, lang: str) -> str:
    """The reference to the edition, in ``lang`` (plain text)."""
    text = gettext("The Aimaq project ({year}). Regional inequality in Kazakhstan. Annual report, edition "
                   "{edition}. Data as of {date}.", lang, year=int(pub.as_of[:4]), edition=str(int(pub.edition)),
                   date=long_date(pub.as_of, lang))
    # the Russian long date ends in "г." and the template's full stop would double it
    text = text.replace("..", ".")
    return f"{text} {pub.repository}" if pub.repository else text


def _up(pagename: str) -> str:
    """From a page of a language's site to that language's folder (``regions/KZ-43`` → ``../``)."""
    return "../" * pagename.count("/")


def provenance_html(pub: Publication, lang: str, pagename: str) -> str:
    """The provenance block closing a page of ``lang`` (all text escaped)."""
    esc = html.escape
    rows = [
        (gettext("Publisher", lang), esc(gettext("The Aimaq project", lang))),
        (gettext("Edition", lang), esc(gettext("Annual report, edition {year}", lang, year=int(pub.edition)))),
        (gettext("Date of the data", lang), f'<time datetime="{esc(pub.as_of)}">{esc(long_date(pub.as_of, lang))}</time>'),
        (gettext("Licence", lang), esc(gettext("Code: MIT licence. Data: official statistics of the Bureau of "
                                               "National Statistics of the Republic of Kazakhstan.", lang))),
    ]
    if pub.repository:
        rows.append((gettext("Code and data", lang), f'<a href="{esc(pub.repository)}">{esc(pub.repository)}</a>'))
    if pub.pdf:
        href = _up(pagename) + pub.pdf_name(lang)
        rows.append((gettext("PDF edition", lang),
                     f'<a class="aimaq-pdf" href="{esc(href)}" type="application/pdf">'
                     f'{esc(gettext("Download the edition as PDF", lang))}</a>'))
    rows.append((gettext("How to cite", lang), f"<cite>{esc(how_to_cite(pub, lang))}</cite>"))
    items = "".join(f"<dt>{esc(term)}</dt><dd>{value}</dd>" for term, value in rows)
    label = esc(gettext("About this edition", lang))
    return f'<aside class="aimaq-provenance" aria-label="{label}"><dl>{items}</dl></aside>'
