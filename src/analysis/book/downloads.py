"""The data behind the book: a CSV beside each figure and table, and one data package per edition.

:mod:`analysis.report` leaves the values of every figure's data table and of every
table unrounded in the output's metadata (``metadata["aimaq"]["download"]``:
kind, title, source, columns, rows; :func:`analysis.report.tables.record`). For each
language's source tree :func:`add_downloads`

* writes, per such output, ``_static/data/<page>/<figure|table>-<n>.csv`` and beside it
  ``<same>.json``, and puts a link to both right after the output on the page;
* writes the language's data package ``_static/data/aimaq-<edition>-<lang>-data.zip``
  and links it from the data page (``data_overview``, else ``data_methods``).

Sphinx copies ``_static/`` verbatim, so the files land next to the pages and a relative
link reaches them from any page depth; the site check (:func:`download_problems`) reads
every one back before a site is published.

The CSV is plain UTF-8 (no byte-order mark), RFC 4180 (``,``, ``"`` quoting, CRLF):
one header row in the page's language (units as the figure or table states them) and
the data rows, values unrounded (Python's shortest round-trip repr of each float),
missing cells empty. **The source is not a line of the CSV.** A trailing "Source: …"
row, or a leading comment, would make every CSV reader (``pandas.read_csv``, R's
``read.csv``, a spreadsheet) see a ragged extra row or a broken header; instead each
CSV has a sidecar ``.json``, a Frictionless *tabular data resource* (title, ``sources``,
licence, ``schema.fields`` with types, ``bytes`` and ``hash`` of the CSV), linked beside
it and copied verbatim into the edition's ``datapackage.json``. So the CSV stays a clean
rectangle and its source travels in a standard, machine-readable form.

The data package is a zip (Frictionless Data Package): ``datapackage.json`` (the data
folder's own descriptor, reused with its sha256 hashes, renamed for the edition and
language, plus one resource per CSV of the pages), the data folder's files at the paths
the descriptor names, and ``tables/<page>/<figure|table>-<n>.csv``. Entries are written
in a fixed order with a fixed date, so the same runs give the same bytes.

Examples
--------
>>> csv_text(["Year", "CV"], [[2022, 0.41234567891], [2023, None]])
'Year,CV\\r\\n2022,0.41234567891\\r\\n2023,\\r\\n'
>>> field_types([[2022, 0.5, "a"], [2023, 1, None]])
['integer', 'number', 'string']
"""

from __future__ import annotations

import copy
import csv
import hashlib
import html
import io
import json
import re
import zipfile
from pathlib import Path, PurePosixPath

from analysis.book.structure import BookError
from analysis.i18n import gettext

#: Where the downloads live inside each language's tree (and so inside its site).
DATA_FOLDER = "_static/data"
#: The data page that links the edition's data package (the prose page when there is no overview run).
DATA_PAGES = ("data_overview", "data_methods")
_PACKAGE = re.compile(r"aimaq-(\d{4})-([a-z]{2})-data\.zip")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the zip format's earliest date: no build time in the bytes


def package_name(edition: int, lang: str) -> str:
    """The file name of an edition's data package in ``lang``.

    >>> package_name(2023, "kk")
    'aimaq-2023-kk-data.zip'
    """
    return f"aimaq-{int(edition)}-{lang}-data.zip"


