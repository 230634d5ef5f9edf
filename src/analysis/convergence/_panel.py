"""Input checks and reshaping shared by every convergence estimator.

The estimators accept a tidy panel in either of the two shapes the project
uses:

- *wide by indicator* (what :func:`analysis.data.load_panel` returns): one row
  per region and year, one column per indicator;
- *long by indicator* (the shape of the raw ``kz_panel_long.csv``): one row
  per region, year and indicator, with the indicator's id in an ``indicator``
  column and the figure in a ``value`` column.

Region and year may also sit in the index.  Everything here is generic: the
column names are arguments, nothing refers to a particular country.

Bad input raises :class:`PanelError`, whose message names the source, the
row, the column, the offending value and what was expected.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["PanelError", "observed_years", "panel_source", "require_positive", "tidy_panel", "to_matrix"]

LONG_INDICATOR = "indicator"
LONG_VALUE = "value"


class PanelError(ValueError):
    """A panel given to a convergence estimator is not what it needs.

    Parameters
    ----------
    source : str
        Where the panel came from (``panel.attrs["source"]`` when set, else
        ``"panel"``).
    row : object
        The offending row (index label, or ``(region, year)``), or ``None``
        when the problem concerns a whole column.
    column : str or None
        The offending column.
    value : object
        The offending value.
    expected : str
        What was expected instead.

    Examples
    --------
    >>> str(PanelError("panel", 3, "gdp", "n/a", "a number"))
    "panel, row 3, column 'gdp': got 'n/a', expected a number"
    """

    def __init__(self, source, row, column, value, expected):
        self.source, self.row, self.column = source, row, column
        self.value, self.expected = value, expected
        # Same one-line format as analysis.data.DataError, so readers see one style of error.
        where = [str(source)]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        shown = str(value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        super().__init__(f"{', '.join(where)}: got {shown!r}, expected {expected}")

    def __reduce__(self):  # keep the five fields when pickled (parallel runners)
        return (PanelError, (self.source, self.row, self.column, self.value, self.expected))


def panel_source(panel: pd.DataFrame) -> str:
    """The name errors give the panel: ``panel.attrs["source"]`` when set, else ``"panel"``.

    Examples
    --------
    >>> p = pd.DataFrame({"y": [1.0]})
    >>> p.attrs["source"] = "kz_panel.csv"
    >>> panel_source(p), panel_source(pd.DataFrame())
    ('kz_panel.csv', 'panel')
    """
    return str(panel.attrs.get("source", "panel"))


def tidy_panel(
    panel: pd.DataFrame,
    columns: Sequence[str],
    *,
    region: str = "region",
    year: str = "year",
    numeric: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Return ``[region, year, *columns]`` from a wide or long panel, checked.

    Parameters
    ----------
    panel : DataFrame
        Tidy panel, wide by indicator or long by indicator (see module doc).
    columns : sequence of str
        Columns (or indicator ids, for a long panel) the estimator needs.
    region, year : str
        Names of the region and year columns.
    numeric : sequence of str, optional
        Which of ``columns`` must be numbers (default: all of them).
        Missing values are allowed; text is not.

    Returns
    -------
    DataFrame
        One row per (region, year), sorted, with ``year`` as int and the
        numeric columns as float.

    Examples
    --------
    >>> p = pd.DataFrame({"r": ["a", "b"], "t": [2000, 2000], "y": [1.0, 2.0]})
    >>> tidy_panel(p, ["y"], region="r", year="t")["y"].tolist()
    [1.0, 2.0]
    """
    if not isinstance(panel, pd.DataFrame):
        raise PanelError("panel", None, None, type(panel).__name__, "a pandas DataFrame")
    source = panel_source(panel)
    columns = list(dict.fromkeys(c for c in columns if c is not None))
    numeric = columns if numeric is None else list(numeric)
    # A shallow copy without attrs: pandas deep-copies attrs (e.g. the loader's set of
    # approximate cells) on every operation, which would dominate the run time.
    frame = panel.copy(deep=False)
    frame.attrs = {}
    if region not in frame.columns or year not in frame.columns:
        if region in (frame.index.names or []) or year in (frame.index.names or []):
            frame = frame.reset_index()
    for key in (region, year):
        if key not in frame.columns:
            raise PanelError(source, None, key, "(absent)",
                             f"a column named {key!r}; columns are {list(frame.columns)}")
    missing = [c for c in columns if c not in frame.columns]
    if missing and {LONG_INDICATOR, LONG_VALUE} <= set(frame.columns):
        frame = _pivot_long(frame, source, region, year)
        missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise PanelError(source, None, missing[0], "(absent)",
                         f"a column (or indicator id) named {missing[0]!r}; "
                         f"columns are {list(frame.columns)}")
    out = frame[[region, year, *columns]].copy()
    out[year] = _as_years(out[year], source, year)
    for column in numeric:
        out[column] = _as_numbers(out[column], source, column)
    duplicated = out.duplicated([region, year], keep="first")
    if duplicated.any():
        label = out.index[duplicated.to_numpy()][0]
        raise PanelError(source, label, region,
                         (out.at[label, region], int(out.at[label, year])),
                         "one row per region and year")
    out[region] = out[region].astype(str)
    return out.sort_values([region, year], kind="mergesort").reset_index(drop=True)


