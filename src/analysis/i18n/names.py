"""Region and indicator names in kk, ru and en, their case forms, and each language's alphabetical order.

The names come from ``data/regions.csv`` and ``data/indicators.csv``
through :mod:`analysis.data` (``load_regions`` / ``load_indicators``), whose
columns ``name_kk``, ``name_ru`` and ``name_en`` hold them. Nothing here
invents or hard-codes a name: if the tables or a name are missing, a
:class:`NameUnavailable` error says which file and column to fill in.

The case forms of region names are stored once, in ``region_forms.csv`` next
to this module (Russian genitive, dative and prepositional; Kazakh genitive,
dative and locative after the possessive, by vowel harmony), each row naming
the ``data/regions.csv`` name it was written for. :func:`region_form` reads
them; :func:`region_name` gives the official nominative from there when the
row matches the data (e.g. Russian "Абайская область" for the data's
"область Абай"). :func:`sort_key` orders names by the language's alphabet
(Kazakh: а ә б в г ғ д е ё ж з и й к қ л м н ң о ө п р с т у ұ ү ф х һ ц ч ш щ ъ ы і ь э ю я).
"""

from __future__ import annotations

import csv
import functools
import importlib
import os
from pathlib import Path

_LANGS = ("kk", "ru", "en")
_ID_COLUMNS = {
    "regions": ("region", "region_code", "code"),
    "indicators": ("indicator", "indicator_id", "id"),
}


class NameUnavailable(LookupError):
    """No name for a code in the requested language."""

    def __str__(self) -> str:
        return self.args[0]


def _file_stamp(table: str, data_dir: str | None) -> tuple[int, int] | None:
    """``(mtime_ns, size)`` of ``<data_dir>/<table>.csv``, or ``None`` when it can't be seen.

    Part of the cache key, so that a long-lived kernel reads the names again
    after ``regions.csv`` or ``indicators.csv`` changes.
    """
    try:
        from analysis.data.paths import resolve_data_dir

        folder = resolve_data_dir(data_dir)
    except ImportError:  # analysis.data unavailable: the loader reports that itself
        folder = Path(data_dir) if data_dir else None
    if folder is None:
        return None
    try:
        stat = os.stat(Path(folder) / f"{table}.csv")
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def name_table(table: str, data_dir: str | None = None) -> dict[str, dict[str, str]]:
    """``{code: {lang: name}}`` of ``"regions"`` or ``"indicators"``.

    Read through ``analysis.data.load_<table>``, once per data directory and
    version of ``<table>.csv`` (its modification time and size).
    """
    return _name_table(table, data_dir, _file_stamp(table, data_dir))


@functools.lru_cache(maxsize=16)
def _name_table(table: str, data_dir: str | None, stamp: tuple[int, int] | None) -> dict[str, dict[str, str]]:
    try:
        data = importlib.import_module("analysis.data")
        loader = getattr(data, f"load_{table}")
    except (ImportError, AttributeError) as exc:
        raise NameUnavailable(
            f"{table} names need analysis.data.load_{table} (data/{table}.csv), which is not available: {exc}"
        ) from exc
    frame = loader(data_dir) if data_dir else loader()
    id_column = next((c for c in _ID_COLUMNS[table] if c in frame.columns), None)
    ids = frame[id_column] if id_column else frame.index
    names: dict[str, dict[str, str]] = {}
    for position, code in enumerate(ids):
        row = frame.iloc[position]
        names[str(code)] = {
            lang: str(row[f"name_{lang}"]).strip()
            for lang in _LANGS
            if f"name_{lang}" in frame.columns and isinstance(row[f"name_{lang}"], str)
        }
    return names


name_table.cache_clear = _name_table.cache_clear  # type: ignore[attr-defined]


def _lookup(table: str, code: str, lang: str, data_dir: str | None) -> str:
    if lang not in _LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(_LANGS)}")
    names = name_table(table, data_dir or None)
    if code not in names:
        valid = ", ".join(sorted(names))
        raise NameUnavailable(f"data/{table}.csv has no row {code!r}; valid: {valid}")
    name = names[code].get(lang, "")
    if not name:
        raise NameUnavailable(f"data/{table}.csv, row {code!r}, column name_{lang}: name is empty")
    return name


def region_name(code: str, lang: str, data_dir: str | None = None) -> str:
    """The name of region ``code`` (e.g. ``"KZ-43"``) in ``lang``: the nominative of :func:`region_form`.

    The name of ``data/regions.csv``, or the official nominative that ``region_forms.csv`` stores for
    it (the forms apply only while the data still has the name they were written for).

    Examples
    --------
    >>> region_name("KZ-43", "en")
    'Kyzylorda Region'
    >>> region_name("KZ-10", "ru")
    'Абайская область'
    """
    name = _lookup("regions", code, lang, data_dir)
    row = _forms().get((code, lang))
    return row["nom"] if row is not None and row["data_name"] == name else name


#: grammatical cases stored in region_forms.csv
CASES = ("nom", "gen", "dat", "loc")
FORMS_FILE = Path(__file__).with_name("region_forms.csv")


