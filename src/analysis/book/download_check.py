"""Read every download of a built site back: each CSV parses, each sidecar and data package validates.

:func:`download_problems` is part of :func:`analysis.book.site_check.check_site` (whose link
check already makes sure every download link resolves). It checks, under the site:

* every ``*.csv``: UTF-8 without a byte-order mark, a non-empty header, every row as wide
  as the header; its sidecar ``*.json`` (when there) names the CSV, lists one field per
  column with the header's names, and its ``bytes``/``hash`` are the CSV's;
* every data package ``aimaq-<edition>-<lang>-data.zip``: a readable zip whose
  ``datapackage.json`` is a Frictionless Data Package descriptor in structure (a
  ``resources`` list; each resource a valid ``name``, a ``path`` inside the zip that is
  there, ``bytes`` and ``sha256`` hash equal to the file's when given; a CSV resource with a
  schema has one field per column, named as its header, in its order).

The structure is checked here rather than with ``frictionless`` (not among the pins).

Examples
--------
>>> csv_problems("t.csv", b"Year,CV\\r\\n2022,0.4\\r\\n")
[]
>>> csv_problems("t.csv", b"Year,CV\\r\\n2022\\r\\n")
['t.csv, row 2: got 1 fields, expected 2 as in the header']
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path, PurePosixPath

_NAME = re.compile(r"^[a-z0-9._-]+$")
_HASH = re.compile(r"^sha256:[0-9a-f]{64}$")


def read_csv_rows(where: str, body: bytes) -> tuple[list[list[str]], list[str]]:
    """``(rows, problems)`` of a CSV file's bytes (header first)."""
    if body.startswith(b"\xef\xbb\xbf"):
        return [], [f"{where}: got a UTF-8 byte-order mark, expected plain UTF-8"]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [], [f"{where}: got bytes that are not UTF-8 at position {exc.start}, expected UTF-8 text"]
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        return [], [f"{where}: got {exc}, expected RFC 4180 CSV"]
    return rows, []


def csv_problems(where: str, body: bytes, fields: list[str] | None = None) -> list[str]:
    """What is wrong with one CSV (and, given ``fields``, with the schema that describes it)."""
    rows, problems = read_csv_rows(where, body)
    if problems:
        return problems
    if not rows or not any(cell.strip() for cell in rows[0]):
        return [f"{where}, row 1: got no header, expected the column names"]
    width = len(rows[0])
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != width:
            problems.append(f"{where}, row {number}: got {len(row)} fields, expected {width} as in the header")
            break
    if fields is not None and fields != rows[0]:
        problems.append(f"{where}, row 1: got columns {rows[0]}, expected the schema's fields {fields}")
    return problems


def resource_problems(where: str, entry, body: bytes | None) -> list[str]:
    """What is wrong with one Data Package resource whose file holds ``body`` (``None``: not there)."""
    if not isinstance(entry, dict):
        return [f"{where}: got {type(entry).__name__}, expected a resource object"]
    problems = []
    name, path = entry.get("name"), entry.get("path")
    if not isinstance(name, str) or not _NAME.match(name):
        problems.append(f"{where}, column 'name': got {name!r}, expected lower-case letters, digits, '.', '-', '_'")
    if not isinstance(path, str) or not path or PurePosixPath(path).is_absolute() or ".." in PurePosixPath(path).parts:
        return problems + [f"{where}, column 'path': got {path!r}, expected a relative path inside the package"]
    if body is None:
        return problems + [f"{where}, column 'path': got {path!r}, expected a file of the package"]
    if "bytes" in entry and entry["bytes"] != len(body):
        problems.append(f"{where}, column 'bytes': got {entry['bytes']!r}, expected {len(body)} (the file's size)")
    if "hash" in entry:
        actual = "sha256:" + hashlib.sha256(body).hexdigest()
        if not isinstance(entry["hash"], str) or not _HASH.match(entry["hash"]):
            problems.append(f"{where}, column 'hash': got {entry['hash']!r}, expected 'sha256:' and 64 hex digits")
        elif entry["hash"] != actual:
            problems.append(f"{where}, column 'hash': got {entry['hash']}, expected {actual} (the file's)")
    schema = entry.get("schema")
    if path.endswith(".csv") and isinstance(schema, dict):
        fields = schema.get("fields")
        if not isinstance(fields, list) or not all(isinstance(f, dict) and isinstance(f.get("name"), str)
                                                   for f in fields):
            problems.append(f"{where}, column 'schema.fields': expected a list of fields with names")
        else:
            names = [f["name"] for f in fields]
            rows, _ = read_csv_rows(path, body)
            header = rows[0] if rows else []
            if names != header:  # Table Schema matches fields to columns by position
                problems.append(f"{where}, column 'schema.fields': got {names}, expected the CSV's columns {header}")
    return problems


def package_problems(where: str, body: bytes) -> list[str]:
    """What is wrong with one data package zip."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(body))
    except zipfile.BadZipFile as exc:
        return [f"{where}: got {exc}, expected a zip file"]
    with archive:
        names = set(archive.namelist())
        if "datapackage.json" not in names:
            return [f"{where}: got no datapackage.json, expected the descriptor at the top of the zip"]
        try:
            descriptor = json.loads(archive.read("datapackage.json").decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            return [f"{where}/datapackage.json: got invalid JSON ({exc}), expected a Data Package descriptor"]
        if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list) \
                or not descriptor["resources"]:
            return [f"{where}/datapackage.json: expected an object with a non-empty 'resources' list"]
        problems = []
        name = descriptor.get("name")
        if name is not None and (not isinstance(name, str) or not _NAME.match(name)):
            problems.append(f"{where}/datapackage.json, column 'name': got {name!r}, expected a lower-case name")
        seen = set()
        for i, entry in enumerate(descriptor["resources"]):
            path = entry.get("path") if isinstance(entry, dict) else None
            resource_where = f"{where}/datapackage.json, resources[{i}]"
            if path in seen:
                problems.append(f"{resource_where}, column 'path': got {path!r} a second time, expected one entry a file")
            seen.add(path)
            content = archive.read(path) if isinstance(path, str) and path in names else None
            problems += resource_problems(resource_where, entry, content)
            if content is not None and path.endswith(".csv") and path.startswith("tables/"):
                problems += csv_problems(f"{where}/{path}", content)
        return problems


def download_problems(site: Path) -> list[str]:
    """Problems with the downloads of a built site (empty list: every one reads back)."""
    site = Path(site)
    problems = []
    for path in sorted(site.rglob("*.csv")):
        where = path.relative_to(site).as_posix()
        body = path.read_bytes()
        sidecar = path.with_suffix(".json")
        fields = None
        if sidecar.is_file():
            try:
                entry = json.loads(sidecar.read_text(encoding="utf-8"))
            except ValueError as exc:
                problems.append(f"{sidecar.relative_to(site).as_posix()}: got invalid JSON ({exc})")
                continue
            problems += resource_problems(sidecar.relative_to(site).as_posix(), entry,
                                          body if entry.get("path") == path.name else None)
            fields = [f.get("name") for f in entry.get("schema", {}).get("fields", [])]
        problems += csv_problems(where, body, fields)
    for path in sorted(site.rglob("aimaq-*-data.zip")):
        problems += package_problems(path.relative_to(site).as_posix(), path.read_bytes())
    return problems
