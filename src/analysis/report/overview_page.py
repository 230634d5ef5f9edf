"""Render the data overview chapter (:func:`analysis.chapters.overview.data_overview_chapter`) once per language.

Every sentence is a catalogue template (domain ``overview``) filled from the
chapter's counts; a count that is zero selects its own sentence, never "0 …",
and every count agrees with its noun through a gettext plural entry.
"""

from __future__ import annotations

from analysis.i18n import N_
from analysis.report.figure import figure
from analysis.report.glue import glue
from analysis.report.markdown import compose, heading, paragraph, title
from analysis.report.tables import Column, table
from analysis.report.values import Join, Msg, Plural

__all__ = ["overview_page", "ORIGIN_LABELS", "PRICE_LABELS"]

ORIGIN_LABELS = {"published": N_("Published by the BNS"), "computed": N_("Computed from published figures"),
                 "other": N_("Other official source")}
PRICE_LABELS = {"real": N_("Real, at constant 2015 prices"), "nominal": N_("Nominal, at current prices"),
                "none": N_("Not money")}


def _vintage(v, last_year: int) -> Msg:
    values = {"start": str(v.start), "end": str(v.end), "units": Plural("{n} region", "{n} regions", v.units_count)}
    if v.end == last_year:
        return Msg(N_("from {start}, {units}"), values)
    return Msg(N_("{start}–{end}, {units}"), values)


def _summary(ch) -> Msg:
    return Msg(N_("This edition uses official figures published up to {year}: {indicators} for {units} of that "
                  "year, {values} in all."),
               {"year": str(ch.edition.year),
                "indicators": Plural("{n} indicator", "{n} indicators", len(ch.coverage)),
                "units": Plural("the {n} region", "the {n} regions", len(ch.units)),
                "values": Plural("{n} value", "{n} values", ch.values_count)})


def _origins(ch) -> list:
    published, computed = ch.count("origin", "published"), ch.count("origin", "computed")
    parts = [Plural("{n} of these indicators is published by the Bureau of National Statistics (stat.gov.kz).",
                    "{n} of these indicators are published by the Bureau of National Statistics (stat.gov.kz).",
                    published)] if published else []
    if computed:
        parts.append(Plural("{n} is computed from published figures.", "{n} are computed from published figures.",
                            computed))
    other = len(ch.coverage) - published - computed
    if other:
        parts.append(Plural("{n} comes from another official source.", "{n} come from other official sources.", other))
    parts.append(Msg(N_("The source of every value is recorded in the project's data files.")))
    return parts


def _prices(ch) -> list:
    real, nominal = ch.count("price_basis", "real"), ch.count("price_basis", "nominal")
    parts = []
    if real:
        parts.append(Plural("{n} indicator is in real terms (a volume index, or money at constant 2015 prices), so its "
                            "changes over time are real growth, with inflation removed.",
                            "{n} indicators are in real terms (volume indices, or money at constant 2015 prices), so "
                            "their changes over time are real growth, with inflation removed.", real))
    if nominal:
        parts.append(Plural("{n} indicator is nominal (in current prices, or computed from them): it includes "
                            "inflation, so its changes over time are not real growth.",
                            "{n} indicators are nominal (in current prices, or computed from them): they include "
                            "inflation, so their changes over time are not real growth.", nominal))
    if not parts:
        parts.append(Msg(N_("No indicator of this edition is measured in money.")))
    return parts


def _gaps(ch) -> list:
    year = str(ch.edition.year)
    lacks, partial = ch.count("gap", "lacks_year"), ch.count("gap", "partial")
    parts = []
    if lacks:
        parts.append(Plural("{n} indicator has no figure for {year}; the table gives its last year.",
                            "{n} indicators have no figure for {year}; the table gives the last year of each.",
                            lacks, {"year": year}))
    if partial:
        parts.append(Plural("{n} indicator has a figure for {year} for only some of the regions.",
                            "{n} indicators have a figure for {year} for only some of the regions.",
                            partial, {"year": year}))
    if not parts:
        parts.append(Msg(N_("Every indicator has a figure for {year} for every region."), {"year": year}))
    if ch.stable_approximate_count:
        parts.append(Plural("On the fixed borders used to compare regions over time, {n} value is a "
                            "population-weighted approximation for a region whose borders later changed.",
                            "On the fixed borders used to compare regions over time, {n} values are "
                            "population-weighted approximations for regions whose borders later changed.",
                            ch.stable_approximate_count))
    if ch.unverified_count:
        parts.append(Plural("{n} unverified series is kept apart as a cross-check and is not used in any chapter.",
                            "{n} unverified series are kept apart as cross-checks and are not used in any chapter.",
                            ch.unverified_count))
    return parts


def overview_page(ch) -> None:
    """The ``data_overview`` page of an :class:`analysis.chapters.overview.OverviewChapter`."""
    from analysis import plots

    title(N_("Data and sources, {year} edition"), year=str(ch.edition.year))
    for name, value in ch.glue_values().items():
        glue(name, value)
    compose(_summary(ch))
    if ch.approximate_count:
        compose(Plural("{n} of these values is a population-weighted approximation.",
                       "{n} of these values are population-weighted approximations.", ch.approximate_count))

    heading(N_("Boundary changes"))
    last = ch.vintages[-1].end
    vintages = Join(_vintage(v, last) for v in ch.vintages)
    if len(ch.vintages) == 1:
        lead = Msg(N_("The regions kept the same borders from {start} to {end}: {vintages}."),
                   {"start": str(ch.vintages[0].start), "end": str(last), "vintages": vintages})
    else:
        lead = Plural("Regions were split and renamed over the period, so the map has had {n} boundary vintage "
                      "since {start}: {vintages}.",
                      "Regions were split and renamed over the period, so the map has had {n} boundary vintages "
                      "since {start}: {vintages}.", len(ch.vintages),
                      {"start": str(ch.vintages[0].start), "vintages": vintages})
    compose(lead, Msg(N_("Each map below shows the regions of one boundary vintage; regions that appear for the first "
                         "time are highlighted.")))
    figure(lambda lang: plots.boundary_vintages_map(lang, years=ch.map_years, data_dir=ch.edition.data_dir),
           N_("Maps of the regions of Kazakhstan for each boundary vintage, with new regions highlighted"))

    heading(N_("Coverage by indicator"))
    compose(*_origins(ch))
    rows = ch.coverage.assign(origin_label=ch.coverage["origin"].map(ORIGIN_LABELS),
                              price_label=ch.coverage["price_basis"].map(PRICE_LABELS))
    table(rows, [
        Column("indicator", N_("Indicator"), "indicator"),
        Column("unit", N_("Unit"), "localised"),
        Column("first", N_("First year"), "year"),
        Column("last", N_("Last year"), "year"),
        Column("regions", N_("Regions with a value in the edition year"), "integer"),
        Column("origin_label", N_("Origin"), "message"),
        Column("price_label", N_("Price basis"), "message"),
    ])

    heading(N_("Real and nominal figures"))
    compose(*_prices(ch))

    heading(N_("Gaps in the data"))
    compose(*_gaps(ch))
