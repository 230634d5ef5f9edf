"""The decision tables of :mod:`analysis.chapters.decision`, written out for the methods page.

The methods page promises that the rule a reader is told is the rule the code applies:
this module renders :data:`analysis.chapters.decision.TABLES` themselves, row by row, in
kk, ru and en (domain ``rules``), so a changed rule changes the page. Each table is one
HTML table: the order in which rows are tried, the conditions (all must hold), and the
verdict. Facts are named in words; a fact compared with another fact names both; the
signs of sigma and beta (−1, 0, +1) are named by what they mean.

The assembler puts the tables where ``book/content/<lang>/data_methods.md`` holds the
marker :data:`MARKER`.

Examples
--------
>>> html_ = decision_rules_html("en")
>>> "Programme headline" in html_ and "estimates that apply = 0" in html_
True
>>> "no estimate is possible" in html_
True
>>> "оценки, к которым применим вывод = 0" in decision_rules_html("ru")
True
"""

from __future__ import annotations

import html

from analysis.chapters.decision import ALPHA, MIN_TREATED_FOR_ANALYTIC, MIN_TREATED_FOR_BOOTSTRAP, TABLES
from analysis.i18n import N_, format_number, gettext
from analysis.report.conclusions_page import VERDICT_LABELS

__all__ = ["MARKER", "decision_rules_html", "insert_decision_rules"]

#: the line of data_methods.md that the tables replace
MARKER = "<!-- aimaq: decision rules -->"

_TITLES = {
    "programme": N_("Programme headline"),
    "synth": N_("Fit of the synthetic control"),
    "synth_cv": N_("Synthetic control with weights chosen by cross-validation"),
    "honest": N_("Sensitivity to a violation of parallel trends"),
    "evidence": N_("Strength of evidence (Maryland Scientific Methods Scale)"),
    "convergence": N_("Convergence headline"),
}
_FACTS = {
    "applicable": N_("estimates that apply"),
    "significant": N_("significant estimates"),
    "significant_positive": N_("significant increases"),
    "significant_negative": N_("significant decreases"),
    "pretrends_rejected": N_("pre-trends rejected"),
    "synth_pre_rmspe": N_("error of the fit before the start"),
    "synth_abs_gap": N_("size of the average gap after the start"),
    "cv_same_sign": N_("cross-validated gap has the same sign"),
    "cv_fit_good": N_("cross-validated fit is good"),
    "breakdown_rm": N_("breakdown value M̄"),
    "dose_design": N_("design compares doses"),
    "comparison_credible": N_("comparison is credible"),
    "sigma": N_("sigma"),
    "beta": N_("beta"),
    "direction_changes": N_("turns of the dispersion trend"),
}
#: facts whose values −1, 0, +1 are directions
_DIRECTIONS = {-1: N_("significant convergence"), 0: N_("no significant change"), 1: N_("significant divergence")}
_BOOLEANS = {True: N_("yes"), False: N_("no")}
_VERDICTS = {
    **VERDICT_LABELS,
    "synth.poor_fit": N_("poor fit: left out of the verdict"),
    "synth.good_fit": N_("good fit: counted"),
    "synth_cv.agrees": N_("agrees with the plain fit"),
    "synth_cv.poor_fit": N_("poor fit"),
    "synth_cv.differs": N_("differs from the plain fit"),
    "honest.robust": N_("the sign survives a violation as large as any before the start"),
    "honest.fragile": N_("the sign does not survive such a violation"),
    "evidence.not_rated": N_("not rated"),
    "evidence.level2": N_("level 2 of 5"),
    "evidence.level3": N_("level 3 of 5"),
    "evidence.level3_dose": N_("level 3 of 5 (comparison of doses)"),
    "convergence.converging": N_("the regions converged"),
    "convergence.diverging": N_("the regions drifted apart"),
    "convergence.direction_changed": N_("no significant change overall; the turns are named"),
    "convergence.mixed": N_("the measures point in opposite directions"),
    "convergence.partly_converging": N_("partial evidence of convergence"),
    "convergence.partly_diverging": N_("partial evidence of divergence"),
    "convergence.no_significant_change": N_("no significant change"),
}
_OPS = {"==": "=", "<": "<", "<=": "≤", ">": ">", ">=": "≥"}


def _value(fact: str, value, lang: str) -> str:
    if isinstance(value, str) and value in _FACTS:
        return gettext(_FACTS[value], lang)
    if isinstance(value, bool):
        return gettext(_BOOLEANS[value], lang)
    if fact in ("sigma", "beta") and value in _DIRECTIONS:
        return gettext(_DIRECTIONS[value], lang)
    return format_number(value, lang, 0 if float(value).is_integer() else 2)


def _conditions(rule, lang: str) -> str:
    if not rule.conditions:
        return gettext("in every other case", lang)
    return "; ".join(f"{gettext(_FACTS[fact], lang)} {_OPS[op]} {_value(fact, value, lang)}"
                     for fact, op, value in rule.conditions)


def decision_rules_html(lang: str) -> str:
    """Every decision table as an HTML table in ``lang``, each under a level-4 heading."""
    head = (gettext("Significance is judged at the {alpha}% level. Analytic clustered and Callaway–Sant'Anna "
                    "intervals count only with at least {analytic} regions that received the programme, the wild "
                    "bootstrap with at least {bootstrap}; randomization inference always counts. In each table the "
                    "rows are tried in order and the first whose conditions all hold gives the verdict.", lang,
                    alpha=round(ALPHA * 100), analytic=MIN_TREATED_FOR_ANALYTIC,
                    bootstrap=MIN_TREATED_FOR_BOOTSTRAP))
    columns = [gettext(c, lang) for c in (N_("Order"), N_("Conditions (all must hold)"), N_("Verdict"))]
    parts = [f"<p>{html.escape(head)}</p>"]
    for name, rules in TABLES.items():
        parts.append(f"<h4>{html.escape(gettext(_TITLES[name], lang))}</h4>")
        parts.append('<table class="aimaq-table aimaq-rules">')
        parts.append("<thead><tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in columns) + "</tr></thead><tbody>")
        for order, rule in enumerate(rules, start=1):
            parts.append(f"<tr><td>{order}</td><td>{html.escape(_conditions(rule, lang))}</td>"
                         f"<td>{html.escape(gettext(_VERDICTS[rule.verdict], lang))}</td></tr>")
        parts.append("</tbody></table>")
    return "\n".join(parts) + "\n"


def insert_decision_rules(page, lang: str) -> bool:
    """Replace :data:`MARKER` in the Markdown file ``page`` by the tables; False when it has none."""
    from pathlib import Path

    path = Path(page)
    text = path.read_text(encoding="utf-8")
    if MARKER not in text:
        return False
    path.write_text(text.replace(MARKER, "\n" + decision_rules_html(lang)), encoding="utf-8")
    return True
