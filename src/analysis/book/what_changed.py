"""The page "What changed since the last edition", computed from the data and the two editions' runs.

Three comparisons of an edition with the one before it on the site, each a rule over facts:

* **new years of data** (:func:`data_years_as_of`): the years up to the edition with a regional figure
  in force on the edition's date of the data, less those of the previous edition;
* **revised figures** (:func:`revised_figures`): every figure of ``data/revisions.csv`` that the
  previous edition published (its year up to that edition, recorded by its date of the data, not yet
  superseded then) and that was superseded by the current edition's date of the data, old value →
  the value in force on that date, as stored (unrounded, formatted per language);
* **verdicts that changed** (:func:`changed_verdicts`): the pages of both editions whose runs glued a
  ``verdict`` key (``myst_nb.glue``; read as :mod:`analysis.book.landing` reads them) and whose keys differ.

Every sentence is an ``editions`` catalogue template; a count of zero has its own sentence, other
counts go through ``ngettext``. Names of regions and indicators and their units come from ``data/``
in the page's language; every string from data is HTML-escaped.

Examples
--------
>>> r = Revision("KZ-43", 2022, "grp_nominal", "", "100.5", "98.25")
>>> round(r.change, 6)
-0.022388
>>> decimals_of("98.25"), decimals_of("100")
(2, 0)
"""

from __future__ import annotations

import csv
import html
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import nbformat

from analysis.book.publication import Publication, PROJECT_ROOT, _is_date, long_date
from analysis.book.structure import BookError
from analysis.i18n import format_number, format_percent, gettext, ngettext

CHANGES_PAGE = "changes"
NATIONAL = "KZ"  # the national total row; "years of data" counts regional figures
_NEEDED = ("region", "year", "indicator", "value", "recorded")


@dataclass(frozen=True)
class Revision:
    """One published figure and the value that replaced it (both as stored in the data)."""

    region: str
    year: int
    indicator: str
    territory: str
    old: str
    new: str

    @property
    def change(self) -> float:
        """Relative change, new / old − 1 (NaN when the old value is 0)."""
        old, new = float(self.old), float(self.new)
        return new / old - 1 if old else float("nan")


def decimals_of(text: str) -> int:
    """Decimals a stored value is written with (the page shows it unrounded)."""
    return len(text.split(".", 1)[1]) if "." in text else 0


def _rows(path: Path, extra: tuple = ()) -> list[tuple[int, dict]]:
    """``(line, row)`` of a data file, every needed column present and every date a date."""
    if not path.is_file():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        absent = [c for c in _NEEDED + extra if c not in (reader.fieldnames or [])]
        if absent:
            raise BookError(f"{path}: no column {absent[0]!r} (expected the columns {', '.join(_NEEDED + extra)})")
        rows = []
        for line, row in enumerate(reader, start=2):
            for column in ("recorded",) + extra[:1]:
                if not _is_date((row.get(column) or "").strip()):
                    raise BookError(f"{path}, row {line}, column {column!r}: {row.get(column)!r} is not valid; "
                                    "expected a date YYYY-MM-DD")
            if not (row.get("year") or "").strip().isdigit():
                raise BookError(f"{path}, row {line}, column 'year': {row.get('year')!r} is not valid; expected a year")
            try:
                float(row["value"])
            except (TypeError, ValueError):
                raise BookError(f"{path}, row {line}, column 'value': {row.get('value')!r} is not valid; "
                                "expected a number") from None
            rows.append((line, row))
    return rows


def _key(row: dict) -> tuple:
    return (row["region"], int(row["year"]), row["indicator"], (row.get("territory") or "").strip())


def _in_force(data_dir: Path, as_of: str) -> dict[tuple, dict]:
    """``{figure key: row}`` of the figures in force on ``as_of`` (observations and revisions)."""
    observations = _rows(Path(data_dir) / "observations.csv")
    revisions = _rows(Path(data_dir) / "revisions.csv", ("superseded",))
    force = {_key(row): row for _, row in observations if row["recorded"] <= as_of}
    for _, row in revisions:
        if row["recorded"] <= as_of < row["superseded"]:
            force[_key(row)] = row
    return force


def data_years_as_of(data_dir: Path, edition: int, as_of: str) -> list[int]:
    """Years up to ``edition`` with a regional figure in force on ``as_of``."""
    return sorted({key[1] for key in _in_force(data_dir, as_of) if key[0] != NATIONAL and key[1] <= int(edition)})


