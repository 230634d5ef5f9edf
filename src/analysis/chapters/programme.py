"""The programme page: every estimate of one programme, and the verdict the decision table gives them.

:func:`programme_chapter` runs :func:`analysis.programmes.evaluate_programme`
for the edition and turns its results into one frozen :class:`ProgrammeChapter`:
the treatment table, one row per estimate (with whether its inference applies
to this design, and why not), the synthetic-control fit, the headline verdict
(:data:`analysis.chapters.decision.PROGRAMME_RULES`), the evidence level on the
Maryland Scientific Methods Scale and the caveats, each with the numbers it
rests on. Nothing here is a sentence: the report translates the keys.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.chapters.decision import (
    ALPHA, EVIDENCE_RULES, HONEST_RULES, MIN_TREATED_FOR_ANALYTIC, MIN_TREATED_FOR_BOOTSTRAP, PROGRAMME_RULES,
    SYNTH_CV_RULES, SYNTH_FIT_RULES, decide,
)
from analysis.chapters.edition import Edition
from analysis.programmes import evaluate_programme

__all__ = ["Estimate", "Caveat", "estimate_rows", "ProgrammeChapter", "programme_chapter", "programme_facts", "OUTCOME",
           "NOMINAL_OUTCOME", "TRANSFORM", "HONEST_MBAR"]

#: the outcome every programme page estimates effects on: real GRP per capita (constant 2015 prices,
#: chain-linked from BNS's volume index), in natural logs, so an effect of 0.05 is about +5 % and
#: price changes (oil prices above all) do not pass for programme effects
OUTCOME = "grp_per_capita_real"
#: the outcome of an edition whose data have no volume index yet (:meth:`Edition.prices`): nominal GRP
#: per capita, in logs; the year effects absorb the price level common to all regions, not the
#: regions' different price rises (the page says so)
NOMINAL_OUTCOME = "grp_per_capita"
TRANSFORM = "log"
#: the relative-magnitudes bounds the page shows: post-start violations up to Mbar times the
#: largest pre-start change (Rambachan and Roth 2023 report Mbar = 0.5, 1, 2)
HONEST_MBAR = (0.5, 1.0, 2.0)


@dataclass(frozen=True)
class Estimate:
    """One row of the estimates table. ``reason`` says why ``applicable`` is False (a key)."""

    method: str  # method key: did_analytic, did_bootstrap, randomization, cs_simple, synth
    estimate: float
    ci_low: float
    ci_high: float
    p: float
    applicable: bool
    reason: str | None = None

    @property
    def significant(self) -> bool:
        """Significant at ALPHA: p below it, or (no p) an interval that excludes zero."""
        if math.isfinite(self.p):
            return self.p < ALPHA
        if math.isfinite(self.ci_low) and math.isfinite(self.ci_high):
            return self.ci_low > 0 or self.ci_high < 0
        return False

    @property
    def sign(self) -> int:
        return int(np.sign(self.estimate)) if self.significant else 0


@dataclass(frozen=True)
class Caveat:
    """A caveat key with the numbers it states (``values``), derived from the page's own data."""

    key: str
    values: tuple[tuple[str, object], ...] = ()

    def as_dict(self) -> dict:
        return dict(self.values)


