"""Render a chapter result (``analysis.chapters``) as its page, once per language.

A notebook calls one function here with the result of one chapter function;
everything the page says is a catalogue template filled from that result, and
every verdict is the decision table's key for it.
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.i18n import N_
from analysis.report.figure import figure
from analysis.report.glue import glue
from analysis.report.markdown import bullets, compose, heading, key_paragraph, paragraph, title
from analysis.report.tables import Column, table
from analysis.report.values import Indicator, Join, KeyMsg, Localised, LongDate, Msg, Plural, Region

__all__ = ["programme_page", "convergence_page", "METHOD_NAMES"]

#: method key of a programme estimate -> its name in the table
METHOD_NAMES = {
    "did_analytic": N_("Two-way fixed effects, clustered standard errors"),
    "did_bootstrap": N_("Two-way fixed effects, wild cluster bootstrap"),
    "randomization": N_("Randomization inference"),
    "cs_simple": N_("Callaway–Sant'Anna, average effect"),
    "synth": N_("Synthetic control, mean gap after the start"),
    "dose_twfe_analytic": N_("Two-way fixed effects with the dose, clustered standard errors"),
    "dose_twfe_bootstrap": N_("Two-way fixed effects with the dose, wild cluster bootstrap"),
    "dose_twfe_randomization": N_("Two-way fixed effects with the dose, randomization inference"),
    "dose_acrt_analytic": N_("Average causal response (Callaway, Goodman-Bacon and Sant'Anna), clustered standard errors"),
    "dose_acrt_bootstrap": N_("Average causal response (Callaway, Goodman-Bacon and Sant'Anna), wild bootstrap"),
    "dose_acrt_randomization": N_("Average causal response (Callaway, Goodman-Bacon and Sant'Anna), randomization inference"),
}
_DOSE_GROUP = {"high": N_("At or above the median"), "low": N_("Below the median")}
_KIND_TITLE = {"sez": N_("Special economic zones"), "monotown": N_("Single-industry towns")}
_STATUS = {"treated": N_("Received the programme"), "unknown_start": N_("Start year unknown (left out)")}


class _RegionIn:
    """A region's name in the case a language's template needs (``cases``: lang -> case; else nominative)."""

    def __init__(self, code: str, data_dir, **cases):
        self.code, self.data_dir, self.cases = code, data_dir, cases

    def text(self, lang: str) -> str:
        from analysis.i18n.names import region_form

        case = self.cases.get(lang)
        return region_form(self.code, lang, case, self.data_dir) if case else Region(self.code, self.data_dir).text(lang)


def _glue_all(values: dict) -> None:
    for name, value in values.items():
        glue(name, value)


# ---------------------------------------------------------------------------
# Programme page
# ---------------------------------------------------------------------------


def _programme_headline(ch) -> KeyMsg:
    applicable = [e for e in ch.estimates if e.applicable]
    values: dict = {}
    if ch.verdict == "programme.not_credible":
        values = {"p": ch.pretrend_p}
    elif ch.verdict in ("programme.positive", "programme.negative"):
        values = {"n": len(applicable), "total": len(ch.estimates),
                  "low": min(e.estimate for e in applicable), "high": max(e.estimate for e in applicable)}
    elif ch.verdict == "programme.disagree":
        values = {"significant": Join((Msg(METHOD_NAMES[e.method]) for e in applicable if e.significant), style="and"),
                  "other": Join((Msg(METHOD_NAMES[e.method]) for e in applicable if not e.significant), style="and")}
    elif ch.verdict == "programme.no_effect":
        values = {"n": len(applicable)}
    return KeyMsg(ch.verdict, values)


def _caveat(c):
    values = c.as_dict()
    if c.key == "caveat.few_treated":
        return Plural("Only {n} region with data before and after the start received the programme; with fewer "
                      "than {minimum}, intervals from clustered standard errors are too narrow, so only the "
                      "bootstrap and randomization inference decide the verdict.",
                      "Only {n} regions with data before and after the start received the programme; with fewer "
                      "than {minimum}, intervals from clustered standard errors are too narrow, so only the "
                      "bootstrap and randomization inference decide the verdict.", values["n"], values)
    if c.key == "caveat.unknown_start":
        return Plural("{n} region whose start year is unknown is left out.",
                      "{n} regions whose start year is unknown are left out.", values["n"], values)
    if c.key == "caveat.uninformative_treated":
        return Plural("{n} of the {total} regions that received the programme has no data on one side of its "
                      "start and does not inform the comparison.",
                      "{n} of the {total} regions that received the programme have no data on one side of their "
                      "start and do not inform the comparison.", values["n"], values)
    if c.key == "caveat.single_region_cohorts":
        return Plural("In the start year {years} a single region started, so the Callaway–Sant'Anna effect of that "
                      "year rests on one region.",
                      "In the start years {years} a single region started each, so the Callaway–Sant'Anna effects of "
                      "those years rest on one region each.", values["n"], values)
    if c.key == "caveat.synth_not_applicable":
        return KeyMsg("caveat.synth_not_applicable", values)
    return KeyMsg(c.key, values)


def programme_page(ch) -> None:
    """The ``programmes/<id>`` page of a :class:`analysis.chapters.ProgrammeChapter`."""
    title_value = Msg(_KIND_TITLE[ch.kind]) if ch.kind else Localised(dict(ch.names))
    title(N_("Programme evaluation: {programme}"), programme=title_value)
    _glue_all(ch.glue_values())
    outcome = Indicator(ch.outcome, ch.edition.data_dir)
    dose = ch.intensity
    if dose is None:
        paragraph(N_("Did the programme change {outcome} in the regions that received it? The estimates compare "
                     "those regions with the others before and after the start, using data up to {year}."),
                  outcome=outcome, year=str(ch.outcome_last or ch.edition.year))
    else:
        paragraph(N_("Every region received the programme, in different amounts. Did the regions that received more "
                     "support per person see {outcome} change more than those that received less? The estimates "
                     "compare regions by the amount they received, before and after {start}, using data up to "
                     "{year}."), outcome=outcome, start=str(dose.first), year=str(ch.outcome_last or ch.edition.year))
    if ch.prices == "nominal":  # an edition without a volume index (analysis.chapters.Edition.prices)
        compose(nominal_note(ch.edition),
                Msg(N_("The year effects of the estimates absorb the price level common to all regions, but not the "
                       "regions' different price rises.")))
    compose(_programme_headline(ch), KeyMsg(ch.evidence))

    if dose is None:
        heading(N_("Where and when"))
        treated = ch.treatment.assign(status_label=ch.treatment["status"].map(_STATUS).fillna(N_("Other")))
        table(treated, [Column("unit", N_("Region"), "region"), Column("first", N_("Start"), "year"),
                        Column("last", N_("End"), "year"), Column("status_label", N_("Status"), "message")])
    else:
        _dose_section(ch)

    heading(N_("Estimated effects"))
    if ch.estimates:
        unit_msg = (N_("an effect is a difference in the natural logarithm of {outcome} (0.05 is about 5 %)")
                    if dose is None else
                    N_("an effect is the difference in the natural logarithm of {outcome} per thousand tenge of "
                       "support per person a year (0.01 is about 1 %)"))
        compose(Msg(N_("Each row is a different estimator or way of measuring uncertainty; {unit}. The verdict counts "
                       "only the rows whose inference applies to this design; the last column says why a row does "
                       "not count."), {"unit": Msg(unit_msg, {"outcome": outcome})}))
        rows = pd.DataFrame([{
            "method": METHOD_NAMES[e.method], "estimate": e.estimate, "ci_low": e.ci_low, "ci_high": e.ci_high,
            "p": e.p, "used": e.reason or ("reason.used_significant" if e.significant else "reason.used"),
        } for e in ch.estimates])
        table(rows, [Column("method", N_("Method"), "message"), Column("estimate", N_("Effect"), "number", decimals=3),
                     Column("ci_low", N_("95% interval, lower"), "number", decimals=3),
                     Column("ci_high", N_("95% interval, upper"), "number", decimals=3),
                     Column("p", N_("p-value"), "number", decimals=3),
                     Column("used", N_("In the verdict"), "key")])
    ev = ch.evaluation
    if ev.event_study is not None:
        heading(N_("Effects year by year"))
        from analysis import plots

        figure(lambda lang: plots.event_study_figure(ev.event_study, lang, outcome_label=_log_label(outcome, lang)),
               N_("Event study of {outcome}: estimated difference between programme and comparison regions by year "
                  "since the start, with confidence intervals"), outcome=outcome)
        paragraph(N_("Points before the start show whether the two groups were already drifting apart; the test "
                     "that they are all zero gives p = {p:.2f}."), p=ch.pretrend_p)
    elif dose is not None:
        heading(N_("Effects year by year"))
        from analysis import plots

        figure(lambda lang: plots.event_study_figure(dose.result.event_study, lang,
                                                     outcome_label=_log_label(outcome, lang)),
               N_("Event study of {outcome}: estimated difference between the regions with the larger and the "
                  "smaller doses by year since the start, with confidence intervals"), outcome=outcome)
        paragraph(N_("Points before the start show whether the two groups were already drifting apart; the test "
                     "that they are all zero gives p = {p:.2f}."), p=ch.pretrend_p)
    _honest_section(ch)
    if ev.synth is not None:
        from analysis import plots

        region = Region(ch.synth_unit, ch.edition.data_dir)
        heading(N_("Synthetic control: {region}"), region=region)
        figure(lambda lang: plots.synth_figure(ev.synth, ev.synth_placebos, lang, outcome_label=outcome.text(lang),
                                               name=region.text(lang)),
               N_("{region} and its synthetic control, and the gap between them among the placebo gaps of the "
                  "other regions"), region=region)
        p = ev.synth_placebos.p_value if ev.synth_placebos is not None else math.nan
        paragraph(N_("The synthetic {region} is a weighted mix of regions that did not receive the programme, chosen "
                     "to follow {region} before the start. After the start the gap averages {att:.3f}; {share:.0%} "
                     "of the placebo regions show a gap at least as unusual (p = {p:.2f})."),
                  region=_RegionIn(ch.synth_unit, ch.edition.data_dir, ru="gen"), att=ev.synth.att, share=p, p=p)
        key_paragraph(ch.synth_fit, rmspe=ev.synth.pre_rmspe, gap=abs(ev.synth.att))
        table(ch.donors, [Column("region", N_("Region"), "region"),
                          Column("weight", N_("Weight"), "percent", decimals=0)])
        _synth_cv_section(ch, region)
    if ch.caveats:
        heading(N_("Caveats"), level=3)
        bullets([_caveat(c) for c in ch.caveats])


def _log_label(outcome: Indicator, lang: str) -> str:
    from analysis.i18n import gettext

    return gettext("{outcome}, natural logarithm", lang, outcome=outcome.text(lang))


def _dose_section(ch) -> None:
    """The doses: amount per person and year of every region, and the two groups of the event study."""
    dose = ch.intensity
    heading(N_("How much each region received"))
    paragraph(N_("The dose of a region is the mean amount of subsidised loans approved per person a year from "
                 "{first} to {last}, in thousand tenge at 2015 prices (deflated by Kazakhstan's GRP deflator). "
                 "The median dose is {median:.1f}; the year-by-year comparison below sets the regions at or above it "
                 "against those below."), first=str(dose.first), last=str(dose.last), median=dose.result.median_dose)
    table(dose.doses.assign(group_label=dose.doses["group"].map(_DOSE_GROUP)),
          [Column("region", N_("Region"), "region"),
           Column("dose", N_("Loans approved per person a year, thousand tenge at 2015 prices"), "number", decimals=1),
           Column("group_label", N_("Group"), "message")])


def _honest_section(ch) -> None:
    """Rambachan–Roth bounds, shown when the pre-trend test rejects parallel trends."""
    if ch.honest is None or not (math.isfinite(ch.pretrend_p) and ch.pretrend_p < 0.05):
        return
    heading(N_("How large a violation of parallel trends would overturn the estimate"), level=3)
    paragraph(N_("Parallel trends are rejected, so the event study's mean effect after the start is bounded "
                 "instead (Rambachan and Roth 2023): if, after the start, the difference in trends changes by at most "
                 "M̄ times its largest change before the start, the effect lies in the interval of that row."))
    rows = ch.honest[ch.honest["restriction"] == "relative_magnitudes"]
    table(rows, [Column("m", N_("M̄: largest change after the start, relative to the largest before"), "number",
                        decimals=1),
                 Column("lower", N_("Effect, lower bound"), "number", decimals=3),
                 Column("upper", N_("Effect, upper bound"), "number", decimals=3)])
    rm1 = rows[rows["m"] == 1.0]
    key_paragraph(ch.honest_verdict, breakdown=ch.breakdown, low=float(rm1["lower"].iloc[0]),
                  high=float(rm1["upper"].iloc[0]))


def _synth_cv_section(ch, region) -> None:
    """The plain fit beside the fit with V by cross-validation, and which one the verdict uses."""
    cv = ch.synth_cv
    if cv is None:
        return
    ev = ch.evaluation
    info = cv.spec["cv"]
    fits = pd.DataFrame([
        {"fit": N_("V fitted to the whole pre-period (used in the verdict)"), "rmspe": ev.synth.pre_rmspe,
         "att": ev.synth.att, "p": ev.synth_placebos.p_value if ev.synth_placebos is not None else math.nan},
        {"fit": N_("V by cross-validation (check)"), "rmspe": cv.pre_rmspe, "att": cv.att, "p": ch.synth_cv_placebo_p},
    ])
    paragraph(N_("A second synthetic {region} chooses the weights of the predictors by cross-validation (Abadie, "
                 "Diamond and Hainmueller 2015): they are fitted on {train_start}–{train_end} and validated on "
                 "{valid_start}–{valid_end}. The verdict uses the first fit, whose weights follow the whole "
                 "pre-period and whose placebos rank its gap; the second shows whether the result depends on that "
                 "choice."), region=_RegionIn(ch.synth_unit, ch.edition.data_dir, ru="gen"), train_start=str(info["training"][0]), train_end=str(info["training"][-1]),
              valid_start=str(info["validation"][0]), valid_end=str(info["validation"][-1]))
    table(fits, [Column("fit", N_("Synthetic control"), "message"),
                 Column("rmspe", N_("Error before the start (RMSPE)"), "number", decimals=3),
                 Column("att", N_("Mean gap after the start"), "number", decimals=3),
                 Column("p", N_("Placebo p-value"), "number", decimals=2)])
    key_paragraph(ch.synth_cv_verdict, att=cv.att, rmspe=cv.pre_rmspe)


# ---------------------------------------------------------------------------
# Convergence page
# ---------------------------------------------------------------------------

_PERIOD = {1: N_("rose from {start} to {end}"), -1: N_("fell from {start} to {end}"),
           0: N_("did not change significantly from {start} to {end}")}


def _periods(ch) -> Join:
    return Join((Msg(_PERIOD[p.direction], {"start": str(p.start), "end": str(p.end)}) for p in ch.periods),
                style="then")


def _clubs_text(ch):
    c = ch.clubs
    if len(c.clubs) == 1 and not c.divergent:
        level = "clubs.one_levels" if c.b >= 2 else "clubs.one_growth"
        return KeyMsg(level, {"n": len(c.clubs[0].members), "t": c.t_stat, "critical": c.critical, "b": c.b})
    return Plural("The Phillips–Sul test rejects one common path for all regions (t = {t:.2f}, below −{critical:.2f}); "
                  "they split into {n} club, groups that move towards different levels.",
                  "The Phillips–Sul test rejects one common path for all regions (t = {t:.2f}, below −{critical:.2f}); "
                  "they split into {n} clubs, groups that move towards different levels.",
                  len(c.clubs), {"t": c.t_stat, "critical": c.critical})


_MEASURE = {"real": N_("Real (constant 2015 prices)"), "nominal": N_("Nominal (current prices), for comparison")}
#: the label of the nominal rows when an edition has no real series to compare them with
_ONLY_NOMINAL = N_("Nominal (current prices)")


def nominal_note(edition) -> Msg:
    """Why an edition's growth is nominal: its data had no volume index yet (dated when the edition is)."""
    if edition.as_of:
        return Msg(N_("This edition's data are as of {date}, when BNS's volume index of GRP was not yet among them, "
                      "so growth and changes here are nominal, in current prices: they include the rise of prices, "
                      "which differed between regions."), {"date": LongDate(edition.as_of)})
    return Msg(N_("BNS's volume index of GRP is not in the data for these years, so growth and changes here are "
                  "nominal, in current prices: they include the rise of prices, which differed between regions."))