def revised_figures(data_dir: Path, previous: Publication, current: Publication) -> list[Revision]:
    """Figures the previous edition published that were revised by the current edition's date of the data."""
    before, now = _in_force(data_dir, previous.as_of), _in_force(data_dir, current.as_of)
    found = []
    for key, old in sorted(before.items()):
        if key[1] > int(previous.edition) or key not in now:
            continue
        new = now[key]
        if float(new["value"]) != float(old["value"]):
            found.append(Revision(key[0], key[1], key[2], key[3], old["value"].strip(), new["value"].strip()))
    return found


@dataclass(frozen=True)
class VerdictChange:
    """A page whose verdict key differs between two editions."""

    page: str
    old: str
    new: str


def _notebooks(runs) -> dict:
    """``{page: notebook}`` of a run folder, or ``runs`` itself when the edition's notebooks were read already."""
    from analysis.book.assemble import run_pages  # the assembler writes this page: imported when used

    if isinstance(runs, Mapping):
        return runs
    out = {}
    for page, path in run_pages(Path(runs)).items():
        try:
            out[page] = nbformat.read(path, as_version=4)
        except Exception as exc:  # nbformat raises several kinds for a broken file
            raise BookError(f"{path}: not a readable executed notebook ({exc})") from exc
    return out


def _verdicts(notebooks: dict) -> dict[str, str]:
    from analysis.book.landing import glued_values

    found = {}
    for page, nb in notebooks.items():
        verdict = glued_values(nb).get("verdict")
        if isinstance(verdict, str) and verdict:
            found[page] = verdict
    return found


def changed_verdicts(previous_runs, current_runs) -> tuple[int, list[VerdictChange]]:
    """How many pages state a verdict in both editions, and those whose verdict key changed.

    Each edition is given by its run folder or by its notebooks already read (``{page: notebook}``).
    """
    old, new = _verdicts(_notebooks(previous_runs)), _verdicts(_notebooks(current_runs))
    both = sorted(set(old) & set(new))
    return len(both), [VerdictChange(page, old[page], new[page]) for page in both if old[page] != new[page]]


def verdict_text(key: str, lang: str) -> str:
    """A verdict key as the reader reads it: the convergence headline, the programme's short verdict."""
    from analysis.i18n import has_key, key_text

    if has_key(f"headline.{key}"):
        return key_text(f"headline.{key}", lang)
    from analysis.report.conclusions_page import VERDICT_LABELS

    if key in VERDICT_LABELS:
        label = gettext(VERDICT_LABELS[key], lang)
        return label[:1].upper() + label[1:]
    raise BookError(f"verdict key {key!r}: no text for readers (expected headline.{key} or a programme verdict label)")


def page_title(nb, lang: str, page: str) -> str:
    """The page's title in ``lang``: its first ``# `` heading among that language's outputs."""
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if ((output.get("metadata") or {}).get("aimaq") or {}).get("lang") != lang:
                continue
            markdown = (output.get("data") or {}).get("text/markdown")
            markdown = "".join(markdown) if isinstance(markdown, list) else (markdown or "")
            if markdown.startswith("# "):
                return markdown[2:].splitlines()[0].strip()
    return page


# -- the page ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Changes:
    """Everything the page states, language-neutral."""

    previous: Publication
    current: Publication
    new_years: tuple
    revisions: tuple
    compared: int
    verdicts: tuple
    titles: dict  # {lang: {page: title}} of the current edition


def compare_editions(data_dir: Path, previous: Publication, current: Publication, previous_runs,
                     current_runs) -> Changes:
    """The facts the page states for ``current`` against ``previous``; the runs of each as in :func:`changed_verdicts`."""
    old_years = set(data_years_as_of(data_dir, previous.edition, previous.as_of))
    new_years = tuple(y for y in data_years_as_of(data_dir, current.edition, current.as_of) if y not in old_years)
    previous_notebooks, notebooks = _notebooks(previous_runs), _notebooks(current_runs)
    compared, verdicts = changed_verdicts(previous_notebooks, notebooks)
    from analysis.i18n import LANGS

    titles = {lang: {v.page: page_title(notebooks[v.page], lang, v.page) for v in verdicts} for lang in LANGS}
    return Changes(previous, current, new_years, tuple(revised_figures(data_dir, previous, current)), compared,
                   tuple(verdicts), titles)