#: a text cell starting with one of these is run as a formula by spreadsheets (OWASP "CSV injection")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """One CSV cell: floats unrounded (``repr``), ``None`` empty, text that a spreadsheet would run as a
    formula prefixed with an apostrophe (a data string such as a region name reaches these files)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_text(columns: list, rows: list) -> str:
    """Header and rows as RFC 4180 CSV text; floats unrounded, ``None`` empty, formulas defused.

    >>> csv_text(["Region", "x"], [["=HYPERLINK(1)", 0.1], ["Abai Region", None]]).splitlines()
    ['Region,x', "'=HYPERLINK(1),0.1", 'Abai Region,']
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_cell(c) for c in columns])
    writer.writerows([[_cell(v) for v in row] for row in rows])
    return buffer.getvalue()


def field_types(rows: list) -> list[str]:
    """Table Schema type of each column: ``integer``, ``number`` or ``string`` (missing cells ignored)."""
    width = max((len(r) for r in rows), default=0)
    types = []
    for i in range(width):
        values = [r[i] for r in rows if i < len(r) and r[i] is not None]
        if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            types.append("integer")
        elif values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            types.append("number")
        else:
            types.append("string")
    return types


def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def resource(name: str, path: str, record: dict, body: bytes) -> dict:
    """The Frictionless tabular data resource that describes one CSV (its sidecar)."""
    columns = record["columns"]
    if len(set(columns)) != len(columns):
        raise BookError(f"{path}: two columns share a header ({', '.join(columns)}); a CSV needs distinct headers")
    return {
        "profile": "tabular-data-resource", "name": name, "path": path, "title": record.get("title", ""),
        "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "bytes": len(body), "hash": _digest(body),
        "sources": [{"title": record.get("source", "")}],
        "schema": {"fields": [{"name": c, "type": t} for c, t in zip(columns, field_types(record["rows"]) or
                                                                     ["string"] * len(columns))]},
    }


def _link_html(page: str, stem: str, kind: str, number: int, lang: str, source: str) -> str:
    up = "../" * page.count("/")
    base = f"{up}{DATA_FOLDER}/{page}/{stem}"
    label = (gettext("Download the data of figure {number} (CSV)", lang, number=str(number)) if kind == "figure"
             else gettext("Download the data of this table (CSV)", lang))
    parts = [f'<p class="aimaq-downloads"><a href="{html.escape(base)}.csv" type="text/csv" download>'
             f"{html.escape(label)}</a> · <a href=\"{html.escape(base)}.json\" type=\"application/json\">"
             f"{html.escape(gettext('Description of the data (JSON)', lang))}</a>"]
    if kind == "table" and source:  # a figure's caption names its source already
        parts.append(" · " + html.escape(gettext("Source: {source}.", lang, source=source)))
    return "".join(parts) + "</p>"


def _link_output(text: str, lang: str) -> dict:
    return {"output_type": "display_data", "data": {"text/html": text},
            "metadata": {"aimaq": {"lang": lang, "download_link": True}}}


def page_downloads(nb: dict, page: str, lang: str, out: Path) -> list[tuple[str, dict]]:
    """Write the CSV and sidecar of each data-carrying output of one page and link them; edits ``nb``.

    Returns ``(path inside the package, resource)`` of each CSV written. The values leave
    the page's notebook (the HTML needs only the table shown).
    """
    written, tables = [], 0
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        outputs = []
        for output in cell.get("outputs", []):
            outputs.append(output)
            aimaq = (output.get("metadata") or {}).get("aimaq")
            record = aimaq.pop("download", None) if isinstance(aimaq, dict) else None
            if record is None:
                continue
            kind = record.get("kind")
            if kind == "table":
                tables += 1
                number = tables
            elif kind == "figure":
                number = int(record["number"])
            else:
                raise BookError(f"page {page}: an output's data has kind {kind!r}; expected 'figure' or 'table'")
            stem = f"{kind}-{number}"
            body = csv_text(record["columns"], record["rows"]).encode("utf-8")
            name = f"{page}-{stem}".replace("/", "-").lower()
            described = resource(name, f"{stem}.csv", record, body)
            folder = out / page
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{stem}.csv").write_bytes(body)
            (folder / f"{stem}.json").write_text(json.dumps(described, ensure_ascii=False, indent=1) + "\n",
                                                 encoding="utf-8")
            outputs.append(_link_output(_link_html(page, stem, kind, number, lang, record.get("source", "")), lang))
            written.append((f"tables/{page}/{stem}.csv", described))
        cell["outputs"] = outputs
    return written


def _data_resources(data_dir: Path) -> tuple[dict, list[tuple[str, Path]]]:
    """The data folder's descriptor and ``(path, file)`` of each resource it lists (none without one)."""
    descriptor_file = Path(data_dir) / "datapackage.json"
    if not descriptor_file.is_file():
        return {"profile": "data-package", "resources": []}, []
    try:
        descriptor = json.loads(descriptor_file.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BookError(f"{descriptor_file}: got invalid JSON ({exc}), expected the Data Package descriptor") from None
    files = []
    for i, entry in enumerate(descriptor.get("resources", [])):
        path = str(entry.get("path", ""))
        pure = PurePosixPath(path)
        if not path or pure.is_absolute() or ".." in pure.parts:
            raise BookError(f"{descriptor_file}, column 'resources[{i}].path': got {path!r}, "
                            "expected a path inside the data folder")
        if not (Path(data_dir) / path).is_file():
            raise BookError(f"{descriptor_file}, column 'resources[{i}].path': got {path!r}, "
                            f"expected a file of {data_dir}")
        files.append((path, Path(data_dir) / path))
        if path.endswith(".csv") and isinstance(entry.get("schema"), dict):
            entry["schema"] = dict(entry["schema"], fields=_fields_in_file_order(descriptor_file, i, entry,
                                                                                  Path(data_dir) / path))
    return descriptor, files


def _fields_in_file_order(descriptor_file: Path, index: int, entry: dict, file: Path) -> list[dict]:
    """The resource's schema fields in the order of the file's header, one per column.

    A Table Schema matches fields to columns by position; the data folder's descriptor lists
    the columns that ``aimaq data check`` validates, not always all of them nor in the file's
    order. A column it does not describe is given Table Schema's default type, ``string``; a
    field naming a column the file lacks is an error.
    """
    with open(file, encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh), [])
    declared = {f.get("name"): f for f in entry["schema"].get("fields", []) if isinstance(f, dict)}
    absent = [name for name in declared if name not in header]
    if absent:
        raise BookError(f"{descriptor_file}, column 'resources[{index}].schema.fields': got {', '.join(map(str, absent))}, "
                        f"expected columns of {file.name} ({', '.join(header)})")
    return [declared.get(name, {"name": name, "type": "string"}) for name in header]


