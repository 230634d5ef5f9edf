"""β-convergence over rolling windows: when did convergence start or stop?"""

from __future__ import annotations

from collections.abc import Sequence
import pandas as pd

from ._panel import PanelError, observed_years, panel_source, require_positive, tidy_panel, to_matrix
from .beta import HC_TYPES, estimate_window

__all__ = ["rolling_beta"]

COLUMNS = ("start", "end", "beta", "se", "pvalue", "speed", "speed_se", "half_life",
           "half_life_se", "n", "verdict", "alpha")


def rolling_beta(panel: pd.DataFrame, value: str, *, window: int = 10, step: int = 1,
                 start: int | None = None, end: int | None = None,
                 controls: Sequence[str] | None = None, region: str = "region",
                 year: str = "year", cov_type: str = "HC1",
                 alpha: float = 0.05) -> pd.DataFrame:
    """Cross-section β (see :func:`beta`) for every window ``[t, t + window]``.

    Windows start at ``start, start + step, ...`` while ``t + window <= end``.
    A window with too few regions for the regression is left out.

    Parameters
    ----------
    panel : DataFrame
        Tidy panel.
    value : str
        Column of positive levels.
    window, step : int
        Window length and the distance between window starts, in years.
    start, end : int, optional
        First and last year (default: first and last year with a value).
    controls, region, year, cov_type, alpha
        As in :func:`beta`.

    Returns
    -------
    DataFrame
        Indexed by window start; columns ``start, end, beta, se, pvalue,
        speed, speed_se, half_life, half_life_se, n, verdict, alpha``.

    Examples
    --------
    >>> p = pd.DataFrame({"region": list("abcd") * 3, "year": [0] * 4 + [5] * 4 + [10] * 4,
    ...                   "y": [1.0, 2, 3, 4, 1.3, 2.3, 3.1, 4.0, 1.6, 2.5, 3.2, 4.1]})
    >>> rolling_beta(p, "y", window=5, step=5)["n"].tolist()
    [4, 4]
    """
    controls = tuple(controls or ())
    source = panel_source(panel)
    if int(window) < 1 or int(step) < 1:
        raise PanelError(source, None, year, (window, step), "window and step of at least one year")
    if cov_type not in HC_TYPES:
        raise ValueError(f"cov_type={cov_type!r}: expected one of {', '.join(HC_TYPES)}")
    data = tidy_panel(panel, [value, *controls], region=region, year=year)
    require_positive(data, value, region=region, year=year, source=source)
    first, last = observed_years(data, value, year=year, start=start, end=end, source=source)
    # Reshape once; every window is then a pair of columns.
    levels = to_matrix(data, value, region=region, year=year)
    at_start = {c: to_matrix(data, c, region=region, year=year) for c in controls}
    rows = []
    for t in range(first, last - int(window) + 1, int(step)):
        if t not in levels or t + int(window) not in levels:
            continue
        both = levels[[t, t + int(window)]].notna().all(axis=1).sum()
        if both <= 2 + len(controls):
            continue
        result = estimate_window(levels, at_start, t, t + int(window), cov_type=cov_type,
                                 alpha=alpha, source=source, value=value)
        rows.append({c: getattr(result, c) for c in COLUMNS})
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    return out.set_index(pd.Index(out["start"], name="window_start"))
