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
"""

from __future__ import annotations

import io
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.data.bns_sheet import read_bns_sheet
from analysis.data.checks import KEY, check_national_sums, check_observations
from analysis.data.checksums import (
    JOURNAL,
    atomic_write_text,
    datapackage_text,
    verify_checksums,
    write_staged,
)
from analysis.data.errors import DataError
from analysis.data.harmonise import harmonise
from analysis.data.schemas import ISO_DATE, decode_utf8, validate_table
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


def _read_csv(path: Path) -> pd.DataFrame:
    text = decode_utf8(path.read_bytes(), path.name)
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
    except pd.errors.ParserError as err:
        raise DataError(path.name, None, None, str(err).strip(), "well-formed CSV") from None


def _read_sheet(path: Path, indicator: str | None, sheet: str | None) -> pd.DataFrame:
    if not indicator:
        raise DataError(path.name, None, None, "no --indicator", "the indicator id of the sheet's figures (--indicator)")
    frame = read_bns_sheet(path, indicator, sheet)
    if frame.empty:
        raise DataError(path.name, None, None, "no figures", "rows named after regions with figures in year columns")
    # as text, like a CSV, so both go through the same schema
    return frame.astype({"year": str}).assign(value=frame["value"].map(repr))


def _read_new(path: Path, source: str | None, recorded: str, indicator: str | None = None,
              sheet: str | None = None) -> pd.DataFrame:
    name = path.name
    if not path.is_file():
        raise DataError(name, None, None, "no such file", "a CSV file in the documented template")
    if path.suffix.lower() == ".xlsx":
        frame = _read_sheet(path, indicator, sheet)
    else:
        frame = _read_csv(path)
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
    try:
        return validate_table(frame[OBS_COLUMNS], "observations.csv")
    except DataError as err:
        raise DataError(name, err.row, err.column, err.value, err.expected) from None


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
    if not (isinstance(recorded, str) and pd.Series([recorded]).str.match(ISO_DATE).all()):
        raise DataError("(option --recorded)", None, None, recorded, "an ISO date YYYY-MM-DD")
    tables = load_tables(data_dir)
    path = Path(file)
    incoming = _read_new(path, source, recorded, indicator, sheet)
    check_observations(incoming, tables.regions, tables.indicators, path.name)

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
    data_dir = plan.data_dir
    verify_checksums(data_dir)
    if plan.new.empty and plan.revised.empty:
        return
    _remove_orphans(data_dir)
    # 1. every new file written in full beside its target; 2. a journal naming the swaps,
    # written atomically; 3. the swaps; 4. the journal removed. A crash before 2 leaves the old
    # data untouched (orphan temporaries are removed next time); after 2, `resume_addition`
    # finishes the swaps. Loads refuse to read while a journal exists.
    staged = {
        "revisions.csv": write_staged(data_dir / "revisions.csv", _csv_text(plan.revisions, OBS_COLUMNS + ["superseded", "superseded_by"])),
        "observations.csv": write_staged(data_dir / "observations.csv", _csv_text(plan.observations, OBS_COLUMNS)),
    }
    staged["datapackage.json"] = write_staged(data_dir / "datapackage.json", datapackage_text(data_dir, staged))
    journal = {"swaps": [[tmp.name, rel] for rel, tmp in staged.items()]}
    atomic_write_text(data_dir / JOURNAL, json.dumps(journal, indent=1) + "\n")
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

    root = resolve_data_dir(data_dir)
    journal = root / JOURNAL
    if not journal.exists():
        _remove_orphans(root)
        return False
    for tmp, rel in json.loads(journal.read_text(encoding="utf-8"))["swaps"]:
        if (root / tmp).exists():  # not yet swapped in
            os.replace(root / tmp, root / rel)
    journal.unlink()
    _remove_orphans(root)
    return True


def _remove_orphans(root: Path) -> None:
    """Temporaries of an addition interrupted before its journal existed (old data intact)."""
    if (root / JOURNAL).exists():
        return
    for tmp in root.glob(".*.tmp"):
        tmp.unlink()
