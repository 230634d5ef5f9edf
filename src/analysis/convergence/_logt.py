"""The Phillips–Sul log t regression and its long-run variance.

Kept apart from the clustering algorithm in :mod:`.clubs`, which only asks
"does this group of units converge?" many times over.
"""

from __future__ import annotations

import numpy as np

from ._regression import ols

__all__ = ["LogT", "andrews_long_run_variance"]

HAC_METHODS = ("andrews", "newey-west")


def andrews_long_run_variance(resid: np.ndarray) -> float:
    """Long-run variance of residuals as in Phillips & Sul's own code.

    Quadratic-spectral kernel, ``k(x) = 25/(12 pi^2 x^2) (sin(6 pi x/5)/(6 pi x/5) - cos(6 pi x/5))``,
    with Andrews' (1991) AR(1) plug-in bandwidth ``1.3221 (a T)^(1/5)``,
    ``a = 4 rho^2 / (1 - rho)^4``.  The sums follow the authors' GAUSS code
    as carried into the R package ``ConvergenceClubs`` (``andrs2``): the
    autocovariances run over the first ``T - 1`` residuals and every moment
    is divided by ``T - 1``.

    Examples
    --------
    >>> round(andrews_long_run_variance(np.array([1.0, -1.0, 0.5, -0.5, 0.2, 0.1])), 4)
    0.1404
    """
    x = np.asarray(resid, dtype=float)
    T = x.size
    rho = float(x[:-1] @ x[1:] / (x[:-1] @ x[:-1]))
    a = 4 * rho**2 / (1 - rho) ** 4
    band = 1.3221 * (a * T) ** 0.2
    tt = T - 1
    lrv = float(x @ x) / tt
    if band == 0:
        return lrv
    for j in range(1, tt):
        z = j / band
        arg = 1.2 * np.pi * z
        weight = 25 * (np.sin(arg) / arg - np.cos(arg)) / (12 * (np.pi * z) ** 2)
        lrv += 2 * float(weight) * float(x[: tt - j] @ x[j:tt]) / tt
    return lrv


class LogT:
    """``ln(H_1/H_t) - 2 ln(ln t) = a + b ln t`` on any subset of the rows of ``X``.

    ``X`` holds one unit per row and one period per column.  The regression
    runs over ``t = round(trim * T) + 1, ..., T`` (the convention of
    ``ConvergenceClubs``); calling the object with row indices returns
    ``(b, t_b)``.  ``hac="andrews"`` uses :func:`andrews_long_run_variance`
    times ``(X'X)^{-1}`` (Phillips & Sul); ``"newey-west"`` a Bartlett sandwich.

    Examples
    --------
    >>> t = np.arange(1, 21)
    >>> X = np.vstack([5 + a / t for a in (-1.0, 0.0, 1.0, 2.0)])
    >>> b, t_b = LogT(X)([0, 1, 2, 3])
    >>> b > 0 and t_b > -1.65
    True
    """

    def __init__(self, X: np.ndarray, trim: float = 1 / 3, hac: str = "andrews"):
        if hac not in HAC_METHODS:
            raise ValueError(f"hac={hac!r}: expected one of {', '.join(HAC_METHODS)}")
        self.X, self.hac = X, hac
        T = X.shape[1]
        self.t = np.arange(max(round(T * trim) + 1, 2), T + 1)
        self.design = np.column_stack([np.ones(self.t.size), np.log(self.t)])
        self.xtx_inv = np.linalg.inv(self.design.T @ self.design)

    def __call__(self, members) -> tuple[float, float]:
        sub = self.X[np.asarray(members)]
        h = sub / sub.mean(axis=0)
        H = ((h - 1) ** 2).mean(axis=0)
        if H[0] <= 0 or np.any(H[self.t - 1] <= 0):
            # Identical paths: perfectly converged, the test cannot reject.
            return float("inf"), float("inf")
        y = np.log(H[0] / H[self.t - 1]) - 2 * np.log(np.log(self.t))
        if self.hac == "newey-west":
            fit = ols(y, self.design, cov="HAC")
            b, se = float(fit.params[1]), float(fit.se[1])
        else:
            params = self.xtx_inv @ (self.design.T @ y)
            resid = y - self.design @ params
            b = float(params[1])
            se = float(np.sqrt(self.xtx_inv[1, 1] * andrews_long_run_variance(resid)))
        return b, (b / se if se > 0 else float(np.sign(b) * np.inf))
