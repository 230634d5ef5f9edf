"""Result types of the convergence estimators: small frozen records, no numerics.

Every result carries a ``verdict`` key, one of :data:`VERDICTS`, decided at
the significance level ``alpha`` it also carries, and a ``warnings`` tuple of
keys.  The book translates the keys through :mod:`analysis.i18n`; it never
re-derives a verdict from the numbers.

Warning keys used by this package:

``few_clusters``
    cluster-robust inference with fewer clusters than the stated minimum;
``few_periods``
    a fixed-effects growth regression over few spells (Nickell bias towards
    fast convergence);
``speed_undefined``
    ``1 + T*beta <= 0``, so the implied speed and half-life do not exist;
``no_half_life``
    the speed is not positive (divergence), so there is no half-life;
``unbalanced_sample``
    some regions lack the start or end value and were left out;
``sparse_transitions``
    some origin class has fewer than five observed transitions;
``reducible_chain``
    the transition matrix has no unique steady state;
``no_core_group``
    the club algorithm found no pair of units converging together.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = [
    "VERDICTS", "CONVERGING", "DIVERGING", "NO_SIGNIFICANT_CHANGE", "decide_verdict",
    "SigmaTrendResult", "BetaResult", "MarkovResult", "Club", "ClubsResult",
]

CONVERGING = "converging"
DIVERGING = "diverging"
NO_SIGNIFICANT_CHANGE = "no_significant_change"
VERDICTS = (CONVERGING, DIVERGING, NO_SIGNIFICANT_CHANGE)


def decide_verdict(estimate: float, pvalue: float, alpha: float) -> str:
    """Verdict key for a statistic whose negative sign means convergence.

    Examples
    --------
    >>> decide_verdict(-0.02, 0.01, 0.05)
    'converging'
    >>> decide_verdict(-0.02, 0.20, 0.05)
    'no_significant_change'
    """
    if not (np.isfinite(estimate) and np.isfinite(pvalue)) or pvalue >= alpha:
        return NO_SIGNIFICANT_CHANGE
    return CONVERGING if estimate < 0 else DIVERGING


@dataclass(frozen=True)
class SigmaTrendResult:
    """Linear trend of a dispersion series, with a HAC standard error.

    ``slope`` is in units of the series per year; a negative significant
    slope is σ-convergence.
    """

    slope: float
    se: float
    pvalue: float
    intercept: float
    start: int
    end: int
    n: int
    maxlags: int
    verdict: str
    alpha: float
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class BetaResult:
    """β-convergence regression: growth on the log initial level.

    ``beta`` is the coefficient on the log initial level in the regression of
    average annual log growth; ``speed`` is λ = −ln(1 + Tβ)/T per year and
    ``half_life`` = ln 2 / λ years, each with a delta-method standard error.
    ``sample`` lists every (region, first year, last year) growth spell that
    entered, so the reader can see exactly what was estimated.
    """

    beta: float
    se: float
    pvalue: float
    speed: float
    speed_se: float
    half_life: float
    half_life_se: float
    intercept: float
    r2: float
    n: int
    df: float
    start: int
    end: int
    horizon: int
    method: str
    cov_type: str
    controls: tuple[str, ...]
    sample: tuple[tuple[str, int, int], ...]
    verdict: str
    alpha: float
    n_clusters: int | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class MarkovResult:
    """Discrete Markov chain of (relative) levels between classes.

    ``transitions`` holds the counts behind every probability in ``p`` (rows:
    class in year t, columns: class in year t+1), so sparse rows stay visible.
    ``cutoffs`` is indexed by year, one column per class upper bound.
    ``spread_latest`` and ``spread_steady`` are the variances of the class
    index under the latest observed and the steady-state distribution; the
    verdict compares them (a smaller steady-state spread is convergence),
    with a parametric bootstrap p-value.
    """

    transitions: pd.DataFrame
    p: pd.DataFrame
    steady_state: pd.Series
    cutoffs: pd.DataFrame
    shorrocks: float
    initial: pd.Series
    latest: pd.Series
    spread_latest: float
    spread_steady: float
    pvalue: float
    n_transitions: int
    classes: int
    relative: bool
    pooled: bool
    verdict: str
    alpha: float
    warnings: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Club:
    """One convergence club: members and its own log t test."""

    members: tuple[str, ...]
    b: float
    t_stat: float


@dataclass(frozen=True)
class ClubsResult:
    """Phillips–Sul log t test and club clustering.

    ``b`` and ``t_stat`` are the whole-panel log t regression (``b = 2α``);
    convergence of the whole panel is rejected when ``t_stat < -critical``.
    ``clubs`` are after merging, ``initial_clubs`` before it; ``divergent``
    lists the units that belong to no club.
    """

    b: float
    t_stat: float
    critical: float
    clubs: tuple[Club, ...]
    initial_clubs: tuple[Club, ...]
    divergent: tuple[str, ...]
    start: int
    end: int
    trim: float
    hp_lambda: float | None
    verdict: str
    alpha: float
    warnings: tuple[str, ...] = ()
