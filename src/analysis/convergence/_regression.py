"""Least squares with robust covariances: the numerics behind β, σ-trends and log t.

Kept apart from the estimators so each estimator module only says *which*
regression it runs.  Conventions follow Stata and statsmodels so the
results can be checked against those implementations:

- HC0–HC3 heteroskedasticity-robust covariances (MacKinnon & White 1985);
- one-way cluster-robust covariance (CR1) with the small-sample factor
  ``G/(G-1) * (N-1)/(N-K)``;
- Newey–West (Bartlett kernel) HAC covariance, optionally scaled by
  ``N/(N-K)`` as Stata's ``newey`` (statsmodels with ``use_correction=True``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
# scipy.special, not scipy.stats: the latter costs seconds to import on every kernel.
from scipy import special

__all__ = ["Fit", "ols", "newey_west_lags", "two_sided_pvalue", "implied_speed"]


@dataclass(frozen=True, eq=False)
class Fit:
    """Coefficients, covariance and residual degrees of freedom of one fit."""

    params: np.ndarray
    cov: np.ndarray
    resid: np.ndarray
    df: float
    r2: float

    @property
    def se(self) -> np.ndarray:
        return np.sqrt(np.diag(self.cov))


def newey_west_lags(n: int) -> int:
    """The Newey–West (1994) rule of thumb ``floor(4 (n/100)^(2/9))``.

    Examples
    --------
    >>> newey_west_lags(24)
    2
    """
    return int(np.floor(4 * (n / 100) ** (2 / 9)))


def two_sided_pvalue(t: float, df: float | None) -> float:
    """Two-sided p-value of a t statistic (normal when ``df`` is None).

    Examples
    --------
    >>> round(two_sided_pvalue(1.96, None), 3)
    0.05
    """
    if np.isnan(t):
        return float("nan")
    if np.isinf(t):
        return 0.0
    if df is None:
        return float(2 * special.ndtr(-abs(t)))
    return float(2 * special.stdtr(df, -abs(t)))


def ols(y, X, *, cov: str = "HC1", groups=None, nested_columns: int = 0,
        maxlags: int | None = None, hac_correction: bool = True) -> Fit:
    """Ordinary least squares of ``y`` on ``X`` with the requested covariance.

    Parameters
    ----------
    y : array (n,)
    X : array (n, k), full column rank
    cov : {"nonrobust", "HC0", "HC1", "HC2", "HC3", "cluster", "HAC"}
    groups : array (n,), for ``cov="cluster"``
    nested_columns : int
        For ``cov="cluster"``: how many columns of ``X`` are dummies nested in
        the clusters (region fixed effects when clustering by region).  They
        are not counted in ``K`` of the small-sample factor, the convention of
        Stata's ``xtreg, fe`` and ``reghdfe``.
    maxlags : int, optional
        For ``cov="HAC"`` (default :func:`newey_west_lags`).
    hac_correction : bool
        For ``cov="HAC"``: scale by ``n/(n-k)`` (as Stata's ``newey``).

    Returns
    -------
    Fit
        ``df`` is ``n - k`` except for clusters, where it is ``G - 1``.

    Examples
    --------
    >>> X = np.column_stack([np.ones(4), [0.0, 1.0, 2.0, 3.0]])
    >>> ols(np.array([1.0, 3.0, 5.0, 7.0]), X).params.round(6).tolist()
    [1.0, 2.0]
    """
    y = np.asarray(y, dtype=float)
    X = np.asarray(X, dtype=float)
    n, k = X.shape
    if n <= k:
        raise ValueError(f"{n} observations for {k} coefficients: need more observations")
    XtX = X.T @ X
    # The rank of X'X is the rank of X, at a fraction of the cost of an SVD of X.
    if np.linalg.matrix_rank(XtX, hermitian=True) < k:
        raise ValueError("the regressors are collinear: a coefficient is not identified")
    XtX_inv = np.linalg.pinv(XtX, hermitian=True)
    params = XtX_inv @ (X.T @ y)
    resid = y - X @ params
    ss_res = float(resid @ resid)
    centred = y - y.mean()
    r2 = 1 - ss_res / float(centred @ centred) if centred.any() else float("nan")
    df = float(n - k)
    if cov == "nonrobust":
        matrix = XtX_inv * ss_res / (n - k)
    elif cov in ("HC0", "HC1", "HC2", "HC3"):
        matrix = _hc(X, resid, XtX_inv, cov)
    elif cov == "cluster":
        matrix, n_groups = _cluster(X, resid, XtX_inv, groups, k - nested_columns)
        df = float(n_groups - 1)
    elif cov == "HAC":
        lags = newey_west_lags(n) if maxlags is None else int(maxlags)
        matrix = _hac(X, resid, XtX_inv, lags)
        if hac_correction:
            matrix = matrix * n / (n - k)
    else:
        raise ValueError(f"cov={cov!r}: expected one of nonrobust, HC0-HC3, cluster, HAC")
    return Fit(params=params, cov=matrix, resid=resid, df=df, r2=r2)


def _hc(X, resid, XtX_inv, kind):
    n, k = X.shape
    u2 = resid**2
    if kind in ("HC2", "HC3"):
        leverage = np.einsum("ij,jk,ik->i", X, XtX_inv, X)
        u2 = u2 / (1 - leverage) ** (1 if kind == "HC2" else 2)
    meat = (X * u2[:, None]).T @ X
    matrix = XtX_inv @ meat @ XtX_inv
    return matrix * n / (n - k) if kind == "HC1" else matrix


def _cluster(X, resid, XtX_inv, groups, k_counted):
    n = X.shape[0]
    _, codes = np.unique(np.asarray(groups), return_inverse=True)
    n_groups = int(codes.max()) + 1
    scores = np.zeros((n_groups, X.shape[1]))
    np.add.at(scores, codes, X * resid[:, None])
    matrix = XtX_inv @ (scores.T @ scores) @ XtX_inv
    factor = n_groups / (n_groups - 1) * (n - 1) / (n - k_counted)
    return matrix * factor, n_groups


def _hac(X, resid, XtX_inv, lags):
    scores = X * resid[:, None]
    meat = scores.T @ scores
    for lag in range(1, lags + 1):
        weight = 1 - lag / (lags + 1)
        gamma = scores[lag:].T @ scores[:-lag]
        meat += weight * (gamma + gamma.T)
    return XtX_inv @ meat @ XtX_inv


def implied_speed(beta: float, se: float, horizon: float) -> tuple[float, float, float, float]:
    """Speed λ = −ln(1 + Tβ)/T and half-life ln 2/λ with delta-method standard errors.

    ``dλ/dβ = −1/(1 + Tβ)`` and ``d(ln 2/λ)/dβ = ln 2 / (λ² (1 + Tβ))``.
    The speed is missing when ``1 + Tβ <= 0``; the half-life is missing
    unless ``λ > 0`` (there is no half-life of a gap that widens).

    Returns
    -------
    tuple
        ``(speed, speed_se, half_life, half_life_se)``.

    Examples
    --------
    >>> [round(v, 4) for v in implied_speed(-0.02, 0.005, 10)]
    [0.0223, 0.0062, 31.0628, 8.7004]
    """
    base = 1 + horizon * beta
    if not base > 0:
        return (float("nan"),) * 4
    speed = -np.log(base) / horizon
    speed_se = se / base
    if not speed > 0:
        return float(speed), float(speed_se), float("nan"), float("nan")
    half_life = np.log(2) / speed
    half_life_se = np.log(2) * speed_se / speed**2
    return float(speed), float(speed_se), float(half_life), float(half_life_se)
