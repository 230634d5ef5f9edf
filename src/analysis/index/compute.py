"""Shared numerics of the index: scores and weights of one method on prepared data."""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata

from analysis.index.framework import Framework
from analysis.index.normalise import normalise, rescale_positive
from analysis.index.prepare import Prepared
from analysis.index.weights import equal_weights, pca_weights


def reference_values(prep: Prepared) -> tuple[np.ndarray, tuple[str, ...]]:
    """National values, with the regional mean where the national one is unknown (and a warning key).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from analysis.index.prepare import Prepared
    >>> prep = Prepared(1, ("A", "B"), ("x",), np.array([0]), np.array([1.0]), np.array([[1.0], [3.0]]),
    ...                 np.array([[1.0], [3.0]]), np.array([np.nan]), pd.DataFrame(), ())
    >>> reference_values(prep)
    (array([2.]), ('reference_regional_mean',))
    """
    ref = prep.reference.copy()
    missing = ~np.isfinite(ref) | (ref == 0)
    if not missing.any():
        return ref, ()
    ref[missing] = np.nanmean(prep.values[:, missing], axis=0)
    return ref, ("reference_regional_mean",)


def method_scores(prep: Prepared, normalisation: str, aggregation: str, floor: float) -> np.ndarray:
    """Normalised scores (higher is better), made positive when the aggregation is geometric.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from analysis.index.prepare import Prepared
    >>> prep = Prepared(1, ("A", "B"), ("x",), np.array([0]), np.array([1.0]), np.array([[1.0], [3.0]]),
    ...                 np.array([[1.0], [3.0]]), np.array([2.0]), pd.DataFrame(), ())
    >>> method_scores(prep, "distance_to_national", "arithmetic", 0.01)[:, 0].tolist()
    [-0.5, 0.5]
    """
    ref, _ = reference_values(prep)
    z = normalise(prep.values, normalisation, prep.polarity, ref)
    return rescale_positive(z, floor) if aggregation == "geometric" else z


def method_weights(prep: Prepared, framework: Framework, weighting: str) -> tuple[np.ndarray, np.ndarray]:
    """(pillar weights, within-pillar weights) of the declared or the PCA scheme.

    PCA weights depend only on the correlations of the indicators, which no
    (increasing, affine) normalisation changes, so they are computed once on
    min–max scores.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from analysis.index.framework import Framework, Pillar
    >>> from analysis.index.prepare import Prepared
    >>> fw = Framework("toy", (Pillar("a", 1.0, ("x", "y"), (1.0, 3.0)),), {"x": 1, "y": 1})
    >>> prep = Prepared(1, ("A", "B"), ("x", "y"), np.array([0, 0]), np.ones(2), np.ones((2, 2)),
    ...                 np.ones((2, 2)), np.ones(2), pd.DataFrame(), ())
    >>> [w.tolist() for w in method_weights(prep, fw, "equal")]
    [[1.0], [0.25, 0.75]]
    """
    if weighting == "pca":
        z = normalise(prep.values, "minmax", prep.polarity)
        return pca_weights(z, prep.pillar_of, framework.method.pca_min_explained)
    return equal_weights(prep.pillar_of, np.array([p.weight for p in framework.pillars]),
                         np.array([w for p in framework.pillars for w in p.indicator_weights]))


def standardise(composite: np.ndarray) -> np.ndarray:
    """Composite as a z-score across regions (last axis), so thresholds are scale-free.

    Examples
    --------
    >>> standardise([1.0, 2.0, 3.0]).tolist()
    [-1.0, 0.0, 1.0]
    """
    c = np.asarray(composite, dtype=float)
    sd = c.std(axis=-1, ddof=1, keepdims=True)
    return (c - c.mean(axis=-1, keepdims=True)) / np.where(sd > 0, sd, 1.0)


def rank_best_first(composite: np.ndarray) -> np.ndarray:
    """Rank 1 = highest composite; ties share the best rank.

    Examples
    --------
    >>> rank_best_first([0.2, 0.9, 0.2]).tolist()
    [2, 1, 2]
    """
    return rankdata(-np.asarray(composite, dtype=float), method="min", axis=-1).astype(int)
