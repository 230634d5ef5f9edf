"""Render the composite-index chapter (:class:`analysis.chapters.CompositeChapter`) as its page, once per language.

The page states one selection rule, with its threshold and the robustness
threshold, once, in the page's own units (composite scores 0–1), and then
discusses every region it selects, both ends of the ranking and the focus
regions, each with a sentence chosen by a written rule from the chapter's numbers:

* selected or not: the region's composite score against the threshold;
* robust or not: the share of the method variants (on the same 0–1 scale) that
  agree with that decision, against the robustness threshold.

Indicator names from the data are capitalised for tables; inside a sentence they
are written with a lower-case first letter unless they start with an acronym
(:func:`lower_name`).
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.i18n import N_
from analysis.report.figure import figure
from analysis.report.glue import glue
from analysis.report.markdown import bullets, compose, heading, paragraph, title, warning_keys
from analysis.report.tables import Column, table
from analysis.report.values import Indicator, Key, Localised, LongDate, Msg, Plural, Region

__all__ = ["composite_page", "lower_name", "region_verdict", "PILLAR_NAMES"]

PILLAR_NAMES = {"economic": N_("Economic pillar"), "social": N_("Social pillar"),
                "environmental": N_("Environmental pillar")}
_DIRECTION = {1: N_("More is better"), -1: N_("Less is better")}
_FLAG_TEXT = {
    "winsorised": N_("Extreme value set to the next one (winsorised)"),
    "carried_forward": N_("Missing value replaced by the previous year's"),
    "pillar_reweighted": N_("Missing value left out of its pillar"),
    "excluded_pillar_missing": N_("Region left out: a whole pillar is missing"),
}
#: (selected, robust) -> the sentence about a region's selection
_VERDICT = {
    (True, True): N_("{region} is selected: its score, {score:.2f}, is below the threshold, and {share:.0%} of the "
                     "variants select it too, so the decision is robust."),
    (True, False): N_("{region} is selected: its score, {score:.2f}, is below the threshold, but only {share:.0%} of "
                      "the variants select it, so the decision depends on how the index is built."),
    (False, "none"): N_("{region} is not selected: its score, {score:.2f}, is not below the threshold, and no "
                        "variant selects it, so the decision is robust."),
    (False, True): N_("{region} is not selected: its score, {score:.2f}, is not below the threshold, and only "
                      "{share:.0%} of the variants select it, so the decision is robust."),
    (False, False): N_("{region} is not selected: its score, {score:.2f}, is not below the threshold, but {share:.0%} of "
                       "the variants select it, so the decision depends on how the index is built."),
}


def lower_name(name: str) -> str:
    """An indicator name as it stands inside a sentence: first letter lower-case, acronyms kept.

    >>> lower_name("Unemployment rate"), lower_name("GRP per capita"), lower_name("ЖӨӨ-нің өсуі")
    ('unemployment rate', 'GRP per capita', 'ЖӨӨ-нің өсуі')
    """
    first = name.split(" ", 1)[0].split("-", 1)[0]
    if len(first) > 1 and first.isupper():
        return name
    return name[:1].lower() + name[1:]


def _indicator_in_sentence(ind: str, data_dir) -> Localised:
    source = Indicator(ind, data_dir)
    return Localised({lang: lower_name(source.text(lang)) for lang in ("kk", "ru", "en")})


def _region_first(code: str, data_dir) -> Localised:
    """A region name that opens a sentence or a list item: first letter upper-case (ru "город Астана")."""
    region = Region(code, data_dir)
    return Localised({lang: region.text(lang)[:1].upper() + region.text(lang)[1:] for lang in ("kk", "ru", "en")})


def _listed(values) -> Localised:
    """Names listed in a sentence, separated by commas."""
    values = list(values)
    return Localised({lang: ", ".join(v.text(lang) for v in values) for lang in ("kk", "ru", "en")})


def region_verdict(selected: bool, holds: bool, share: float = float("nan")) -> str:
    """The msgid of a region's selection sentence (selected or not; the decision robust or not).

    >>> region_verdict(False, True, 0.0) == _VERDICT[(False, "none")]
    True
    """
    if not selected and share == 0:
        return _VERDICT[(False, "none")]
    return _VERDICT[(bool(selected), bool(holds))]


def _framework_section(ch) -> None:
    fw, res = ch.framework, ch.result
    n_ind = len(fw.indicators)
    compose(Plural("The index of {year} combines {n} indicator in the pillars below.",
                   "The index of {year} combines {n} indicators in the pillars below.", n_ind,
                   {"year": str(ch.index_year)}),
            Msg(N_("It is the latest year in which every indicator is known for at least {coverage:.0%} of the regions."),
                {"coverage": fw.min_indicator_coverage}))
    rows = pd.DataFrame([{"pillar": PILLAR_NAMES[p.id], "indicator": ind, "direction": _DIRECTION[fw.polarity[ind]],
                          "weight": float(res.weights.loc[ind, "weight"])}
                         for p in fw.pillars for ind in p.indicators])
    table(rows, [Column("pillar", N_("Pillar"), "message"), Column("indicator", N_("Indicator"), "indicator"),
                 Column("direction", N_("Direction"), "message"),
                 Column("weight", N_("Weight in the composite"), "percent", decimals=0)])
    if ch.missing:  # an edition dated before these indicators were recorded
        listed = _listed(_indicator_in_sentence(i, ch.edition.data_dir) for i in ch.missing)
        compose(Msg(N_("Not yet in this edition's data (dated {date}), and so left out of its index: {indicators}."),
                    {"date": LongDate(ch.edition.as_of), "indicators": listed}) if ch.edition.as_of else
                Msg(N_("Not in this edition's data, and so left out of its index: {indicators}."),
                    {"indicators": listed}))
    if ch.unranked:
        compose(Plural("{regions} has no figures for {year} within its borders of {map_year} and is not ranked.",
                       "{regions} have no figures for {year} within their borders of {map_year} and are not ranked.",
                       len(ch.unranked),
                       {"regions": _listed([_region_first(ch.unranked[0], ch.edition.data_dir)]
                                           + [Region(c, ch.edition.data_dir) for c in ch.unranked[1:]]),
                        "year": str(ch.index_year), "map_year": str(ch.edition.year)}))
    paragraph(N_("Each indicator is rescaled so that the lowest region scores 0 and the highest 1 (where less is "
                 "better, the reverse); a pillar is the average of its indicators, and the composite score is the "
                 "average of the pillars. Amounts in tenge are nominal: they are compared across regions within one "
                 "year, where dividing every region by the same national price index would change no score, and no "
                 "regional price level is published."))


def _coherence_section(ch) -> None:
    heading(N_("Do the indicators of each pillar agree?"))
    paragraph(N_("Before the uncertainty of the ranks is examined, the pillars are checked for coherence. Cronbach's "
                 "alpha is near 1 when the indicators of a pillar move together and below 0 when they pull in "
                 "opposite directions; for a pillar with one indicator it does not apply."))
    prev = ch.previous_coherence
    items = []
    for p in ch.framework.pillars:
        alpha = float(ch.coherence.cronbach_alpha[p.id])
        now = (Msg(N_("{pillar}: one indicator"), {"pillar": Msg(PILLAR_NAMES[p.id])}) if math.isnan(alpha) else
               Msg(N_("{pillar}: alpha {alpha:.2f}"), {"pillar": Msg(PILLAR_NAMES[p.id]), "alpha": alpha}))
        before = float(prev.cronbach_alpha.get(p.id, math.nan)) if prev is not None else math.nan
        items.append(now if math.isnan(before) else
                     Msg(N_("{now} (previous framework: {before:.2f})"), {"now": now, "before": before}))
    bullets(items)


def _ranking_section(ch) -> None:
    res, dd = ch.result, ch.edition.data_dir
    pillars = [p.id for p in ch.framework.pillars]
    heading(N_("Pillar values and ranks"))
    focus = tuple(r for r in ch.framework.focus_regions if r in res.table.index)
    from analysis import plots

    figure(lambda lang: plots.index_figure(
        res.table, pillars, lang, names={c: Region(c, dd).text(lang) for c in res.table.index}, highlight=focus),
        N_("Composite index and pillar values by region, {year}; best at the top"), year=str(ch.index_year))
    scores = res.table.assign(region=res.table.index)
    columns = [Column("rank", N_("Rank"), "integer"), Column("region", N_("Region"), "region")]
    columns += [Column(p, PILLAR_NAMES[p], "number", decimals=2) for p in pillars]
    columns += [Column("composite", N_("Composite index"), "number", decimals=2)]
    table(scores, columns)
    n = len(res.table)
    paragraph(N_("{top} ranks first, with a composite score of {top_score:.2f}; {bottom} ranks last ({n} of {n}), "
                 "with {bottom_score:.2f}."),
              top=_region_first(ch.top, dd), top_score=float(res.table.loc[ch.top, "composite"]),
              bottom=Region(ch.bottom, dd), bottom_score=float(res.table.loc[ch.bottom, "composite"]), n=n)


def _changes_section(ch) -> None:
    if ch.previous_result is None or not len(ch.changes):
        return
    dd = ch.edition.data_dir
    heading(N_("What changed against the previous framework"))
    now, before = ch.framework.indicators, ch.previous_result.framework.indicators
    added = [i for i in now if i not in before]
    removed = [i for i in before if i not in now]
    parts = []
    if added:
        parts.append(Msg(N_("Against the previous framework, the index adds {indicators}."),
                         {"indicators": _listed(_indicator_in_sentence(i, dd) for i in added)}))
    if removed:
        parts.append(Msg(N_("It leaves out {indicators}."),
                         {"indicators": _listed(_indicator_in_sentence(i, dd) for i in removed)}))
    parts.append(Msg(N_("The table ranks the same regions with the same data of {year} under both frameworks, so that "
                        "the change shows what the framework does and nothing else; a comparison with the previous "
                        "edition would mix it with new data and, where the map changed, with new regions."),
                     {"year": str(ch.index_year)}))
    compose(*parts)
    changes = ch.changes.assign(reason=ch.changes["main_reason"])
    table(changes, [Column("region", N_("Region"), "region"), Column("rank_previous", N_("Rank, previous framework"),
                                                                     "integer"),
                    Column("rank", N_("Rank now"), "integer"), Column("change", N_("Places gained"), "integer"),
                    Column("reason", N_("Indicator whose contribution changed most"), "indicator")])
    moved = ch.moved
    if len(moved):
        compose(Plural("{n} region moved by {places} places or more:", "{n} regions moved by {places} places or more:",
                       len(moved), {"places": ch.move_places}))
        bullets([Msg(N_("{region}: from {before} to {after}; the largest change in its score comes from {reason}."),
                     {"region": _region_first(r.region, dd), "before": int(r.rank_previous), "after": int(r.rank),
                      "reason": _indicator_in_sentence(r.main_reason, dd)}) for r in moved.itertuples()])
    else:
        paragraph(N_("No region moved by {places} places or more."), places=ch.move_places)


def _uncertainty_section(ch) -> None:
    sens, dd = ch.sensitivity, ch.edition.data_dir
    heading(N_("How certain are the ranks?"))
    focus = tuple(r for r in ch.framework.focus_regions if r in sens.ranks.index)
    from analysis import plots

    figure(lambda lang: plots.rank_interval_figure(
        sens.ranks, sens.rank_interval, lang, names={c: Region(c, dd).text(lang) for c in sens.ranks.index},
        highlight=focus),
        N_("Rank of each region under the headline method and the range of its ranks over {draws} variants of the "
           "method"), draws=sens.draws)
    paragraph(N_("How to rescale, weight and combine the indicators is partly a matter of judgement. The index was "
                 "therefore recomputed {draws} times with these choices drawn at random; the lines show where each "
                 "region's rank fell in {share:.0%} of the variants."),
              draws=sens.draws, share=sens.rank_interval[1] - sens.rank_interval[0])
    n = len(ch.result.table)
    share = sens.rank_interval[1] - sens.rank_interval[0]
    items = []
    for c in ch.discussed:
        values = {"region": _region_first(c, dd), "rank": int(ch.result.table.loc[c, "rank"]), "n": n,
                  "low": int(sens.ranks.loc[c, "low"]), "high": int(sens.ranks.loc[c, "high"]), "share": share}
        same = values["low"] == values["high"] == values["rank"]
        items.append(Msg(N_("{region}: rank {rank} of {n} under the headline method and in {share:.0%} of the "
                            "variants.") if same else
                         N_("{region}: rank {rank} of {n}; over the variants between {low} and {high}."), values))
    bullets(items)


def _selection_section(ch) -> None:
    sel, dd, res = ch.selection, ch.edition.data_dir, ch.result
    heading(N_("Selected regions"))
    paragraph(N_("Selection rule: a region is selected for targeted support when its composite score is below "
                 "{share:.0%} of the mean score of the {n} regions, that is below {threshold:.2f} in {year}. A "
                 "decision, to select a region or not, is called robust when at least {robust:.0%} of the "
                 "{draws} variants that keep the 0–1 scale (rescaling from the lowest to the highest region) agree "
                 "with it."),
              share=ch.threshold_share, n=len(res.table), threshold=ch.threshold, year=str(ch.index_year),
              robust=ch.min_share, draws=sel.draws_used)
    if ch.selected:
        rows = sel.table.loc[list(ch.selected)].assign(
            region=list(ch.selected), rank=res.table.loc[list(ch.selected), "rank"].to_numpy(),
            composite=res.table.loc[list(ch.selected), "composite"].to_numpy())
        rows["holds_label"] = rows["holds"].map({True: N_("Yes"), False: N_("No")})
        table(rows, [Column("region", N_("Region"), "region"), Column("rank", N_("Rank"), "integer"),
                     Column("composite", N_("Composite index"), "number", decimals=2),
                     Column("share_of_draws", N_("Selected in share of variants"), "percent", decimals=0),
                     Column("holds_label", N_("Robust"), "message")])
    else:
        paragraph(N_("No region's score is below the threshold in {year}."), year=str(ch.index_year))
    for code in ch.discussed:
        row = sel.table.loc[code]
        paragraph(region_verdict(bool(row["selected"]), bool(row["holds"]), float(row["share_of_draws"])),
                  region=_region_first(code, dd),
                  score=float(res.table.loc[code, "composite"]), share=float(row["share_of_draws"]))
    fragile = [c for c in res.table.index if c not in ch.discussed and not bool(sel.table.loc[c, "holds"])]
    if fragile:
        compose(Plural("Of the other regions, {regions} is not selected, but more than {share:.0%} of the variants "
                       "select it, so that decision is not robust either.",
                       "Of the other regions, {regions} are not selected, but more than {share:.0%} of the variants "
                       "select each of them, so those decisions are not robust either.",
                       len(fragile), {"regions": _listed(Region(c, dd) for c in fragile), "share": 1 - ch.min_share}))


def _cohesion_section(ch) -> None:
    c = ch.cohesion
    if not len(c):
        return
    dd = ch.edition.data_dir
    heading(N_("Population in regions below {share:.0%} of the national GRP per capita"), share=ch.cohesion_share)
    first, last = int(c.index[0]), int(c.index[-1])
    paragraph(N_("The headline of cohesion reports: the share of the population living in regions whose GRP per "
                 "capita is below {share:.0%} of the national level (the European Union's line for less developed "
                 "regions). It is counted on the {n} regions whose borders are comparable over the whole period, so "
                 "that a change of the map does not move it; GRP per capita is nominal, which a ratio to the national "
                 "level of the same year does not distort."),
              share=ch.cohesion_share, n=ch.cohesion_units)
    paragraph(N_("In {last} it was {share_last:.0%} of the population, against {share_first:.0%} in {first}."),
              last=str(last), first=str(first), share_last=float(c.loc[last, "share"]),
              share_first=float(c.loc[first, "share"]))
    below = [code for code in str(c.loc[last, "regions_below"]).split("; ") if code]
    if below:
        compose(Plural("Below the line in {year}: {n} region, {regions}.", "Below the line in {year}: {n} regions, "
                       "{regions}.", len(below), {"year": str(last), "regions": _listed(Region(r, dd) for r in below)}))
    rows = c.assign(year=c.index, population_millions=c["population_below"] / 1e6)
    table(rows, [Column("year", N_("Year"), "year"), Column("share", N_("Share of the population"), "percent", decimals=0),
                 Column("n_below", N_("Regions below the line"), "integer"),
                 Column("population_millions", N_("Population below the line, million"), "number", decimals=2)])


def _treatment_section(ch) -> None:
    flags = ch.result.flags
    if len(flags):
        heading(N_("Data treatment"), level=3)
        table(flags.assign(flag_label=flags["flag"].map(_FLAG_TEXT)), [
            Column("region", N_("Region"), "region"), Column("indicator", N_("Indicator"), "indicator"),
            Column("flag_label", N_("Treatment"), "message"),
            Column("original", N_("Published value"), "number", decimals=None),
            Column("used", N_("Value used"), "number", decimals=None)])
    notes = warning_keys(ch.result)
    if notes:
        bullets([Key(k) for k in notes])


def composite_page(ch) -> None:
    """The ``composite_index`` page of a :class:`analysis.chapters.CompositeChapter`."""
    title(N_("Composite development index, {year} edition"), year=str(ch.edition.year))
    for name, value in ch.glue_values().items():
        glue(name, value)
    _framework_section(ch)
    _coherence_section(ch)
    _ranking_section(ch)
    _changes_section(ch)
    _uncertainty_section(ch)
    _selection_section(ch)
    _cohesion_section(ch)
    _treatment_section(ch)