def _table(headers: list[str], rows: list[list[str]], numeric: set[int]) -> str:
    """A raw HTML table (cells already escaped), one row a line (a blank line would end the HTML block)."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "\n".join("<tr>" + "".join(f'<td style="text-align:right">{c}</td>' if i in numeric else f"<td>{c}</td>"
                                      for i, c in enumerate(row)) + "</tr>" for row in rows)
    return (f'<div class="aimaq-table-scroll"><table class="table aimaq-table aimaq-changes">\n<thead><tr>{head}'
            f"</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table></div>\n")


def _units(data_dir: Path | None) -> dict[str, dict]:
    path = Path(data_dir or PROJECT_ROOT / "data") / "indicators.csv"
    if not path.is_file():
        path = PROJECT_ROOT / "data" / "indicators.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        return {row["id"]: row for row in csv.DictReader(fh)}


def _signed_percent(x: float, lang: str) -> str:
    text = format_percent(x, lang)
    return "+" + text if x > 0 and any(c in "123456789" for c in text) else text


def changes_markdown(changes: Changes, lang: str, data_dir: Path | None = None) -> str:
    """The page in ``lang`` (MyST markdown with raw HTML tables; every value from data escaped)."""
    from babel.lists import format_list

    from analysis.i18n import indicator_name, region_name
    from analysis.i18n.names import sort_key

    esc = html.escape
    prev, cur = changes.previous, changes.current
    years = dict(previous_year=int(prev.edition), current_year=int(cur.edition))
    out = [f"# {gettext('What changed since the {previous_year} edition', lang, **years)}", "",
           esc(gettext("This page compares the {current_year} edition (data as of {current_date}) with the "
                       "{previous_year} edition (data as of {previous_date}): the years of data added, the figures "
                       "revised and the verdicts that changed.", lang, current_date=long_date(cur.as_of, lang),
                       previous_date=long_date(prev.as_of, lang), **years)), ""]

    out += [f"## {gettext('New years of data', lang)}", ""]
    n = len(changes.new_years)
    if n == 0:
        out.append(esc(gettext("This edition adds no year of data.", lang)))
    else:
        listed = format_list([str(y) for y in changes.new_years], locale=lang)
        out.append(esc(ngettext("This edition adds {n} year of data: {years}.",
                                "This edition adds {n} years of data: {years}.", n, lang, years=listed)))
    out.append("")

    out += [f"## {gettext('Revised figures', lang)}", ""]
    n = len(changes.revisions)
    if n == 0:
        out.append(esc(gettext("No figure published in the {previous_year} edition has been revised since.", lang,
                               **years)))
    else:
        out.append(esc(ngettext("{n} figure published in the {previous_year} edition has been revised since:",
                                "{n} figures published in the {previous_year} edition have been revised since:",
                                n, lang, **years)))
        out.append("")
        # Names through analysis.i18n (the project's data/ or AIMAQ_DATA_DIR: the name tables); units from data_dir.
        names, units = None, _units(data_dir)
        ordered = sorted(changes.revisions, key=lambda r: (r.indicator, r.year, sort_key(region_name(
            r.region, lang, names), lang), r.territory))
        rows = []
        for r in ordered:
            decimals = max(decimals_of(r.old), decimals_of(r.new))
            unit = (units.get(r.indicator) or {}).get(f"unit_{lang}", "")
            rows.append([esc(region_name(r.region, lang, names)), esc(indicator_name(r.indicator, lang, names)),
                         str(r.year), esc(unit), esc(format_number(float(r.old), lang, decimals)),
                         esc(format_number(float(r.new), lang, decimals)), esc(_signed_percent(r.change, lang))])
        headers = [gettext("Region", lang), gettext("Indicator", lang), gettext("Year", lang), gettext("Unit", lang),
                   gettext("{previous_year} edition", lang, **years), gettext("{current_year} edition", lang, **years),
                   gettext("Change", lang)]
        out.append(_table(headers, rows, {2, 4, 5, 6}))
    out.append("")

    out += [f"## {gettext('Verdicts that changed', lang)}", ""]
    if changes.compared == 0:
        out.append(esc(gettext("No page states a verdict in both editions, so no verdict can be compared.", lang)))
    else:
        out.append(esc(ngettext("Both editions state a verdict on {n} page.",
                                "Both editions state a verdict on {n} pages.", changes.compared, lang)))
        n = len(changes.verdicts)
        if n == 0:
            out.append(esc(gettext("On none of them did the verdict change.", lang)))
        else:
            out.append(esc(ngettext("The verdict changed on {n} of them:", "The verdict changed on {n} of them:", n,
                                    lang)))
            out.append("")
            rows = [[f'<a href="{esc(v.page)}.html">{esc(changes.titles[lang][v.page])}</a>',
                     esc(verdict_text(v.old, lang)), esc(verdict_text(v.new, lang))] for v in changes.verdicts]
            headers = [gettext("Page", lang), gettext("{previous_year} edition", lang, **years),
                       gettext("{current_year} edition", lang, **years)]
            out.append(_table(headers, rows, set()))
    out.append("")
    return "\n".join(out)
