"""Render the conclusions chapter (:func:`analysis.chapters.conclusions.conclusions_chapter`) once per language.

Each sentence restates a verdict key or a count of verdict keys of the other
chapters (domain ``conclusions``); a count that is zero, or equal to its total,
selects its own sentence (never "0 …"), and every other count agrees with its
noun through a gettext plural entry (CLDR rules: one/other in kk and en,
one/few/many in ru).
"""

from __future__ import annotations

import math

from analysis.i18n import N_
from analysis.report.glue import glue
from analysis.report.markdown import bullets, compose, heading, paragraph, title
from analysis.report.values import Indicator, Join, KeyMsg, Localised, Msg, Plural, Region

__all__ = ["conclusions_page", "VERDICT_LABELS", "RECOMMENDATIONS"]

#: a programme page's headline key -> the short verdict the list of pages shows
VERDICT_LABELS = {
    "programme.positive": N_("every applicable estimate shows a significant increase"),
    "programme.negative": N_("every applicable estimate shows a significant decrease"),
    "programme.disagree": N_("the estimates disagree, so no effect is claimed"),
    "programme.no_effect": N_("no statistically significant effect"),
    "programme.not_credible": N_("the comparison is not credible (the regions were drifting apart before "
                                  "the start)"),
    "programme.no_estimate": N_("no estimate is possible"),
}
_KIND_TITLE = {"sez": N_("Special economic zones"), "monotown": N_("Single-industry towns")}
_PERIOD = {1: N_("rose from {start} to {end}"), -1: N_("fell from {start} to {end}"),
           0: N_("did not change significantly from {start} to {end}")}

#: recommendation key (chapters.conclusions.recommendation_keys) -> its sentence
RECOMMENDATIONS = {
    "gaps.converging": N_("The gaps narrowed over {start}–{end}: support can concentrate on the regions the index "
                          "still singles out and be phased out where the gap has closed."),
    "gaps.diverging": N_("The gaps widened over {start}–{end}: support should stay selective, aimed at the regions "
                         "the index singles out, with explicit targets checked every year against this report."),
    "gaps.no_significant_change": N_("Over {start}–{end} the gaps neither narrowed nor widened significantly, so "
                                     "the data give no reason to expect them to close on their own: support should stay selective, "
                                     "aimed at the regions the index singles out, with explicit targets checked "
                                     "every year against this report."),
    "gaps.mixed": N_("Over {start}–{end} the two measures of the gaps point in opposite directions, so no trend can "
                     "be relied on: support should stay selective, with explicit targets checked every year against "
                     "this report."),
    "gaps.partly_converging": N_("Over {start}–{end} only one of the two measures shows the gaps narrowing: support "
                                 "should stay selective until both do, with explicit targets checked every year "
                                 "against this report."),
    "gaps.partly_diverging": N_("Over {start}–{end} one of the two measures shows the gaps widening: support should "
                                "stay selective, aimed at the regions the index singles out, with explicit targets "
                                "checked every year against this report."),
    "programmes.measure_better": N_("New programmes should fix their target regions, start dates and indicators in "
                                    "advance and leave some regions out at first, so that their effect can be "
                                    "measured against a comparison group."),
    "programmes.no_significant": N_("No estimated programme effect can be told apart from zero with annual regional "
                                    "data. That is an absence of evidence, not evidence that the programmes had no "
                                    "effect."),
    "programmes.publish_starts": N_("Publishing when each part of a programme started in each region would let "
                                    "the programmes whose start dates are unknown be evaluated."),
    "focus.selected": N_("The focus regions that the index selects should receive support tied to measurable "
                         "results, reviewed in the next edition."),
}
#: gaps.direction_changed: the sentence depends on the direction of the latest run of periods
_LATEST = {
    -1: N_("The gaps have narrowed since {start}, after widening from {before} to {start}: whether the narrowing "
           "continues should be checked every year against this report before support is scaled back."),
    1: N_("The gaps have widened since {start}, after narrowing from {before} to {start}: support should stay "
          "selective, aimed at the regions the index singles out, with explicit targets checked every year against "
          "this report."),
    0: N_("Since {start} the gaps have not changed significantly: support should stay selective, with explicit "
          "targets checked every year against this report."),
}


def _programme_title(v):
    return Msg(_KIND_TITLE[v.kind]) if v.kind in _KIND_TITLE else Localised(dict(v.names))


