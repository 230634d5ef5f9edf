"""Input checks shared by the programme estimators: clear one-line errors that
name the table, the row, the column and what was expected.

Example
-------
>>> import pandas as pd
>>> try:
...     require_columns(pd.DataFrame({"a": [1]}), ["a", "b"])
... except PanelInputError as e:
...     print(e)
panel: column 'b' is missing; expected columns ['a', 'b'] (found ['a'])
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["PanelInputError", "require_columns", "numeric", "binary", "unique_keys", "reject_rows"]


class PanelInputError(ValueError):
    """Bad estimator input; ``str()`` is the one-line message."""


def require_columns(panel: pd.DataFrame, columns, name: str = "panel") -> None:
    if not isinstance(panel, pd.DataFrame):
        raise PanelInputError(f"{name}: expected a pandas DataFrame, got {type(panel).__name__}")
    wanted = [c for c in columns if c is not None]
    for column in wanted:
        if column not in panel.columns:
            raise PanelInputError(
                f"{name}: column {column!r} is missing; expected columns {wanted} "
                f"(found {list(map(str, panel.columns))})"
            )


def _plain(value):
    # numpy scalars print as np.int64(3); readers want 3
    return value.item() if hasattr(value, "item") else value


def _where(panel: pd.DataFrame, position: int, keys, name: str) -> str:
    label = panel.index[position]
    ident = ", ".join(f"{k}={_plain(panel[k].iloc[position])!r}" for k in keys if k in panel.columns)
    return f"{name}: row {label!r}" + (f" ({ident})" if ident else "")


def reject_rows(panel: pd.DataFrame, bad, column: str, expected: str, keys=(), name: str = "panel") -> None:
    """Raise at the first row where ``bad`` holds, naming the row, its keys, the column and the cell.

    Examples
    --------
    >>> p = pd.DataFrame({"u": [1, 2], "y": [1.0, -2.0]})
    >>> try:
    ...     reject_rows(p, (p["y"] <= 0).to_numpy(), "y", "a positive number", keys=("u",))
    ... except PanelInputError as e:
    ...     print(e)
    panel: row 1 (u=2), column 'y': expected a positive number, got -2.0
    """
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise PanelInputError(
            f"{_where(panel, pos, keys, name)}, column {column!r}: expected {expected}, "
            f"got {_plain(panel[column].iloc[pos])!r}"
        )


def numeric(panel: pd.DataFrame, column: str, keys=(), name: str = "panel", allow_nan: bool = True) -> np.ndarray:
    """Column as float; non-numeric or infinite cells raise naming the row."""
    values = pd.to_numeric(panel[column], errors="coerce").to_numpy(dtype=float)
    raw = panel[column]
    bad = (np.isnan(values) & raw.notna().to_numpy()) | np.isinf(values)
    if not allow_nan:
        bad |= np.isnan(values)
    reject_rows(panel, bad, column, "a finite number", keys, name)
    return values


def binary(panel: pd.DataFrame, column: str, keys=(), name: str = "panel") -> np.ndarray:
    """0/1 (or boolean) treatment column."""
    values = numeric(panel, column, keys, name, allow_nan=False)
    reject_rows(panel, ~np.isin(values, (0.0, 1.0)), column, "0 or 1", keys, name)
    return values


def unique_keys(panel: pd.DataFrame, unit: str, time: str, name: str = "panel") -> None:
    dup = panel.duplicated([unit, time]).to_numpy()
    if dup.any():
        pos = int(np.flatnonzero(dup)[0])
        raise PanelInputError(
            f"{_where(panel, pos, (unit, time), name)}: duplicate ({unit}, {time}); "
            "expected one row per unit and period"
        )