@dataclass(frozen=True)
class ProgrammeChapter:
    """Everything the programme page shows."""

    edition: Edition
    programme: str
    kind: str | None  # "sez" / "monotown" when every row is of that kind, else None
    names: tuple[tuple[str, str], ...]  # (lang, programme name) of the main row
    outcome: str
    treatment: pd.DataFrame = field(repr=False)  # unit, first, last, status (not "never")
    treated_count: int
    informative_count: int  # treated regions with outcome data before and after their start
    estimates: tuple[Estimate, ...]
    pretrend_p: float  # event study (nan without one)
    cs_pretrend_p: float  # Callaway–Sant'Anna (nan without one)
    synth_unit: str | None
    synth_fit: str | None  # synth.good_fit / synth.poor_fit
    donors: pd.DataFrame = field(repr=False)  # region, weight (> 0.5 %)
    facts: tuple[tuple[str, object], ...]
    verdict: str
    evidence: str
    caveats: tuple[Caveat, ...]
    evaluation: object = field(repr=False, compare=False)  # the estimator results, for the figures
    honest: pd.DataFrame | None = field(default=None, repr=False)  # m, lower, upper, restriction, includes_zero
    breakdown: float = math.nan  # smallest Mbar whose identified set of the mean effect includes zero
    honest_verdict: str | None = None  # HONEST_RULES key (None: no event study)
    synth_cv: object = field(default=None, repr=False, compare=False)  # SynthResult with V by cross-validation
    synth_cv_placebo_p: float = math.nan
    synth_cv_verdict: str | None = None  # SYNTH_CV_RULES key
    intensity: object = field(default=None, repr=False, compare=False)  # chapters.programme_intensity.IntensityPart
    #: last year with an outcome figure: per-capita figures lag the edition year when next January's
    #: population is not yet published (analysis.data), so the page names this year, not the edition's
    outcome_last: int | None = None
    #: "real" (the outcome is :data:`OUTCOME`) or "nominal" (:data:`NOMINAL_OUTCOME`: no volume index yet)
    prices: str = "real"

    def glue_values(self) -> dict:
        """The values the page glues: the names of earlier editions kept, new ones added."""
        ev = self.evaluation
        out = {"treated_count": self.treated_count, "estimators_count": len(self.estimates)}
        if ev.did is not None:
            out["did_estimate"] = ev.did.estimate
            out["did_p"] = ev.did.p_value
            if ev.did.bootstrap is not None:
                out["did_bootstrap_p"] = ev.did.bootstrap.p_value
        if ev.randomization is not None:
            out["randomization_p"] = ev.randomization.p_value
        if ev.att_simple is not None:
            out["att_simple"] = ev.att_simple.estimate
            out["att_simple_ci_low"] = ev.att_simple.ci[0]
            out["att_simple_ci_high"] = ev.att_simple.ci[1]
        if ev.synth is not None:
            out["synth_att"] = ev.synth.att
            out["synth_pre_rmspe"] = ev.synth.pre_rmspe
        if ev.synth_placebos is not None:
            out["synth_placebo_p"] = ev.synth_placebos.p_value
        if math.isfinite(self.pretrend_p):
            out["pretrend_p"] = self.pretrend_p
        if self.honest is not None:
            out["honest_breakdown_rm"] = self.breakdown
            rm1 = self.honest[(self.honest["restriction"] == "relative_magnitudes") & (self.honest["m"] == 1.0)]
            if len(rm1):
                out["honest_rm1_lower"], out["honest_rm1_upper"] = float(rm1["lower"].iloc[0]), float(rm1["upper"].iloc[0])
        if self.synth_cv is not None:
            out["synth_cv_att"] = self.synth_cv.att
            out["synth_cv_pre_rmspe"] = self.synth_cv.pre_rmspe
            if math.isfinite(self.synth_cv_placebo_p):
                out["synth_cv_placebo_p"] = self.synth_cv_placebo_p
        if self.intensity is not None:
            r = self.intensity.result
            for name, est in (("dose_twfe", r.twfe), ("dose_acrt", r.acrt)):
                out[f"{name}_estimate"], out[f"{name}_p"] = est.estimate, est.p_value
                out[f"{name}_bootstrap_p"], out[f"{name}_randomization_p"] = est.bootstrap.p_value, est.randomization_p
            out["dose_pretrend_p"] = r.event_study.pretrend_p_value
        out["verdict"] = self.verdict
        out["evidence"] = self.evidence
        out["applicable_count"] = sum(e.applicable for e in self.estimates)
        out["significant_count"] = sum(e.applicable and e.significant for e in self.estimates)
        return out