def _periods(cv) -> Join:
    return Join((Msg(_PERIOD[p.direction], {"start": str(p.start), "end": str(p.end)}) for p in cv.periods),
                style="then")


def _convergence(ch) -> None:
    cv = ch.convergence
    heading(N_("Are regional gaps closing?"))
    start, end = str(cv.start), str(cv.end)
    # the verdict sentence stands alone: a lead-in with a colon would need it lower-cased in ru and kk
    compose(KeyMsg(cv.verdict, {"start": start, "end": end, "periods": _periods(cv)}))
    paragraph(N_("The coefficient of variation across regions ({indicator}) was {cv_start:.2f} in {start} and "
                 "{cv_end:.2f} in {end}; the catch-up slope is β = {beta:.4f} (p = {p:.2f})."),
              indicator=Indicator(cv.indicator, ch.edition.data_dir), cv_start=cv.cv_start, cv_end=cv.cv_end,
              start=start, end=end, beta=cv.beta, p=cv.beta_pvalue)


def _selection(ch) -> None:
    ix, data_dir = ch.index, ch.edition.data_dir
    heading(N_("Which regions need targeted support?"))
    if ix.selected:
        compose(Plural("By the index and its selection rule, {n} region qualifies in {index_year}: {regions}.",
                       "By the index and its selection rule, {n} regions qualify in {index_year}: {regions}.",
                       len(ix.selected), {"index_year": str(ix.year),
                                          "regions": Join((Region(c, data_dir) for c in ix.selected), style="and")}))
        if ix.fragile:
            paragraph(N_("For {regions} the decision depends on how the index is built, so it deserves a second look."),
                      regions=Join((Region(c, data_dir) for c in ix.fragile), style="and"))
    else:
        paragraph(N_("No region meets the selection rule in {year}."), year=str(ix.year))


def _programme_counts(ch) -> list:
    c = ch.count
    pages, estimated = c("pages"), c("estimated")
    if estimated == 0:
        lead = Plural("This edition has {n} programme evaluation page, and the data do not support an estimate for "
                      "it.",
                      "This edition has {n} programme evaluation pages, and the data support an estimate for none of "
                      "them.", pages)
    elif estimated == pages:
        lead = Plural("This edition has {n} programme evaluation page, and the data support an estimate for it.",
                      "This edition has {n} programme evaluation pages, and the data support an estimate for all of "
                      "them.", pages)
    else:
        lead = Plural("This edition has {n} programme evaluation page; the data support an estimate for {estimated}.",
                      "This edition has {n} programme evaluation pages; the data support an estimate for {estimated} "
                      "of them.", pages, {"estimated": estimated})
    parts = [lead]
    if c("no_untreated_units"):
        parts.append(Plural("{n} programme without an estimate reached every region, so no region is left to compare "
                            "with.",
                            "{n} programmes without an estimate reached every region, so no region is left to compare "
                            "with.", c("no_untreated_units")))
    if c("unknown_start"):
        parts.append(Plural("For {n} programme without an estimate the start dates are unknown.",
                            "For {n} programmes without an estimate the start dates are unknown.", c("unknown_start")))
    if c("other"):
        parts.append(Plural("For {n} programme without an estimate, its page explains why.",
                            "For {n} programmes without an estimate, their pages explain why.", c("other")))
    if not estimated:
        return parts
    outcome = {"outcome": Indicator(ch.outcome, ch.edition.data_dir)}
    parts.append(Msg(N_("The effects are measured on {outcome}."), outcome) if ch.prices == "real" else
                 Msg(N_("The effects are measured on {outcome} in current prices: this edition's data had no volume "
                        "index of GRP yet."), outcome))
    groups = {
        "positive": ("{n} of them shows a statistically significant increase.",
                     "{n} of them show a statistically significant increase."),
        "negative": ("{n} of them shows a statistically significant decrease.",
                     "{n} of them show a statistically significant decrease."),
        "disagree": ("For {n} of them the estimators disagree, so no effect is claimed.",
                     "For {n} of them the estimators disagree, so no effect is claimed."),
        "no_effect": ("{n} of them shows no statistically significant effect.",
                      "{n} of them show no statistically significant effect."),
        "not_credible": ("For {n} of them the comparison is not credible: the regions were drifting apart before the "
                         "start.",
                         "For {n} of them the comparison is not credible: the regions were drifting apart before the "
                         "start."),
    }
    if c("no_effect") == estimated:
        parts.append(Plural("It shows no statistically significant effect.",
                            "None of them shows a statistically significant effect.", estimated))
    else:
        for group, (one, many) in groups.items():
            if c(group):
                parts.append(Plural(one, many, c(group)))
    if c("evidence_level3"):
        parts.append(Plural("The evidence for {n} of them reaches level 3 of 5 on the Maryland Scientific Methods "
                            "Scale.",
                            "The evidence for {n} of them reaches level 3 of 5 on the Maryland Scientific Methods "
                            "Scale.", c("evidence_level3")))
    if c("evidence_level2"):
        parts.append(Plural("For {n} of them it reaches only level 2 of 5.",
                            "For {n} of them it reaches only level 2 of 5.", c("evidence_level2")))
    return parts


