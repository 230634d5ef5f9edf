"""Treatments from the programme table: which regions a programme treated and
from which year, on a chosen basis of units, following the region lineage across
the 1997, 2018 and 2022 boundary changes.

Rules (documented because they decide who is treated):

- A programme row names a region code and a start (ISO date or year). The first
  treated year is the calendar year of the start; treatment is absorbing
  (staggered adoption): the region counts as treated from then on, also after a
  programme's formal end, because effects on outcomes need not stop with the
  funding. ``last_year`` is kept in the table for the reader.
- Rows without a start (the source only says the programme "existed by" some
  date) make the region's first treated year unknown: such regions are
  ``unknown_start`` and are left out of both the treated and the comparison
  group, since their timing cannot be placed.
- Lineage, from the regions table's ``parent``, ``successors`` and ``split_year``:
  on the *stable* basis a code is mapped to the stable unit that contains it (a
  2018/2022 successor to its parent, e.g. Turkistan ``KZ-61`` to South Kazakhstan
  ``KZ-SKO``; a unit abolished in 1997 to every successor). On the *current*
  basis a treatment recorded for a unit that later split is inherited by every
  successor (the programme covered their territory), unless it started after
  the split.
- National rows (region ``KZ``) treat every region: there is no comparison group.
- Confidence of a region is the lowest confidence among its rows.

Example
-------
>>> import pandas as pd
>>> regions = pd.DataFrame({"code": ["A", "B", "P", "C1", "C2"], "kind": ["oblast"] * 5,
...     "valid_from": ["", "", "", "2018-06-19", "2018-06-19"], "valid_to": ["", "", "2018-06-18", "", ""],
...     "parent": ["", "", "", "P", "P"], "successors": ["", "", "C1; C2", "", ""], "split_year": [""] * 5})
>>> progs = pd.DataFrame({"programme": ["x", "x"], "region": ["A", "C1"], "start": ["2005-03-01", "2019"],
...     "end": ["", ""], "confidence": ["high", "medium (press)"]})
>>> t = programme_treatment(progs, regions, "x", basis="stable")
>>> t.table[["unit", "first_year", "status", "confidence"]].values.tolist()
[['A', 2005.0, 'treated', 'high'], ['P', 2019.0, 'treated', 'medium'], ['B', nan, 'never', '']]
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ._checks import PanelInputError, require_columns
from .results import Treatment

__all__ = ["programme_treatment"]

_CONFIDENCE = ("low", "medium", "high")


def _codes(cell) -> list[str]:
    return [c.strip() for c in str(cell or "").split(";") if c.strip()]


def _year(text, row: int, column: str) -> float:
    text = str(text or "").strip()
    if not text or text.lower() == "nan":
        return np.nan
    match = re.fullmatch(r"(\d{4})(-\d{2}-\d{2})?", text)
    if not match:
        raise PanelInputError(f"programmes.csv: row {row}, column {column!r}: expected a year or an ISO date, got {text!r}")
    return float(match.group(1))


def _confidence(text) -> str:
    word = str(text or "").strip().lower().split(" ")[0].strip("(;,")
    return word if word in _CONFIDENCE else ""


def _lineage(code: str, start: float, regions: pd.DataFrame, basis: str, units: list[str], depth=0) -> list[str]:
    """Units of ``basis`` that a treatment recorded for ``code`` reaches."""
    if depth > 5:
        return []
    info = regions.loc[code]
    successors = _codes(info["successors"])
    if basis == "stable":
        if code in units:
            return [code]
        parent = str(info["parent"] or "")
        if parent:
            return _lineage(parent, start, regions, basis, units, depth + 1)
        return sorted({u for s in successors for u in _lineage(s, start, regions, basis, units, depth + 1)})
    reached = [code] if code in units else []
    split = str(info.get("split_year", "") or "")
    started_before_split = not split or np.isnan(start) or start < float(split)
    if successors and (code not in units or started_before_split):
        reached += [u for s in successors for u in _lineage(s, start, regions, basis, units, depth + 1)]
    return sorted(set(reached))


def programme_treatment(
    programmes: pd.DataFrame,
    regions: pd.DataFrame,
    programme_id: str,
    *,
    basis: str = "stable",
    until: int | None = None,
    pre_years: int = 10,
) -> Treatment:
    """Treated regions, first treated years and the outcome window of one programme.

    Parameters
    ----------
    programmes : DataFrame
        ``analysis.data.load_programmes()`` (columns programme, region, start, end, confidence).
    regions : DataFrame
        ``analysis.data.load_regions()`` (code, kind, valid_from, valid_to, parent,
        successors, split_year).
    programme_id : str
        Value of the ``programme`` column, e.g. ``"sez"`` or ``"aral_2007"``.
    basis : {"stable", "current"}
        Units the treatment is expressed in (same as ``load_panel(basis)``).
    until : int, optional
        Last year of the edition: treatments starting later are not yet treatments.
    pre_years : int
        Pre-treatment years in the outcome window before the earliest start.

    Returns
    -------
    Treatment
        ``table`` with one row per unit of the basis: ``unit, first_year`` (NaN
        unless treated), ``last_year, status`` (``treated | unknown_start |
        never``), ``confidence, sources`` (the programme-table codes that reach
        the unit), and ``window`` (first, last year of the outcome window).

    Examples
    --------
    >>> from analysis.data import load_programmes, load_regions
    >>> t = programme_treatment(load_programmes(), load_regions(), "aral_2007")
    >>> t.table.query("status == 'treated'").unit.tolist()
    ['KZ-15', 'KZ-35', 'KZ-43', 'KZ-SKO']
    """
    if basis not in ("stable", "current"):
        raise ValueError(f"basis must be 'stable' or 'current', got {basis!r}")
    require_columns(programmes, ["programme", "region", "start", "end", "confidence"], name="programmes")
    require_columns(regions, ["code", "kind", "valid_to", "parent", "successors"], name="regions")
    known = sorted(programmes["programme"].dropna().unique())
    if programme_id not in known:
        raise PanelInputError(f"programmes: unknown programme {programme_id!r}; expected one of {known}")
    regions = regions.copy()
    if "split_year" not in regions.columns:
        regions["split_year"] = ""
    from analysis.data.units import current_units, stable_units  # lazy: the data room imports pandera

    regions = regions.fillna("").reset_index(drop=True)
    # the data room's definition of each basis, so treatments and panels agree on units
    units = stable_units(regions) if basis == "stable" else current_units(regions)
    regions = regions.set_index("code", drop=False)
    rows = programmes.reset_index(drop=True)
    rows = rows[rows["programme"] == programme_id]

    per_unit: dict[str, dict] = {}
    national = False
    for idx, item in rows.iterrows():
        line = int(idx) + 2  # header is line 1 of programmes.csv
        code = str(item["region"])
        start = _year(item["start"], line, "start")
        end = _year(item["end"], line, "end")
        if until is not None and np.isfinite(start) and start > until:
            continue
        if code not in regions.index:
            raise PanelInputError(f"programmes.csv: row {line}, column 'region': {code!r} is not in regions.csv")
        if regions.loc[code, "kind"] == "country":
            national = True
            targets = units
        else:
            targets = _lineage(code, start, regions, basis, units)
        for unit in targets:
            entry = per_unit.setdefault(unit, {"starts": [], "ends": [], "conf": [], "sources": set()})
            entry["starts"].append(start)
            entry["ends"].append(end)
            entry["conf"].append(_confidence(item["confidence"]))
            entry["sources"].add(code if code == unit else f"{code}>{unit}")

    table_rows = []
    for unit in units:
        entry = per_unit.get(unit)
        if entry is None:
            table_rows.append((unit, np.nan, np.nan, "never", "", ""))
            continue
        starts = np.array(entry["starts"])
        unknown = np.isnan(starts).any()
        first = np.nan if unknown else float(starts.min())
        ends = np.array(entry["ends"])
        last = np.nan if np.isnan(ends).any() else float(ends.max())
        levels = [c for c in entry["conf"] if c]
        conf = min(levels, key=_CONFIDENCE.index) if levels else ""
        table_rows.append((unit, first, last, "unknown_start" if unknown else "treated", conf,
                           "; ".join(sorted(entry["sources"]))))
    table = pd.DataFrame(table_rows, columns=["unit", "first_year", "last_year", "status", "confidence", "sources"])
    order = {"treated": 0, "unknown_start": 1, "never": 2}
    table = table.sort_values(["status", "unit"], key=lambda s: s.map(order) if s.name == "status" else s,
                              ignore_index=True)
    starts = table.loc[table.status == "treated", "first_year"]
    window = (int(starts.min()) - pre_years if len(starts) else None, until)
    warnings = []
    if national or not (table.status == "never").any():
        warnings.append("no_untreated_units")
    n_treated = int((table.status == "treated").sum())
    if n_treated == 0 and not (table.status == "unknown_start").any():
        warnings.append("no_post_period")  # every start lies after the edition year
    elif n_treated == 1:
        warnings.append("single_treated_unit")
    if (table.status == "unknown_start").any():
        warnings.append("unknown_start_excluded")
    return Treatment(programme=programme_id, basis=basis, table=table, window=window, warnings=tuple(warnings))
