"""The glossary page's table, built from ``book/glossary.csv`` (the single terminology source).

The prose of ``book/content/<lang>/glossary.md`` introduces the table; the
assembler appends it. Rows keep the file's order (the file groups terms by
subject). Columns: the term in the page's language, then the other two
languages, the note, and the term's identifier (the name the code and data
use, which the prose promises). The note is the one written in the page's
language (``note_en``, ``note_ru``, ``note_kk``), so it carries no ``lang``.
Every cell is HTML-escaped; cells in another language carry ``lang`` so that
screen readers and hyphenation follow them.

Examples
--------
>>> rows = [{"term_id": "sez", "en": "special economic zone", "ru": "СЭЗ", "kk": "АЭА",
...          "note_en": "a <b> note", "note_ru": "пояснение", "note_kk": "түсіндірме"}]
>>> table = glossary_table(rows, "kk")
>>> table.splitlines()[1]
'<thead><tr><th>Қазақша</th><th>Ағылшынша</th><th>Орысша</th><th>Түсіндірме</th><th>Сәйкестендіргіш</th></tr></thead>'
>>> "<td>түсіндірме</td>" in table and "note" not in table
True
>>> "<td>a &lt;b&gt; note</td>" in glossary_table(rows, "en")
True
"""

from __future__ import annotations

import csv
import html
from pathlib import Path

from analysis.book.structure import BookError
from analysis.i18n import N_, gettext

COLUMNS = ("term_id", "en", "ru", "kk", "note_en", "note_ru", "note_kk")
# After the page's own language, the other two in the file's (and the prose's) order: en, ru, kk.
CSV_ORDER = ("en", "ru", "kk")
GLOSSARY_PAGE = "glossary"
# Column headers: the name of each language, in the page's language.
LANGUAGE_HEADERS = {"kk": N_("Kazakh"), "ru": N_("Russian"), "en": N_("English")}


def read_glossary(path: Path) -> list[dict[str, str]]:
    """The rows of ``glossary.csv`` in file order; a wrong header or a short row names the file and line."""
    path = Path(path)
    if not path.is_file():
        raise BookError(f"{path}: missing (the glossary page's table is built from it)")
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise BookError(f"{path}: header {reader.fieldnames}, expected {list(COLUMNS)}")
        rows = []
        for row in reader:
            if None in row or any(row[c] is None for c in COLUMNS):
                raise BookError(f"{path} line {reader.line_num}: expected {len(COLUMNS)} columns")
            rows.append(row)
    return rows


def _cell(text: str, lang: str | None = None, code: bool = False) -> str:
    # One line per row: a blank line would end MyST's raw HTML block in the middle of the table.
    value = html.escape(" ".join(str(text).split()))
    if code and value:
        # Identifiers may break only after an underscore (CSS would otherwise split them anywhere).
        value = "<code>" + value.replace("_", "_<wbr>") + "</code>"
    attribute = f' lang="{lang}"' if lang and value else ""
    return f"<td{attribute}>{value}</td>"


def glossary_table(rows: list[dict[str, str]], lang: str) -> str:
    """The HTML table of the glossary page in ``lang`` (escaped, one row per term, in file order)."""
    order = [lang] + [other for other in CSV_ORDER if other != lang]
    headers = [gettext(LANGUAGE_HEADERS[code], lang) for code in order]
    headers += [gettext("Note", lang), gettext("Identifier", lang)]
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = [_cell(row[code], None if code == lang else code) for code in order]
        cells.append(_cell(row[f"note_{lang}"]))  # the note in the page's language
        cells.append(_cell(row["term_id"], code=True))
        body.append("<tr>" + "".join(cells) + "</tr>")
    return ('<table class="table aimaq-table aimaq-glossary">\n<thead><tr>' + head + "</tr></thead>\n<tbody>\n"
            + "\n".join(body) + "\n</tbody>\n</table>\n")


def append_glossary_table(page: Path, glossary_csv: Path, lang: str) -> None:
    """Append the table to the glossary page's prose (already copied into the language's tree)."""
    text = page.read_text(encoding="utf-8").rstrip("\n")
    page.write_text(text + "\n\n" + glossary_table(read_glossary(glossary_csv), lang), encoding="utf-8")