def estimate_rows(ev, treated: int) -> list[Estimate]:
    """One :class:`Estimate` per estimator result of ``ev``; ``treated``: treated regions with data on both sides."""
    rows: list[Estimate] = []
    nan = math.nan
    few = None if treated >= MIN_TREATED_FOR_ANALYTIC else "reason.few_treated_analytic"
    if ev.did is not None:
        d = ev.did
        rows.append(Estimate("did_analytic", d.estimate, d.ci[0], d.ci[1], d.p_value, few is None, few))
        if d.bootstrap is not None:
            ok = treated >= MIN_TREATED_FOR_BOOTSTRAP
            rows.append(Estimate("did_bootstrap", d.estimate, d.bootstrap.ci[0], d.bootstrap.ci[1],
                                 d.bootstrap.p_value, ok, None if ok else "reason.one_treated_bootstrap"))
    if ev.randomization is not None:
        r = ev.randomization
        rows.append(Estimate("randomization", r.statistic, nan, nan, r.p_value, True, None))
    if ev.att_simple is not None:
        a = ev.att_simple
        rows.append(Estimate("cs_simple", a.estimate, a.ci[0], a.ci[1], nan, few is None, few))
    if ev.synth is not None:
        s = ev.synth
        fit = decide(SYNTH_FIT_RULES, {"synth_pre_rmspe": s.pre_rmspe, "synth_abs_gap": abs(s.att)})
        p = ev.synth_placebos.p_value if ev.synth_placebos is not None else nan
        rows.append(Estimate("synth", s.att, nan, nan, p, fit == "synth.good_fit",
                             None if fit == "synth.good_fit" else "reason.poor_fit"))
    return rows


def programme_facts(estimates, pretrend_p: float, cs_pretrend_p: float, dose_design: bool = False) -> dict:
    """The facts the programme and evidence tables read, from the estimate rows and pre-trend tests.

    >>> rows = [Estimate("randomization", 0.1, math.nan, math.nan, 0.01, True)]
    >>> programme_facts(rows, 0.5, math.nan)["significant_positive"]
    1
    """
    applicable = [e for e in estimates if e.applicable]
    # Only the event-study F test (cluster degrees of freedom) decides: the Callaway–Sant'Anna Wald
    # test of all pre-period ATT(g,t), with as many degrees of freedom as there are few treated
    # regions, rejects on simulated panels with exactly parallel trends (tests/test_verdicts.py).
    rejected = math.isfinite(pretrend_p) and pretrend_p < ALPHA
    comparison = any(e.method != "synth" for e in applicable)
    synth_ok = any(e.method == "synth" for e in applicable)
    return {
        "applicable": len(applicable),
        "significant": sum(e.significant for e in applicable),
        "significant_positive": sum(e.sign > 0 for e in applicable),
        "significant_negative": sum(e.sign < 0 for e in applicable),
        "pretrends_rejected": rejected,
        "comparison_credible": (comparison and math.isfinite(pretrend_p) and not rejected) or synth_ok,
        "dose_design": bool(dose_design),  # every region treated: doses compared, not treated with untreated
    }


