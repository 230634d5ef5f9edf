"""Region and indicator names in kk, ru and en, read from the project's metadata tables.

The names come only from ``data/regions.csv`` and ``data/indicators.csv``
through :mod:`analysis.data` (``load_regions`` / ``load_indicators``), whose
columns ``name_kk``, ``name_ru`` and ``name_en`` hold them. Nothing here
invents or hard-codes a name: if the tables or a name are missing, a
:class:`NameUnavailable` error says which file and column to fill in.
"""

from __future__ import annotations

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
    """The name of region ``code`` (e.g. ``"KZ-43"``) in ``lang``, from ``data/regions.csv``.

    Examples
    --------
    >>> region_name("KZ-43", "en")  # doctest: +SKIP
    'Kyzylorda Region'
    """
    return _lookup("regions", code, lang, data_dir)


def indicator_name(indicator_id: str, lang: str, data_dir: str | None = None) -> str:
    """The name of indicator ``indicator_id`` in ``lang``, from ``data/indicators.csv``.

    Examples
    --------
    >>> indicator_name("grp_per_capita", "ru")  # doctest: +SKIP
    'ВРП на душу населения'
    """
    return _lookup("indicators", indicator_id, lang, data_dir)
