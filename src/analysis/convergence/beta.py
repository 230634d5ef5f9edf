"""Cross-section β-convergence: do poorer regions grow faster?"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._panel import PanelError, panel_source, require_positive, tidy_panel, to_matrix
from ._regression import implied_speed, ols, two_sided_pvalue
from .results import BetaResult, decide_verdict

__all__ = ["beta"]

HC_TYPES = ("HC0", "HC1", "HC2", "HC3")


def beta(panel: pd.DataFrame, value: str, start: int, end: int, *,
         controls: Sequence[str] | None = None, region: str = "region", year: str = "year",
         cov_type: str = "HC1", alpha: float = 0.05) -> BetaResult:
    """Absolute or conditional β-convergence over one window ``[start, end]``.

    With ``T = end - start``, for every region with a positive value in both
    years (and every control in ``start``) the regression is

    ``(ln y_end - ln y_start) / T = a + beta * ln y_start + c' x_start + e``

    by OLS, with heteroskedasticity-robust (``cov_type``, default HC1)
    standard errors and Student's t with ``n - k`` degrees of freedom.  A
    negative ``beta`` is convergence; the implied speed is
    ``λ = -ln(1 + Tβ)/T`` per year and the half-life ``ln 2 / λ`` years,
    both with delta-method standard errors.  Without ``controls`` this is
    absolute β-convergence; with them (measured in ``start``), conditional.

    Parameters
    ----------
    panel : DataFrame
        Tidy panel (wide or long by indicator).
    value : str
        Column of positive levels.
    start, end : int
        First and last year of the window (``end > start``).
    controls : sequence of str, optional
        Columns taken in year ``start`` as conditioning variables.
    region, year : str
        Column names.
    cov_type : {"HC0", "HC1", "HC2", "HC3"}
        Robust covariance.
    alpha : float
        Level of the verdict.

    Returns
    -------
    BetaResult

    Examples
    --------
    >>> p = pd.DataFrame({"region": list("abcd") * 2, "year": [0] * 4 + [10] * 4,
    ...                   "y": [1.0, 2.0, 3.0, 4.0, 1.50, 2.40, 3.25, 4.10]})
    >>> r = beta(p, "y", 0, 10)
    >>> r.n, r.beta < 0
    (4, True)
    """
    controls = tuple(controls or ())
    source = panel_source(panel)
    if not int(end) > int(start):
        raise PanelError(source, None, year, (start, end), "a window with end later than start")
    start, end = int(start), int(end)
    data = tidy_panel(panel, [value, *controls], region=region, year=year)
    data = data[data[year].isin((start, end))]
    require_positive(data, value, region=region, year=year, source=source)
    levels = to_matrix(data, value, region=region, year=year)
    at_start = {c: to_matrix(data, c, region=region, year=year) for c in controls}
    return estimate_window(levels, at_start, start, end, cov_type=cov_type, alpha=alpha,
                           source=source, value=value)


def estimate_window(levels: pd.DataFrame, controls: dict[str, pd.DataFrame], start: int, end: int,
                    *, cov_type: str = "HC1", alpha: float = 0.05, source: str = "panel",
                    value: str = "value") -> BetaResult:
    """The β regression on a regions-by-years matrix of checked, positive levels.

    Shared by :func:`beta` and the rolling windows, which check and reshape
    the panel once.  ``controls`` maps each control's name to its own
    regions-by-years matrix.

    Examples
    --------
    >>> m = pd.DataFrame({0: [1.0, 2.0, 3.0, 4.0], 5: [1.5, 2.4, 3.2, 4.1]}, index=list("abcd"))
    >>> estimate_window(m, {}, 0, 5).n
    4
    """
    if cov_type not in HC_TYPES:
        raise ValueError(f"cov_type={cov_type!r}: expected one of {', '.join(HC_TYPES)}")
    names = tuple(controls)
    # Plain arrays: this runs once per window in rolling_beta, so pandas overhead counts.
    columns = [levels[start].to_numpy(float) if start in levels else np.full(len(levels), np.nan),
               levels[end].to_numpy(float) if end in levels else np.full(len(levels), np.nan)]
    columns += [controls[c][start].reindex(levels.index).to_numpy(float)
                if start in controls[c] else np.full(len(levels), np.nan) for c in names]
    table = np.column_stack(columns)
    keep = ~np.isnan(table).any(axis=1)
    complete, regions = table[keep], levels.index[keep]
    k = 2 + len(names)
    if len(complete) <= k:
        raise PanelError(source, None, value, f"{len(complete)} regions with values in {start} and {end}",
                         f"more than {k} regions with both years" +
                         (" and the controls" if names else ""))
    horizon = end - start
    log0 = np.log(complete[:, 0])
    growth = (np.log(complete[:, 1]) - log0) / horizon
    X = np.column_stack([np.ones(len(complete)), log0, complete[:, 2:]])
    try:
        fit = ols(growth, X, cov=cov_type)
    except ValueError as err:
        raise PanelError(source, None, ", ".join((value, *names)), str(err),
                         "initial levels and controls that are not collinear") from None
    b, se = float(fit.params[1]), float(fit.se[1])
    pvalue = two_sided_pvalue(b / se if se > 0 else np.inf, fit.df)
    speed, speed_se, half_life, half_life_se = implied_speed(b, se, horizon)
    warnings = []
    if len(complete) < len(table):
        warnings.append("unbalanced_sample")
    if np.isnan(speed):
        warnings.append("speed_undefined")
    elif np.isnan(half_life):
        warnings.append("no_half_life")
    return BetaResult(
        beta=b, se=se, pvalue=pvalue, speed=speed, speed_se=speed_se, half_life=half_life,
        half_life_se=half_life_se, intercept=float(fit.params[0]), r2=fit.r2,
        n=len(complete), df=fit.df, start=start, end=end, horizon=horizon,
        method="cross_section", cov_type=cov_type, controls=names,
        sample=tuple((str(r), start, end) for r in regions),
        verdict=decide_verdict(b, pvalue, alpha), alpha=alpha, warnings=tuple(warnings))
