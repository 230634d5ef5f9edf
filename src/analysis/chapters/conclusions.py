"""The conclusions page, built from the results of the other chapters: it never estimates anything itself.

:func:`conclusions_chapter` calls :func:`analysis.chapters.programme.programme_chapter`
for every programme page of the edition (:func:`programme_pages`),
:func:`analysis.chapters.convergence.convergence_chapter`, and the composite
index (:func:`index_summary`); :func:`conclusions_from` turns those results into
one frozen :class:`ConclusionsChapter` that holds only their verdict keys, the
counts of those verdicts and the few numbers the page repeats. Because the
counts are taken from the chapters' own verdicts, a sentence such as "of N
programme pages, k have an estimate" cannot disagree with the pages it sums up.

The rules (the page states each one in words)
---------------------------------------------
* **programme pages** — a programme has a page in edition Y when one of its rows
  has started by Y (:meth:`Edition.programme_started`) or when none of its rows
  has a known start: such a programme (the single-industry towns) cannot be
  dated, so it is listed in every edition, and its page says why it has no
  estimate. The conclusions count exactly these pages.
* **estimated** — a page whose headline is not ``programme.no_estimate``.
  The estimated pages are counted by their headline key: ``positive``,
  ``negative``, ``disagree``, ``no_effect``, ``not_credible``. *Significant*
  means ``positive`` or ``negative`` (all applicable estimators agree).
* **why no estimate** — for a page without an estimate, the first of its caveats
  among ``warning.no_untreated_units`` (the programme reached every region),
  ``caveat.unknown_start`` (start dates unknown), else ``other``.
* **recommendations** follow from the convergence headline key, the counts
  above and whether a focus region is selected by the index; see
  :func:`recommendation_keys`.

Examples
--------
>>> from types import SimpleNamespace as NS
>>> page = lambda v, caveats=(): NS(programme="p", kind=None, names=(("kk", "a"), ("ru", "a"), ("en", "a")),
...                                verdict=v, evidence="evidence.level3", caveats=caveats, synth_unit=None,
...                                synth_fit=None, glue_values=lambda: {})
>>> verdicts = summarise_programmes([page("programme.no_effect"), page("programme.no_estimate",
...                                  (NS(key="warning.no_untreated_units"),))])
>>> counts = programme_counts(verdicts)
>>> counts["pages"], counts["estimated"], counts["no_effect"], counts["no_untreated_units"]
(2, 1, 1, 1)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from analysis.chapters.edition import Edition

__all__ = ["ProgrammeVerdict", "ConvergenceSummary", "IndexSummary", "ConclusionsChapter", "conclusions_chapter",
           "conclusions_from", "programme_pages", "summarise_programmes", "programme_counts", "index_summary",
           "recommendation_keys", "VERDICT_GROUPS", "NO_ESTIMATE_REASONS"]

#: the headline keys of an estimated programme page, in the order the page lists them
VERDICT_GROUPS = ("positive", "negative", "disagree", "no_effect", "not_credible")
#: why a page has no estimate, in order of precedence (the caveat key decides)
NO_ESTIMATE_REASONS = (("warning.no_untreated_units", "no_untreated_units"),
                       ("caveat.unknown_start", "unknown_start"))


@dataclass(frozen=True)
class ProgrammeVerdict:
    """What the conclusions take from one programme page."""

    programme: str
    kind: str | None
    names: tuple[tuple[str, str], ...]
    verdict: str  # programme.* key of the page's headline
    evidence: str  # evidence.* key
    reason: str | None  # why no estimate (NO_ESTIMATE_REASONS), None when estimated
    synth_unit: str | None
    synth_fit: str | None
    synth_att: float
    synth_pre_rmspe: float
    synth_placebo_p: float

    @property
    def estimated(self) -> bool:
        return self.verdict != "programme.no_estimate"

    @property
    def group(self) -> str:
        """``no_estimate`` or one of :data:`VERDICT_GROUPS`."""
        return self.verdict.split(".", 1)[1]


@dataclass(frozen=True)
class ConvergenceSummary:
    """The convergence page's headline and the numbers the conclusions repeat."""

    verdict: str  # convergence.* key
    indicator: str
    start: int
    end: int
    periods: tuple  # analysis.chapters.convergence.Period rows
    sigma_verdict: str
    beta_verdict: str
    cv_start: float
    cv_end: float
    beta: float
    beta_pvalue: float


