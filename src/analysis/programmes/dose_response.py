"""A programme of continuous intensity: dose–response estimators, honest with about 20 regions.

Every region may receive a programme, in different amounts (a *dose*, e.g. subsidised loans
per person). Three estimators on one long panel:

* **two-way fixed effects with the intensity**: ``y_it = a_i + g_t + b * d_i * 1[t >= G_i] + e_it``;
  ``b`` is the change in the outcome per unit of dose. Under staggered timing or heterogeneous
  effects this ``b`` is a weighted average with possibly negative weights (Callaway,
  Goodman-Bacon and Sant'Anna 2024, section 3); it is shown because it is what the literature
  reports, not because it decides;
* **the average causal response on the treated** (ACRT) of Callaway, Goodman-Bacon and
  Sant'Anna (2024, "Difference-in-differences with a continuous treatment"): for every unit
  the mean change of the outcome after its start relative to the year before it,
  ``dY_i = mean_{t >= G_i} y_it - y_{i,G_i-1}``, regressed on the dose with one intercept per
  start cohort. Under their *strong* parallel trends the slope is the average causal response
  of one more unit of dose (ACRT with a linear dose–response, pooled over cohorts by their
  within-cohort dose variance). We use this estimator because (1) it is made for a continuous
  dose and for staggered starts: each cohort's changes are taken from its own base year, so
  already-treated units never act as controls (the "forbidden comparison" of TWFE); (2) it needs
  no untreated units: with every region treated, as in the Business Roadmap, only differences
  between doses are identified, and this slope is exactly such a difference; (3) with 16–20
  units a linear dose–response is the richest form the data can estimate (their nonparametric
  sieve needs far more units). Alternatives were set aside: de Chaisemartin and D'Haultfoeuille
  (2024) need units whose dose stays at zero or constant as comparisons, which the programme
  does not have; binning the dose into a binary treatment throws away the intensity;
* **an event study by intensity group**: regions at or above the median dose against those
  below, year by year around the start (TWFE leads and lags, reference year -1). Its leads are
  the test of parallel trends across doses.

Inference is honest at about 20 clusters: the wild cluster restricted bootstrap
(:func:`analysis.programmes.wild_cluster_bootstrap`, Rademacher weights enumerated when
``2^G`` is small) and randomization inference that permutes the doses among units within each
start cohort (exact under the sharp null that the dose has no effect), besides the analytic
CRV1 interval with ``G - 1`` degrees of freedom.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> units, years = [f"u{i}" for i in range(16)], range(2000, 2016)
>>> dose = dict(zip(units, rng.uniform(1, 3, 16)))
>>> rows = [(u, t, 0.1 * t + 0.05 * dose[u] * (t >= 2008) + rng.normal(0, 0.01)) for u in units for t in years]
>>> p = pd.DataFrame(rows, columns=["region", "year", "y"]).assign(first=2008)
>>> r = dose_response(p, "y", dose, unit="region", time="year", first="first", B=999, n_permutations=999)
>>> round(r.acrt.estimate, 2), round(r.twfe.estimate, 2), r.acrt.bootstrap.p_value < 0.05
(0.05, 0.05, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from ._checks import PanelInputError, require_columns
from ._linalg import Projection, cluster_ols, encode, fixed_effects_design
from .event_study import event_study
from .inference import wild_cluster_bootstrap
from .results import BootstrapResult, EventStudyResult

__all__ = ["DoseEstimate", "DoseResponseResult", "dose_response", "unit_changes"]


@dataclass(frozen=True)
class DoseEstimate:
    """One dose–response slope (outcome change per unit of dose) with every inference method."""

    estimate: float
    se: float  # CRV1 (unit clusters)
    p_value: float  # analytic, t with G - 1 degrees of freedom
    ci: tuple[float, float]
    bootstrap: BootstrapResult
    randomization_p: float
    n_permutations: int


@dataclass(frozen=True)
class DoseResponseResult:
    """The three dose–response estimators of one (programme, outcome)."""

    outcome: str
    twfe: DoseEstimate
    acrt: DoseEstimate
    event_study: EventStudyResult  # high-dose (>= median) against low-dose regions
    doses: pd.Series  # dose by unit
    median_dose: float
    cohorts: tuple[int, ...]
    n_units: int
    alpha: float


def _estimate(y, x, nuisance: np.ndarray, cluster, permuted_x, *, B, seed, alpha) -> DoseEstimate:
    """Slope of ``y`` on ``x`` given ``nuisance``: CRV1, WCR bootstrap and permutation p-values."""
    proj = Projection(nuisance)
    fit = cluster_ols(y, x, proj, cluster)
    b, se = float(fit.coef[0]), float(np.sqrt(fit.vcov[0, 0]))
    df = fit.n_clusters - 1
    t = b / se if se > 0 else np.inf
    p = float(2 * stats.t.sf(abs(t), df))
    half = float(stats.t.ppf(1 - alpha / 2, df) * se)
    boot = wild_cluster_bootstrap(y, x, proj, cluster, B=B, seed=seed, alpha=alpha)
    # the permutation distribution of the same slope: ||M x||^2 and x'M y for every permuted x at once
    xt = proj.residualise(permuted_x)
    yt = proj.residualise(y)
    null = (xt * yt[:, None]).sum(axis=0) / (xt * xt).sum(axis=0)
    ri = float((1 + np.sum(np.abs(null) >= abs(b) - 1e-12)) / (1 + null.size))
    return DoseEstimate(b, se, p, (b - half, b + half), boot, ri, int(null.size))


def _permuted_doses(doses: np.ndarray, cohort: np.ndarray, n: int, rng) -> np.ndarray:
    """``n`` permutations of the unit doses within each cohort (units x n)."""
    out = np.empty((doses.size, n))
    for c in np.unique(cohort):
        idx = np.flatnonzero(cohort == c)
        for k in range(n):
            out[idx, k] = doses[rng.permutation(idx)]
    return out


def unit_changes(panel: pd.DataFrame, outcome: str, *, unit: str, time: str, first: str) -> pd.Series:
    """Mean outcome after each unit's start minus its outcome in the year before (CGBS's ``dY_i``).

    >>> p = pd.DataFrame({"u": ["a"] * 4, "t": [1, 2, 3, 4], "y": [1.0, 2.0, 4.0, 6.0], "g": 3})
    >>> float(unit_changes(p, "y", unit="u", time="t", first="g")["a"])
    3.0
    """
    out = {}
    for u, g in panel.groupby(unit, sort=True):
        start = float(g[first].iloc[0])
        base = g.loc[g[time] == start - 1, outcome]
        post = g.loc[g[time] >= start, outcome]
        if base.empty or post.empty:
            raise PanelInputError(f"panel: unit {u!r} needs {outcome!r} in {start - 1:g} (the year before its "
                                  f"start) and after it")
        out[u] = float(post.mean() - base.iloc[0])
    return pd.Series(out, name=f"d_{outcome}")


def dose_response(panel: pd.DataFrame, outcome: str, doses: Mapping, *, unit: str = "region", time: str = "year",
                  first: str = "first", window: tuple[int, int] = (-5, 5), B: int = 9999,
                  n_permutations: int = 9999, seed: int = 0, alpha: float = 0.05) -> DoseResponseResult:
    """TWFE with intensity, the CGBS (2024) average causal response and the event study by dose group.

    Parameters
    ----------
    panel : DataFrame
        Long panel, one row per (unit, time), with ``outcome`` and ``first`` (the unit's start
        period; every unit must have one and data in the period before it).
    outcome : str
        Outcome column (e.g. log real GRP per capita).
    doses : mapping unit -> float
        Time-invariant dose of every unit of the panel (units missing here are an error).
    unit, time, first : str
        Column names.
    window : (int, int)
        Event-study window (ends binned).
    B, n_permutations, seed, alpha
        Bootstrap draws, permutations, their seed, the level.

    Returns
    -------
    DoseResponseResult
    """
    require_columns(panel, [unit, time, outcome, first])
    data = panel[[unit, time, outcome, first]].dropna(subset=[outcome]).sort_values([unit, time])
    units = sorted(data[unit].unique())
    missing = [u for u in units if u not in doses or not np.isfinite(float(doses[u]))]
    if missing:
        raise PanelInputError(f"doses: no finite dose for units {missing[:3]} of the panel")
    if data[first].isna().any():
        raise PanelInputError(f"{first}: every unit needs a start period (column {first!r} has missing values)")
    if len(units) < 3:
        raise PanelInputError(f"panel: {len(units)} units; a dose–response slope needs at least 3")
    dose_of = pd.Series({u: float(doses[u]) for u in units})
    rng = np.random.default_rng(seed)

    # TWFE with the intensity, clustered by unit
    codes_u, _ = encode(data[unit])
    codes_t, _ = encode(data[time])
    d_unit = dose_of.to_numpy()
    x = d_unit[codes_u] * (data[time].to_numpy() >= data[first].to_numpy())
    start_of = data.groupby(unit)[first].first().reindex(units).to_numpy()
    perm = _permuted_doses(d_unit, start_of, n_permutations, rng)  # units x n
    post = (data[time].to_numpy() >= data[first].to_numpy()).astype(float)
    twfe = _estimate(data[outcome].to_numpy(float), x, fixed_effects_design(codes_u, codes_t), data[unit].to_numpy(),
                     perm[codes_u] * post[:, None], B=B, seed=seed, alpha=alpha)

    # CGBS ACRT: unit-level long differences on the dose, one intercept per cohort
    changes = unit_changes(data, outcome, unit=unit, time=time, first=first).reindex(units)
    cohort_codes, cohorts = encode(start_of)
    acrt = _estimate(changes.to_numpy(), d_unit, fixed_effects_design(cohort_codes), np.asarray(units), perm,
                     B=B, seed=seed, alpha=alpha)

    # event study: high-dose (>= median) against low-dose units
    median = float(np.median(d_unit))
    high = dose_of >= median
    es_panel = data.assign(_group=np.where(data[unit].map(high).to_numpy(), data[first].to_numpy(float), 0.0))
    es = event_study(es_panel, outcome, unit=unit, time=time, group="_group", window=window, alpha=alpha)
    return DoseResponseResult(outcome=outcome, twfe=twfe, acrt=acrt, event_study=es, doses=dose_of,
                              median_dose=median, cohorts=tuple(int(c) for c in cohorts), n_units=len(units),
                              alpha=alpha)
