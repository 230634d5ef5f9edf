"""No sentence contradicts a number on its page (issue 12): every page of the real 2023 edition.

Each page of the edition's manifest is computed by its chapter function and rendered in
process, figures recorded rather than drawn (``report.figure.recording``), so the whole
edition takes seconds. The checks read only what a reader sees, the English text, and
what a reviewer checks, the page's glued values, and re-derive each claim from those
numbers with rules written here from the methods page, not from
:mod:`analysis.chapters.decision`: a verdict sentence that the decision table or a
template got wrong fails here.

* programme pages: a "no effect" or "significant" headline against the glued p-values and
  intervals of the estimates that apply with that many treated regions; pre-trends
  rejected (p < 0.05) only with the "not credible" headline; the synthetic-control fit
  sentence against its glued RMSPE and gap; "only one region" only with one treated region;
* the convergence page: its headline against the glued sigma and beta p-values, its
  rolling-window counts against the glued counts, its turns against the glued periods;
* the conclusions page: its counts of programme pages and estimates against the verdicts
  glued on those pages, its convergence verdict against the convergence page's;
* region pages: the composite rank in the text against the glued rank;
* every page: each "p = x" in the text is a glued value of that page, rounded as shown.
"""

from __future__ import annotations

import math
import re

import pytest

ALPHA = 0.05
EDITION = 2023


def _render_edition(year: int) -> dict[str, dict]:
    from analysis import chapters, report
    from analysis.pipeline.manifest import load_manifest
    from analysis.report.figure import recording

    pages = {
        "data_overview.ipynb": (chapters.data_overview_chapter, report.overview_page, ()),
        "national_convergence.ipynb": (chapters.convergence_chapter, report.convergence_page, ()),
        "composite_index.ipynb": (chapters.composite_index_chapter, report.composite_page, ()),
        "region_profile.ipynb": (chapters.region_chapter, report.region_page, ("region",)),
        "programme_effects.ipynb": (chapters.programme_chapter, report.programme_page, ("programme",)),
        "conclusions.ipynb": (chapters.conclusions_chapter, report.conclusions_page, ()),
    }
    edition = chapters.Edition.build(year, "")
    out = {}
    for run in load_manifest().runs(year):
        chapter_of, render, args = pages[run.notebook]
        chapter = chapter_of(edition, *(run.parameters[a] for a in args))
        with report.capture() as outputs, recording():
            render(chapter)
        glue = {o["glue"]: o["value"] for o in outputs if "glue" in o}
        text = "\n".join(o["data"].get("text/markdown", "") for o in outputs
                         if "data" in o and o["metadata"]["aimaq"]["lang"] == "en")
        out[run.page] = {"glue": glue, "text": re.sub(r"\s+", " ", text)}
    return out


@pytest.fixture(scope="module")
def edition():
    return _render_edition(EDITION)


def _programme_pages(edition):
    return {page: p for page, p in edition.items() if page.startswith("programmes/")}


def _significant_estimates(g: dict) -> tuple[int, int, int]:
    """(applicable, significant, significant and positive) from the glued estimates alone.

    Analytic clustered and Callaway–Sant'Anna intervals apply with at least 5 treated regions,
    the wild bootstrap with at least 2, randomization inference always (the methods page).
    """
    treated = g["treated_count"]
    rows = []  # (significant, sign)
    if "did_p" in g and treated >= 5:
        rows.append((g["did_p"] < ALPHA, math.copysign(1, g["did_estimate"])))
    if "did_bootstrap_p" in g and treated >= 2:
        rows.append((g["did_bootstrap_p"] < ALPHA, math.copysign(1, g["did_estimate"])))
    if "randomization_p" in g:
        rows.append((g["randomization_p"] < ALPHA, math.copysign(1, g["did_estimate"])))
    if "att_simple_ci_low" in g and treated >= 5:
        low, high = g["att_simple_ci_low"], g["att_simple_ci_high"]
        rows.append((low > 0 or high < 0, math.copysign(1, g["att_simple"])))
    if "synth_att" in g and g["synth_pre_rmspe"] < abs(g["synth_att"]):
        rows.append((g["synth_placebo_p"] < ALPHA, math.copysign(1, g["synth_att"])))
    return len(rows), sum(s for s, _ in rows), sum(s and sign > 0 for s, sign in rows)


def test_the_edition_has_every_kind_of_page(edition):
    kinds = {page.split("/")[0] for page in edition}
    assert {"data_overview", "convergence", "composite_index", "conclusions", "regions", "programmes"} <= kinds
    assert len(_programme_pages(edition)) >= 5


def test_programme_headlines_follow_their_estimates(edition):
    problems = []
    for page, p in _programme_pages(edition).items():
        g, text = p["glue"], p["text"]
        if "did_estimate" not in g or "dose" in page:  # dose designs glue their own estimates
            continue
        applicable, significant, positive = _significant_estimates(g)
        pretrend_rejected = g.get("pretrend_p", 1.0) < ALPHA
        says_none = "shows a statistically significant effect at the 5% level" in text
        says_increase = "shows a statistically significant increase" in text
        says_not_credible = "The comparison is not credible" in text
        if pretrend_rejected != says_not_credible:
            problems.append(f"{page}: pre-trend p = {g.get('pretrend_p')} but 'not credible' said: {says_not_credible}")
        if says_none and significant:
            problems.append(f"{page}: says no significant effect, yet {significant} of {applicable} estimates are")
        if says_increase and positive != applicable:
            problems.append(f"{page}: says every estimate increases, but {positive} of {applicable} do")
        if not pretrend_rejected and applicable and significant == 0 and not says_none:
            problems.append(f"{page}: no applicable estimate is significant, but the headline does not say so")
        if f"(there are {applicable})" not in text and says_none:
            problems.append(f"{page}: the headline counts other estimates than the {applicable} that apply")
    assert problems == []


