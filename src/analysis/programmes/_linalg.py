"""Shared numerics of the programme estimators: fixed-effect projection and
cluster-robust OLS.

Nothing here knows about regions or years; inputs are plain arrays. The result
classes in :mod:`analysis.programmes.results` hold no numerics, everything they
report is computed here or in the estimator modules.

Example
-------
>>> import numpy as np
>>> unit = np.repeat(np.arange(3), 4); time = np.tile(np.arange(4), 3)
>>> F = fixed_effects_design(unit, time)
>>> F.shape
(12, 6)
>>> proj = Projection(F)
>>> bool(np.allclose(proj.residualise(np.ones(12)), 0.0))
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["fixed_effects_design", "Projection", "cluster_ols", "ClusterOls", "encode"]


def encode(values) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes 0..K-1 and the sorted distinct values they stand for."""
    levels, codes = np.unique(np.asarray(values), return_inverse=True)
    return codes.astype(np.int64), levels


def fixed_effects_design(*codes: np.ndarray) -> np.ndarray:
    """Dummy matrix of several fixed effects (first level of each but the first dropped).

    Dropping one level per extra factor keeps the matrix of full column rank on a
    connected panel; rank is never assumed anyway (:class:`Projection` uses a QR with
    a rank check).
    """
    blocks = []
    for position, code in enumerate(codes):
        code = np.asarray(code, dtype=np.int64)
        k = int(code.max()) + 1
        block = np.zeros((code.size, k))
        block[np.arange(code.size), code] = 1.0
        blocks.append(block if position == 0 else block[:, 1:])
    return np.hstack(blocks)


class Projection:
    """Orthogonal projection off the column space of a nuisance design ``F``.

    ``residualise(Z)`` returns ``M_F Z`` (Frisch-Waugh-Lovell). The basis is an
    orthonormal QR basis restricted to the numerically independent columns, so
    collinear dummies (e.g. unit effects nested in a cluster effect) are harmless.
    """

    def __init__(self, F: np.ndarray):
        F = np.asarray(F, dtype=float)
        if F.size == 0:
            self.basis = np.zeros((F.shape[0], 0))
        else:
            q, r = np.linalg.qr(F)
            diag = np.abs(np.diag(r))
            keep = diag > 1e-10 * max(diag.max(), 1.0)
            if keep.all():
                self.basis = q
            else:  # rank deficient: an SVD gives a clean basis of the span
                u, s, _ = np.linalg.svd(F, full_matrices=False)
                self.basis = u[:, s > 1e-10 * s.max()]
        self.rank = self.basis.shape[1]

    def residualise(self, Z: np.ndarray) -> np.ndarray:
        Z = np.asarray(Z, dtype=float)
        return Z - self.basis @ (self.basis.T @ Z)


@dataclass(frozen=True)
class ClusterOls:
    """Coefficients, cluster-robust covariance (CRV1) and what went into them."""

    coef: np.ndarray
    vcov: np.ndarray
    resid: np.ndarray
    n_obs: int
    n_clusters: int
    n_params: int
    small_sample_factor: float


def cluster_ols(
    y: np.ndarray,
    X: np.ndarray,
    nuisance: Projection,
    cluster: np.ndarray,
    *,
    nested_params: int = 0,
) -> ClusterOls:
    """OLS of ``y`` on ``X`` with the nuisance design partialled out; CRV1 covariance.

    Degrees-of-freedom convention (that of Stata ``reghdfe`` and pyfixest's default
    ``ssc(k_adj=True, k_fixef="nonnested", G_adj=True)``)::

        c = G / (G - 1) * (n - 1) / (n - k)

    where ``k`` counts the coefficients in ``X`` plus the nuisance rank, minus
    ``nested_params`` (fixed effects nested in the clusters, which cost no degree of
    freedom because the cluster sums already absorb them). ``nested_params=0`` gives
    the statsmodels convention for a regression with explicit dummies.
    """
    y = np.asarray(y, dtype=float)
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    Xt = nuisance.residualise(X)
    yt = nuisance.residualise(y)
    xtx = Xt.T @ Xt
    xtx_inv = np.linalg.pinv(xtx)
    coef = xtx_inv @ (Xt.T @ yt)
    resid = yt - Xt @ coef
    codes, _ = encode(cluster)
    G = int(codes.max()) + 1
    scores = np.zeros((G, X.shape[1]))
    np.add.at(scores, codes, Xt * resid[:, None])
    n = y.size
    k = X.shape[1] + nuisance.rank - nested_params
    factor = G / (G - 1) * (n - 1) / (n - k)
    vcov = factor * xtx_inv @ (scores.T @ scores) @ xtx_inv
    return ClusterOls(coef, vcov, resid, n, G, k, factor)


def nested_in(inner: np.ndarray, outer: np.ndarray) -> bool:
    """True when every level of ``inner`` lies inside one level of ``outer``."""
    frame = np.unique(np.column_stack([encode(inner)[0], encode(outer)[0]]), axis=0)
    return np.unique(frame[:, 0]).size == frame.shape[0]
