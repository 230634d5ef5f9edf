"""Uncertainty and sensitivity analysis: a seeded Monte Carlo over the method choices.

Each draw picks a normalisation, a weighting scheme and an aggregation (uniformly
among those the framework lists), multiplies each pillar weight by an independent
U(1 - p, 1 + p) factor, and leaves out none or one indicator (uniformly; only
from pillars with more than one indicator, so that no pillar disappears).

Draws sharing a normalisation and an aggregation are computed together as one
matrix product (see :mod:`analysis.index.aggregate`), so 10,000 draws are cheap.

The first-order variance-based sensitivity index of a choice X for a region's
rank R is Var(E[R | X]) / Var(R) (Saltelli et al. 2008), estimated from the
same draws by the between-group variance of the rank over the levels of X
(quantile bins for the continuous weight factors).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.index.aggregate import aggregate
from analysis.index.compute import method_scores, method_weights, reference_values, standardise
from analysis.index.framework import Framework
from analysis.index.prepare import IndexInputError, covered_years, prepare_year
from analysis.index.results import SensitivityResult

WEIGHT_BINS = 20


def _ranks(composite: np.ndarray) -> np.ndarray:
    # rank 1 = best; with continuous scores ties have probability zero
    order = np.argsort(-composite, axis=1, kind="stable")
    ranks = np.empty_like(order)
    rows = np.arange(composite.shape[0])[:, None]
    ranks[rows, order] = np.arange(1, composite.shape[1] + 1)
    return ranks


def first_order_indices(ranks: np.ndarray, codes: dict[str, np.ndarray],
                        regions: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Between-group share of the rank variance for each factor (columns) and region (rows).

    ``codes``: factor name → integer level of each draw. The last row, ``"all"``,
    pools the regions (sum of between-group variances / sum of variances).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> a, b = rng.integers(2, size=4000), rng.integers(2, size=4000)
    >>> ranks = np.c_[1 + a, 2 - a]  # the ranks depend on a only
    >>> first_order_indices(ranks, {"a": a, "b": b}).loc["all"].round(2).tolist()
    [1.0, 0.0]
    """
    r = np.asarray(ranks, dtype=float)
    mean = r.mean(axis=0)
    total = ((r - mean) ** 2).sum(axis=0)
    out = {}
    for name, code in codes.items():
        levels = int(code.max()) + 1
        counts = np.bincount(code, minlength=levels).astype(float)
        sums = np.zeros((levels, r.shape[1]))
        np.add.at(sums, code, r)
        used = counts > 0
        cond = sums[used] / counts[used, None]
        between = (counts[used, None] * (cond - mean) ** 2).sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            per_region = np.where(total > 0, between / np.where(total > 0, total, 1.0), 0.0)
        pooled = between.sum() / total.sum() if total.sum() > 0 else 0.0
        out[name] = np.append(per_region, pooled)
    names = list(regions) if regions is not None else [str(i) for i in range(r.shape[1])]
    return pd.DataFrame(out, index=pd.Index([*names, "all"], name="region"))


def _dropped_names(indicators: tuple[str, ...], droppable: np.ndarray, drop: np.ndarray) -> np.ndarray:
    names = np.array(["", *(indicators[i] for i in droppable)], dtype=object)
    return names[drop + 1]


def _quantile_codes(x: np.ndarray, bins: int) -> np.ndarray:
    edges = np.quantile(x, np.linspace(0, 1, bins + 1)[1:-1])
    return np.searchsorted(edges, x, side="right")