def _forms() -> dict[tuple[str, str], dict[str, str]]:
    stat = os.stat(FORMS_FILE)
    return _read_forms(FORMS_FILE, (stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=4)
def _read_forms(path: Path, stamp) -> dict[tuple[str, str], dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    forms: dict[tuple[str, str], dict[str, str]] = {}
    for number, row in enumerate(csv.DictReader(lines), start=2):
        for column in ("code", "lang", "data_name", *CASES):
            if not (row.get(column) or "").strip():
                raise NameUnavailable(f"{path}, row {number}, column {column}: value {row.get(column)!r}; "
                                      "expected a non-empty name form")
        if row["lang"] not in _LANGS:
            raise NameUnavailable(f"{path}, row {number}, column lang: value {row['lang']!r}; "
                                  f"expected one of {', '.join(_LANGS)}")
        forms[(row["code"], row["lang"])] = row
    return forms


def region_form(code: str, lang: str, case: str, data_dir: str | None = None) -> str:
    """Region ``code``'s name in grammatical ``case`` (``"nom"``, ``"gen"``, ``"dat"``, ``"loc"``).

    ``loc`` is the Russian prepositional (used after в/о) and the Kazakh locative (-нда/-нде); in
    English every case is the name.

    Raises
    ------
    NameUnavailable
        If ``region_forms.csv`` has no row for the region and language, or the row was written for
        another name than ``data/regions.csv`` has now (stale forms).

    Examples
    --------
    >>> region_form("KZ-43", "kk", "gen"), region_form("KZ-43", "ru", "loc")
    ('Қызылорда облысының', 'Кызылординской области')
    """
    if case not in CASES:
        raise ValueError(f"unknown case {case!r}; expected one of {', '.join(CASES)}")
    name = _lookup("regions", code, lang, data_dir)
    row = _forms().get((code, lang))
    if row is None:
        raise NameUnavailable(f"{FORMS_FILE}: no row for region {code!r} in {lang!r}; add its case forms")
    if row["data_name"] != name:
        raise NameUnavailable(f"{FORMS_FILE}, region {code!r} ({lang}), column data_name: value "
                              f"{row['data_name']!r}; expected {name!r} (the name in data/regions.csv): "
                              "update the case forms")
    return row[case]


#: Kazakh vowels by harmony class (back: а о ұ ы у я ё; front: ә ө ү і е и ю э)
_KK_BACK, _KK_FRONT = set("аоұыуяё"), set("әөүіеиюэ")
#: case endings after a final vowel (the possessive -ы/-і of "облысы", "қаласы"): (back, front)
_KK_AFTER_VOWEL = {"nom": ("", ""), "gen": ("ның", "нің"), "dat": ("на", "не"), "loc": ("нда", "нде")}


def kazakh_case(name: str, case: str) -> str:
    """A Kazakh name ending in a vowel (``… облысы``, ``… қаласы``) in ``case``, by vowel harmony.

    The ending follows the last vowel of the name: back vowels take -ның/-на/-нда, front vowels
    -нің/-не/-нде. ``region_forms.csv`` stores the forms; a test checks them against this rule.

    >>> kazakh_case("Қызылорда облысы", "gen"), kazakh_case("Шу өңірі", "loc")
    ('Қызылорда облысының', 'Шу өңірінде')
    """
    vowels = [ch for ch in name.casefold() if ch in _KK_BACK | _KK_FRONT]
    if not vowels or name.casefold()[-1] not in _KK_BACK | _KK_FRONT:
        raise ValueError(f"{name!r}: kazakh_case handles names ending in a vowel (a possessive -ы/-і)")
    back, front = _KK_AFTER_VOWEL[case]
    return name + (back if vowels[-1] in _KK_BACK else front)


#: each language's alphabet, in dictionary order (letters not listed sort after, by code point)
ALPHABETS = {
    "kk": "а ә б в г ғ д е ё ж з и й к қ л м н ң о ө п р с т у ұ ү ф х һ ц ч ш щ ъ ы і ь э ю я".split(),
    "ru": "а б в г д е ё ж з и й к л м н о п р с т у ф х ц ч ш щ ъ ы ь э ю я".split(),
    "en": list("abcdefghijklmnopqrstuvwxyz"),
}


@functools.lru_cache(maxsize=None)
def _positions(lang: str) -> dict[str, int]:
    if lang not in _LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(_LANGS)}")
    return {letter: i for i, letter in enumerate(ALPHABETS[lang])}


def sort_key(text: str, lang: str) -> tuple:
    """A key that orders ``text`` by the alphabet of ``lang`` (case-insensitive; spaces and hyphens first).

    Examples
    --------
    >>> sorted(["Қызылорда", "Кентау", "Ұлытау", "Үшарал", "Іле", "Ырғыз"], key=lambda t: sort_key(t, "kk"))
    ['Кентау', 'Қызылорда', 'Ұлытау', 'Үшарал', 'Ырғыз', 'Іле']
    """
    positions = _positions(lang)
    base = len(positions) + 1
    key = []
    for char in str(text).casefold():
        if char in " -\u2013":
            key.append(0)  # word boundaries first: "Алматы қаласы" before "Алматинская"
        elif char in positions:
            key.append(1 + positions[char])
        elif char.isdigit():
            key.append(0.5)
        else:
            key.append(base + ord(char))
    return tuple(key)


def sort_regions(codes, lang: str, data_dir: str | None = None) -> list[str]:
    """``codes`` ordered by their names (:func:`region_name`) in the alphabet of ``lang``.

    >>> sort_regions(["KZ-71", "KZ-10", "KZ-43"], "ru")
    ['KZ-10', 'KZ-71', 'KZ-43']
    """
    return sorted(codes, key=lambda code: (sort_key(region_name(code, lang, data_dir), lang), code))


def indicator_name(indicator_id: str, lang: str, data_dir: str | None = None) -> str:
    """The name of indicator ``indicator_id`` in ``lang``, from ``data/indicators.csv``.

    Examples
    --------
    >>> indicator_name("grp_per_capita", "ru")  # doctest: +SKIP
    'ВРП на душу населения'
    """
    return _lookup("indicators", indicator_id, lang, data_dir)
