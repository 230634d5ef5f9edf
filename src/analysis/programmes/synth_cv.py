"""Synthetic control with the predictor weights V chosen by cross-validation (Abadie, Diamond
and Hainmueller 2015, "Comparative politics and the synthetic control method", section 4):

1. split the pre-treatment period into a *training* window and a later *validation* window;
2. measure the predictors in the training window and choose V so that the synthetic control
   built from them (W(V)) predicts the outcome best in the validation window;
3. keep that V, measure the predictors in the validation window and compute the final W.

Predictors are ``(variable, aggregation)`` pairs measured over a window (aggregation ``mean``,
``median``, ``sum``, ``min``, ``max``, or ``first`` / ``last``: the value in the window's first
or last year), so the same predictors exist in both windows and V carries over.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from ._checks import PanelInputError
from .results import SynthResult
from .synth import synthetic_control

__all__ = ["synthetic_control_cv"]


def _triples(predictors, years: list) -> list[tuple]:
    out = []
    for spec in predictors:
        if not (isinstance(spec, tuple | list) and len(spec) == 2):
            raise PanelInputError(f"predictors: expected (variable, aggregation) pairs, got {spec!r}")
        variable, how = spec
        if how == "first":
            out.append((variable, [years[0]], "mean"))
        elif how == "last":
            out.append((variable, [years[-1]], "mean"))
        else:
            out.append((variable, years, how))
    return out


def synthetic_control_cv(panel: pd.DataFrame, outcome: str, *, unit: str, time: str, treated_unit,
                         treatment_time, training, validation, predictors=None, donors=None,
                         poor_fit_tolerance: float = 0.25, n_random_starts: int = 4, seed: int = 0) -> SynthResult:
    """Synthetic control whose V is chosen on ``training`` and validated on ``validation``.

    Parameters
    ----------
    panel, outcome, unit, time, treated_unit, treatment_time, donors, poor_fit_tolerance,
    n_random_starts, seed
        As for :func:`synthetic_control`.
    training, validation : iterable of periods
        Two pre-treatment windows, the validation window after the training window.
    predictors : list of (variable, aggregation), optional
        Default: the outcome's mean, first and last value in the window.

    Returns
    -------
    SynthResult
        The final fit (predictors measured in the validation window, V fixed); ``spec["cv"]`` holds
        ``v`` (the cross-validated V), ``validation_rmspe`` (the outcome RMSPE of step 2 in the
        validation window) and the two windows.

    Examples
    --------
    >>> import numpy as np
    >>> years = range(2000, 2012)
    >>> rng = np.random.default_rng(1)
    >>> base = {u: rng.normal(size=12).cumsum() for u in "BCDE"}
    >>> rows = [(u, y, base[u][i]) for u in "BCDE" for i, y in enumerate(years)]
    >>> rows += [("A", y, 0.3 * base["B"][i] + 0.7 * base["C"][i]) for i, y in enumerate(years)]
    >>> p = pd.DataFrame(rows, columns=["region", "year", "y"])
    >>> r = synthetic_control_cv(p, "y", unit="region", time="year", treated_unit="A", treatment_time=2009,
    ...                          training=range(2000, 2005), validation=range(2005, 2009))
    >>> r.weights.round(2).to_dict()
    {'B': 0.3, 'C': 0.7, 'D': 0.0, 'E': 0.0}
    """
    training, validation = list(training), list(validation)
    if not training or not validation:
        raise PanelInputError("training, validation: expected two non-empty windows of periods")
    if not max(training) < min(validation):
        raise PanelInputError(f"validation: expected periods after the training window (ends {max(training)!r})")
    if not max(validation) < treatment_time:
        raise PanelInputError(f"validation: expected pre-treatment periods (before {treatment_time!r})")
    predictors = predictors or [(outcome, "mean"), (outcome, "first"), (outcome, "last")]
    common = dict(unit=unit, time=time, treated_unit=treated_unit, treatment_time=treatment_time,
                  donors=donors, poor_fit_tolerance=poor_fit_tolerance, n_random_starts=n_random_starts, seed=seed)
    # step 2: V by the validation-window outcome fit of W built from training-window predictors
    step = synthetic_control(panel, outcome, predictors=_triples(predictors, training), fit_years=validation, **common)
    v = step.predictor_weights.to_numpy()
    # step 3: the final W from validation-window predictors with that V
    final = synthetic_control(panel, outcome, predictors=_triples(predictors, validation), v=v, **common)
    cv = {"v": pd.Series(v, index=[f"{var} {how}" for var, how in predictors], name="v"),
          "validation_rmspe": step.pre_rmspe, "training": training, "validation": validation}
    return replace(final, spec={**final.spec, "cv": cv})
