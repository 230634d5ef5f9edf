"""The corpus of bad inputs and faults (issue 17): each case, the command it breaks, the message.

One list, :data:`CASES`, drives both ``tests/test_bad_inputs.py`` (each case run through the real
``aimaq`` CLI in a subprocess, on a copy of ``data/`` in a temporary folder) and the table in
README.md, section "Bad input: what you will see" (``python tests/bad_inputs_corpus.py`` rewrites
it; a test fails while the README differs from what this file renders).

A case's ``message`` is the whole line the user sees, with ``{data}`` standing for the data
folder's name as the command shows it (the copy is always called ``data``). Every case must
exit non-zero, print that one line, no traceback, and change nothing in the data folder (and for
``aimaq run`` / ``aimaq book``: keep the last good executed notebooks and the published site).

Faults of the machine are made without root tricks and without any hidden switch in the code:

* **full disk**: the command's process gets ``RLIMIT_FSIZE`` (``resource.setrlimit`` in the
  subprocess's ``preexec_fn``): a write that would make a file larger than the limit fails in the
  kernel with ``EFBIG`` (CPython ignores ``SIGXFSZ``), exactly where ``ENOSPC`` would;
* **full disk at one place**: the command runs in a subprocess whose ``os.fsync`` fails with
  ``ENOSPC`` for files under one folder (``_build/cache`` for ``aimaq run``: the kernels, which
  need their own scratch files, are other processes and unaffected); the fault is installed by
  the test's driver before the CLI is imported, nothing in the code under test knows of it;
* **read-only folder / unreadable file**: ``chmod``; when the tests run as root, the subprocess
  drops ``CAP_DAC_OVERRIDE`` and ``CAP_DAC_READ_SEARCH`` from its capability bounding set
  (``prctl(PR_CAPBSET_DROP)``) so that file modes bind it as they bind any other user.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
RECORDED = "2026-12-01"  # the --recorded date of every `data add` case (after the shipped figures)

# A line of observations.csv outside the national sums (its edits hit exactly one rule) and one inside.
UNEMPLOYMENT = "KZ-43,2019,unemployment_rate,,"
GRP = "KZ-43,2019,grp_nominal,,"


@dataclass(frozen=True)
class Case:
    """One bad input or fault.

    ``command`` is the argv after ``aimaq``, with ``{data}``, ``{new}``, ``{build}`` and
    ``{manifest}`` filled in by the test; ``prepare(work)`` makes the fault inside the work folder
    (``work/data`` is a fresh copy of the project's data). ``fsize`` limits the size of any file
    the command writes (bytes; a full disk); ``full`` a folder whose writes fail with ENOSPC;
    ``locked`` are paths (relative to ``work``) made read-only (folders, with all they hold) or
    unreadable (files) for the command.
    """

    id: str
    fault: str
    command: tuple
    prepare: Callable[[Path], None]
    message: str
    fsize: int | None = None
    full: str | None = None  # a folder (relative to work) whose files fail to reach the disk: ENOSPC
    locked: tuple = ()
    needs: str = "data"  # "data" (a copy of data/), "run" (a tiny project run once), "book" (a built-looking site)
    exit_code: int = 1

    @property
    def tool(self) -> str:
        return "aimaq " + " ".join(part for part in self.command[:2] if not part.startswith(("-", "{")))


# --- helpers that make faults -------------------------------------------------------------------

def _rewrite_descriptor(work: Path) -> None:
    """Re-record the checksums, so that the edited file's only fault is the intended one."""
    from analysis.data.checksums import write_datapackage

    write_datapackage(work / "data")


def edit_cell(needle: str, column: str, value: str, file="observations.csv", raw: bool = False):
    """Set one cell of the first line starting with ``needle`` (``raw``: written as given, unquoted)."""
    def prepare(work: Path) -> None:
        path = work / "data" / file
        lines = path.read_text(encoding="utf-8").split("\n")
        header = next(csv.reader([lines[0]]))
        number = next(i for i, line in enumerate(lines) if line.startswith(needle))
        fields = next(csv.reader([lines[number]]))
        fields[header.index(column)] = "\0" if raw else value
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow(fields)
        lines[number] = out.getvalue().replace("\0", value)
        path.write_text("\n".join(lines), encoding="utf-8")
        _rewrite_descriptor(work)
    return prepare


def replace_file(name: str, content: bytes, rechecksum: bool = True):
    def prepare(work: Path) -> None:
        (work / "data" / name).write_bytes(content)
        if rechecksum:
            _rewrite_descriptor(work)
    return prepare


def edit_descriptor(change: Callable[[dict], object]):
    def prepare(work: Path) -> None:
        path = work / "data" / "datapackage.json"
        package = json.loads(path.read_text(encoding="utf-8"))
        changed = change(package)
        path.write_text(json.dumps(package if changed is None else changed, ensure_ascii=False, indent=2),
                        encoding="utf-8")
    return prepare


def _resource(package: dict, path: str) -> dict:
    return next(res for res in package["resources"] if res["path"] == path)


def _drop_path(package):
    del _resource(package, "regions.csv")["path"]


def _duplicate(package):
    package["resources"].append(dict(_resource(package, "regions.csv")))


def _hash_number(package):
    _resource(package, "regions.csv")["hash"] = 12345


def _hash_md5(package):
    _resource(package, "regions.csv")["hash"] = "md5:0cc175b9c0f1b6a831c399e269772661"


def _outside(package):
    package["resources"].append({"path": "../secret.csv", "hash": "sha256:" + "0" * 64})


def truncated_descriptor(work: Path) -> None:
    path = work / "data" / "datapackage.json"
    path.write_bytes(path.read_bytes()[:300])


def new_file(text: str | bytes, name: str = "new.csv"):
    """The file given to `aimaq data add` (``{new}`` in the command)."""
    def prepare(work: Path) -> None:
        path = work / name
        path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return prepare


HEADER = "region,year,indicator,value,source\n"
GOOD_ROW = "KZ-43,2025,unemployment_rate,4.5,BNS bulletin\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
OLE2 = bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504  # the first sector of an Excel 97-2003 .xls


def _xlsx_bytes() -> bytes:
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Region", 2025])
    sheet.append(["Kyzylorda", 4.5])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_file(name: str, truncate: bool = False):
    def prepare(work: Path) -> None:
        raw = _xlsx_bytes()
        (work / name).write_bytes(raw[: len(raw) // 2] if truncate else raw)
    return prepare


def chain(*steps):
    def prepare(work: Path) -> None:
        for step in steps:
            step(work)
    return prepare


def nothing(work: Path) -> None:
    return None


def edit_notebook(work: Path) -> None:
    """Change the tiny project's notebook, so the run must execute again (and write)."""
    path = work / "project" / "notebooks" / "tiny.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"][1]["source"] = "print('a new page', year)\n" + "x = 1  # padding\n" * 50
    path.write_text(json.dumps(nb), encoding="utf-8")


def broken_manifest(work: Path) -> None:
    (work / "project" / "notebooks" / "manifest.yml").write_text("editions: [2023\nruns: {\n", encoding="utf-8")


CHECK = ("data", "check", "--data-dir", "{data}")
ADD = ("data", "add", "{new}", "--data-dir", "{data}", "--yes", "--recorded", RECORDED)
RUN = ("run", "--manifest", "{manifest}", "--build-dir", "{build}")
BOOK = ("book", "--build-dir", "{build}", "--edition", "2023")

_OBS_ROW = 0  # filled below: the line number of the edited observation (the tests compute it too)

CASES: list[Case] = []



# What each case prints (the whole line; `{work}` is the folder the command ran in, `{row}` and
# `{grp_row}` the lines of UNEMPLOYMENT and GRP in observations.csv, `…` stands for
# text that changes from run to run, such as a cache key). Reviewed one by one: a change of wording
# here is a change of what users see.
MESSAGES = {
    "empty-observations": "error: observations.csv: got 'an empty file', expected a header line and rows (restore the file from git)",
    "header-only-observations": "error: observations.csv, row 2: got 'no rows', expected at least one row under the header (restore the file from git)",
    "descriptor-empty": "error: datapackage.json: got 'an empty file', expected the Data Package descriptor `aimaq data add` writes (restore it from git)",
    "descriptor-truncated": "error: datapackage.json, row 13: got 'Expecting property name enclosed in double quotes', expected valid JSON (column 2; the file is damaged or cut off: restore it from git)",
    "descriptor-not-an-object": "error: datapackage.json: got 'a JSON list', expected a JSON object with a 'resources' list (a Data Package descriptor)",
    "descriptor-resources-not-a-list": "error: datapackage.json, column 'resources': got 'a JSON text', expected a list with one entry per data file",
    "descriptor-resource-without-path": "error: datapackage.json, column 'resources[3].path': got 'missing', expected the file's path inside the data folder, e.g. 'regions.csv'",
    "descriptor-duplicate-resource": "error: datapackage.json, column 'resources[10].path': got 'regions.csv', expected one entry per file (already resources[3])",
    "descriptor-hash-a-number": "error: datapackage.json, column 'resources[3].hash': got '12345', expected 'sha256:' and 64 hexadecimal digits",
    "descriptor-hash-md5": "error: datapackage.json, column 'resources[3].hash': got 'md5:0cc175b9c0f1b6a831c399e269772661', expected 'sha256:' and 64 hexadecimal digits",
    "descriptor-path-outside": "error: datapackage.json, column 'resources[10].path': got '../secret.csv', expected a path inside the data folder (no '..', not absolute)",
    "region-cyrillic-ka": "error: observations.csv, row {row}, column 'region': got 'КZ-43' (contains U+041A CYRILLIC CAPITAL LETTER KA at position 1), expected a code listed in regions.csv",
    "region-nbsp": "error: observations.csv, row {row}, column 'region': got 'KZ-43\\xa0' (contains U+00A0 NO-BREAK SPACE at position 6), expected a code listed in regions.csv",
    "indicator-zero-width-space": "error: observations.csv, row {row}, column 'indicator': got 'unemployment\\u200b_rate' (contains U+200B ZERO WIDTH SPACE at position 13), expected a stored (not derived) indicator id listed in indicators.csv",
    "regions-code-cyrillic": "error: regions.csv, row 23, column 'code': got 'KZ-SKО' (contains U+041E CYRILLIC CAPITAL LETTER O at position 6), expected text matching ^KZ(-[0-9A-Z]+(-[0-9A-Z]+)?)?$",
    "value-en-dash-minus": "error: observations.csv, row {row}, column 'value': got '–5' (contains U+2013 EN DASH at position 1), expected a finite number written with ASCII digits and a dot for decimals (e.g. 1234.5)",
    "value-unicode-minus": "error: observations.csv, row {row}, column 'value': got '−5' (contains U+2212 MINUS SIGN at position 1), expected a finite number written with ASCII digits and a dot for decimals (e.g. 1234.5)",
    "value-1e400": "error: observations.csv, row {row}, column 'value': got '1e400', expected a finite number written with ASCII digits and a dot for decimals (e.g. 1234.5)",
    "value-nan": "error: observations.csv, row {row}, column 'value': got 'NaN', expected a finite number written with ASCII digits and a dot for decimals (e.g. 1234.5)",
    "value-thousands-space": "error: observations.csv, row {grp_row}, column 'value': got '1 234', expected a finite number written with ASCII digits and a dot for decimals (e.g. 1234.5)",
    "value-decimal-comma": "error: observations.csv, row {row}: got '9 fields: KZ-43,2019,unemployment_rate,,4,5,\"github:open-data-kazakhstan/city...', expected 8 fields as in the header (a decimal comma? write 4.5, or quote the cell)",
    "value-decimal-comma-quoted": "error: observations.csv, row {row}, column 'value': got '4,5', expected a finite number written with ASCII digits and a dot for decimals (e.g. 1234.5)",
    "year-fullwidth-digits": "error: observations.csv, row {row}, column 'year': got '２０１９' (contains U+FF12 FULLWIDTH DIGIT TWO at position 1, U+FF10 FULLWIDTH DIGIT ZERO at position 2, U+FF11 FULLWIDTH DIGIT ONE at position 3 and 1 more), expected a whole number written with ASCII digits (e.g. 2024)",
    "year-1850": "error: observations.csv, row {row}, column 'year': got '1850', expected a number in [1990, 2100]",
    "recorded-february-30": "error: observations.csv, row {row}, column 'recorded': got '2026-02-30', expected a real calendar date YYYY-MM-DD (month 01-12, day of that month)",
    "recorded-day-month-year": "error: observations.csv, row {row}, column 'recorded': got '27.11.2026', expected a date written YYYY-MM-DD (e.g. 2026-11-27)",
    "superseded-february-29": "error: revisions.csv, row 3, column 'superseded': got '2025-02-29', expected a real calendar date YYYY-MM-DD (month 01-12, day of that month)",
    "observations-utf16": "error: observations.csv: got \"UTF-16 text (Excel's 'Unicode text')\", expected UTF-8 text (in a spreadsheet: save as 'CSV UTF-8')",
    "observations-binary": "error: observations.csv: got 'a PNG image', expected UTF-8 text (in a spreadsheet: save as 'CSV UTF-8')",
    "observations-xlsx-renamed": "error: observations.csv: got 'a zip archive (an .xlsx or .ods workbook renamed?)', expected UTF-8 text (in a spreadsheet: save as 'CSV UTF-8')",
    "data-dir-is-a-file": "error: {work}/new.csv: got 'a file', expected an existing data folder (check --data-dir or AIMAQ_DATA_DIR)",
    "observations-unreadable": "error: observations.csv: got 'Permission denied', expected a data file this user may read",
    "add-header-only": "error: new.csv, row 2: got 'no rows', expected at least one row of figures under the header",
    "add-region-cyrillic-ka": "error: new.csv, row 2, column 'region': got 'КZ-43' (contains U+041A CYRILLIC CAPITAL LETTER KA at position 1), expected a code listed in regions.csv",
    "add-value-nbsp": "error: new.csv, row 2, column 'value': got '4\\xa05' (contains U+00A0 NO-BREAK SPACE at position 2), expected a finite number written plainly, with a dot for decimals and no thousands separator (e.g. 1234.5)",
    "add-value-unicode-minus": "error: new.csv, row 2, column 'value': got '−4.5' (contains U+2212 MINUS SIGN at position 1), expected a finite number written plainly, with a dot for decimals and no thousands separator (e.g. 1234.5)",
    "add-value-infinity": "error: new.csv, row 2, column 'value': got 'Infinity', expected a finite number written plainly, with a dot for decimals and no thousands separator (e.g. 1234.5)",
    "add-year-fullwidth": "error: new.csv, row 2, column 'year': got '２０２５' (contains U+FF12 FULLWIDTH DIGIT TWO at position 1, U+FF10 FULLWIDTH DIGIT ZERO at position 2, U+FF12 FULLWIDTH DIGIT TWO at position 3 and 1 more), expected a whole number written with ASCII digits (e.g. 2024)",
    "add-ragged-row": "error: new.csv, row 2: got '6 fields: KZ-43,2025,unemployment_rate,4,5,BNS bulletin', expected 5 fields as in the header (a decimal comma? write 4.5, or quote the cell)",
    "add-duplicate-rows": "error: new.csv, row 3, column 'region, year, indicator, territory': got 'KZ-43 2025 unemployment_rate', expected one row per region, year, indicator, territory (already on row 2)",
    "add-utf16": "error: new.csv: got \"UTF-16 text (Excel's 'Unicode text')\", expected UTF-8 text (in a spreadsheet: save as 'CSV UTF-8')",
    "add-xls-renamed-csv": "error: new.csv: got 'an Excel 97-2003 workbook (.xls) renamed', expected UTF-8 text (in a spreadsheet: save as 'CSV UTF-8')",
    "add-xlsx-renamed-csv": "error: new.csv: got 'a zip archive (an .xlsx or .ods workbook renamed?)', expected UTF-8 text (in a spreadsheet: save as 'CSV UTF-8')",
    "add-truncated-xlsx": "error: new.xlsx: got 'a damaged or cut-off workbook (BadZipFile: File is not a zip file)', expected an .xlsx workbook in BNS layout",
    "add-csv-named-xlsx": "error: new.xlsx: got 'text, not a workbook (a CSV named .xlsx? give it the .csv extension)', expected an .xlsx workbook in BNS layout",
    "add-unreadable-file": "Invalid value for 'file': path '{work}/new.csv' is not readable.",
    "add-read-only-data": "error: data/revisions.csv: got 'Permission denied', expected a folder and file this user may write (nothing was changed: the data are as they were)",
    "add-full-disk": "error: data/observations.csv: got 'File too large', expected free space on the disk to write it (nothing was changed: the data are as they were)",
    "run-full-disk": "aimaq run: build/cache/…/….ipynb: got 'No space left on device', expected free space on the disk to write it (the last good executed notebooks and cache entries are kept)",
    "run-read-only-build": "aimaq run: build/.lock: got 'Permission denied', expected a folder and file this user may write (the last good executed notebooks and cache entries are kept)",
    "run-manifest-not-yaml": "aimaq run: manifest.yml: line 2: got 'invalid YAML', expected valid YAML",
    "book-full-disk": "could not write {work}/build: File too large",
    "book-read-only-build": "could not write {work}/build/.book.lock: Permission denied",
}


def case(id: str, fault: str, command: tuple, prepare, message: str = "", **kwargs) -> None:
    CASES.append(Case(id, fault, command, prepare, message or MESSAGES[id], **kwargs))


# --- aimaq data check: empty and malformed files ----------------------------------------------------------
case("empty-observations", "observations.csv is an empty file (0 bytes)", CHECK,
     replace_file("observations.csv", b""), "")
case("header-only-observations", "observations.csv has its header and no rows", CHECK,
     replace_file("observations.csv", b"region,year,indicator,territory,value,source,note,recorded\n"), "")
case("descriptor-empty", "datapackage.json is an empty file", CHECK,
     replace_file("datapackage.json", b"", rechecksum=False), "")
case("descriptor-truncated", "datapackage.json cut off after 300 bytes", CHECK, truncated_descriptor, "")
case("descriptor-not-an-object", "datapackage.json is a JSON list, not an object", CHECK,
     edit_descriptor(lambda p: [p]), "")
case("descriptor-resources-not-a-list", "`resources` is a text, not a list", CHECK,
     edit_descriptor(lambda p: {**p, "resources": "observations.csv"}), "")
case("descriptor-resource-without-path", "a resource has no `path`", CHECK, edit_descriptor(_drop_path), "")
case("descriptor-duplicate-resource", "regions.csv listed twice", CHECK, edit_descriptor(_duplicate), "")
case("descriptor-hash-a-number", "a `hash` is a number", CHECK, edit_descriptor(_hash_number), "")
case("descriptor-hash-md5", "a `hash` is an MD5, not a sha256", CHECK, edit_descriptor(_hash_md5), "")
case("descriptor-path-outside", "a resource path leaves the data folder (`../secret.csv`)", CHECK,
     edit_descriptor(_outside), "")
# --- characters that look like others ------------------------------------------------------------------------
case("region-cyrillic-ka", "region code КZ-43 written with a Cyrillic К (U+041A)", CHECK,
     edit_cell(UNEMPLOYMENT, "region", "\u041aZ-43"), "")
case("region-nbsp", "region code followed by a no-break space", CHECK,
     edit_cell(UNEMPLOYMENT, "region", "KZ-43\u00a0"), "")
case("indicator-zero-width-space", "indicator id with a zero-width space inside", CHECK,
     edit_cell(UNEMPLOYMENT, "indicator", "unemployment\u200b_rate"), "")
case("regions-code-cyrillic", "regions.csv: a code with a Cyrillic О (U+041E) for the letter O", CHECK,
     edit_cell("KZ-SKO,", "code", "KZ-SK\u041e", file="regions.csv"), "")
# --- numbers written oddly ----------------------------------------------------------------------------------
case("value-en-dash-minus", "value '–5' with an en dash for the minus", CHECK,
     edit_cell(UNEMPLOYMENT, "value", "\u20135"), "")
case("value-unicode-minus", "value '−5' with U+2212 MINUS SIGN", CHECK, edit_cell(UNEMPLOYMENT, "value", "\u22125"), "")
case("value-1e400", "value 1e400 (overflows to infinity)", CHECK, edit_cell(UNEMPLOYMENT, "value", "1e400"), "")
case("value-nan", "value NaN", CHECK, edit_cell(UNEMPLOYMENT, "value", "NaN"), "")
case("value-thousands-space", "value '1 234' with a space between thousands", CHECK,
     edit_cell(GRP, "value", "1 234"), "")
case("value-decimal-comma", "value 4,5 with a decimal comma (one field too many)", CHECK,
     edit_cell(UNEMPLOYMENT, "value", "4,5", raw=True), "")
case("value-decimal-comma-quoted", "value \"4,5\" quoted, with a decimal comma", CHECK,
     edit_cell(UNEMPLOYMENT, "value", "4,5"), "")
# --- impossible years and dates -----------------------------------------------------------------------------
case("year-fullwidth-digits", "year ２０１９ in full-width digits", CHECK,
     edit_cell(UNEMPLOYMENT, "year", "\uff12\uff10\uff11\uff19"), "")
case("year-1850", "year 1850", CHECK, edit_cell(UNEMPLOYMENT, "year", "1850"), "")
case("recorded-february-30", "recorded 2026-02-30", CHECK, edit_cell(UNEMPLOYMENT, "recorded", "2026-02-30"), "")
case("recorded-day-month-year", "recorded 27.11.2026, written day.month.year", CHECK,
     edit_cell(UNEMPLOYMENT, "recorded", "27.11.2026"), "")
case("superseded-february-29", "revisions.csv: superseded 2025-02-29 (not a leap year)", CHECK,
     edit_cell("KZ-10,2023,grp_nominal,", "superseded", "2025-02-29", file="revisions.csv"), "")
# --- unreadable formats and folders ---------------------------------------------------------------------------
case("observations-utf16", "observations.csv saved as UTF-16 (Excel's 'Unicode text')", CHECK,
     lambda work: replace_file("observations.csv", (work / "data" / "observations.csv").read_text(
         encoding="utf-8").encode("utf-16"))(work), "")
case("observations-binary", "observations.csv holds a PNG image", CHECK, replace_file("observations.csv", PNG), "")
case("observations-xlsx-renamed", "observations.csv is an .xlsx workbook renamed", CHECK,
     lambda work: replace_file("observations.csv", _xlsx_bytes())(work), "")
case("data-dir-is-a-file", "--data-dir names a file, not a folder", ("data", "check", "--data-dir", "{new}"),
     new_file(GOOD_ROW), "")
case("observations-unreadable", "observations.csv not readable by the user", CHECK, nothing, "",
     locked=("data/observations.csv",))

# --- aimaq data add -----------------------------------------------------------------------------------------
case("add-header-only", "the new file has a header and no rows", ADD, new_file(HEADER), "")
case("add-region-cyrillic-ka", "new row for КZ-43 with a Cyrillic К", ADD,
     new_file(HEADER + GOOD_ROW.replace("K", "\u041a", 1)), "")
case("add-value-nbsp", "new value '4\u00a05' with a no-break space", ADD,
     new_file(HEADER + GOOD_ROW.replace("4.5", "4\u00a05")), "")
case("add-value-unicode-minus", "new value '−4.5' with U+2212", ADD,
     new_file(HEADER + GOOD_ROW.replace("4.5", "\u22124.5")), "")
case("add-value-infinity", "new value 'Infinity'", ADD, new_file(HEADER + GOOD_ROW.replace("4.5", "Infinity")), "")
case("add-year-fullwidth", "new year ２０２５ in full-width digits", ADD,
     new_file(HEADER + GOOD_ROW.replace("2025", "\uff12\uff10\uff12\uff15")), "")
case("add-ragged-row", "a new row with one field too many", ADD, new_file(HEADER + GOOD_ROW.replace("4.5", "4,5")), "")
case("add-duplicate-rows", "the same new figure twice", ADD, new_file(HEADER + GOOD_ROW + GOOD_ROW), "")
case("add-utf16", "the new file saved as UTF-16", ADD, new_file((HEADER + GOOD_ROW).encode("utf-16")), "")
case("add-xls-renamed-csv", "an Excel 97-2003 .xls renamed .csv", ADD, new_file(OLE2), "")
case("add-xlsx-renamed-csv", "an .xlsx workbook renamed .csv", ADD, xlsx_file("new.csv"), "")
case("add-truncated-xlsx", "an .xlsx cut in half (interrupted download)", ADD + ("--indicator", "unemployment_rate"),
     xlsx_file("new.xlsx", truncate=True), "")
case("add-csv-named-xlsx", "a CSV given the .xlsx extension", ADD + ("--indicator", "unemployment_rate"),
     new_file(HEADER + GOOD_ROW, "new.xlsx"), "")
case("add-unreadable-file", "the new file is not readable by the user", ADD, new_file(HEADER + GOOD_ROW), "",
     locked=("new.csv",), exit_code=2)  # typer checks the argument before the command runs
case("add-read-only-data", "the data folder is read-only", ADD, new_file(HEADER + GOOD_ROW), "",
     locked=("data",))
case("add-full-disk", "the disk fills up while the new files are written", ADD, new_file(HEADER + GOOD_ROW), "",
     fsize=100_000)

# --- aimaq run, aimaq book ------------------------------------------------------------------------------------
case("run-full-disk", "the disk fills up while an executed notebook is stored in the cache", RUN, edit_notebook, "",
     full="build/cache", needs="run")
case("run-read-only-build", "the build folder is read-only", RUN, edit_notebook, "", locked=("build",),
     needs="run")
case("run-manifest-not-yaml", "manifest.yml is not valid YAML", RUN, broken_manifest, "", needs="run", exit_code=2)
case("book-full-disk", "the disk fills up while the book is assembled", BOOK, nothing, "", fsize=4_000, needs="book")
case("book-read-only-build", "the build folder is read-only", BOOK, nothing, "", locked=("build",), needs="book")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def readme_table() -> str:
    """The README section's table: one row per case, the command and the message it gives."""
    lines = ["| case | fault | command | message on stderr |", "|---|---|---|---|"]
    for item in CASES:
        lines.append(f"| `{item.id}` | {_cell(item.fault)} | `{item.tool}` | `` {_cell(item.message)} `` |")
    return "\n".join(lines)


BEGIN = "<!-- bad-input table: generated by tests/bad_inputs_corpus.py, do not edit by hand -->"
END = "<!-- end of the bad-input table -->"


def readme_with_table(text: str) -> str:
    block = f"{BEGIN}\n{readme_table()}\n{END}"
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if pattern.search(text):
        return pattern.sub(lambda _: block, text)
    raise SystemExit("README.md has no bad-input table markers")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    README.write_text(readme_with_table(README.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"README.md: {len(CASES)} cases")