def _programmes(ch) -> None:
    heading(N_("What do the programme evaluations show?"))
    compose(*_programme_counts(ch))
    bullets([Msg(N_("{programme}: {verdict}"), {"programme": _programme_title(v), "verdict": Msg(VERDICT_LABELS[v.verdict])})
             for v in ch.programmes])


def _focus(ch) -> None:
    ix, data_dir = ch.index, ch.edition.data_dir
    for code in ix.focus:
        region = Region(code, data_dir)
        heading(N_("Focus: {region}"), region=region)
        if code in ix.ranks.index:
            paragraph(N_("{region} ranks {rank} of {n} on the composite index in {index_year} (between {low} and "
                         "{high} under other reasonable methods)."),
                      region=region, rank=int(ix.ranks[code]), n=len(ix.ranks), index_year=str(ix.year),
                      low=int(ix.rank_low[code]), high=int(ix.rank_high[code]))
            paragraph(N_("{region} is among the regions selected for targeted support.") if code in ix.selected else
                      N_("{region} is not among the regions selected for targeted support."), region=region)
        for v in ch.programmes:
            if v.synth_unit != code or not math.isfinite(v.synth_att):
                continue
            if v.synth_fit == "synth.poor_fit":
                paragraph(N_("{programme}: before the start the synthetic control does not track {region} (its "
                             "typical miss, {rmspe:.3f}, is no smaller than the gap after the start, {gap:.3f}), so it "
                             "gives no evidence either way."),
                          programme=_programme_title(v), region=region, rmspe=v.synth_pre_rmspe, gap=abs(v.synth_att))
            else:
                paragraph(N_("{programme}: after the start, {region} differs from its synthetic control by {att:.3f} "
                             "on average; a gap at least this unusual appears in {share:.0%} of the placebo regions."),
                          programme=_programme_title(v), region=region, att=v.synth_att, share=v.synth_placebo_p)


def _latest_turn(periods):
    """The first period of the latest run of one direction, and the first period of the run before it."""
    i = len(periods) - 1
    while i > 0 and periods[i - 1].direction == periods[i].direction:
        i -= 1
    j = max(i - 1, 0)
    while j > 0 and periods[j - 1].direction == periods[j].direction:
        j -= 1
    return periods[i], periods[j]


def _recommendations(ch) -> None:
    cv = ch.convergence
    heading(N_("Recommendations"))
    items = []
    for key in ch.recommendations:
        if key == "gaps.direction_changed":
            latest, before = _latest_turn(cv.periods)
            items.append(Msg(_LATEST[latest.direction], {"start": str(latest.start), "before": str(before.start)}))
        else:
            items.append(Msg(RECOMMENDATIONS[key], {"start": str(cv.start), "end": str(cv.end)}
                             if key.startswith("gaps.") else {}))
    bullets(items)


def conclusions_page(ch) -> None:
    """The ``conclusions`` page of an :class:`analysis.chapters.conclusions.ConclusionsChapter`."""
    title(N_("Conclusions and recommendations, {year} edition"), year=str(ch.edition.year))
    for name, value in ch.glue_values().items():
        glue(name, value)
    paragraph(N_("Every statement below is generated from the results of this edition; the chapters give the "
                 "details and the caveats."))
    _convergence(ch)
    _selection(ch)
    _programmes(ch)
    _focus(ch)
    _recommendations(ch)
