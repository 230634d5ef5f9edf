"""Is dispersion falling?  A linear trend of a σ series with a HAC standard error."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._panel import PanelError
from ._regression import newey_west_lags, ols, two_sided_pvalue
from .results import SigmaTrendResult, decide_verdict

__all__ = ["sigma_trend"]


def sigma_trend(series: pd.Series, start: int | None = None, end: int | None = None, *,
                maxlags: int | None = None, alpha: float = 0.05) -> SigmaTrendResult:
    """Slope of a dispersion series on the year, with a Newey–West standard error.

    OLS of ``series[t]`` on ``[1, t]`` for ``start <= t <= end`` (missing
    values dropped).  The covariance is Newey–West with a Bartlett kernel
    and ``maxlags`` lags (default ``floor(4 (n/100)^(2/9))``), scaled by
    ``n/(n-2)``; the p-value uses Student's t with ``n - 2`` degrees of
    freedom, because a dispersion series is short.  A significantly
    negative slope is σ-convergence.

    Parameters
    ----------
    series : Series
        Indexed by year, e.g. ``sigma(panel, "gdp")["cv"]``.
    start, end : int, optional
        First and last year (default: the whole series).
    maxlags : int, optional
        HAC lags.
    alpha : float
        Level of the verdict.

    Returns
    -------
    SigmaTrendResult

    Examples
    --------
    >>> s = pd.Series([0.50, 0.48, 0.47, 0.44, 0.43, 0.40], index=range(2000, 2006))
    >>> r = sigma_trend(s)
    >>> round(r.slope, 4), r.verdict
    (-0.0194, 'converging')
    """
    if not isinstance(series, pd.Series):
        raise PanelError("series", None, None, type(series).__name__,
                         "a pandas Series indexed by year")
    years = pd.to_numeric(pd.Index(series.index), errors="coerce")
    if years.isna().any():
        bad = series.index[np.flatnonzero(years.isna())[0]]
        raise PanelError(str(series.name or "series"), bad, "index", bad, "a year")
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
    years = years.to_numpy(dtype=float)
    start = int(years.min()) if start is None else int(start)
    end = int(years.max()) if end is None else int(end)
    keep = (years >= start) & (years <= end) & ~np.isnan(values)
    n = int(keep.sum())
    if n < 3:
        raise PanelError(str(series.name or "series"), None, "year", f"{n} values in {start}-{end}",
                         "at least three years with a value")
    t, y = years[keep], values[keep]
    lags = newey_west_lags(n) if maxlags is None else int(maxlags)
    # Centre the year so the intercept is the level at mid-period, not in year 0.
    X = np.column_stack([np.ones(n), t - t.mean()])
    fit = ols(y, X, cov="HAC", maxlags=lags)
    slope, se = float(fit.params[1]), float(fit.se[1])
    # A perfectly straight series has zero residuals: the slope is then exact.
    t_stat = slope / se if se > 0 else (np.inf if slope != 0 else np.nan)
    pvalue = two_sided_pvalue(t_stat, fit.df)
    return SigmaTrendResult(
        slope=slope, se=se, pvalue=pvalue, intercept=float(fit.params[0] - slope * t.mean()),
        start=start, end=end, n=n, maxlags=lags,
        verdict=decide_verdict(slope, pvalue, alpha), alpha=alpha)