def _beta_windows(ch, indicator) -> None:
    """Real β per period, with the nominal β beside it as a labelled comparison (nominal only without a real series)."""
    if ch.beta_windows is None:
        return
    labels = _MEASURE if ch.prices == "real" else {"nominal": _ONLY_NOMINAL}
    if ch.beta_nominal is not None:
        n = ch.beta_nominal
        paragraph(N_("For comparison only: on nominal {indicator} (current prices) the slope over the same years is "
                     "β = {beta:.4f} (p = {p:.2f}); nominal growth mixes in the rise of prices, which differed "
                     "between regions, so the verdict uses real growth."), indicator=indicator, beta=n.beta,
                  p=n.pvalue)
    w = ch.beta_windows.assign(period=[f"{a}–{b}" for a, b in zip(ch.beta_windows["start"], ch.beta_windows["end"])],
                               measure_label=ch.beta_windows["measure"].map(labels))
    table(w, [Column("period", N_("Period"), "text"), Column("measure_label", N_("Growth"), "message"),
              Column("beta", "β", "number", decimals=4), Column("p", N_("p-value"), "number", decimals=2),
              Column("speed", N_("Speed λ, per year"), "percent", decimals=1),
              Column("half_life", N_("Half-life, years"), "number", decimals=0)])


def convergence_page(ch) -> None:
    """The ``convergence`` page of a :class:`analysis.chapters.ConvergenceChapter`."""
    from analysis import plots
    from analysis.i18n import gettext

    indicator = Indicator(ch.indicator, ch.edition.data_dir)
    start, end = str(ch.start), str(ch.end)
    title(N_("Regional convergence, {year} edition"), year=str(ch.edition.year))
    _glue_all(ch.glue_values())
    real = Indicator(ch.real_indicator, ch.edition.data_dir)
    paragraph(N_("Are the regions of Kazakhstan becoming more alike? This chapter follows {indicator} in the {n} "
                 "regions whose borders can be compared over the whole period, from {start} to {end}."),
              indicator=indicator, n=ch.units_count, start=start, end=end)
    if ch.prices == "real":
        paragraph(N_("Growth is measured in real terms, as the growth of {real}, so that rising prices do not pass "
                     "for growth; the measures of dispersion compare the regions within each year and do not depend "
                     "on the price level."), real=real)
    else:
        compose(nominal_note(ch.edition),
                Msg(N_("The measures of dispersion compare the regions within each year and do not depend on the "
                       "price level.")))
    compose(KeyMsg(ch.verdict, {"start": start, "end": end, "periods": _periods(ch)}))

    heading(N_("Sigma convergence: is the gap narrowing?"))
    d = ch.dispersion
    figure(lambda lang: plots.sigma_figure(d, lang, groups_label=gettext("oblasts and cities", lang)),
           N_("Coefficient of variation and Theil index of {indicator} across regions, {start}–{end}"),
           indicator=indicator, start=start, end=end)
    paragraph(N_("The coefficient of variation was {cv_start:.2f} in {start} and {cv_end:.2f} in {end}. Its linear "
                 "trend is {slope:.4f} a year (p = {p:.2f})."),
              cv_start=float(d.loc[ch.start, "cv"]), cv_end=float(d.loc[ch.end, "cv"]), start=start, end=end,
              slope=ch.trend.slope, p=ch.trend.pvalue)
    key_paragraph(f"verdict.{ch.trend.verdict}")
    if len(ch.periods) > 1:
        compose(Msg(N_("Split where its trend turned, the coefficient of variation {periods}."),
                    {"periods": _periods(ch)}))
    paragraph(N_("Both measures are scale-free: multiplying every region's figure by the same price index leaves "
                 "them unchanged, so in current prices they show the same dispersion as in constant prices of any "
                 "year common to all regions."))
    paragraph(N_("In {end} the Theil index was {theil:.3f}; the gap between oblasts and cities of republican "
                 "significance accounts for {share:.0%} of it, the differences within each group for the rest."),
              end=end, theil=float(d.loc[ch.end, "theil_t"]), share=ch.between_share)

    heading(N_("Beta convergence: do poorer regions grow faster?"))
    names = {c: Region(c, ch.edition.data_dir).text for c in ch.window["region"].unique()}
    highlight = ch.focus[0] if ch.focus else None
    b = ch.beta
    figure(lambda lang: plots.beta_scatter(ch.real_window, ch.real_indicator, ch.beta, lang,
                                           names={c: f(lang) for c, f in names.items()}, highlight=highlight),
           N_("Average annual real growth of {indicator} against its initial level, by region, {start}–{end}")
           if ch.prices == "real" else
           N_("Average annual nominal growth of {indicator} against its initial level, by region, {start}–{end}"),
           indicator=real, start=str(b.start), end=str(b.end))
    if math.isfinite(b.half_life) and b.half_life > 0:
        years = int(round(b.half_life))
        compose(Msg(N_("Across {n} regions the slope is β = {beta:.4f} (p = {p:.2f})."),
                    {"n": b.n, "beta": b.beta, "p": b.pvalue}),
                Plural("If it held, the gaps would close by {speed:.1%} a year and halve in about {n} year.",
                       "If it held, the gaps would close by {speed:.1%} a year and halve in about {n} years.",
                       years, {"speed": b.speed}))
    else:
        paragraph(N_("Across {n} regions the slope is β = {beta:.4f} (p = {p:.2f}); the gaps are not closing, so "
                     "there is no half-life."), n=b.n, beta=b.beta, p=b.pvalue)
    key_paragraph(f"verdict.{b.verdict}")
    _beta_windows(ch, indicator)
    if len(ch.rolling):
        figure(lambda lang: plots.rolling_beta_figure(ch.rolling, lang),
               N_("The β slope in every {length}-year window, coloured by whether it shows significant convergence "
                  "or divergence"), length=10)
        conv = ch.rolling[ch.rolling["verdict"] == "converging"]
        first_years = Join((str(int(y)) for y in conv["start"]), style="and")
        counts = {"windows": len(ch.rolling), "length": 10}
        if len(conv):
            parts = [Plural("{n} of {windows} rolling {length}-year windows shows significant convergence",
                            "{n} of {windows} rolling {length}-year windows show significant convergence",
                            ch.rolling_converging, counts),
                     Msg(N_("(windows starting in {years})."), {"years": first_years})]
        else:
            parts = [Msg(N_("None of the {windows} rolling {length}-year windows shows significant convergence."),
                         counts)]
        parts.append(Msg(N_("No window shows significant divergence.")) if ch.rolling_diverging == 0 else
                     Plural("{n} window shows significant divergence.", "{n} windows show significant divergence.",
                            ch.rolling_diverging))
        compose(*parts)

    heading(N_("Distribution dynamics and convergence clubs"))
    figure(lambda lang: plots.markov_figure(ch.chain, lang),
           N_("Transition probabilities between five classes of relative {indicator}, and the latest and long-run "
              "shares of regions in each class"), indicator=indicator)
    paragraph(N_("Regions were sorted each year into {k} classes of {indicator} relative to the average. The mobility "
                 "index is {shorrocks:.2f} (0 means no region ever changes class). Comparing the long-run "
                 "distribution with the latest one gives p = {p:.2f}."),
              k=ch.chain.classes, indicator=indicator, shorrocks=ch.chain.shorrocks, p=ch.chain.pvalue)
    key_paragraph(f"verdict.{ch.chain.verdict}")
    figure(lambda lang: plots.clubs_figure(ch.window, ch.indicator, ch.clubs, lang,
                                           names={c: f(lang) for c, f in names.items()}, highlight=highlight),
           N_("Level of {indicator} relative to the mean of regions, coloured by convergence club"),
           indicator=indicator)
    compose(_clubs_text(ch))
    for code in ch.focus:
        membership = [i + 1 for i, club in enumerate(ch.clubs.clubs) if code in club.members]
        if membership:
            paragraph(N_("{region} belongs to club {club}."), region=Region(code, ch.edition.data_dir), club=str(membership[0]))
        elif code in ch.clubs.divergent:
            paragraph(N_("{region} belongs to no club."), region=Region(code, ch.edition.data_dir))

    heading(N_("Maps"))
    figure(lambda lang: plots.choropleth_map(ch.level_now, lang, indicator=ch.indicator, year=ch.end,
                                             highlight=highlight, data_dir=ch.edition.data_dir),
           N_("Map of {indicator} by region, {year}"), indicator=indicator, year=end)
    figure(lambda lang: plots.choropleth_map(ch.change, lang, indicator=ch.real_indicator, year=ch.end,
                                             start_year=ch.map_start, highlight=highlight,
                                             data_dir=ch.edition.data_dir),
           N_("Map of the real change in {indicator} by region, {start}–{end}") if ch.prices == "real" else
           N_("Map of the nominal change in {indicator} by region, {start}–{end}"), indicator=real,
           start=str(ch.map_start), end=end)
    paragraph(N_("Regions drawn grey have no comparable figure for both years (for example, regions created or "
                 "split in between)."))
