"""Dispersion measures of one cross-section of positive values.

Each function takes a 1-d array of positive levels (one per region) and
returns a float.  They are the population (not sample) versions: every
region is one observation of the whole population of regions.
"""

from __future__ import annotations

import numpy as np

__all__ = ["cv", "cv_weighted", "sd_log", "gini", "theil_t", "theil_l", "theil_t_groups"]


def cv(y: np.ndarray) -> float:
    """Coefficient of variation, ``std(y, ddof=0) / mean(y)``.

    Examples
    --------
    >>> round(cv(np.array([1.0, 3.0])), 6)
    0.5
    """
    return float(np.std(y) / np.mean(y))


def cv_weighted(y: np.ndarray, w: np.ndarray) -> float:
    """Williamson's weighted CV, ``sqrt(sum p (y - m)^2) / m``, ``p = w/sum w``, ``m = sum p y``.

    Examples
    --------
    >>> round(cv_weighted(np.array([1.0, 3.0]), np.array([1.0, 1.0])), 6)
    0.5
    """
    p = w / w.sum()
    mean = float(p @ y)
    return float(np.sqrt(p @ (y - mean) ** 2) / mean)


def sd_log(y: np.ndarray) -> float:
    """Standard deviation of ``ln y`` (ddof=0).

    Examples
    --------
    >>> round(sd_log(np.array([1.0, np.e**2])), 6)
    1.0
    """
    return float(np.std(np.log(y)))


def gini(y: np.ndarray) -> float:
    """Gini coefficient, ``sum_i sum_j |y_i - y_j| / (2 n^2 mean)``.

    Computed from the sorted values, ``(2 sum_i i y_(i)) / (n sum y) - (n + 1)/n``.

    Examples
    --------
    >>> round(gini(np.array([1.0, 3.0])), 6)
    0.25
    """
    s = np.sort(y)
    n = s.size
    ranks = np.arange(1, n + 1)
    return float(2 * (ranks @ s) / (n * s.sum()) - (n + 1) / n)


def theil_t(y: np.ndarray) -> float:
    """Theil T (GE(1)), ``mean((y/m) ln(y/m))``.

    Examples
    --------
    >>> theil_t(np.array([2.0, 2.0]))
    0.0
    """
    r = y / y.mean()
    return float(np.mean(r * np.log(r)))


def theil_l(y: np.ndarray) -> float:
    """Theil L (GE(0), mean log deviation), ``mean(ln(m/y))``.

    Examples
    --------
    >>> theil_l(np.array([2.0, 2.0]))
    0.0
    """
    return float(np.mean(np.log(y.mean() / y)))


def theil_t_groups(y: np.ndarray, groups: np.ndarray) -> tuple[float, float]:
    """Exact between/within split of Theil T, returned as ``(between, within)``.

    With group shares of the total ``s_g = n_g m_g / (n m)``:
    ``between = sum_g s_g ln(m_g/m)`` and ``within = sum_g s_g T_g``, where
    ``T_g`` is Theil T inside group ``g``; the two add up to :func:`theil_t`.

    Examples
    --------
    >>> b, w = theil_t_groups(np.array([1.0, 1.0, 3.0, 3.0]), np.array(["a", "a", "b", "b"]))
    >>> round(w, 12), round(b, 6) == round(theil_t(np.array([1.0, 1.0, 3.0, 3.0])), 6)
    (0.0, True)
    """
    mean, total = y.mean(), y.sum()
    between = within = 0.0
    for g in np.unique(groups):
        part = y[groups == g]
        share = part.sum() / total
        between += share * np.log(part.mean() / mean)
        within += share * theil_t(part)
    return float(between), float(within)
