"""Outlier treatment: the JRC skewness/kurtosis rule with winsorisation.

An indicator is treated when, across regions, |skewness| > ``skewness`` and
excess kurtosis > ``kurtosis`` (bias-corrected sample statistics, as in the
JRC COIN tool). The most extreme value in the long tail is set to the next
value, one at a time, until the rule no longer holds or ``max_values`` values
have been changed. Every change is reported, never silent.
"""

from __future__ import annotations

import numpy as np
from scipy import stats


def _skew_kurt(v: np.ndarray) -> tuple[float, float]:
    if v.size < 4 or np.ptp(v) == 0:
        return 0.0, 0.0  # too few values (or no spread) for the bias-corrected statistics
    return float(stats.skew(v, bias=False)), float(stats.kurtosis(v, fisher=True, bias=False))


def winsorise(values: np.ndarray, skewness: float = 2.0, kurtosis: float = 3.5,
              max_values: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Winsorise each column of ``values`` by the JRC rule.

    Parameters
    ----------
    values : ndarray, shape (regions, indicators)
        NaN = missing (ignored, left as NaN).
    skewness, kurtosis : float
        Thresholds on |skewness| and excess kurtosis.
    max_values : int
        At most this many values are changed per column.

    Returns
    -------
    treated : ndarray
        A copy with the winsorised values.
    changed : ndarray of bool
        True where a value was changed.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[1.0], [2], [2], [3], [3], [3], [4], [4], [5], [60]])
    >>> treated, changed = winsorise(x)
    >>> float(treated[9, 0]), int(changed.sum())
    (5.0, 1)
    """
    x = np.array(values, dtype=float, copy=True)
    changed = np.zeros(x.shape, dtype=bool)
    for j in range(x.shape[1]):
        ok = np.flatnonzero(~np.isnan(x[:, j]))
        treated = {1: 0, -1: 0}  # values already pulled in on the high / low side
        for _ in range(max_values):
            v = x[ok, j]
            s, k = _skew_kurt(v)
            side = 1 if s > 0 else -1
            if not (abs(s) > skewness and k > kurtosis) or treated[side] + 2 > v.size:
                break
            order = np.argsort(v, kind="stable")
            if side < 0:
                order = order[::-1]
            # the long tail is the side the skewness points to; the values
            # already treated there move together with the new extreme one
            n = treated[side] + 1
            tail, target = order[-n:], v[order[-n - 1]]
            x[ok[tail], j] = target
            changed[ok[tail], j] = True
            treated[side] = n
    return x, changed