@dataclass(frozen=True)
class IndexSummary:
    """The composite index page's ranking and selection, as the conclusions use them."""

    year: int
    ranks: pd.Series = field(repr=False)  # region -> rank (1 = highest index)
    rank_low: pd.Series = field(repr=False)  # region -> best rank over the method variants
    rank_high: pd.Series = field(repr=False)  # region -> worst rank over the method variants
    selected: tuple[str, ...]
    fragile: tuple[str, ...]  # selected regions whose selection does not hold over the variants
    focus: tuple[str, ...]


@dataclass(frozen=True)
class ConclusionsChapter:
    """Everything the conclusions page shows."""

    edition: Edition
    outcome: str  # the outcome of the programme pages
    programmes: tuple[ProgrammeVerdict, ...]
    convergence: ConvergenceSummary
    index: IndexSummary
    counts: tuple[tuple[str, int], ...]
    recommendations: tuple[str, ...]
    #: "nominal" when the programme pages measured nominal GRP (the edition had no volume index yet)
    prices: str = "real"

    def count(self, name: str) -> int:
        return dict(self.counts)[name]

    def glue_values(self) -> dict:
        """Glued values: the names of earlier editions kept, new ones added."""
        c, cv = dict(self.counts), self.convergence
        out = {
            "sigma_verdict_converging": int(cv.sigma_verdict == "converging"),
            "beta_pvalue": cv.beta_pvalue,
            "selected_count": len(self.index.selected),
            "programmes_evaluated": c["estimated"],
            "programmes_significant": c["positive"] + c["negative"],
            "programme_pages": c["pages"],
            "convergence_verdict": cv.verdict,
            "index_year": self.index.year,
        }
        out.update({f"programmes_{name}": c[name] for name in (*VERDICT_GROUPS, "no_estimate")})
        return out


def programme_pages(edition: Edition) -> list[str]:
    """The programmes with a page in ``edition``, in the order of ``data/programmes.csv`` (module docstring)."""
    table = edition.programmes()
    out: list[str] = []
    for programme, rows in table.groupby("programme", sort=False):
        starts = [s for s in rows["start"] if str(s).strip() and not (isinstance(s, float) and math.isnan(s))]
        if any(edition.programme_started(s) for s in rows["start"]) or not starts:
            out.append(str(programme))
    return out


def _reason(page) -> str | None:
    if page.verdict != "programme.no_estimate":
        return None
    keys = {c.key for c in page.caveats}
    return next((name for key, name in NO_ESTIMATE_REASONS if key in keys), "other")


def summarise_programmes(pages) -> tuple[ProgrammeVerdict, ...]:
    """One :class:`ProgrammeVerdict` per programme chapter, read through its public fields only."""
    out = []
    for page in pages:
        glued = page.glue_values()
        out.append(ProgrammeVerdict(
            programme=page.programme, kind=page.kind, names=tuple(page.names), verdict=page.verdict,
            evidence=page.evidence, reason=_reason(page), synth_unit=page.synth_unit, synth_fit=page.synth_fit,
            synth_att=float(glued.get("synth_att", math.nan)), synth_pre_rmspe=float(glued.get("synth_pre_rmspe", math.nan)),
            synth_placebo_p=float(glued.get("synth_placebo_p", math.nan))))
    return tuple(out)


def programme_counts(verdicts) -> dict[str, int]:
    """Counts of pages by headline group, by reason for no estimate, and by evidence level."""
    counts = {"pages": len(verdicts), "estimated": sum(v.estimated for v in verdicts)}
    for group in (*VERDICT_GROUPS, "no_estimate"):
        counts[group] = sum(v.group == group for v in verdicts)
    for _, reason in (*NO_ESTIMATE_REASONS, (None, "other")):
        counts[reason] = sum(v.reason == reason for v in verdicts)
    for level in ("level3", "level2"):
        counts[f"evidence_{level}"] = sum(v.estimated and v.evidence == f"evidence.{level}" for v in verdicts)
    return counts


