"""``aimaq data add``: new official figures in, validated with the same checks, revisions kept.

Flow: :func:`plan_addition` reads the new file (template: the columns of ``observations.csv``;
``recorded`` may be left out), checks it alone and then the whole resulting data set, and returns
what would change; :func:`apply_addition` writes it. Nothing is written unless every check passes.

Revisions: a value that replaces a different value for the same (region, year, indicator,
territory) moves the old row to ``revisions.csv`` with ``superseded`` (the date of the change)
and ``superseded_by`` (the new source), so ``load_panel(..., as_of=date)`` can rebuild any past
edition with the figures it used.

Crash safety: the new ``revisions.csv``, ``observations.csv`` and ``datapackage.json`` are first
written in full to temporary files, then a journal naming the swaps, then the swaps. Interrupted
before the journal: the old data are untouched. Interrupted after: loads refuse to read (the
journal is named in the error) until :func:`resume_addition` (``aimaq data resume``, or the next
``aimaq data add``) finishes the swaps. Either way no figure is lost.

Concurrent edits: one addition at a time per data folder. :func:`exclusive` takes an advisory
lock (``flock`` on the folder itself, so no lock file is ever written into ``data/``; the lock
dies with its process, so a ``kill -9`` never leaves it stuck). ``aimaq data add`` holds it over
plan, question and write; a second ``aimaq data add`` or ``aimaq data resume`` meanwhile is
refused at once, naming the folder. A plan also records the sha256 of the files it was made from,
and :func:`apply_addition` refuses when any differs (a plan made and applied without the lock,
through the Python API). Resuming and removing temporaries happen under the lock only, so they
never touch the files of another edit in progress.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import fcntl
import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.data.bns_sheet import read_bns_sheet
from analysis.data.checks import KEY, check_national_sums, check_observations
from analysis.data.checksums import (
    JOURNAL,
    atomic_write_text,
    datapackage_text,
    sha256,
    verify_checksums,
    write_staged,
)
from analysis.data.errors import DataError, os_error
from analysis.data.harmonise import harmonise
from analysis.data.schemas import decode_utf8, parse_csv, validate_table
from analysis.data.tables import load_tables

OBS_COLUMNS = ["region", "year", "indicator", "territory", "value", "source", "note", "recorded"]
TEMPLATE_COLUMNS = OBS_COLUMNS[:-1]


@dataclass(frozen=True)
class Addition:
    """What an addition would change (no numerics here: tables only); see :func:`plan_addition`."""

    data_dir: Path
    new: pd.DataFrame  # rows for keys not yet present
    revised: pd.DataFrame  # rows replacing a different value; column old_value holds the previous one
    unchanged: int  # rows identical to what is stored (ignored)
    observations: pd.DataFrame  # the resulting observations.csv
    revisions: pd.DataFrame  # the resulting revisions.csv
    made_from: dict = field(default_factory=dict)  # file -> sha256 of the data files the plan was made from
    skipped: tuple = ()  # (row, label, reason) of spreadsheet rows read but not imported


#: The files an addition rewrites; a plan is valid only while they are as it read them.
WRITTEN_FILES = ("observations.csv", "revisions.csv", "datapackage.json")
_HELD: dict[str, int] = {}  # data folders whose lock this process holds (the lock is re-entrant)


@contextlib.contextmanager
def exclusive(data_dir: str | os.PathLike | None = None):
    """Hold the data folder's addition lock; refuse at once when another process holds it.

    Examples
    --------
    >>> from analysis.data.paths import PROJECT_DATA_DIR
    >>> with exclusive(PROJECT_DATA_DIR):
    ...     with exclusive(PROJECT_DATA_DIR):  # re-entrant within one process
    ...         pass
    """
    from analysis.data.paths import resolve_data_dir

    root = resolve_data_dir(data_dir)
    if not root.is_dir():
        raise DataError(str(root), None, None, "no such folder",
                        "an existing data folder (check --data-dir or AIMAQ_DATA_DIR)")
    key = str(root.resolve())
    if key in _HELD:
        _HELD[key] += 1
        try:
            yield root
        finally:
            _HELD[key] -= 1
        return
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DataError(root.name, None, None, "another `aimaq data add` or `aimaq data resume` is at work",
                            "one addition at a time: wait until the other one has finished, then run this again") from None
        _HELD[key] = 1
        try:
            yield root
        finally:
            del _HELD[key]
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _made_from(root: Path) -> dict:
    return {name: sha256(root / name) for name in WRITTEN_FILES if (root / name).is_file()}


def _real_date(text: str) -> _dt.date | None:
    try:
        return _dt.date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        return None


def _today() -> _dt.date:
    return _dt.datetime.now(_dt.timezone.utc).date()


def check_dates(frame: pd.DataFrame, file: str) -> None:
    """Recorded dates are real calendar dates; no figure is for a year after it was recorded or after today.

    ``frame`` keeps the index it had when read (row ``i`` is line ``i + 2`` of ``file``).

    Examples
    --------
    >>> check_dates(pd.DataFrame({"year": [2099], "recorded": ["2026-01-01"]}), "new.csv")
    Traceback (most recent call last):
    ...
    analysis.data.errors.DataError: new.csv, row 2, column 'year': got '2099', expected a year not after the date the figure was recorded (2026-01-01)
    """
    today = _today()
    for index, year, recorded in zip(frame.index, frame["year"], frame["recorded"]):
        row = int(index) + 2
        when = _real_date(str(recorded))
        if when is None:
            raise DataError(file, row, "recorded", recorded, "a real calendar date YYYY-MM-DD (month 01-12, day of that month)")
        if int(year) > min(when.year, today.year):
            limit = f"the date the figure was recorded ({recorded})" if when.year <= today.year else f"this year ({today.year})"
            raise DataError(file, row, "year", year, f"a year not after {limit}")


def _read_csv(path: Path) -> pd.DataFrame:
    text = decode_utf8(path.read_bytes(), path.name)
    if not text.strip():
        raise DataError(path.name, None, None, "an empty file", "a header line and rows in the template data/build/template.csv")
    frame = parse_csv(text, path.name)
    if frame.empty:
        raise DataError(path.name, 2, None, "no rows", "at least one row of figures under the header")
    return frame


def _read_sheet(path: Path, indicator: str | None, sheet: str | None) -> tuple[pd.DataFrame, tuple]:
    if not indicator:
        raise DataError(path.name, None, None, "no --indicator", "the indicator id of the sheet's figures (--indicator)")
    frame = read_bns_sheet(path, indicator, sheet)
    if frame.empty:
        raise DataError(path.name, None, None, "no figures", "rows named after regions with figures in year columns")
    # as text, like a CSV, so both go through the same schema
    skipped = tuple(frame.attrs.get("skipped", ()))
    return frame.astype({"year": str}).assign(value=frame["value"].map(repr)), skipped


def _read_new(path: Path, source: str | None, recorded: str, indicator: str | None = None,
              sheet: str | None = None) -> tuple[pd.DataFrame, tuple]:
    name = path.name
    if not path.is_file():
        raise DataError(name, None, None, "no such file", "a CSV file in the documented template")
    skipped: tuple = ()
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            frame, skipped = _read_sheet(path, indicator, sheet)
        elif path.suffix.lower() in (".xls", ".ods", ".numbers"):
            raise DataError(name, None, None, path.suffix, "a CSV in the template or an .xlsx workbook (save the file as .xlsx)")
        else:
            frame = _read_csv(path)
    except PermissionError:
        raise DataError(name, None, None, "not readable (permission denied)", "a file this user may read") from None
    except IsADirectoryError:
        raise DataError(name, None, None, "a folder", "a file") from None
    for column in ("region", "year", "indicator", "value"):
        if column not in frame.columns:
            raise DataError(name, 1, column, "missing", f"a header with the column {column!r} (see data/build/template.csv)")
    for column in ("territory", "source", "note"):
        if column not in frame.columns:
            frame[column] = ""
    if source:
        frame["source"] = frame["source"].where(frame["source"] != "", source)
    if "recorded" not in frame.columns:
        frame["recorded"] = recorded
    frame["recorded"] = frame["recorded"].where(frame["recorded"] != "", recorded)
    missing = (frame["source"].str.strip() == "").to_numpy()
    if missing.any():
        row = int(frame.index[missing][0]) + 2
        raise DataError(name, row, "source", "", "the source of the value (fill the column or pass --source)")
    # Validation error messages must name the user's file, so validate under its schema name
    # and rename the file in the message.
    text_values = frame["value"].astype(str)
    odd = ~text_values.str.strip().str.fullmatch(_PLAIN_NUMBER)
    if odd.any():  # "1 234,5", "1e400", "nan", "inf", "0x10", "½": never guessed
        row = int(frame.index[odd.to_numpy()][0]) + 2
        raise DataError(name, row, "value", text_values[odd].iloc[0],
                        "a finite number written plainly, with a dot for decimals and no thousands separator (e.g. 1234.5)")
    try:
        frame = validate_table(frame[OBS_COLUMNS], "observations.csv")
    except DataError as err:
        raise DataError(name, err.row, err.column, err.value, err.expected) from None
    infinite = ~frame["value"].map(math.isfinite)
    if infinite.any():
        row = int(frame.index[infinite.to_numpy()][0]) + 2
        raise DataError(name, row, "value", frame["value"][infinite].iloc[0], "a finite number")
    return frame, skipped


# ASCII digits only (str.isdigit also accepts Arabic-Indic and superscript digits), optional sign,
# one dot, optional exponent.
_PLAIN_NUMBER = r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]{1,3})?"


def plan_addition(file: str | os.PathLike, data_dir: str | os.PathLike | None = None, *,
                  source: str | None = None, recorded: str, indicator: str | None = None,
                  sheet: str | None = None) -> Addition:
    """Validate new figures and compute what adding them would change; writes nothing.

    Parameters
    ----------
    file : path
        CSV in the template of ``data/build/template.csv``, or an ``.xlsx`` sheet in BNS's own
        layout (regions down, years across; see :mod:`analysis.data.bns_sheet`).
    data_dir : path, optional
        Target data directory (None: ``$AIMAQ_DATA_DIR`` or the project's ``data/``).
    source : str, optional
        Source recorded for rows whose ``source`` cell is empty.
    recorded : str
        ISO date of the change (recorded with each new row; ``superseded`` of revised ones).
    indicator, sheet : str, optional
        For a BNS-layout workbook: the indicator id of its figures, and the sheet (default: last).

    Examples
    --------
    >>> import tempfile, shutil, pathlib
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> _ = shutil.copytree(load_tables(None).data_dir, tmp / "data")
    >>> new = tmp / "new.csv"
    >>> _ = new.write_text("region,year,indicator,value,source\\nKZ-43,2024,unemployment_rate,4.5,test\\n")
    >>> plan = plan_addition(new, tmp / "data", recorded="2027-01-15")
    >>> len(plan.new), len(plan.revised)
    (1, 0)
    """
    if not (isinstance(recorded, str) and _real_date(recorded) is not None):
        raise DataError("(option --recorded)", None, None, recorded, "a real calendar date YYYY-MM-DD")
    with exclusive(data_dir) as root:
        made_from = _made_from(root)
        tables = load_tables(root)
        path = Path(file)
        incoming, skipped = _read_new(path, source, recorded, indicator, sheet)
        check_dates(incoming, path.name)
        check_observations(incoming, tables.regions, tables.indicators, path.name)
        return _plan(tables, path, incoming, recorded, made_from, skipped)


def _plan(tables, path: Path, incoming: pd.DataFrame, recorded: str, made_from: dict, skipped: tuple) -> Addition:

    stored = tables.observations
    stored_keyed = stored.set_index(KEY)
    keys = pd.MultiIndex.from_frame(incoming[KEY])
    present = keys.isin(stored_keyed.index)
    old_values = pd.Series(float("nan"), index=incoming.index)
    old_values[present] = stored_keyed.loc[keys[present], "value"].to_numpy()
    same = present & (old_values.to_numpy() == incoming["value"].to_numpy())
    revised_mask = present & ~same
    new = incoming[~present]
    revised = incoming[revised_mask].assign(old_value=old_values[revised_mask])

    replaced = stored_keyed.index.isin(keys[revised_mask])
    moved = stored[replaced].copy()
    by_key = revised.set_index(KEY)
    moved_keys = pd.MultiIndex.from_frame(moved[KEY])
    moved["superseded"] = recorded
    moved["superseded_by"] = by_key.loc[moved_keys, "source"].to_numpy() if len(moved) else []
    later = moved["recorded"] > recorded
    if later.any():
        row = int(moved.index[later][0]) + 2
        raise DataError("observations.csv", row, "recorded", moved["recorded"][later].iloc[0],
                        f"a date not after the revision date {recorded}")

    # The resulting observations: stored rows (replaced ones dropped) + new and revised rows.
    # Index = the incoming line numbers offset past the stored table, so errors can be traced.
    offset = 10**9
    result = pd.concat(
        [stored[~replaced], pd.concat([new, revised[OBS_COLUMNS]]).set_axis(
            [offset + i for i in pd.concat([new, revised]).index])]
    )

    def locate(index):
        return (path.name, int(index) - offset + 2) if index >= offset else ("observations.csv", int(index) + 2)

    sub = result[result["region"] != "KZ"]
    long, _ = harmonise(sub, tables.regions, tables.indicators, "stable")
    check_national_sums(long, result, "observations.csv", locate=locate)

    result = result.sort_values(["indicator", "region", "year", "territory"], kind="stable")
    revisions = pd.concat([tables.revisions, moved]) if len(moved) else tables.revisions
    return Addition(
        data_dir=tables.data_dir,
        new=new.reset_index(drop=True),
        revised=revised.reset_index(drop=True),
        unchanged=int(same.sum()),
        observations=result.reset_index(drop=True),
        revisions=revisions.reset_index(drop=True),
        made_from=made_from,
        skipped=skipped,
    )


def _csv_text(frame: pd.DataFrame, columns: list[str]) -> str:
    return frame[columns].to_csv(index=False, lineterminator="\n")


def apply_addition(plan: Addition) -> None:
    """Write a planned addition: revisions first, then observations, then checksums (atomically).

    Refuses when the data files changed since the plan was made (checksums no longer match).

    Examples
    --------
    >>> import tempfile, shutil, pathlib
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> _ = shutil.copytree(load_tables(None).data_dir, tmp / "data")
    >>> new = tmp / "new.csv"
    >>> _ = new.write_text("region,year,indicator,value,source\\nKZ-43,2024,unemployment_rate,4.5,test\\n")
    >>> apply_addition(plan_addition(new, tmp / "data", recorded="2027-01-15"))
    >>> load_tables(tmp / "data").observations.query("year == 2024 and indicator == 'unemployment_rate'")["value"].tolist()
    [4.5]
    """
    with exclusive(plan.data_dir) as data_dir:
        now = _made_from(data_dir)
        for name in sorted(set(now) | set(plan.made_from)):
            if now.get(name) != plan.made_from.get(name):
                raise DataError(name, None, None, "changed since the plan was made",
                                "the file as it was when the changes were planned (another `aimaq data add` wrote "
                                "in between?); nothing was written: plan the addition again")
        verify_checksums(data_dir)
        if plan.new.empty and plan.revised.empty:
            return
        _write(plan, data_dir)


def _write(plan: Addition, data_dir: Path) -> None:
    _remove_orphans(data_dir)
    # 1. every new file written in full beside its target; 2. a journal naming the swaps,
    # written atomically; 3. the swaps; 4. the journal removed. A crash before 2 leaves the old
    # data untouched (orphan temporaries are removed next time); after 2, `resume_addition`
    # finishes the swaps. Loads refuse to read while a journal exists.
    staged: dict[str, Path] = {}
    writing = "revisions.csv"
    try:
        staged["revisions.csv"] = write_staged(data_dir / "revisions.csv", _csv_text(plan.revisions, OBS_COLUMNS + ["superseded", "superseded_by"]))
        writing = "observations.csv"
        staged["observations.csv"] = write_staged(data_dir / "observations.csv", _csv_text(plan.observations, OBS_COLUMNS))
        writing = "datapackage.json"
        staged["datapackage.json"] = write_staged(data_dir / "datapackage.json", datapackage_text(data_dir, staged))
        journal = {"swaps": [[tmp.name, rel] for rel, tmp in staged.items()]}
        writing = JOURNAL
        atomic_write_text(data_dir / JOURNAL, json.dumps(journal, indent=1) + "\n")
    except OSError as err:  # a full disk, a read-only folder: before the journal, so the old data stand
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
        if not (data_dir / JOURNAL).exists():
            # a failed write() names no file: name the one being written, not its hidden temporary
            named = OSError(err.errno, err.strerror, str(data_dir / writing))
            raise os_error(named, data_dir.parent, kept="nothing was changed: the data are as they were") from None
        raise
    resume_addition(data_dir)
    load_tables(data_dir)  # re-read and re-check what was written


def resume_addition(data_dir: str | os.PathLike | None = None) -> bool:
    """Finish an ``aimaq data add`` that was interrupted while swapping files in.

    Returns True when there was something to finish.

    Examples
    --------
    >>> resume_addition(load_tables(None).data_dir)
    False
    """
    from analysis.data.paths import resolve_data_dir

    with exclusive(resolve_data_dir(data_dir)) as root:
        journal = root / JOURNAL
        if not journal.exists():
            _remove_orphans(root)
            return False
        try:
            swaps = json.loads(journal.read_text(encoding="utf-8"))["swaps"]
            pairs = [(str(tmp), str(rel)) for tmp, rel in swaps]
        except (ValueError, KeyError, TypeError) as err:
            raise DataError(JOURNAL, None, "swaps", str(err), "the journal `aimaq data add` writes (restore the data "
                            "folder from a copy)") from None
        for tmp, rel in pairs:
            if rel not in WRITTEN_FILES or not re.fullmatch(rf"\.{re.escape(rel)}\.[^/]+\.tmp", tmp):
                raise DataError(JOURNAL, None, "swaps", f"{tmp} -> {rel}",
                                f"swaps of this addition's own temporaries into {', '.join(WRITTEN_FILES)}")
        for tmp, rel in pairs:
            if (root / tmp).exists():  # not yet swapped in
                os.replace(root / tmp, root / rel)
        journal.unlink()
        _remove_orphans(root)
        return True


def _remove_orphans(root: Path) -> None:
    """Temporaries of an addition interrupted before its journal existed (old data intact)."""
    if (root / JOURNAL).exists():
        return
    for name in WRITTEN_FILES:  # only this module's own temporaries, and only under the lock
        for tmp in root.glob(f".{name}.*.tmp"):
            tmp.unlink()
