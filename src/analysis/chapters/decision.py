"""The decision table: how each page's headline verdict follows from its estimates.

The rules are data, not code paths. A :class:`Rule` names the verdict key it
gives and the conditions (``fact``, ``operator``, ``value``) under which it
applies; the rules of one table are tried in order and the first whose
conditions all hold gives the verdict. The chapter functions compute the
*facts* (named numbers and flags) from their estimates; :func:`decide` applies a
table to them. The methods page renders the same tables in three languages
(:func:`analysis.i18n` entries keyed ``fact.*``, ``op.*`` and the verdict keys),
so the rule a reader is told is the rule the code applies.

Examples
--------
>>> decide(PROGRAMME_RULES, {"applicable": 0, "pretrends_rejected": False, "significant": 0,
...                          "significant_positive": 0, "significant_negative": 0})
'programme.no_estimate'
>>> decide(SYNTH_FIT_RULES, {"synth_pre_rmspe": 0.076, "synth_abs_gap": 0.061})
'synth.poor_fit'
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Mapping

__all__ = [
    "ALPHA",
    "MIN_TREATED_FOR_ANALYTIC",
    "MIN_TREATED_FOR_BOOTSTRAP",
    "Rule",
    "TABLES",
    "PROGRAMME_RULES",
    "SYNTH_FIT_RULES",
    "SYNTH_CV_RULES",
    "HONEST_RULES",
    "EVIDENCE_RULES",
    "CONVERGENCE_RULES",
    "decide",
]

#: significance level of every test the verdicts use
ALPHA = 0.05
#: analytic clustered (and influence-function) intervals need this many treated regions
#: (with fewer they over-reject: Conley and Taber 2011; MacKinnon and Webb 2017)
MIN_TREATED_FOR_ANALYTIC = 5
#: the wild cluster bootstrap needs at least two treated clusters (MacKinnon and Webb 2017)
MIN_TREATED_FOR_BOOTSTRAP = 2

_OPS = {"==": operator.eq, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


@dataclass(frozen=True)
class Rule:
    """One row of a decision table: ``verdict`` when every condition holds.

    A condition is ``(fact, op, value)``; ``value`` is a constant or the name of
    another fact (a string that is a fact name), so ``("synth_pre_rmspe", ">=",
    "synth_abs_gap")`` compares two estimates. No conditions: the fallback row.
    """

    verdict: str
    conditions: tuple[tuple[str, str, object], ...] = ()

    def holds(self, facts: Mapping[str, object]) -> bool:
        for fact, op, value in self.conditions:
            if fact not in facts:
                raise KeyError(f"rule {self.verdict!r}: no fact {fact!r} (have {', '.join(sorted(facts))})")
            other = facts[value] if isinstance(value, str) and value in facts else value
            if not _OPS[op](facts[fact], other):
                return False
        return True


def decide(rules: tuple[Rule, ...], facts: Mapping[str, object]) -> str:
    """The verdict of the first rule of ``rules`` whose conditions all hold in ``facts``."""
    for rule in rules:
        if rule.holds(facts):
            return rule.verdict
    raise ValueError(f"no rule applies to {dict(facts)!r}; a decision table must end with a fallback row")


#: Programme headline. Facts: ``applicable`` (estimates whose inference applies to this design),
#: ``significant`` / ``significant_positive`` / ``significant_negative`` (of those, significant at
#: ALPHA), ``pretrends_rejected`` (the event-study or Callaway–Sant'Anna test that the pre-start
#: differences are all zero is rejected at ALPHA).
PROGRAMME_RULES: tuple[Rule, ...] = (
    Rule("programme.no_estimate", (("applicable", "==", 0),)),
    Rule("programme.not_credible", (("pretrends_rejected", "==", True),)),
    Rule("programme.positive", (("significant_positive", "==", "applicable"),)),
    Rule("programme.negative", (("significant_negative", "==", "applicable"),)),
    Rule("programme.disagree", (("significant", ">", 0),)),
    Rule("programme.no_effect"),
)

#: Synthetic-control fit. The pre-period RMSPE is the typical miss before the start; a gap after
#: the start no larger than that miss cannot be told apart from the fit error.
SYNTH_FIT_RULES: tuple[Rule, ...] = (
    Rule("synth.poor_fit", (("synth_pre_rmspe", ">=", "synth_abs_gap"),)),
    Rule("synth.good_fit"),
)

#: Synthetic control with V chosen by cross-validation (Abadie, Diamond and Hainmueller 2015) beside
#: the plain fit. The verdict uses the plain fit: its V fits the whole pre-period and its placebos
#: rank the gap; the cross-validated fit is the check. Facts: ``cv_same_sign`` (its mean gap has the
#: sign of the plain fit's) and ``cv_fit_good`` (it passes :data:`SYNTH_FIT_RULES`).
SYNTH_CV_RULES: tuple[Rule, ...] = (
    Rule("synth_cv.agrees", (("cv_same_sign", "==", True), ("cv_fit_good", "==", True))),
    Rule("synth_cv.poor_fit", (("cv_fit_good", "==", False),)),
    Rule("synth_cv.differs"),
)

#: Sensitivity to violations of parallel trends (Rambachan and Roth 2023, relative magnitudes).
#: ``breakdown_rm`` is the smallest Mbar at which the identified set of the mean post-start effect
#: includes zero: the estimate keeps its sign unless the trend difference changes after the start by
#: more than Mbar times its largest change before. Mbar >= 1 means the sign survives a violation as
#: large as any seen before the start.
HONEST_RULES: tuple[Rule, ...] = (
    Rule("honest.robust", (("breakdown_rm", ">=", 1.0),)),
    Rule("honest.fragile"),
)

#: Strength of evidence on the Maryland Scientific Methods Scale (levels 1–5, as the UK What Works
#: Centre for Local Economic Growth rates evaluations), from the design that was possible here.
#: Levels 4 and 5 need (quasi-)random assignment, which no programme in these data has.
EVIDENCE_RULES: tuple[Rule, ...] = (
    Rule("evidence.not_rated", (("applicable", "==", 0),)),
    Rule("evidence.level2", (("pretrends_rejected", "==", True),)),
    Rule("evidence.level3_dose", (("dose_design", "==", True), ("comparison_credible", "==", True))),
    Rule("evidence.level3", (("comparison_credible", "==", True),)),
    Rule("evidence.level2"),
)

#: Convergence headline. Facts: ``sigma`` and ``beta`` are -1 (significant convergence), +1
#: (significant divergence) or 0 (no significant change) over the whole period; ``direction_changes``
#: counts the turns of the dispersion trend found in the data (see ``chapters.convergence``).
CONVERGENCE_RULES: tuple[Rule, ...] = (
    Rule("convergence.converging", (("sigma", "==", -1), ("beta", "==", -1))),
    Rule("convergence.diverging", (("sigma", "==", 1), ("beta", "==", 1))),
    Rule("convergence.direction_changed", (("direction_changes", ">", 0),)),
    Rule("convergence.mixed", (("sigma", "==", -1), ("beta", "==", 1))),
    Rule("convergence.mixed", (("sigma", "==", 1), ("beta", "==", -1))),
    Rule("convergence.partly_converging", (("sigma", "<=", 0), ("beta", "<=", 0), ("sigma", "<", "beta"))),
    Rule("convergence.partly_converging", (("sigma", "==", 0), ("beta", "==", -1))),
    Rule("convergence.partly_diverging", (("sigma", ">=", 0), ("beta", ">=", 0), ("sigma", ">", "beta"))),
    Rule("convergence.partly_diverging", (("sigma", "==", 0), ("beta", "==", 1))),
    Rule("convergence.no_significant_change"),
)

#: every table, by the name the methods page shows
TABLES: dict[str, tuple[Rule, ...]] = {
    "programme": PROGRAMME_RULES,
    "synth": SYNTH_FIT_RULES,
    "synth_cv": SYNTH_CV_RULES,
    "honest": HONEST_RULES,
    "evidence": EVIDENCE_RULES,
    "convergence": CONVERGENCE_RULES,
}