def summarise_convergence(ch) -> ConvergenceSummary:
    """The convergence chapter's headline and numbers, through its public fields."""
    glued = ch.glue_values()
    return ConvergenceSummary(
        verdict=ch.verdict, indicator=ch.indicator, start=ch.start, end=ch.end, periods=tuple(ch.periods),
        sigma_verdict=ch.trend.verdict, beta_verdict=ch.beta.verdict, cv_start=glued["cv_start"],
        cv_end=glued["cv_end"], beta=glued["beta"], beta_pvalue=glued["beta_pvalue"])


def index_summary(edition: Edition) -> IndexSummary:
    """The composite index of the edition, computed by the same calls as the composite index page."""
    from analysis import index
    from analysis.chapters.composite import index_inputs

    inputs = index_inputs(edition)
    framework, panel, national = inputs.framework, inputs.panel, inputs.national
    result = index.build_index(panel, framework, None, national=national)
    uncertainty = index.sensitivity(panel, framework, result.year, national=national)
    selection = index.select_regions(result, sensitivity=uncertainty)
    selected = tuple(selection.selected)
    holds = selection.table["holds"] if "holds" in selection.table else pd.Series(True, index=selection.table.index)
    return IndexSummary(
        year=int(result.year), ranks=result.table["rank"].astype(int), rank_low=uncertainty.ranks["low"].astype(int),
        rank_high=uncertainty.ranks["high"].astype(int), selected=selected,
        fragile=tuple(c for c in selected if not bool(holds.get(c, True))),
        focus=tuple(r for r in framework.focus_regions if r in result.table.index))


def recommendation_keys(convergence: ConvergenceSummary, counts: dict, index: IndexSummary) -> tuple[str, ...]:
    """The recommendations that follow from the other chapters, as keys in the order the page lists them.

    * ``gaps.<convergence headline>`` — always one, from the convergence key;
    * ``programmes.measure_better`` — some programme page has no estimate;
    * ``programmes.no_significant`` — some page has an estimate and none is significant;
    * ``programmes.publish_starts`` — some page lacks start dates (``unknown_start`` reason or caveat);
    * ``focus.selected`` — a focus region is among the selected regions.
    """
    keys = [f"gaps.{convergence.verdict.split('.', 1)[1]}"]
    if counts["no_estimate"]:
        keys.append("programmes.measure_better")
    if counts["estimated"] and counts["positive"] + counts["negative"] == 0:
        keys.append("programmes.no_significant")
    if counts["unknown_start"]:
        keys.append("programmes.publish_starts")
    if any(code in index.selected for code in index.focus):
        keys.append("focus.selected")
    return tuple(keys)


def conclusions_from(edition: Edition, programme_chapters, convergence, index: IndexSummary,
                     outcome: str = "grp_per_capita_rel") -> ConclusionsChapter:
    """The conclusions of already computed chapter results (nothing is estimated here)."""
    verdicts = summarise_programmes(programme_chapters)
    summary = convergence if isinstance(convergence, ConvergenceSummary) else summarise_convergence(convergence)
    counts = programme_counts(verdicts)
    prices = "nominal" if any(getattr(p, "prices", "real") == "nominal" for p in programme_chapters) else "real"
    return ConclusionsChapter(edition=edition, outcome=outcome, programmes=verdicts, convergence=summary, index=index,
                              counts=tuple(counts.items()),
                              recommendations=recommendation_keys(summary, counts, index), prices=prices)


def conclusions_chapter(edition: Edition) -> ConclusionsChapter:
    """The conclusions of ``edition``: every programme page, the convergence page and the composite index."""
    from analysis.chapters.convergence import convergence_chapter
    from analysis.chapters.programme import OUTCOME, programme_chapter

    pages = [programme_chapter(edition, p) for p in programme_pages(edition)]
    outcome = pages[0].outcome if pages else OUTCOME  # real, or nominal in an edition without a volume index
    return conclusions_from(edition, pages, convergence_chapter(edition), index_summary(edition), outcome=outcome)