def programme_chapter(edition: Edition, programme: str, *, B: int = 9999, n_permutations: int = 9999,
                      seed: int = 0) -> ProgrammeChapter:
    """Evaluate ``programme`` in ``edition`` and decide its verdict (see the module docstring)."""

    programmes = edition.programmes()
    programme = edition.choice("programme", programme, programmes["programme"].unique())
    rows = programmes[programmes["programme"] == programme]
    kinds = set(rows["kind"])
    kind = next(iter(kinds)) if len(kinds) == 1 and kinds <= {"sez", "monotown"} else None
    main = rows[rows["kind"] == "programme"] if (rows["kind"] == "programme").any() else rows
    names = tuple((lang, str(main.iloc[0][f"name_{lang}"])) for lang in ("kk", "ru", "en"))

    panel = edition.panel("stable", [OUTCOME, NOMINAL_OUTCOME])
    outcome = OUTCOME if edition.prices(panel, OUTCOME) == "real" else NOMINAL_OUTCOME
    panel = panel[["region", "year", outcome]]
    ev = evaluate_programme(panel, programmes, programme, outcome, regions=edition.regions(), until=edition.year,
                            transform=TRANSFORM, B=B, n_permutations=n_permutations, seed=seed)
    logged = panel.dropna(subset=[outcome]).assign(**{outcome: lambda d: np.log(d[outcome].astype(float))})
    from analysis.chapters.programme_intensity import intensity_part

    intensity = intensity_part(edition, programme, logged, outcome, B=B, n_permutations=n_permutations, seed=seed)
    table = ev.treatment.table
    treatment = table[table["status"] != "never"][["unit", "first_year", "last_year", "status"]].copy()
    treatment["first"] = treatment["first_year"].astype("Int64")
    treatment["last"] = treatment["last_year"].astype("Int64")
    treated_count = int((table["status"] == "treated").sum())
    informative = ev.did.n_treated_clusters if ev.did is not None else 0

    estimates = tuple(estimate_rows(ev, informative))
    event_study = ev.event_study
    if intensity is not None:  # every region received it: the dose-response is the comparison
        estimates, event_study = intensity.estimates, intensity.result.event_study
        treatment = pd.DataFrame({"unit": intensity.doses["region"], "first": pd.array([intensity.first] * len(
            intensity.doses), dtype="Int64"), "last": pd.array([intensity.last] * len(intensity.doses), dtype="Int64"),
            "status": "treated"})
        treated_count = informative = intensity.result.n_units
    pretrend_p = event_study.pretrend_p_value if event_study is not None else math.nan
    cs_p = ev.att_gt.pretrend_p_value if ev.att_gt is not None else math.nan
    honest, breakdown, honest_verdict = _honest(event_study)
    facts = programme_facts(estimates, pretrend_p, cs_p, dose_design=intensity is not None)
    verdict = decide(PROGRAMME_RULES, facts)
    evidence = decide(EVIDENCE_RULES, facts)

    synth_fit = None
    donors = pd.DataFrame({"region": [], "weight": []})
    if ev.synth is not None:
        synth_fit = decide(SYNTH_FIT_RULES, {"synth_pre_rmspe": ev.synth.pre_rmspe, "synth_abs_gap": abs(ev.synth.att)})
        w = ev.synth.weights[ev.synth.weights > 0.005].sort_values(ascending=False)
        donors = pd.DataFrame({"region": w.index, "weight": w.to_numpy()})

    synth_cv, cv_p, cv_verdict = _synth_cv(ev, logged, outcome)
    if intensity is not None:
        caveats = _intensity_caveats(intensity, pretrend_p)
    else:
        caveats = _caveats(ev, table, treated_count, informative, estimates, pretrend_p, cs_p, synth_fit)
    return ProgrammeChapter(
        edition=edition, programme=programme, kind=kind, names=names, outcome=outcome, treatment=treatment,
        treated_count=treated_count, informative_count=informative, estimates=estimates, pretrend_p=pretrend_p,
        cs_pretrend_p=cs_p, synth_unit=ev.synth.treated_unit if ev.synth is not None else None,
        synth_fit=synth_fit, donors=donors, facts=tuple(facts.items()), verdict=verdict, evidence=evidence,
        caveats=caveats, evaluation=ev, honest=honest, breakdown=breakdown, honest_verdict=honest_verdict,
        synth_cv=synth_cv, synth_cv_placebo_p=cv_p, synth_cv_verdict=cv_verdict, intensity=intensity,
        outcome_last=_last_year(logged, edition.year), prices="real" if outcome == OUTCOME else "nominal",
    )


def _last_year(panel: pd.DataFrame, until: int) -> int | None:
    """The last year up to ``until`` that has an outcome figure (None: no figure at all)."""
    years = panel.loc[panel["year"] <= until, "year"]
    return int(years.max()) if len(years) else None


def _honest(event_study):
    """Rambachan–Roth bounds of the mean post-start effect, their breakdown value and its rule's key."""
    from analysis.programmes import breakdown_value, event_study_bounds

    if event_study is None:
        return None, math.nan, None
    table = event_study.table
    inner = table[(table["rel_time"] > event_study.window[0]) & (table["rel_time"] < event_study.window[1])]
    pre = inner.loc[inner["rel_time"] < event_study.reference, "estimate"].to_numpy(float)
    post = inner.loc[inner["rel_time"] > event_study.reference, "estimate"].to_numpy(float)
    if len(pre) == 0 or len(post) == 0:
        return None, math.nan, None
    bounds = pd.concat([
        event_study_bounds(table, HONEST_MBAR, "relative_magnitudes", window=event_study.window, weights="average"),
        event_study_bounds(table, (0.0,), "smoothness", window=event_study.window, weights="average"),
    ], ignore_index=True)
    breakdown = breakdown_value(pre, post, "relative_magnitudes", weights=np.full(len(post), 1.0 / len(post)))
    return bounds, float(breakdown), decide(HONEST_RULES, {"breakdown_rm": breakdown})