def _pivot_long(frame, source, region, year):
    keys = [region, year, LONG_INDICATOR]
    duplicated = frame.duplicated(keys, keep="first")
    if duplicated.any():
        label = frame.index[duplicated.to_numpy()][0]
        raise PanelError(source, label, LONG_INDICATOR, tuple(frame.loc[label, keys]),
                         "one row per region, year and indicator")
    wide = frame.pivot(index=[region, year], columns=LONG_INDICATOR, values=LONG_VALUE)
    wide.columns.name = None
    return wide.reset_index()


def _as_years(series, source, column):
    values = pd.to_numeric(series, errors="coerce")
    bad = values.isna() | (values != np.round(values))
    if bad.any():
        label = series.index[bad.to_numpy()][0]
        raise PanelError(source, label, column, series.loc[label], "a whole year such as 2000")
    return values.astype(int)


def _as_numbers(series, source, column):
    values = pd.to_numeric(series, errors="coerce")
    bad = values.isna() & series.notna()
    if bad.any():
        label = series.index[bad.to_numpy()][0]
        raise PanelError(source, label, column, series.loc[label], "a number or a missing value")
    values = values.astype(float)
    infinite = np.isinf(values.to_numpy())
    if infinite.any():
        label = series.index[infinite][0]
        raise PanelError(source, label, column, series.loc[label], "a finite number")
    return values


def observed_years(data: pd.DataFrame, value: str, *, year: str, start: int | None = None,
                   end: int | None = None, source: str = "panel") -> tuple[int, int]:
    """``(start, end)`` as given, else the first and last year in which ``value`` has a figure.

    Raises :class:`PanelError` when ``value`` has no figure at all (the
    estimators that use it need positive levels).

    Examples
    --------
    >>> p = pd.DataFrame({"year": [2000, 2001, 2002], "y": [np.nan, 1.0, 2.0]})
    >>> observed_years(p, "y", year="year"), observed_years(p, "y", year="year", end=2001)
    ((2001, 2002), (2001, 2001))
    """
    observed = data[data[value].notna()]
    if observed.empty:
        raise PanelError(source, None, value, "(no values)", "positive levels")
    first = int(observed[year].min()) if start is None else int(start)
    last = int(observed[year].max()) if end is None else int(end)
    return first, last


def require_positive(frame: pd.DataFrame, column: str, *, region: str, year: str,
                     source: str = "panel", why: str = "its logarithm is taken") -> None:
    """Raise :class:`PanelError` at the first non-positive, non-missing value.

    Examples
    --------
    >>> p = pd.DataFrame({"region": ["a"], "year": [2000], "y": [2.0]})
    >>> require_positive(p, "y", region="region", year="year")
    """
    values = frame[column].to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isnan(values) & (values <= 0))
    if bad.size:
        i = bad[0]
        raise PanelError(source, (frame[region].iloc[i], int(frame[year].iloc[i])), column,
                         float(values[i]), f"a positive number ({why})")


def to_matrix(frame: pd.DataFrame, value: str, *, region: str, year: str) -> pd.DataFrame:
    """Regions by years matrix of one column of a tidy panel (missing stays NaN).

    Examples
    --------
    >>> p = pd.DataFrame({"region": ["a", "a"], "year": [1, 2], "y": [1.0, 2.0]})
    >>> to_matrix(p, "y", region="region", year="year").shape
    (1, 2)
    """
    matrix = frame.pivot(index=region, columns=year, values=value)
    matrix.columns.name, matrix.index.name = year, region
    return matrix.sort_index(axis=0).sort_index(axis=1)
