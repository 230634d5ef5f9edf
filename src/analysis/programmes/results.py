"""Result objects of the programme estimators: small frozen dataclasses.

They hold numbers, tables and keys, never sentences and never numerics; this
module imports no estimator. What needs computation on a result is a function
of the estimator's module (:func:`analysis.programmes.aggregate_att_gt`,
:func:`analysis.programmes.synth_placebos`,
:func:`analysis.programmes.synth_leave_one_out`). Warnings are keys
from :data:`WARNING_KEYS`; verdicts are keys from :data:`VERDICT_KEYS`. The book
translates both through :mod:`analysis.i18n`.

Example
-------
>>> r = BootstrapResult(0.03, (0.1, 0.9), 0.0, 0.05, "webb", 9999, False, 0)
>>> r.p_value
0.03
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "WARNING_KEYS",
    "VERDICT_KEYS",
    "BootstrapResult",
    "DidResult",
    "EventStudyResult",
    "AttGtResult",
    "AggregateResult",
    "RandomizationResult",
    "SynthResult",
    "PlaceboResult",
    "ProgrammeEvaluation",
    "Treatment",
    "effect_verdict",
]

#: every warning key a result can carry (the i18n catalogue translates these)
WARNING_KEYS = (
    "single_treated_unit",  # one treated region (in the programme or in a cohort)
    "few_treated_clusters",  # fewer than 5 treated clusters: analytic SEs unreliable
    "poor_pre_fit",  # synthetic control does not reproduce the pre-period
    "pretrends_rejected",  # joint pre-trend test rejects at alpha
    "no_pre_period",  # treatment starts before the outcome data do
    "no_post_period",  # the outcome data end before treatment starts
    "no_untreated_units",  # no comparison regions
    "dropped_incomplete_units",  # regions without a complete outcome series were left out
    "pretrend_test_unavailable",  # too few pre-periods or clusters to test
    "treated_outside_hull",  # treated unit is extreme: no convex combination can match it
    "unknown_start_excluded",  # regions whose start year is unknown were left out
    "synth_not_applicable",  # several cohorts or treated units: no single-unit synthetic control
)

#: verdict keys of an effect estimate
VERDICT_KEYS = ("positive_effect", "negative_effect", "no_significant_effect", "not_estimable")


def effect_verdict(estimate: float, p_value: float, alpha: float) -> str:
    """Verdict key of an estimate and its (bootstrap or exact) p-value."""
    if not (np.isfinite(estimate) and np.isfinite(p_value)):
        return "not_estimable"
    if p_value >= alpha:
        return "no_significant_effect"
    return "positive_effect" if estimate > 0 else "negative_effect"


@dataclass(frozen=True)
class BootstrapResult:
    """Wild cluster restricted bootstrap of one coefficient."""

    p_value: float
    ci: tuple[float, float]
    beta0: float
    alpha: float
    weights: str  # "rademacher" | "webb"
    draws: int
    enumerated: bool  # True: every weight vector was used (exact over the weight space)
    seed: int


@dataclass(frozen=True)
class DidResult:
    """Two-way fixed-effects difference-in-differences."""

    outcome: str
    estimate: float
    se: float  # CRV1, see ``ssc``
    t_stat: float
    df: int  # G - 1, used for the analytic p-value and CI
    p_value: float  # analytic (t with G - 1 df)
    ci: tuple[float, float]  # analytic
    bootstrap: BootstrapResult | None
    n_obs: int
    n_units: int
    n_clusters: int
    n_treated_clusters: int
    ssc: float  # small-sample factor G/(G-1)*(n-1)/(n-k) actually used
    alpha: float
    verdict: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class EventStudyResult:
    """Leads and lags relative to treatment (reference period -1)."""

    outcome: str
    table: pd.DataFrame  # rel_time, estimate, se, ci_low, ci_high, n_treated_obs (ref row: 0)
    reference: int
    window: tuple[int, int]  # endpoints are binned
    pretrend_stat: float  # Wald F statistic of all leads = 0
    pretrend_df: tuple[int, int]
    pretrend_p_value: float
    n_clusters: int
    alpha: float
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class AggregateResult:
    """One aggregation of group-time ATTs (Callaway and Sant'Anna 2021)."""

    kind: str  # simple | dynamic | group | calendar
    estimate: float  # overall summary
    se: float
    ci: tuple[float, float]
    p_value: float  # normal approximation
    table: pd.DataFrame | None  # per event time / group / period: estimate, se, ci_low, ci_high
    alpha: float
    verdict: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class AttGtResult:
    """Group-time average treatment effects with influence functions."""

    outcome: str
    table: pd.DataFrame  # group, time, base, att, se, ci_low, ci_high, post
    influence: np.ndarray = field(repr=False)  # n_units x n_gt, scaled so se = sqrt(sum IF^2)/n
    group_of_unit: np.ndarray = field(repr=False)
    control: str
    n_units: int
    pretrend_stat: float
    pretrend_df: int
    pretrend_p_value: float
    alpha: float
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class RandomizationResult:
    """Randomization (permutation) inference of a treatment statistic."""

    statistic: float
    p_value: float
    n_permutations: int
    exact: bool
    permuted: str  # "units" or "units_and_timing"
    seed: int
    null_distribution: np.ndarray = field(repr=False)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlaceboResult:
    """In-space placebos of a synthetic control."""

    table: pd.DataFrame  # unit, pre_rmspe, post_rmspe, post_pre_ratio, treated (bool)
    gaps: pd.DataFrame  # time x unit
    p_value: float  # rank of the treated post/pre ratio among all units
    rank: int


@dataclass(frozen=True)
class SynthResult:
    """Synthetic control for one treated unit."""

    outcome: str
    treated_unit: Any
    treatment_time: Any
    weights: pd.Series  # donor -> weight (convex)
    predictor_weights: pd.Series  # V (diagonal), sums to 1
    predictors: pd.DataFrame  # predictor x {treated, synthetic, donor_mean}
    gap: pd.Series  # time -> treated - synthetic
    synthetic: pd.Series  # time -> synthetic outcome
    pre_rmspe: float
    post_rmspe: float
    post_pre_ratio: float
    att: float  # mean post-period gap
    warnings: tuple[str, ...] = ()
    spec: dict = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class Treatment:
    """A programme's treated units on one basis (see :mod:`analysis.programmes.treatments`)."""

    programme: str
    basis: str
    table: pd.DataFrame  # unit, first_year, last_year, status, confidence, sources
    window: tuple  # (first year of the outcome window or None, last year or None)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProgrammeEvaluation:
    """Everything the programme notebook shows for one (programme, outcome)."""

    programme: str
    outcome: str
    until: int | None
    transform: str | None
    treatment: Treatment
    did: DidResult | None
    event_study: EventStudyResult | None
    att_gt: AttGtResult | None
    att_simple: AggregateResult | None
    randomization: RandomizationResult | None
    synth: SynthResult | None
    synth_placebos: PlaceboResult | None
    warnings: tuple[str, ...] = ()

    def summary(self) -> pd.DataFrame:
        """One row per estimator: estimate, interval, p-value, inference method, verdict, warnings.

        Only collects numbers already on the results (language-neutral; the book
        translates the ``estimator``, ``inference``, ``verdict`` and warning keys).
        """
        rows = []
        alpha = self.did.alpha if self.did is not None else float("nan")
        if self.did is not None:
            d, b = self.did, self.did.bootstrap
            if b is not None:
                rows.append(("twfe", d.estimate, *b.ci, b.p_value, f"wild_cluster_{b.weights}", d.verdict, d.warnings))
            rows.append(("twfe", d.estimate, *d.ci, d.p_value, "cluster_robust_t",
                         effect_verdict(d.estimate, d.p_value, d.alpha), d.warnings))
        if self.att_simple is not None:
            a = self.att_simple
            rows.append(("callaway_santanna", a.estimate, *a.ci, a.p_value, "influence_function", a.verdict,
                         a.warnings))
        if self.randomization is not None:
            r = self.randomization
            rows.append(("twfe", r.statistic, float("nan"), float("nan"), r.p_value,
                         "randomization_exact" if r.exact else "randomization_monte_carlo",
                         effect_verdict(r.statistic, r.p_value, alpha), r.warnings))
        if self.synth is not None:
            s, pl = self.synth, self.synth_placebos
            p_value = pl.p_value if pl is not None else float("nan")
            rows.append(("synthetic_control", s.att, float("nan"), float("nan"), p_value, "placebo_rank",
                         effect_verdict(s.att, p_value, alpha), s.warnings))
        return pd.DataFrame(rows, columns=["estimator", "estimate", "ci_low", "ci_high", "p_value", "inference",
                                           "verdict", "warnings"])
