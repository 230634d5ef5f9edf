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
    ALPHA, EVIDENCE_RULES, MIN_TREATED_FOR_ANALYTIC, MIN_TREATED_FOR_BOOTSTRAP, PROGRAMME_RULES,
    SYNTH_FIT_RULES, decide,
)
from analysis.chapters.edition import Edition
from analysis.programmes import evaluate_programme

__all__ = ["Estimate", "Caveat", "estimate_rows", "ProgrammeChapter", "programme_chapter", "programme_facts", "OUTCOME"]

#: the outcome every programme page estimates effects on
OUTCOME = "grp_per_capita_rel"


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


def programme_facts(estimates, pretrend_p: float, cs_pretrend_p: float) -> dict:
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

    panel = edition.panel("stable", [OUTCOME])
    ev = evaluate_programme(panel, programmes, programme, OUTCOME, regions=edition.regions(), until=edition.year,
                            B=B, n_permutations=n_permutations, seed=seed)
    table = ev.treatment.table
    treatment = table[table["status"] != "never"][["unit", "first_year", "last_year", "status"]].copy()
    treatment["first"] = treatment["first_year"].astype("Int64")
    treatment["last"] = treatment["last_year"].astype("Int64")
    treated_count = int((table["status"] == "treated").sum())
    informative = ev.did.n_treated_clusters if ev.did is not None else 0

    estimates = tuple(estimate_rows(ev, informative))
    pretrend_p = ev.event_study.pretrend_p_value if ev.event_study is not None else math.nan
    cs_p = ev.att_gt.pretrend_p_value if ev.att_gt is not None else math.nan
    facts = programme_facts(estimates, pretrend_p, cs_p)
    verdict = decide(PROGRAMME_RULES, facts)
    evidence = decide(EVIDENCE_RULES, facts)

    synth_fit = None
    donors = pd.DataFrame({"region": [], "weight": []})
    if ev.synth is not None:
        synth_fit = decide(SYNTH_FIT_RULES, {"synth_pre_rmspe": ev.synth.pre_rmspe, "synth_abs_gap": abs(ev.synth.att)})
        w = ev.synth.weights[ev.synth.weights > 0.005].sort_values(ascending=False)
        donors = pd.DataFrame({"region": w.index, "weight": w.to_numpy()})

    caveats = _caveats(ev, table, treated_count, informative, estimates, pretrend_p, cs_p, synth_fit)
    return ProgrammeChapter(
        edition=edition, programme=programme, kind=kind, names=names, outcome=OUTCOME, treatment=treatment,
        treated_count=treated_count, informative_count=informative, estimates=estimates, pretrend_p=pretrend_p,
        cs_pretrend_p=cs_p, synth_unit=ev.synth.treated_unit if ev.synth is not None else None,
        synth_fit=synth_fit, donors=donors, facts=tuple(facts.items()), verdict=verdict, evidence=evidence,
        caveats=caveats, evaluation=ev,
    )


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
