"""All data files read, checksummed and validated together; cached per process by file stamps."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.data.checks import KEY, check_observations
from analysis.data.checksums import DESCRIPTOR, verify_checksums
from analysis.data.paths import resolve_data_dir
from analysis.data.schemas import read_table

FILES = ("regions.csv", "indicators.csv", "observations.csv", "revisions.csv", "unverified.csv", "programmes.csv")


@dataclass(frozen=True)
class Tables:
    """The validated tables of one data directory (treat as read-only).

    Not public: pages read observations through the loaders of :mod:`analysis.data`, whose
    results are the data products a pipeline run declares (:mod:`analysis.data.products`).
    """

    data_dir: Path
    regions: pd.DataFrame
    indicators: pd.DataFrame
    observations: pd.DataFrame
    revisions: pd.DataFrame
    unverified: pd.DataFrame
    programmes: pd.DataFrame


_CACHE: dict[tuple, Tables] = {}


def _stamp(data_dir: Path) -> tuple:
    stamps = []
    for name in FILES + (DESCRIPTOR,):
        try:
            st = os.stat(data_dir / name)
            stamps.append((name, st.st_mtime_ns, st.st_size, st.st_ino))
        except FileNotFoundError:
            stamps.append((name, None))
    return (str(data_dir.resolve()), tuple(stamps))


def load_tables(data_dir: str | os.PathLike | None) -> Tables:
    """Read and validate every data file; raise DataError on the first problem.

    Checks: checksums against ``datapackage.json``, UTF-8, each file's schema, then the
    observation rules of :mod:`analysis.data.checks` for observations, revisions and the
    unverified table. Results are cached until a file changes.

    Examples
    --------
    >>> t = load_tables(None)
    >>> sorted(t.observations.columns)[:3]
    ['indicator', 'note', 'recorded']
    """
    root = resolve_data_dir(data_dir)
    key = _stamp(root)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    verify_checksums(root, include_geo=False)
    frames = {name: read_table(root, name) for name in FILES}
    regions, indicators = frames["regions.csv"], frames["indicators.csv"]
    for name in ("observations.csv", "revisions.csv", "unverified.csv"):
        unique = KEY + ["recorded"] if name == "revisions.csv" else KEY
        check_observations(frames[name], regions, indicators, name, key=unique)
    tables = Tables(
        data_dir=root,
        regions=regions,
        indicators=indicators,
        observations=frames["observations.csv"],
        revisions=frames["revisions.csv"],
        unverified=frames["unverified.csv"],
        programmes=frames["programmes.csv"],
    )
    _CACHE.clear()  # one directory at a time is enough; keeps memory flat in long sessions
    _CACHE[key] = tables
    return tables
