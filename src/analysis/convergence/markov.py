"""Distribution dynamics: a discrete Markov chain of regions between level classes."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._panel import PanelError, panel_source, require_positive, tidy_panel, to_matrix
from .results import MarkovResult, decide_verdict

__all__ = ["markov"]

SPARSE_ROW = 5  # fewer transitions out of a class than this makes its row unreliable


def markov(panel: pd.DataFrame, value: str, *, classes: int = 5, relative: bool = True,
           pooled: bool = False, cutoffs: Sequence[float] | None = None,
           region: str = "region", year: str = "year", weight: str | None = None,
           start: int | None = None, end: int | None = None, n_boot: int = 999,
           seed: int = 0, alpha: float = 0.05) -> MarkovResult:
    """Transition counts and probabilities of regions between classes, year to year.

    1. Levels (positive) are taken for ``start <= year <= end``; with
       ``relative=True`` each year's values are divided by that year's mean
       across regions (weighted by ``weight`` when given, so with population
       weights the country is 1).
    2. Each value gets a class ``0 .. k-1``: class ``j`` holds values
       ``<= cut_j`` and above ``cut_{j-1}``.  The interior cut-offs are, in
       order of precedence, the given ``cutoffs`` (``k = len(cutoffs) + 1``);
       with ``pooled=True`` the ``1/k, ..., (k-1)/k`` quantiles of all values
       pooled over the years; otherwise the same quantiles year by year
       (quantile classes, as in Quah 1993 and ``giddy``).  Quantiles use
       linear interpolation (``numpy.percentile``, as ``mapclassify``).
    3. ``transitions[i, j]`` counts the region-years in class ``i`` in year
       ``t`` and class ``j`` in ``t + 1``; ``p`` divides each row by its total
       (a row without observations stays zero).
    4. ``steady_state`` solves ``pi P = pi`` (missing when the chain has no
       unique steady state); ``shorrocks = (k - trace P) / (k - 1)``.
    5. Verdict: ``spread`` is the variance of the class index under a
       distribution.  If the steady state is less spread than the latest
       observed distribution the regions are converging.  The p-value is
       from a parametric bootstrap of the counts (each row multinomial with
       its observed total and probabilities, ``n_boot`` draws from ``seed``):
       twice the smaller share of draws on either side of zero for the
       spread difference.  Per-year quantile classes fix the class shares
       each year, so they speak of mobility, not of dispersion; use pooled or
       given cut-offs of relative levels for the verdict to mean
       convergence.

    Parameters
    ----------
    panel : DataFrame
        Tidy panel.
    value : str
        Column of positive levels.
    classes : int
        Number of classes when ``cutoffs`` is not given.
    relative : bool
        Divide by the yearly (weighted) mean first.
    pooled : bool
        Quantile cut-offs from all years pooled instead of year by year.
    cutoffs : sequence of float, optional
        Increasing interior cut-offs (on the relative scale if ``relative``).
    region, year, weight : str
        Column names (``weight`` optional, only for the relative scale).
    start, end : int, optional
        Years used (default: all).
    n_boot, seed, alpha
        Bootstrap draws, their seed, and the level of the verdict.

    Returns
    -------
    MarkovResult

    Examples
    --------
    >>> p = pd.DataFrame({"region": list("abcd") * 3, "year": [1] * 4 + [2] * 4 + [3] * 4,
    ...                   "y": [1.0, 2, 3, 4, 3, 1, 2, 4, 3, 1, 2, 4]})
    >>> r = markov(p, "y", classes=2)
    >>> r.transitions.to_numpy().tolist()
    [[3, 1], [1, 3]]
    """
    source = panel_source(panel)
    columns = [value] + ([weight] if weight else [])
    data = tidy_panel(panel, columns, region=region, year=year)
    require_positive(data, value, region=region, year=year, source=source)
    if start is not None:
        data = data[data[year] >= int(start)]
    if end is not None:
        data = data[data[year] <= int(end)]
    data = data[data[value].notna()]
    levels = to_matrix(data, value, region=region, year=year)
    if levels.shape[1] < 2:
        raise PanelError(source, None, year, f"{levels.shape[1]} years with values",
                         "at least two years")
    if relative:
        levels = levels / _yearly_mean(data, levels, value, weight, region, year, source)
    cuts = _cutoffs(levels, classes, pooled, cutoffs, source, value)
    k = cuts.shape[1] + 1
    cls = _classify(levels.to_numpy(), cuts.to_numpy())
    years = levels.columns.to_numpy()
    counts = np.zeros((k, k), dtype=int)
    for j in np.flatnonzero(np.diff(years) == 1):
        now, nxt = cls[:, j], cls[:, j + 1]
        both = (now >= 0) & (nxt >= 0)
        np.add.at(counts, (now[both], nxt[both]), 1)
    totals = counts.sum(axis=1)
    if totals.sum() == 0:
        raise PanelError(source, None, year, "(no consecutive years)",
                         "a region observed in two consecutive years")
    P = counts / np.where(totals > 0, totals, 1)[:, None]
    steady = _steady_state(P[None])[0] if (totals > 0).all() else np.full(k, np.nan)
    warnings = []
    if (totals < SPARSE_ROW).any():
        warnings.append("sparse_transitions")
    if np.isnan(steady).any():
        warnings.append("reducible_chain")
    latest = _shares(cls[:, -1], k)
    spread_latest, spread_steady = _spread(latest[None])[0], _spread(steady[None])[0]
    pvalue = _bootstrap_pvalue(counts, P, latest, spread_latest, n_boot, seed) \
        if not np.isnan(steady).any() else float("nan")
    labels = pd.RangeIndex(k, name="class")
    return MarkovResult(
        transitions=pd.DataFrame(counts, index=labels, columns=labels.rename("class_next")),
        p=pd.DataFrame(P, index=labels, columns=labels.rename("class_next")),
        steady_state=pd.Series(steady, index=labels, name="steady_state"),
        cutoffs=cuts, shorrocks=float((k - np.trace(P)) / (k - 1)),
        initial=pd.Series(_shares(cls[:, 0], k), index=labels, name=int(years[0])),
        latest=pd.Series(latest, index=labels, name=int(years[-1])),
        spread_latest=float(spread_latest), spread_steady=float(spread_steady),
        pvalue=pvalue, n_transitions=int(totals.sum()), classes=k, relative=relative,
        pooled=pooled, verdict=decide_verdict(spread_steady - spread_latest, pvalue, alpha),
        alpha=alpha, warnings=tuple(warnings))


def _yearly_mean(data, levels, value, weight, region, year, source):
    if not weight:
        return levels.mean(axis=0)
    require_positive(data, weight, region=region, year=year, source=source,
                     why="it weights the regions")
    missing = data[weight].isna()
    if missing.any():
        i = np.flatnonzero(missing.to_numpy())[0]
        raise PanelError(source, (data[region].iloc[i], int(data[year].iloc[i])), weight, None,
                         "a weight for every region with a value")
    weights = to_matrix(data, weight, region=region, year=year).reindex_like(levels)
    return (levels * weights).sum(axis=0) / weights.where(levels.notna()).sum(axis=0)


def _cutoffs(levels, classes, pooled, cutoffs, source, value):
    years = levels.columns
    if cutoffs is not None:
        cuts = np.asarray(cutoffs, dtype=float)
        if cuts.ndim != 1 or cuts.size < 1 or np.any(np.diff(cuts) <= 0):
            raise PanelError(source, None, "cutoffs", list(np.atleast_1d(cuts)),
                             "an increasing list of at least one cut-off")
        table = np.tile(cuts, (len(years), 1))
    else:
        if int(classes) < 2:
            raise PanelError(source, None, "classes", classes, "at least two classes")
        q = np.arange(1, int(classes)) / int(classes) * 100
        if pooled:
            values = levels.to_numpy().ravel()
            table = np.tile(np.percentile(values[~np.isnan(values)], q), (len(years), 1))
        else:
            table = np.vstack([np.percentile(levels[t].dropna().to_numpy(), q) for t in years])
    return pd.DataFrame(table, index=pd.Index(years, name=levels.columns.name),
                        columns=pd.RangeIndex(table.shape[1], name="upper_bound_of_class"))


def _classify(values, cuts):
    """Class of every cell (``-1`` where missing); ``cuts`` has one row per column."""
    cls = np.full(values.shape, -1, dtype=int)
    for j in range(values.shape[1]):
        ok = ~np.isnan(values[:, j])
        cls[ok, j] = np.searchsorted(cuts[j], values[ok, j], side="left")
    return cls


def _shares(column, k):
    observed = column[column >= 0]
    return np.bincount(observed, minlength=k) / max(observed.size, 1)


def _spread(dist):
    """Variance of the class index under each row of ``dist``."""
    index = np.arange(dist.shape[1])
    mean = dist @ index
    return (dist * (index[None, :] - mean[:, None]) ** 2).sum(axis=1)


def _steady_state(P):
    """Stationary distributions of a stack of stochastic matrices (NaN if not unique)."""
    n, k, _ = P.shape
    A = np.transpose(P, (0, 2, 1)) - np.eye(k)[None]
    A[:, -1, :] = 1.0  # replace one balance equation by "probabilities sum to one"
    rhs = np.zeros(k)
    rhs[-1] = 1.0
    out = np.full((n, k), np.nan)
    # A is singular exactly when the eigenvalue 1 is not simple (no unique steady state).
    ok = np.abs(np.linalg.det(A)) > 1e-10
    if ok.any():
        out[ok] = np.linalg.solve(A[ok], np.broadcast_to(rhs, (int(ok.sum()), k))[..., None])[..., 0]
    return out


def _bootstrap_pvalue(counts, P, latest, spread_latest, n_boot, seed):
    if n_boot < 1:
        return float("nan")
    rng = np.random.default_rng(seed)
    totals = counts.sum(axis=1)
    draws = rng.multinomial(totals, P, size=(n_boot, len(totals)))
    P_star = draws / totals[None, :, None]
    diff = _spread(_steady_state(P_star)) - spread_latest
    diff = diff[~np.isnan(diff)]
    if diff.size == 0:
        return float("nan")
    below = (1 + np.sum(diff <= 0)) / (1 + diff.size)
    above = (1 + np.sum(diff >= 0)) / (1 + diff.size)
    return float(min(1.0, 2 * min(below, above)))