def _synth_cv(ev, logged: pd.DataFrame, outcome: str):
    """The synthetic control again with V by cross-validation (training: first half of the pre-period)."""
    from analysis.programmes import synth_placebos, synthetic_control_cv
    from analysis.programmes._checks import PanelInputError

    s = ev.synth
    if s is None:
        return None, math.nan, None
    pre = sorted(int(t) for t in s.gap.index if t < s.treatment_time)
    if len(pre) < 4:
        return None, math.nan, None
    half = len(pre) // 2
    units = [s.treated_unit, *s.weights.index]
    data = logged[logged["region"].isin(units) & logged["year"].between(pre[0], int(s.gap.index.max()))]
    try:
        cv = synthetic_control_cv(data, outcome, unit="region", time="year", treated_unit=s.treated_unit,
                                  treatment_time=s.treatment_time, training=pre[:half], validation=pre[half:],
                                  donors=list(s.weights.index), seed=0)
        p = synth_placebos(cv).p_value
    except PanelInputError:
        return None, math.nan, None
    cv_fit = decide(SYNTH_FIT_RULES, {"synth_pre_rmspe": cv.pre_rmspe, "synth_abs_gap": abs(cv.att)})
    facts = {"cv_same_sign": bool(np.sign(cv.att) == np.sign(s.att)), "cv_fit_good": cv_fit == "synth.good_fit"}
    return cv, float(p), decide(SYNTH_CV_RULES, facts)


def _intensity_caveats(intensity, pretrend_p) -> tuple[Caveat, ...]:
    """Caveats of a dose-response page, from its own dose table and tests."""
    out = [Caveat("caveat.all_treated_dose", (("n", intensity.result.n_units),)),
           Caveat("caveat.dose_is_approvals", (("first", str(intensity.first)), ("last", str(intensity.last))))]
    if math.isfinite(pretrend_p) and pretrend_p < ALPHA:
        out.append(Caveat("caveat.dose_pretrends_rejected", (("p", pretrend_p),)))
    return tuple(out)


def _caveats(ev, table, treated_count, informative, estimates, pretrend_p, cs_p, synth_fit) -> tuple[Caveat, ...]:
    """Caveats stated with the counts and fits of this page's own tables."""
    out: list[Caveat] = []
    unknown = int((table["status"] == "unknown_start").sum())
    if unknown:
        out.append(Caveat("caveat.unknown_start", (("n", unknown),)))
    if 0 < informative < MIN_TREATED_FOR_ANALYTIC:
        out.append(Caveat("caveat.few_treated", (("n", informative), ("minimum", MIN_TREATED_FOR_ANALYTIC))))
    if treated_count > informative > 0:
        out.append(Caveat("caveat.uninformative_treated", (("n", treated_count - informative),
                                                           ("total", treated_count))))
    if ev.att_gt is not None:
        cohorts = table[table["status"] == "treated"].groupby("first_year")["unit"].count()
        single = sorted(int(y) for y, n in cohorts.items() if n == 1)
        if single:
            out.append(Caveat("caveat.single_region_cohorts", (("n", len(single)),
                                                               ("years", ", ".join(map(str, single))))))
    if math.isfinite(pretrend_p) and pretrend_p < ALPHA:
        out.append(Caveat("caveat.pretrends_rejected", (("p", pretrend_p),)))
    if synth_fit == "synth.poor_fit":
        out.append(Caveat("caveat.poor_fit", (("rmspe", ev.synth.pre_rmspe), ("gap", abs(ev.synth.att)))))
    for key in ("no_untreated_units", "no_pre_period", "no_post_period"):
        if key in ev.warnings:
            out.append(Caveat(f"warning.{key}"))
    if ev.synth is None and "synth_not_applicable" in ev.warnings and informative > 1:
        out.append(Caveat("caveat.synth_not_applicable", (("n", informative),)))
    return tuple(out)