def sensitivity(panel: pd.DataFrame, framework: Framework, year: int | None = None, *,
                national: pd.DataFrame | None = None, draws: int | None = None,
                seed: int | None = None) -> SensitivityResult:
    """Monte Carlo uncertainty of the ranks over the framework's method choices.

    Parameters
    ----------
    panel, framework, year, national
        As for :func:`analysis.index.build_index`.
    draws : int, optional
        Number of draws (default ``framework.uncertainty.draws``, 10,000).
    seed : int, optional
        Seed of the generator (default ``framework.uncertainty.seed``); same seed, same result.

    Returns
    -------
    SensitivityResult

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from analysis.index.framework import Framework, Pillar
    >>> fw = Framework("toy", (Pillar("a", 1.0, ("x", "y"), (1.0, 1.0)), Pillar("b", 1.0, ("z",), (1.0,))),
    ...                {"x": 1, "y": 1, "z": -1})
    >>> rng = np.random.default_rng(0)
    >>> panel = pd.DataFrame({"region": list("ABCDEF"), "year": 2020, "x": rng.uniform(1, 2, 6),
    ...                       "y": rng.uniform(1, 2, 6), "z": rng.uniform(1, 2, 6)})
    >>> res = sensitivity(panel, fw, draws=500, seed=1)
    >>> list(res.ranks.columns), res.draw_ranks.shape
    (['median', 'low', 'high', 'nominal'], (500, 6))
    """
    unc = framework.uncertainty
    draws = unc.draws if draws is None else int(draws)
    seed = unc.seed if seed is None else int(seed)
    if draws < 1:
        raise ValueError(f"draws must be >= 1; got {draws}")
    if year is None:
        years = covered_years(panel, framework)
        if not years:
            raise IndexInputError("panel: no covered year")
        year = years[-1]
    prep = prepare_year(panel, framework, int(year), national)
    n_reg, n_ind = prep.values.shape
    n_p = len(framework.pillars)
    rng = np.random.default_rng(seed)
    norm = rng.integers(len(unc.normalisations), size=draws)
    agg = rng.integers(len(unc.aggregations), size=draws)
    wt = rng.integers(len(unc.weightings), size=draws)
    p = unc.weight_perturbation
    pert = rng.uniform(1 - p, 1 + p, size=(draws, n_p))
    droppable = np.flatnonzero(np.bincount(prep.pillar_of, minlength=n_p)[prep.pillar_of] > 1)
    if unc.drop_one_indicator and droppable.size:
        drop = rng.integers(droppable.size + 1, size=draws) - 1   # -1 = keep all
    else:
        drop = np.full(draws, -1)
    schemes = [method_weights(prep, framework, w) for w in unc.weightings]
    pw = np.stack([schemes[w][0] for w in range(len(schemes))])[wt] * pert
    iw = np.stack([schemes[w][1] for w in range(len(schemes))])[wt]
    has_drop = drop >= 0
    iw[np.flatnonzero(has_drop), droppable[drop[has_drop]]] = 0.0
    composite = np.empty((draws, n_reg))
    floor = framework.method.geometric_floor
    for i, nname in enumerate(unc.normalisations):
        for j, aname in enumerate(unc.aggregations):
            idx = np.flatnonzero((norm == i) & (agg == j))
            if idx.size:
                scores = method_scores(prep, nname, aname, floor)
                composite[idx] = aggregate(scores, prep.pillar_of, pw[idx], iw[idx], aname)[1]
    ranks = _ranks(composite)

    m = framework.method
    nominal_scores = method_scores(prep, m.normalisation, m.aggregation, floor)
    npw, niw = method_weights(prep, framework, m.weighting)
    nominal = _ranks(aggregate(nominal_scores, prep.pillar_of, npw, niw, m.aggregation)[1][None, :])[0]
    lo, hi = unc.rank_interval
    q = np.quantile(ranks, [0.5, lo, hi], axis=0, method="inverted_cdf")
    table = pd.DataFrame({"median": q[0], "low": q[1], "high": q[2], "nominal": nominal},
                         index=pd.Index(prep.regions, name="region")).astype(int)
    table = table.sort_values(["median", "nominal"], kind="stable")

    codes = {"normalisation": norm, "weighting": wt, "aggregation": agg, "dropped_indicator": drop + 1}
    for k, pil in enumerate(framework.pillars):
        codes[f"weight_{pil.id}"] = _quantile_codes(pert[:, k], WEIGHT_BINS)
    varying = {k: v for k, v in codes.items() if np.unique(v).size > 1}
    first = first_order_indices(ranks, varying, prep.regions)
    choices = pd.DataFrame({
        "normalisation": np.asarray(unc.normalisations)[norm],
        "weighting": np.asarray(unc.weightings)[wt],
        "aggregation": np.asarray(unc.aggregations)[agg],
        "dropped_indicator": _dropped_names(prep.indicators, droppable, drop),
        **{f"weight_{pil.id}": pert[:, k] for k, pil in enumerate(framework.pillars)},
    })
    return SensitivityResult(
        year=prep.year, draws=draws, seed=seed, regions=prep.regions, ranks=table, first_order=first,
        choices=choices, draw_ranks=ranks.astype(np.int16), draw_z=standardise(composite),
        rank_interval=(lo, hi), draw_composite=composite,
        warnings=reference_values(prep)[1] if "distance_to_national" in set(choices["normalisation"]) else (),
    )
