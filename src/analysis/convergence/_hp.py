"""The Hodrick–Prescott trend, used to take the business cycle out before the log t test."""

from __future__ import annotations

import numpy as np

__all__ = ["hp_trend"]


def hp_trend(X: np.ndarray, lamb: float) -> np.ndarray:
    """Hodrick–Prescott trend of every row of ``X``: ``(I + lamb D'D)^{-1} x``.

    Examples
    --------
    >>> hp_trend(np.array([[1.0, 2.0, 3.0, 4.0]]), 100.0).round(6).tolist()
    [[1.0, 2.0, 3.0, 4.0]]
    """
    T = X.shape[1]
    D = np.diff(np.eye(T), n=2, axis=0)
    return np.linalg.solve(np.eye(T) + lamb * D.T @ D, X.T).T
