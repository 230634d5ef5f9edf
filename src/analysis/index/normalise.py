"""Normalisation of indicator matrices (min–max, z-score, distance to the national value).

Every method turns a regions × indicators matrix into scores where *higher is
better*: polarity ``-1`` indicators are flipped here, once, so that nothing
downstream needs to know about polarity. Missing values (NaN) stay missing.
"""

from __future__ import annotations

import numpy as np

from analysis.index.framework import NORMALISATIONS


def _column_stats(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns give NaN stats
            return (np.nanmin(x, axis=0), np.nanmax(x, axis=0),
                    np.nanmean(x, axis=0), np.nanstd(x, axis=0, ddof=1))


def normalise(values: np.ndarray, method: str, polarity: np.ndarray,
              reference: np.ndarray | None = None) -> np.ndarray:
    """Normalise each column of ``values`` so that higher is better.

    Parameters
    ----------
    values : ndarray, shape (regions, indicators)
        Raw (possibly winsorised) values; NaN = missing.
    method : {"minmax", "zscore", "distance_to_national"}
        ``minmax``: (x - min) / (max - min), in [0, 1];
        ``zscore``: (x - mean) / sd (sample sd, ddof=1);
        ``distance_to_national``: (x - x_ref) / |x_ref|, the relative distance to the
        reference (national) value, 0 = at the national level.
        A column with no spread gets the neutral score (0.5 for min–max, 0 for z-score).
    polarity : ndarray of +1/-1, shape (indicators,)
        -1 flips the column (less is better).
    reference : ndarray, shape (indicators,), optional
        The reference values; required for ``distance_to_national``.

    Returns
    -------
    ndarray, same shape as ``values``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 40.0]])
    >>> normalise(x, "minmax", np.array([1, -1]))
    array([[0.        , 1.        ],
           [0.5       , 0.66666667],
           [1.        , 0.        ]])
    >>> normalise(x, "distance_to_national", np.array([1, 1]), np.array([2.0, 20.0]))[:, 0]
    array([-0.5,  0. ,  0.5])
    """
    x = np.asarray(values, dtype=float)
    pol = np.asarray(polarity, dtype=float)
    if x.ndim != 2 or pol.shape != (x.shape[1],):
        raise ValueError(f"values must be 2-D and polarity one entry per column; got {x.shape}, {pol.shape}")
    if not np.all(np.isin(pol, (-1.0, 1.0))):
        raise ValueError(f"polarity must be +1 or -1 per column; got {pol.tolist()}")
    lo, hi, mean, sd = _column_stats(x)
    if method == "minmax":
        span = hi - lo
        flat = ~(span > 0)
        out = (x - lo) / np.where(flat, 1.0, span)
        out = np.where(pol > 0, out, 1.0 - out)
        out[:, flat] = np.where(np.isnan(x[:, flat]), np.nan, 0.5)
        return out
    if method == "zscore":
        flat = ~(sd > 0)
        out = pol * (x - mean) / np.where(flat, 1.0, sd)
        out[:, flat] = np.where(np.isnan(x[:, flat]), np.nan, 0.0)
        return out
    if method == "distance_to_national":
        if reference is None:
            raise ValueError("distance_to_national needs the reference (national) values")
        ref = np.asarray(reference, dtype=float)
        bad = ~np.isfinite(ref) | (ref == 0)
        if np.any(bad):
            raise ValueError(f"reference values must be finite and non-zero; columns {np.flatnonzero(bad).tolist()} are not")
        return pol * (x - ref) / np.abs(ref)
    raise ValueError(f"unknown normalisation {method!r}; expected one of {', '.join(NORMALISATIONS)}")


def rescale_positive(scores: np.ndarray, floor: float) -> np.ndarray:
    """Map each column linearly onto [floor, 1] (geometric means need positive values).

    The map is increasing, so it keeps the order within each indicator; a column
    with no spread is set to the middle of the range.

    Examples
    --------
    >>> import numpy as np
    >>> rescale_positive(np.array([[-1.0], [0.0], [1.0]]), 0.1)[:, 0]
    array([0.1 , 0.55, 1.  ])
    """
    z = np.asarray(scores, dtype=float)
    lo, hi, _, _ = _column_stats(z)
    span = hi - lo
    flat = ~(span > 0)
    unit = (z - lo) / np.where(flat, 1.0, span)
    unit[:, flat] = np.where(np.isnan(z[:, flat]), np.nan, 0.5)
    return floor + (1.0 - floor) * unit