def _zip_entry(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def write_package(target: Path, edition: int, lang: str, data_dir: Path, tables: list[tuple[str, dict]]) -> Path:
    """The edition's data package in ``lang``: data folder files, page CSVs and ``datapackage.json``."""
    descriptor, files = _data_resources(data_dir)
    descriptor = copy.deepcopy(descriptor)
    descriptor.update(name=f"aimaq-{int(edition)}-{lang}",
                      title=gettext("Regional inequality in Kazakhstan: data of the {year} edition", lang,
                                    year=int(edition)),
                      description=gettext(PACKAGE_TEXT, lang))
    descriptor["resources"] = list(descriptor.get("resources", [])) + [dict(r, path=p) for p, r in sorted(tables)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        _zip_entry(archive, "datapackage.json",
                   (json.dumps(descriptor, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
        for path, file in files:
            _zip_entry(archive, path, file.read_bytes())
        tables_folder = target.parent
        for path, _resource in sorted(tables):
            _zip_entry(archive, path, (tables_folder / path.removeprefix("tables/")).read_bytes())
    target.write_bytes(buffer.getvalue())
    return target


PACKAGE_TEXT = ("The data package holds the official figures this edition was computed from, with their checksums, "
                "and the data of every figure and table of the edition in CSV, each file described in datapackage.json.")


def _package_link(page: str, name: str, edition: int, lang: str) -> str:
    href = f"{'../' * page.count('/')}{DATA_FOLDER}/{name}"
    label = gettext("Download the data package of the {year} edition (ZIP)", lang, year=int(edition))
    # One paragraph of the class the print edition drops: a PDF has no file to download.
    return (f'<p class="aimaq-downloads">{html.escape(gettext(PACKAGE_TEXT, lang))} '
            f'<a href="{html.escape(href)}" type="application/zip" download>{html.escape(label)}</a></p>')


def _link_package_from_data_page(tree: Path, name: str, edition: int, lang: str) -> None:
    for page in DATA_PAGES:
        notebook, prose = tree / f"{page}.ipynb", tree / f"{page}.md"
        if notebook.is_file():
            nb = json.loads(notebook.read_text(encoding="utf-8"))
            cells = nb["cells"]
            at = next((i for i, c in enumerate(cells) if "aimaq-footer" in c.get("metadata", {}).get("tags", [])),
                      len(cells))  # before the rerun note that closes the page
            cells.insert(at, {"cell_type": "code", "execution_count": None, "id": f"{lang}-data-package",
                              "source": "# the edition's data package",
                              "metadata": {"tags": ["remove-input"]},
                              "outputs": [_link_output(_package_link(page, name, edition, lang), lang)]})
            _write_notebook(notebook, nb)
            return
        if prose.is_file():
            text = prose.read_text(encoding="utf-8").rstrip("\n")
            prose.write_text(text + "\n\n" + _package_link(page, name, edition, lang) + "\n", encoding="utf-8")
            return


def _write_notebook(path: Path, nb: dict) -> None:
    # nbformat's own layout (indent 1, sorted keys), without a second validation of every cell.
    path.write_text(json.dumps(nb, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def add_downloads(tree: Path, lang: str, edition: int, data_dir: Path, notebooks: dict | None = None) -> Path | None:
    """Write every CSV download and the data package of one language's source tree, and link them.

    Parameters
    ----------
    tree : Path
        The language's assembled source tree (pages as ``.ipynb``, prose as ``.md``).
    lang : {"kk", "ru", "en"}
    edition : int
    data_dir : Path
        The data folder the edition was computed from (its ``datapackage.json`` is reused).
    notebooks : dict, optional
        ``{page path: notebook}`` of pages not yet written: each is linked and then written to
        ``tree/<page>.ipynb`` (once, by the assembler). Default: the ``.ipynb`` pages of ``tree``, read
        and rewritten where they carry data.

    Returns
    -------
    Path or None
        The data package written under ``tree/_static/data/``; ``None`` when there is nothing to
        package (no page carries data and the data folder has no ``datapackage.json``).
    """
    tree = Path(tree)
    out = tree / DATA_FOLDER
    out.mkdir(parents=True, exist_ok=True)
    tables = []
    if notebooks is None:
        for notebook in sorted(tree.rglob("*.ipynb")):
            relative = notebook.relative_to(tree)
            if relative.parts[0].startswith(("_", ".")):
                continue
            nb = json.loads(notebook.read_text(encoding="utf-8"))
            written = page_downloads(nb, relative.with_suffix("").as_posix(), lang, out)
            if written:
                _write_notebook(notebook, nb)
                tables += written
    else:
        for page, nb in sorted(notebooks.items()):
            tables += page_downloads(nb, page, lang, out)
            target = tree / f"{page}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            _write_notebook(target, nb)
    if not tables and not (Path(data_dir) / "datapackage.json").is_file():
        return None  # nothing to package: no page data and no described data folder
    package = write_package(out / package_name(edition, lang), edition, lang, data_dir, tables)
    _link_package_from_data_page(tree, package.name, edition, lang)
    return package


def landing_links(site: Path, lang: str) -> list[tuple[str, str]]:
    """``(href, label)`` of the data packages the landing page lists for ``lang``, newest edition first.

    The edition at the root (``<lang>/``) and every edition in its own folder (``<year>/<lang>/``)
    are looked for; an edition found in both is listed once, at the root.
    """
    site = Path(site)
    found: dict[int, str] = {}
    candidates = [*sorted(site.glob(f"{lang}/{DATA_FOLDER}/aimaq-*-{lang}-data.zip")),
                  *sorted(site.glob(f"*/{lang}/{DATA_FOLDER}/aimaq-*-{lang}-data.zip"))]
    for package in candidates:
        match = _PACKAGE.fullmatch(package.name)
        if match and int(match.group(1)) not in found:
            found[int(match.group(1))] = package.relative_to(site).as_posix()
    return [(href, gettext("Download the data package of the {year} edition (ZIP)", lang, year=year))
            for year, href in sorted(found.items(), reverse=True)]
