"""Sensitivity of event-study effects to violations of parallel trends (Rambachan and Roth 2023).

The event-study coefficients are ``beta = tau + delta``: the effect ``tau`` (zero before
treatment) plus a bias ``delta`` from a violation of parallel trends, with ``delta`` equal to the
coefficients themselves before treatment. Restricting how ``delta`` may continue after treatment
gives an *identified set* for the effect ``theta = l' tau_post``:

* **relative magnitudes** ``Delta^RM(Mbar)``: no post-treatment change of the bias,
  ``|delta_t - delta_{t-1}|``, is larger than ``Mbar`` times the largest pre-treatment change;
* **smoothness** ``Delta^SD(M)``: the slope of the bias changes by at most ``M`` per period,
  ``|(delta_{t+1} - delta_t) - (delta_t - delta_{t-1})| <= M`` (``M = 0``: a linear trend
  extrapolated from the pre-period).

Both are linear programs (solved with scipy's HiGHS). Indices follow the paper: pre-periods
``-T_pre .. -1``, the reference period ``0`` (``delta_0 = 0``), post-periods ``1 .. T_post``.
:func:`event_study_bounds` maps this library's event study (reference ``-1``, first treated
period ``0``) onto it and leaves out the binned window ends.

These are bounds on the identified set *at the estimated coefficients*: they show how large a
violation would overturn the estimate, without sampling uncertainty (the paper's confidence sets
add it; not implemented here).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linprog

__all__ = ["honest_bounds", "event_study_bounds", "breakdown_value"]

RESTRICTIONS = ("relative_magnitudes", "smoothness")


def _bias_program(pre: np.ndarray, n_post: int, restriction: str, m: float):
    """Inequalities ``A x <= b`` on the post-period bias ``x = delta_post`` given ``delta_pre = pre``."""
    # full path of delta: pre (fixed), 0 at the reference, post (free)
    path_fixed = np.concatenate([pre, [0.0]])
    n_fixed = len(path_fixed)
    rows, rhs = [], []
    if restriction == "relative_magnitudes":
        bound = m * np.max(np.abs(np.diff(path_fixed))) if len(path_fixed) > 1 else 0.0
        for t in range(n_post):  # |x_t - x_{t-1}| <= bound, x_{-1} = delta_0 = 0
            row = np.zeros(n_post)
            row[t] = 1.0
            if t > 0:
                row[t - 1] = -1.0
            rows += [row, -row]
            rhs += [bound, bound]
    elif restriction == "smoothness":
        # second differences over the whole path (fixed part contributes constants)
        total = n_fixed + n_post
        for c in range(1, total - 1):
            coef = {c - 1: 1.0, c: -2.0, c + 1: 1.0}
            row = np.zeros(n_post)
            const = 0.0
            for k, w in coef.items():
                if k < n_fixed:
                    const += w * path_fixed[k]
                else:
                    row[k - n_fixed] += w
            if not row.any():
                continue  # a pre-period-only moment: a fact about the data, not a restriction on x
            rows += [row, -row]
            rhs += [m - const, m + const]
    else:
        raise ValueError(f"restriction={restriction!r}: expected one of {', '.join(RESTRICTIONS)}")
    return np.array(rows), np.array(rhs)


def honest_bounds(pre: Sequence[float], post: Sequence[float], m: float,
                  restriction: str = "relative_magnitudes", weights: Sequence[float] | None = None
                  ) -> tuple[float, float]:
    """Identified set of ``theta = weights' tau_post`` under a restriction of size ``m``.

    Parameters
    ----------
    pre : sequence of float
        Pre-treatment coefficients for periods ``-T_pre .. -1`` (reference period 0 excluded).
    post : sequence of float
        Post-treatment coefficients for periods ``1 .. T_post``.
    m : float
        ``Mbar`` (relative magnitudes) or ``M`` (smoothness), ``>= 0``.
    restriction : {"relative_magnitudes", "smoothness"}
    weights : sequence of float, optional
        ``l``; default the first post period.

    Returns
    -------
    (lower, upper)

    Examples
    --------
    A linear pre-trend of 0.1 per period, extrapolated exactly when ``M = 0``:

    >>> honest_bounds([-0.2, -0.1], [0.5, 0.6], 0.0, "smoothness")
    (0.4, 0.4)
    >>> lo, hi = honest_bounds([0.0, 0.1], [0.5], 1.0)   # |bias| <= 1 x 0.1
    >>> round(lo, 6), round(hi, 6)
    (0.4, 0.6)
    """
    pre, post = np.asarray(pre, float), np.asarray(post, float)
    if m < 0 or not np.isfinite(m):
        raise ValueError(f"m={m!r}: expected a finite number >= 0")
    if len(pre) < 1 or len(post) < 1:
        raise ValueError("need at least one pre-treatment and one post-treatment coefficient")
    l = np.zeros(len(post)) if weights is None else np.asarray(weights, float)
    if weights is None:
        l[0] = 1.0
    A, b = _bias_program(pre, len(post), restriction, float(m))
    free = [(None, None)] * len(post)
    lo_bias = linprog(l, A_ub=A, b_ub=b, bounds=free, method="highs")
    hi_bias = linprog(-l, A_ub=A, b_ub=b, bounds=free, method="highs")
    if not (lo_bias.success and hi_bias.success):
        raise ValueError(f"no bias path satisfies the {restriction} restriction with m={m}")
    theta = float(l @ post)
    # theta = l'beta_post - l'delta_post
    return round(theta + hi_bias.fun, 12), round(theta - lo_bias.fun, 12)


def event_study_bounds(table: pd.DataFrame, m_grid: Sequence[float], restriction: str = "relative_magnitudes",
                       *, rel_time: str = "rel_time", estimate: str = "estimate", reference: int = -1,
                       window: tuple[int, int] | None = None, weights: str = "first") -> pd.DataFrame:
    """Bounds for an event study's effect over a grid of ``m``.

    ``table`` has one row per relative time (this library's :class:`EventStudyResult.table`:
    reference ``-1``, treatment in period 0). Binned window ends (``window``) are left out.
    ``weights``: ``"first"`` (the first treated period) or ``"average"`` (mean over post periods).

    Examples
    --------
    >>> t = pd.DataFrame({"rel_time": [-3, -2, -1, 0, 1], "estimate": [-0.2, -0.1, 0.0, 0.5, 0.6]})
    >>> event_study_bounds(t, [0.0], "smoothness")[["m", "lower", "upper"]].values.round(6).tolist()
    [[0.0, 0.4, 0.4]]
    """
    tab = table[[rel_time, estimate]].dropna().sort_values(rel_time)
    if window is not None:
        tab = tab[(tab[rel_time] > window[0]) & (tab[rel_time] < window[1])]
    pre = tab.loc[tab[rel_time] < reference, estimate].to_numpy()
    post = tab.loc[tab[rel_time] > reference, estimate].to_numpy()
    l = None if weights == "first" else np.full(len(post), 1.0 / len(post))
    rows = [(float(m), *honest_bounds(pre, post, float(m), restriction, l)) for m in m_grid]
    out = pd.DataFrame(rows, columns=["m", "lower", "upper"])
    out["restriction"] = restriction
    out["includes_zero"] = (out["lower"] <= 0) & (out["upper"] >= 0)
    return out


def breakdown_value(pre: Sequence[float], post: Sequence[float], restriction: str = "relative_magnitudes",
                    weights: Sequence[float] | None = None, upper: float = 100.0, tol: float = 1e-6) -> float:
    """Smallest ``m`` whose identified set includes zero (bisection; ``inf`` if none up to ``upper``).

    Examples
    --------
    >>> round(breakdown_value([0.0, 0.1], [0.5]), 4)
    5.0
    """
    def has_zero(m):
        lo, hi = honest_bounds(pre, post, m, restriction, weights)
        return lo <= 0 <= hi

    if has_zero(0.0):
        return 0.0
    if not has_zero(upper):
        return float("inf")
    a, b = 0.0, upper
    while b - a > tol:
        mid = 0.5 * (a + b)
        a, b = (a, mid) if has_zero(mid) else (mid, b)
    return b