def test_synthetic_control_fit_sentence_follows_its_numbers(edition):
    seen = 0
    for page, p in _programme_pages(edition).items():
        g, text = p["glue"], p["text"]
        if "synth_att" not in g:
            continue
        seen += 1
        poor = g["synth_pre_rmspe"] >= abs(g["synth_att"])
        assert ("The fit before the start is poor" in text) == poor, page
        assert f"{g['synth_pre_rmspe']:.3f}" in text, page
    assert seen, "no page of the edition has a synthetic control (aral_2007 should)"


def test_treated_counts_in_caveats_are_the_glued_ones(edition):
    for page, p in _programme_pages(edition).items():
        g, text = p["glue"], p["text"]
        if "Only one region received" in text:
            assert g["treated_count"] == 1, page
        match = re.search(r"Several regions received the programme \((\d+)\)", text)
        if match:
            assert int(match.group(1)) == g["treated_count"] > 1, page


def test_convergence_headline_follows_sigma_and_beta(edition):
    g, text = edition["convergence"]["glue"], edition["convergence"]["text"]
    sigma_sig, beta_sig = g["sigma_pvalue"] < ALPHA, g["beta_pvalue"] < ALPHA
    if "neither the dispersion of regions" in text:
        assert not sigma_sig and not beta_sig
    if "the regions converged" in text:
        assert sigma_sig and beta_sig and g["sigma_slope"] < 0 and g["beta"] < 0
    turns = g.get("periods_count", 0)
    assert ("hides a turn" in text) == (turns > 1 and not (sigma_sig and beta_sig))
    for k in range(1, turns + 1):
        verb = {1: "rose", -1: "fell", 0: "did not change significantly"}[g[f"period{k}_direction"]]
        assert f"{verb} from {g[f'period{k}_start']} to {g[f'period{k}_end']}" in text


def test_rolling_window_counts_are_the_glued_ones(edition):
    g, text = edition["convergence"]["glue"], edition["convergence"]["text"]
    match = re.search(r"(\d+) of (\d+) rolling (\d+)-year windows? shows? significant convergence", text)
    if g["rolling_converging"]:
        assert match and (int(match.group(1)), int(match.group(2))) == (g["rolling_converging"],
                                                                         g["rolling_windows"])
    else:
        assert match is None and "None of the" in text
    assert ("No window shows significant divergence" in text) == (g["rolling_diverging"] == 0)


def test_conclusions_count_what_the_programme_pages_say(edition):
    g, text = edition["conclusions"]["glue"], edition["conclusions"]["text"]
    verdicts = [p["glue"]["verdict"] for p in _programme_pages(edition).values()]
    estimated = sum(v != "programme.no_estimate" for v in verdicts)
    significant = sum(v in ("programme.positive", "programme.negative") for v in verdicts)
    assert g["programme_pages"] == len(verdicts)
    assert f"This edition has {len(verdicts)} programme evaluation pages" in text
    if 0 < estimated < len(verdicts):
        assert f"the data support an estimate for {estimated} of them" in text
    assert ("No estimated programme effect can be told apart from zero" in text) == (estimated > 0 and significant == 0
                                                                                     and "programme.disagree"
                                                                                     not in verdicts)
    convergence = edition["convergence"]["glue"]
    assert g["convergence_verdict"] == convergence["verdict"]
    beta = re.search(r"the catch-up slope is β = (−?\d+\.\d+) \(p = (\d+\.\d+)\)", text)
    assert beta, "the conclusions restate the beta slope"
    assert (beta.group(1).replace("−", "-"), beta.group(2)) == (f"{convergence['beta']:.4f}",
                                                                f"{convergence['beta_pvalue']:.2f}")
    assert g["selected_count"] == edition["composite_index"]["glue"]["selected_count"]


def test_region_pages_state_the_glued_composite_rank(edition):
    checked = 0
    for page, p in edition.items():
        if not page.startswith("regions/") or "index_rank" not in p["glue"]:
            continue
        rank = p["glue"]["index_rank"]
        assert re.search(rf"\branks {rank} of \d+ \(1 = best\)", p["text"]), page
        code = page.split("/")[1].replace("-", "_")
        if f"rank_{code}" in edition["composite_index"]["glue"]:
            assert edition["composite_index"]["glue"][f"rank_{code}"] == rank, page
        checked += 1
    assert checked >= 15


def test_every_p_value_in_the_text_is_a_glued_value_of_its_page(edition):
    problems = []
    for page, p in edition.items():
        glued = [v for v in p["glue"].values() if isinstance(v, float)]
        for shown in re.findall(r"\bp = (\d+\.\d+)", p["text"]):
            decimals = len(shown.split(".")[1])
            if not any(f"{v:.{decimals}f}" == shown for v in glued):
                problems.append(f"{page}: p = {shown} is not a glued value of the page")
    assert problems == []


def test_the_checks_catch_a_contradiction(edition):
    """The programme check fails on a page whose headline denies an effect its numbers show."""
    page = next(iter(_programme_pages(edition)))
    forged = {page: {"glue": {**edition[page]["glue"], "treated_count": 7, "did_estimate": 0.2, "did_p": 0.001,
                              "pretrend_p": 0.9},
                     "text": "None of the estimates whose inference applies to this design (there are 4) shows a "
                             "statistically significant effect at the 5% level."}}
    with pytest.raises(AssertionError):
        test_programme_headlines_follow_their_estimates(forged)
