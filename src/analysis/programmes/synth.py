"""Synthetic control for one treated unit (Abadie, Diamond and Hainmueller),
with in-space placebos and leave-one-out refits.

Predictors follow R Synth's "special predictors": a list of
``(variable, years, aggregation)`` triples, e.g.
``("grp_per_capita_rel", range(2000, 2005), "mean")``; each becomes one row of
the predictor matrix, scaled by its standard deviation across units. The
default is the outcome in every pre-treatment year. ``fit_years`` (default:
every pre-treatment year) is the window whose outcome fit chooses the predictor
weights V. The optimiser (convex-weight QP plus a bounded, well-started V
search) is documented in :mod:`analysis.programmes._synth_core`.

Inference is by in-space placebos: every donor in turn is treated as if it had
been treated, with the remaining donors as its pool, and the treated unit's
post/pre RMSPE ratio is ranked among all units.

Example
-------
>>> import numpy as np, pandas as pd
>>> years = range(2000, 2012)
>>> rng = np.random.default_rng(0)
>>> base = {u: rng.normal(size=12).cumsum() for u in "ABCDE"}
>>> rows = [(u, y, base[u][i]) for u in "ABCDE" for i, y in enumerate(years)]
>>> p = pd.DataFrame(rows, columns=["region", "year", "y"])
>>> t = p.region == "A"
>>> p.loc[t, "y"] = (0.4 * p.loc[p.region == "B", "y"].to_numpy()
...                  + 0.6 * p.loc[p.region == "C", "y"].to_numpy())
>>> r = synthetic_control(p, "y", unit="region", time="year", treated_unit="A", treatment_time=2008)
>>> r.weights.round(3).to_dict()
{'B': 0.4, 'C': 0.6, 'D': 0.0, 'E': 0.0}
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ._checks import PanelInputError, numeric, require_columns, unique_keys
from ._synth_core import fit_synthetic_weights, simplex_least_squares
from .results import PlaceboResult, SynthResult

__all__ = ["synthetic_control"]

_AGGREGATIONS = {"mean": np.nanmean, "median": np.nanmedian, "sum": np.nansum, "min": np.nanmin, "max": np.nanmax}


@dataclass(frozen=True)
class _Spec:
    """Everything a refit needs, as arrays (kept on the result for placebos and leave-one-out)."""

    years: np.ndarray  # (T,)
    units: list  # (N,) labels
    Y: np.ndarray  # (T, N) outcome
    P: np.ndarray  # (k, N) raw predictors
    labels: list  # (k,) predictor labels
    outcome_year: np.ndarray  # (k,) fit year if the row is the outcome in one fit year, else NaN
    fit_idx: np.ndarray  # rows of Y in the fit years
    post: np.ndarray  # (T,) bool, on or after the treatment time
    treatment_time: object
    poor_fit_tolerance: float
    n_random_starts: int
    seed: int
    fixed_v: np.ndarray | None = None  # user-supplied (or cross-validated) V: no V search


def _predictor_matrix(panel, outcome, unit, time, predictors, pre_years) -> tuple[pd.DataFrame, pd.Series]:
    rows, labels, outcome_year = [], [], []
    for spec in predictors:
        if not (isinstance(spec, tuple | list) and len(spec) == 3):
            raise PanelInputError(f"predictors: expected (variable, years, aggregation) triples, got {spec!r}")
        variable, years, how = spec
        if how not in _AGGREGATIONS:
            raise PanelInputError(f"predictors: aggregation {how!r} for {variable!r}; expected one of {sorted(_AGGREGATIONS)}")
        require_columns(panel, [variable])
        years = [y for y in years]
        wide = panel.pivot(index=time, columns=unit, values=variable).reindex(years)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # "mean of empty slice" for all-missing donors
            values = _AGGREGATIONS[how](wide.to_numpy(dtype=float), axis=0)
        values = np.where(wide.notna().any(axis=0).to_numpy(), values, np.nan)
        rows.append(pd.Series(values, index=wide.columns))
        span = f"{years[0]}" if len(years) == 1 else f"{years[0]}-{years[-1]}"
        labels.append(f"{variable} {span} {how}")
        outcome_year.append(years[0] if variable == outcome and len(years) == 1 else np.nan)
    P = pd.DataFrame(rows, index=labels)
    return P, pd.Series(outcome_year, index=labels, dtype=float)


def _core_fit(spec: _Spec, t: int, donors: np.ndarray) -> dict:
    """Numerics of one fit on column indices (no pandas: placebos call this 20 times)."""
    P = spec.P[:, np.append(t, donors)]
    scale = P.std(axis=1, ddof=1)
    scale = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)
    Pn = P / scale[:, None]
    Z = spec.Y[spec.fit_idx]
    in_fit = np.isin(spec.outcome_year, spec.years[spec.fit_idx])
    if spec.fixed_v is not None:
        v = spec.fixed_v
        r = np.sqrt(v)
        w = simplex_least_squares(r[:, None] * Pn[:, 1:], r * Pn[:, 0])
        bound = float(np.sum((Z[:, t] - Z[:, donors] @ simplex_least_squares(Z[:, donors], Z[:, t])) ** 2)) / len(Z)
    else:
        w, v, loss, bound = fit_synthetic_weights(
            Pn[:, 0], Pn[:, 1:], Z[:, t], Z[:, donors], outcome_rows=np.where(in_fit, scale**2, 0.0),
            n_random_starts=spec.n_random_starts, seed=spec.seed,
        )
    synthetic = spec.Y[:, donors] @ w
    gap = spec.Y[:, t] - synthetic
    pre_rmspe = float(np.sqrt(np.mean(gap[spec.fit_idx] ** 2)))
    post_gap = gap[spec.post & np.isfinite(gap)]
    post_rmspe = float(np.sqrt(np.mean(post_gap**2))) if post_gap.size else float("nan")
    ratio = post_rmspe / pre_rmspe if pre_rmspe > 0 else float("inf")
    return {"w": w, "v": v, "bound": bound, "synthetic": synthetic, "gap": gap, "pre_rmspe": pre_rmspe,
            "post_rmspe": post_rmspe, "ratio": ratio, "post_gap": post_gap, "P": P}


def _fit(spec: _Spec, t: int, donors: np.ndarray, outcome: str) -> SynthResult:
    core = _core_fit(spec, t, donors)
    w, P = core["w"], core["P"]
    names = [spec.units[j] for j in donors]
    treated = spec.units[t]
    Z = spec.Y[spec.fit_idx]
    keys = []
    spread = float(np.mean(np.nanstd(Z, axis=1, ddof=1)))
    if core["pre_rmspe"] > spec.poor_fit_tolerance * spread:
        keys.append("poor_pre_fit")
    level = Z.mean(axis=0)
    if level[t] > level[donors].max() or level[t] < level[donors].min():
        keys.append("treated_outside_hull")
    if not core["post_gap"].size:
        keys.append("no_post_period")
    years = pd.Index(spec.years, name="time")
    table = pd.DataFrame({"treated": P[:, 0], "synthetic": P[:, 1:] @ w, "donor_mean": P[:, 1:].mean(axis=1)},
                         index=spec.labels)
    att = float(core["post_gap"].mean()) if core["post_gap"].size else float("nan")
    return SynthResult(
        outcome=outcome, treated_unit=treated, treatment_time=spec.treatment_time,
        weights=pd.Series(w, index=pd.Index(names, name="donor"), name="weight"),
        predictor_weights=pd.Series(core["v"], index=spec.labels, name="v"), predictors=table,
        gap=pd.Series(core["gap"], index=years, name="gap"),
        synthetic=pd.Series(core["synthetic"], index=years, name="synthetic"),
        pre_rmspe=core["pre_rmspe"], post_rmspe=core["post_rmspe"], post_pre_ratio=core["ratio"], att=att,
        warnings=tuple(keys), spec={"spec": spec, "pre_mspe_bound": core["bound"], "donor_idx": donors},
    )


def synthetic_control(
    panel: pd.DataFrame,
    outcome: str,
    *,
    unit: str,
    time: str,
    treated_unit,
    treatment_time,
    predictors: list[tuple] | None = None,
    donors: list | None = None,
    fit_years=None,
    poor_fit_tolerance: float = 0.25,
    n_random_starts: int = 4,
    seed: int = 0,
    v=None,
) -> SynthResult:
    """Synthetic control for ``treated_unit`` treated from ``treatment_time``.

    Parameters
    ----------
    panel : DataFrame
        Long panel, one row per (unit, time).
    outcome, unit, time : str
        Column names.
    treated_unit : label
        The treated unit.
    treatment_time : label
        First treated period; earlier periods are the pre-period.
    predictors : list of (variable, years, aggregation), optional
        R Synth's special predictors; aggregation in mean, median, sum, min, max.
        Default: the outcome in each pre-period year.
    donors : list, optional
        Donor pool (default: every other unit). Donors without a complete outcome
        in the fit years or without every predictor are left out.
    fit_years : iterable, optional
        Pre-period years whose outcome fit chooses V (default: all pre-period years).
    poor_fit_tolerance : float
        ``poor_pre_fit`` is flagged when the pre-period RMSPE exceeds this share of the
        average cross-sectional standard deviation of the outcome in the fit years.
    n_random_starts, seed : seeded extra starts of the V search.
    v : sequence of float, optional
        User-supplied predictor weights V (one per predictor, >= 0, not all 0; normalised to sum
        to 1), applied to the predictors scaled by their standard deviation; no V search.
        :func:`synthetic_control_cv` chooses V by cross-validation.

    Returns
    -------
    SynthResult
        ``.weights``, ``.predictor_weights``, ``.gap``, ``.pre_rmspe``,
        ``.post_pre_ratio``, warning keys; :func:`synth_placebos` and
        :func:`synth_leave_one_out` take it further.

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"u": list("AAABBBCCC"), "t": [1, 2, 3] * 3,
    ...                   "y": [2.0, 3.0, 9.0, 1.0, 2.0, 3.0, 3.0, 4.0, 5.0]})
    >>> r = synthetic_control(p, "y", unit="u", time="t", treated_unit="A", treatment_time=3)
    >>> r.weights.round(3).tolist(), round(float(r.gap.loc[3]), 3)
    ([0.5, 0.5], 5.0)
    """
    require_columns(panel, [outcome, unit, time])
    unique_keys(panel, unit, time)
    frame = panel.copy()
    frame[outcome] = numeric(panel, outcome, (unit, time))
    Y = frame.pivot(index=time, columns=unit, values=outcome).sort_index()
    if treated_unit not in Y.columns:
        raise PanelInputError(f"panel: treated unit {treated_unit!r} not found in column {unit!r}")
    pre_years = [t for t in Y.index if t < treatment_time and np.isfinite(Y.loc[t, treated_unit])]
    fit_years = list(fit_years) if fit_years is not None else pre_years
    if len(pre_years) < 2:
        raise PanelInputError(
            f"panel: treated unit {treated_unit!r} has {len(pre_years)} pre-treatment period(s) of "
            f"{outcome!r} before {treatment_time!r}; expected at least 2"
        )
    missing = [t for t in fit_years if t not in pre_years]
    if missing:
        raise PanelInputError(f"fit_years: {missing} are not pre-treatment periods with data for {treated_unit!r}")
    if predictors is None:
        predictors = [(outcome, [t], "mean") for t in pre_years]
    for spec in predictors:
        if isinstance(spec, tuple | list) and len(spec) == 3 and spec[0] != outcome:
            require_columns(panel, [spec[0]])
            frame[spec[0]] = numeric(panel, spec[0], (unit, time))
    P, outcome_year = _predictor_matrix(frame, outcome, unit, time, predictors, pre_years)
    if P[treated_unit].isna().any():
        bad = P.index[P[treated_unit].isna()][0]
        raise PanelInputError(f"predictors: treated unit {treated_unit!r} has no data for predictor {bad!r}")
    pool = [u for u in (donors if donors is not None else Y.columns) if u != treated_unit]
    unknown = [u for u in pool if u not in Y.columns]
    if unknown:
        raise PanelInputError(f"donors: {unknown} not found in column {unit!r}")
    usable = [u for u in pool if Y.loc[fit_years, u].notna().all() and P[u].notna().all()]
    if len(usable) < 2:
        raise PanelInputError(f"donors: {len(usable)} donor(s) with complete data; expected at least 2")
    units = list(Y.columns)
    col = {u: j for j, u in enumerate(units)}
    P = P.reindex(columns=units)
    fixed_v = None
    if v is not None:
        fixed_v = np.asarray(v, dtype=float).ravel()
        if fixed_v.size != len(P.index) or not np.isfinite(fixed_v).all() or (fixed_v < 0).any() or fixed_v.sum() <= 0:
            raise PanelInputError(f"v: expected {len(P.index)} non-negative weights (one per predictor, not all 0), got {v!r}")
        fixed_v = fixed_v / fixed_v.sum()
    spec = _Spec(
        years=Y.index.to_numpy(), units=units, Y=Y.to_numpy(dtype=float), P=P.to_numpy(dtype=float),
        labels=list(P.index), outcome_year=outcome_year.to_numpy(dtype=float),
        fit_idx=np.flatnonzero(Y.index.isin(fit_years)), post=np.asarray(Y.index >= treatment_time),
        treatment_time=treatment_time, poor_fit_tolerance=float(poor_fit_tolerance),
        n_random_starts=int(n_random_starts), seed=int(seed), fixed_v=fixed_v,
    )
    result = _fit(spec, col[treated_unit], np.array([col[u] for u in usable]), outcome)
    if len(usable) < len(pool):
        result = _with_warning(result, "dropped_incomplete_units")
    return result


def _with_warning(result: SynthResult, key: str) -> SynthResult:
    return replace(result, warnings=(*result.warnings, key))


def synth_placebos(result: SynthResult) -> PlaceboResult:
    """In-space placebos: every donor refitted as treated; rank p-value of the post/pre RMSPE ratio."""
    spec: _Spec = result.spec["spec"]
    donors = result.spec["donor_idx"]
    rows = [(result.treated_unit, result.pre_rmspe, result.post_rmspe, result.post_pre_ratio, True)]
    gaps = {result.treated_unit: result.gap.to_numpy()}
    for d in donors:
        core = _core_fit(spec, int(d), donors[donors != d])
        rows.append((spec.units[d], core["pre_rmspe"], core["post_rmspe"], core["ratio"], False))
        gaps[spec.units[d]] = core["gap"]
    table = pd.DataFrame(rows, columns=["unit", "pre_rmspe", "post_rmspe", "post_pre_ratio", "treated"])
    ratio = table.post_pre_ratio.to_numpy()
    rank = int(np.sum(ratio >= result.post_pre_ratio * (1 - 1e-12)))
    gap_frame = pd.DataFrame(gaps, index=pd.Index(spec.years, name="time"))
    return PlaceboResult(table=table, gaps=gap_frame, p_value=rank / len(table), rank=rank)


def synth_leave_one_out(result: SynthResult, min_weight: float = 1e-6) -> pd.DataFrame:
    """Synthetic paths refitted without each donor of positive weight (columns: left-out donor)."""
    spec: _Spec = result.spec["spec"]
    donors = result.spec["donor_idx"]
    t = spec.units.index(result.treated_unit)
    paths = {}
    for d, weight in zip(donors, result.weights.to_numpy()):
        rest = donors[donors != d]
        if weight > min_weight and rest.size >= 2:
            paths[spec.units[d]] = _core_fit(spec, t, rest)["synthetic"]
    return pd.DataFrame(paths, index=pd.Index(spec.years, name="time"))
