"""Aggregation of normalised indicators into pillar scores and a composite, for many weightings at once.

Arithmetic: weighted means at both levels. Geometric: weighted geometric means
at both levels, i.e. ``exp`` of weighted means of logs (the scores must be
positive, see :func:`analysis.index.normalise.rescale_positive`). Both reduce
to matrix products, which is what makes 10,000 Monte Carlo draws cheap.

A missing score (NaN) is left out of its pillar and the pillar's remaining
weights are renormalised (the stated available-case rule).
"""

from __future__ import annotations

import numpy as np

from analysis.index.framework import AGGREGATIONS


def aggregate(scores: np.ndarray, pillar_of: np.ndarray, pillar_weights: np.ndarray,
              indicator_weights: np.ndarray, method: str = "arithmetic") -> tuple[np.ndarray, np.ndarray]:
    """Pillar scores and composite for one or many weightings.

    Parameters
    ----------
    scores : ndarray, shape (regions, indicators)
        Normalised scores, higher is better; NaN = missing.
    pillar_of : ndarray of int, shape (indicators,)
        Pillar number of each indicator (0 .. P-1).
    pillar_weights : ndarray, shape (P,) or (draws, P)
        Pillar weights (renormalised to sum 1 per draw).
    indicator_weights : ndarray, shape (indicators,) or (draws, indicators)
        Within-pillar weights (renormalised within each pillar over the observed indicators).
    method : {"arithmetic", "geometric"}

    Returns
    -------
    pillars : ndarray, shape (regions, P) or (draws, regions, P)
    composite : ndarray, shape (regions,) or (draws, regions)

    Examples
    --------
    >>> import numpy as np
    >>> z = np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 1.0]])
    >>> pillars, comp = aggregate(z, np.array([0, 0, 1]), np.array([1.0, 1.0]), np.ones(3))
    >>> pillars.tolist(), comp.tolist()
    ([[0.5, 0.5], [0.5, 1.0]], [0.5, 0.75])
    """
    if method not in AGGREGATIONS:
        raise ValueError(f"unknown aggregation {method!r}; expected one of {', '.join(AGGREGATIONS)}")
    z = np.asarray(scores, dtype=float)
    pillar_of = np.asarray(pillar_of)
    single = np.ndim(pillar_weights) == 1 and np.ndim(indicator_weights) == 1
    pw = np.atleast_2d(np.asarray(pillar_weights, dtype=float))
    iw = np.atleast_2d(np.asarray(indicator_weights, dtype=float))
    n_draws = max(pw.shape[0], iw.shape[0])
    observed = ~np.isnan(z)
    if method == "geometric":
        if np.any(z[observed] <= 0):
            raise ValueError("geometric aggregation needs positive scores; rescale them first")
        with np.errstate(divide="ignore"):
            z = np.log(z)
    values = np.where(observed, z, 0.0)
    mask = observed.astype(float)
    n_p = pw.shape[1]
    pillars = np.empty((n_draws, z.shape[0], n_p))
    for p in range(n_p):
        cols = pillar_of == p
        w = iw[:, cols]                                    # (draws or 1, k)
        num = values[:, cols] @ w.T                        # (regions, draws or 1)
        den = mask[:, cols] @ w.T
        with np.errstate(invalid="ignore", divide="ignore"):
            pillars[:, :, p] = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan).T
    pw_norm = pw / pw.sum(axis=1, keepdims=True)
    composite = np.einsum("drp,dp->dr", pillars, np.broadcast_to(pw_norm, (n_draws, n_p)))
    if method == "geometric":
        pillars, composite = np.exp(pillars), np.exp(composite)
    if single:
        return pillars[0], composite[0]
    return pillars, composite
