"""Weights: equal, and PCA/factor-based (JRC/OECD Handbook, section 6.1).

A weighting is returned as (pillar weights, within-pillar indicator weights):
pillar weights sum to 1, and the indicator weights of each pillar sum to 1.
The effective weight of an indicator in an arithmetic composite is the product.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PcaStructure:
    """Eigenstructure behind the PCA weights (for the coherence report)."""

    eigenvalues: np.ndarray          # of the indicators' correlation matrix, descending
    explained: np.ndarray            # share of variance of each component
    n_factors: int                   # components kept
    rotated_loadings: np.ndarray     # indicators × kept factors, after varimax


def varimax(loadings: np.ndarray, max_sweeps: int = 200, tol: float = 1e-12) -> np.ndarray:
    """Raw varimax rotation of a loadings matrix (Kaiser 1958, pairwise closed-form angles).

    Each sweep rotates every pair of factors by the angle that maximises the
    varimax criterion for that pair; sweeps stop when no angle exceeds ``tol``.
    (The SVD iteration converges very slowly from the unrotated PCA solution.)

    Examples
    --------
    >>> import numpy as np
    >>> a = np.array([[0.8, 0.3], [0.7, 0.4], [0.3, 0.8], [0.2, 0.9]])
    >>> r = varimax(a)
    >>> bool(np.allclose((r ** 2).sum(axis=1), (a ** 2).sum(axis=1)))  # rotations keep communalities
    True
    """
    lam = np.array(loadings, dtype=float, copy=True)
    p, k = lam.shape
    for _ in range(max_sweeps):
        largest = 0.0
        for i in range(k - 1):
            for j in range(i + 1, k):
                x, y = lam[:, i], lam[:, j]
                u, v = x * x - y * y, 2 * x * y
                a, b = u.sum(), v.sum()
                num = 2 * (u * v).sum() - 2 * a * b / p
                den = (u * u - v * v).sum() - (a * a - b * b) / p
                phi = np.arctan2(num, den) / 4
                largest = max(largest, abs(phi))
                c, s = np.cos(phi), np.sin(phi)
                lam[:, i], lam[:, j] = x * c + y * s, -x * s + y * c
        if largest < tol:
            break
    return lam


def _pillar_split(indicator_weights: np.ndarray, pillar_of: np.ndarray, n_pillars: int) -> tuple[np.ndarray, np.ndarray]:
    w = np.asarray(indicator_weights, dtype=float)
    pillar_w = np.bincount(pillar_of, weights=w, minlength=n_pillars)
    within = w / np.where(pillar_w[pillar_of] > 0, pillar_w[pillar_of], 1.0)
    return pillar_w / pillar_w.sum(), within


def equal_weights(pillar_of: np.ndarray, pillar_weights: np.ndarray | None = None,
                  indicator_weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The declared (by default equal) weights, normalised.

    Examples
    --------
    >>> import numpy as np
    >>> pw, iw = equal_weights(np.array([0, 0, 1]))
    >>> pw.tolist(), iw.tolist()
    ([0.5, 0.5], [0.5, 0.5, 1.0])
    """
    pillar_of = np.asarray(pillar_of)
    n_p = int(pillar_of.max()) + 1
    pw = np.ones(n_p) if pillar_weights is None else np.asarray(pillar_weights, dtype=float)
    iw = np.ones(pillar_of.size) if indicator_weights is None else np.asarray(indicator_weights, dtype=float)
    sums = np.bincount(pillar_of, weights=iw, minlength=n_p)
    return pw / pw.sum(), iw / sums[pillar_of]


def pca_structure(scores: np.ndarray, min_explained: float = 0.6) -> PcaStructure:
    """PCA of the indicators' correlation matrix (complete rows) and the kept, rotated factors.

    Components with eigenvalue > 1 are kept; if they explain less than
    ``min_explained`` of the variance, further components are added until they do.

    Examples
    --------
    >>> import numpy as np
    >>> z = np.random.default_rng(0).normal(size=(30, 4))
    >>> st = pca_structure(z)
    >>> bool(np.isclose(st.eigenvalues.sum(), 4)), st.rotated_loadings.shape[0]
    (True, 4)
    """
    z = np.asarray(scores, dtype=float)
    z = z[~np.isnan(z).any(axis=1)]
    if z.shape[0] < 3:
        raise ValueError(f"PCA weights need at least 3 regions with every indicator; got {z.shape[0]}")
    corr = np.atleast_2d(np.corrcoef(z, rowvar=False))  # one indicator gives a scalar
    eigval, eigvec = np.linalg.eigh(corr)
    order = np.argsort(eigval)[::-1]
    eigval, eigvec = np.clip(eigval[order], 0.0, None), eigvec[:, order]
    explained = eigval / eigval.sum()
    n = max(1, int((eigval > 1.0).sum()))
    while explained[:n].sum() < min_explained and n < eigval.size:
        n += 1
    loadings = eigvec[:, :n] * np.sqrt(eigval[:n])
    return PcaStructure(eigval, explained, n, varimax(loadings))


def pca_weights(scores: np.ndarray, pillar_of: np.ndarray, min_explained: float = 0.6
                ) -> tuple[np.ndarray, np.ndarray]:
    """Factor-based weights (OECD/JRC Handbook 2008, section 6.1, steps 1-4).

    Squared rotated loadings are scaled to unit sum within each factor; each
    indicator takes its largest scaled squared loading, times the share of the
    explained variance of that factor. The indicator weights are then split into
    pillar weights (their sums) and within-pillar weights.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=(50, 1))
    >>> z = np.hstack([f + 0.2 * rng.normal(size=(50, 2)), f + 2.0 * rng.normal(size=(50, 1))])
    >>> pw, iw = pca_weights(z, np.array([0, 0, 1]))
    >>> w = pw[[0, 0, 1]] * iw  # effective weight of each indicator
    >>> bool(w[2] < w[0] and w[2] < w[1])  # the noisiest one carries the factor least
    True
    """
    pillar_of = np.asarray(pillar_of)
    st = pca_structure(scores, min_explained)
    sq = st.rotated_loadings ** 2
    scaled = sq / sq.sum(axis=0)
    factor_share = sq.sum(axis=0) / sq.sum()
    best = np.argmax(scaled, axis=1)
    w = scaled[np.arange(sq.shape[0]), best] * factor_share[best]
    return _pillar_split(w / w.sum(), pillar_of, int(pillar_of.max()) + 1)
