"""Render a :class:`analysis.chapters.region.RegionChapter` as the ``regions/<code>`` page, once per language.

Every sentence is a catalogue template (domain ``region``) filled from the chapter's numbers;
the words that judge (top or bottom quarter, faster or slower than the country, closer or
further) are the keys of the written rules in :mod:`analysis.chapters.region`. Region names
come in the case each language's sentence needs (:func:`analysis.i18n.names.region_form`:
the templates name the case in the field, ``{region:gen}``, so every translation has the English fields);
indicator names are lower-cased mid-sentence unless they start with an abbreviation; dates
are written per language (``24 ноября 2017 г.``, ``2017 жылғы 24 қараша``, ``24 November 2017``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pandas as pd

from analysis.i18n import N_, format_percent, format_signed, gettext, indicator_name, key_text, ngettext
from analysis.i18n.names import region_form
from analysis.report.figure import figure
from analysis.report.glue import glue
from analysis.report.markdown import heading, title
from analysis.report.sink import each_lang
from analysis.report.tables import Column, table
from analysis.report.values import Region, _resolve, escape

__all__ = ["region_page", "date_text", "mid_sentence", "PILLAR_NAMES", "KIND_NAMES"]

#: pillar id -> its name mid-sentence
PILLAR_NAMES = {"economic": N_("economic pillar"), "social": N_("social pillar"),
                "environmental": N_("environmental pillar")}
#: kind of a programme row -> what it is
KIND_NAMES = {"sez": N_("special economic zone"), "monotown": N_("single-industry town"),
              "programme": N_("programme")}
_SELECTED = {True: N_("Under the selection rule of the composite index the region is selected for targeted support."),
             False: N_("Under the selection rule of the composite index the region is not selected for targeted "
                       "support.")}
_PRICES = {"prices.real": N_("real, 2015 prices"), "prices.nominal": N_("nominal, current prices")}


# ---------------------------------------------------------------------------
# Values resolved per language
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Form:
    """A region's name in a grammatical case (``nom``, ``gen``, ``dat``, ``loc``)."""

    code: str
    case: str
    data_dir: str | None = None

    def text(self, lang: str) -> str:
        return region_form(self.code, lang, self.case, self.data_dir)


def mid_sentence(name: str, proper: frozenset = frozenset()) -> str:
    """A name as it stands inside a sentence: first letter lower-cased unless it begins an abbreviation
    or a proper noun (a word of ``proper``, e.g. the words of the region names).

    >>> mid_sentence("Уровень безработицы"), mid_sentence("ВРП на душу населения"), mid_sentence("GRP per capita")
    ('уровень безработицы', 'ВРП на душу населения', 'GRP per capita')
    >>> mid_sentence("Қазақстан бойынша орташа деңгей", frozenset({"Қазақстан"}))
    'Қазақстан бойынша орташа деңгей'
    """
    first = name.split(" ", 1)[0]
    if (len(name) > 1 and name[0].isupper() and name[1].isupper()) or first in proper:
        return name
    return name[:1].lower() + name[1:]


def _proper_words(lang: str, data_dir: str | None) -> frozenset:
    """Capitalised words of the region names in ``lang`` (proper nouns such as "Қазақстан")."""
    from analysis.i18n.names import name_table

    words = {w for names in name_table("regions", data_dir).values() for w in names.get(lang, "").split()}
    return frozenset(w for w in words if w[:1].isupper())


@dataclass(frozen=True)
class Name:
    """An indicator's name mid-sentence."""

    id: str
    data_dir: str | None = None

    def text(self, lang: str) -> str:
        return mid_sentence(indicator_name(self.id, lang, self.data_dir), _proper_words(lang, self.data_dir))


@dataclass(frozen=True)
class Words:
    """A catalogue msgid without values (e.g. a pillar's name)."""

    msgid: str

    def text(self, lang: str) -> str:
        return gettext(self.msgid, lang)


def date_text(value, lang: str) -> str:
    """An ISO date or a year from data as prose in ``lang`` (a year stays a year).

    >>> date_text("2017-11-24", "ru"), date_text("2017-11-24", "kk"), date_text("2015", "en")
    ('24 ноября 2017 г.', '2017 жылғы 24 қараша', '2015')
    """
    text = "" if value is None or (isinstance(value, float) and value != value) else str(value).strip()
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if match is None:
        return text
    from babel.dates import get_month_names

    month = get_month_names("wide", context="format", locale=lang)[int(match[2])]  # ru: genitive, "ноября"
    return gettext("{day} {month} {year}", lang, day=str(int(match[3])), month=month, year=match[1])


def _cap(sentence: str) -> str:
    """A sentence that begins with a name such as "город Астана" starts with a capital letter."""
    return sentence[:1].upper() + sentence[1:]


def _and_list(items: list[str], lang: str) -> str:
    if len(items) < 2:
        return "".join(items)
    return gettext("{items} and {last}", lang, items=", ".join(items[:-1]), last=items[-1])


@dataclass(frozen=True)
class Cases:
    """A region whose template field names its case: ``{region:gen}`` (Russian "Кызылординской области",
    Kazakh "Қызылорда облысының"). Each language's translation picks the case its grammar needs, so
    every translation has the same field as the English msgid."""

    code: str
    data_dir: str | None = None

    def bound(self, lang: str) -> "_BoundCases":
        return _BoundCases(self, lang)


@dataclass(frozen=True)
class _BoundCases:
    cases: Cases
    lang: str

    def __format__(self, spec: str) -> str:
        return escape(region_form(self.cases.code, self.lang, spec or "nom", self.cases.data_dir))


def _forms(ch) -> dict:
    return {"region": Cases(ch.region, ch.edition.data_dir)}


def _split(values: dict, lang: str, raw: dict | None) -> dict:
    """Template values for ``lang``: case-bearing regions bound, the rest resolved and escaped, ``raw`` as is."""
    out = dict(raw or {})
    plain = {}
    for name, value in values.items():
        if isinstance(value, Cases):
            out[name] = value.bound(lang)
        else:
            plain[name] = value
    return {**_resolve(plain, lang), **out}


def _say(msgid: str, lang: str, raw: dict | None = None, **values) -> str:
    """``msgid`` in ``lang``: ``values`` resolved and escaped; ``raw`` already Markdown-safe text."""
    return gettext(msgid, lang, **_split(values, lang, raw))


def _plural(singular: str, plural: str, n: int, lang: str, raw: dict | None = None, **values) -> str:
    return ngettext(singular, plural, n, lang, **_split(values, lang, raw))


# ---------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------


def _names(ch, figures, lang: str) -> str:
    return _and_list([escape(Name(f.indicator, ch.edition.data_dir).text(lang)) for f in figures], lang)


def _standing(ch, lang: str) -> str:
    forms = _forms(ch)
    top = [f for f in ch.key_figures if f.standing == "standing.top"]
    bottom = [f for f in ch.key_figures if f.standing == "standing.bottom"]
    parts = []
    if top:
        parts.append(_plural("{region:nom} is in the best quarter of regions for {indicators}.",
                             "{region:nom} is in the best quarter of regions for {indicators}.", len(top), lang,
                             raw={"indicators": _names(ch, top, lang)}, **forms))
    if bottom:
        parts.append(_plural("{region:nom} is in the worst quarter of regions for {indicators}.",
                             "{region:nom} is in the worst quarter of regions for {indicators}.", len(bottom), lang,
                             raw={"indicators": _names(ch, bottom, lang)}, **forms))
    if not parts:
        parts.append(_say("On none of the indicators in the table below is {region:nom} in the best or the worst "
                          "quarter of regions.", lang, **forms))
    lower = [f for f in ch.key_figures if f.polarity == "negative"]
    if lower:
        parts.append(_say("Ranks count from the best value (1) among the regions with a figure in the same year; "
                          "the lowest value counts as the best for {indicators}.", lang,
                          raw={"indicators": _names(ch, lower, lang)}))
    return " ".join(_cap(p) for p in parts)


@dataclass(frozen=True)
class _Change:
    """A five-year change: a signed percentage, or a signed difference in the indicator's unit."""

    value: float
    percent: bool

    def text(self, lang: str) -> str:
        if not math.isfinite(self.value):
            return "–"
        return _signed_percent(self.value, lang) if self.percent else format_signed(self.value, lang, decimals=1)


def _key_table(ch) -> pd.DataFrame:
    rows = [{
        "indicator": f.indicator, "prices": _PRICES.get(f.prices, ""), "year": f.year, "value": f.value,
        "national": f.national, "rank_of": f"{f.rank} / {f.n}",
        "moved": "–" if f.base_rank is None else f"{f.base_rank} \u2192 {f.common_rank}",
        "change": _Change(f.change, f.change_percent),
    } for f in ch.key_figures]
    return pd.DataFrame(rows, columns=["indicator", "prices", "year", "value", "national", "rank_of", "moved",
                                       "change"])


def _signed_percent(value: float, lang: str) -> str:
    text = format_percent(value, lang, decimals=1)
    return text if text.startswith("\u2212") or value == 0 else "+" + text


_PACE = {
    "pace.faster": ("The region's real growth outpaced the country's by more than {n} percentage point.",
                    "The region's real growth outpaced the country's by more than {n} percentage points."),
    "pace.slower": ("The region's real growth lagged behind the country's by more than {n} percentage point.",
                    "The region's real growth lagged behind the country's by more than {n} percentage points."),
    "pace.same": ("The region kept pace with the country (a difference of at most {n} percentage point).",
                  "The region kept pace with the country (a difference of at most {n} percentage points)."),
}


def _movement_sentence(ch, m, lang: str) -> str:
    from analysis.chapters.region import PACE_TOLERANCE_PP, RELATIVE_TOLERANCE

    values = {"start": str(m.start), "end": str(m.end), **_forms(ch)}
    if m.measure == "real_growth":
        first = _say("From {start} to {end} the real GRP of {region:gen} (by the BNS volume index) changed by "
                     "{growth}, that of Kazakhstan by {country}.", lang,
                     raw={"growth": _signed_percent(m.region, lang), "country": _signed_percent(m.country, lang)},
                     **values)
        return _cap(first) + " " + _plural(*_PACE[m.verdict], int(round(PACE_TOLERANCE_PP)), lang)
    if m.measure == "relative_grp_real":
        first = _say("Real GRP per capita (2015 prices) of {region:gen} was {then:.0%} of the national level in "
                     "{start} and {now:.0%} in {end}.", lang, then=m.country, now=m.region, **values)
    elif m.measure == "relative_grp":
        first = _say("Nominal GRP per capita of {region:gen} was {then:.0%} of the national level in {start} and "
                     "{now:.0%} in {end}; as a share of the same year's national figure it is free of the price "
                     "growth common to the whole country.", lang, then=m.country, now=m.region, **values)
    else:
        first = _say("Nominal per-capita cash income in {region:loc} was {then:.0%} of the national level in {start} "
                     "and {now:.0%} in {end}; as a share of the same year's national figure it is free of the "
                     "price growth common to the whole country.", lang, then=m.country, now=m.region, **values)
    return _cap(first) + " " + key_text(m.verdict, lang, tolerance=RELATIVE_TOLERANCE)


def _rank_moves(ch, lang: str) -> str:
    from analysis.chapters.region import RANK_MOVE_MIN

    compared = [f for f in ch.key_figures if f.base_rank is not None]
    if not compared:
        return ""
    up = [f for f in compared if f.base_rank - f.common_rank >= RANK_MOVE_MIN]
    down = [f for f in compared if f.common_rank - f.base_rank >= RANK_MOVE_MIN]

    def listed(figures):
        return _and_list([_say("{name} (then {then}, now {now})", lang, name=Name(f.indicator, ch.edition.data_dir),
                               then=f.base_rank, now=f.common_rank) for f in figures], lang)

    forms = _forms(ch)
    parts = [_plural("Ranks five years apart are counted among the regions with figures in both years; a move of at "
                     "least {n} place counts.",
                     "Ranks five years apart are counted among the regions with figures in both years; a move of at "
                     "least {n} places counts.", RANK_MOVE_MIN, lang)]
    if up:
        parts.append(_plural("The rank of {region:gen} improved in {indicators}.",
                             "The rank of {region:gen} improved in {indicators}.", len(up), lang,
                             raw={"indicators": listed(up)}, **forms))
    if down:
        parts.append(_plural("The rank of {region:gen} worsened in {indicators}.",
                             "The rank of {region:gen} worsened in {indicators}.", len(down), lang,
                             raw={"indicators": listed(down)}, **forms))
    if not up and not down:
        parts.append(_say("No rank of {region:gen} moved that far.", lang, **forms))
    return " ".join(_cap(p) for p in parts)


def _when(row, lang: str) -> str:
    start, end = date_text(row["start"], lang), date_text(row.get("end"), lang)
    if start and end:
        return gettext("{start} – {end}", lang, start=escape(start), end=escape(end))
    if start:
        return gettext("from {start}", lang, start=escape(start))
    return gettext("start date not recorded", lang)


def _programme_item(ch, row, lang: str) -> str:
    name = escape(str(row[f"name_{lang}"]))
    if row["has_page"] and re.fullmatch(r"[a-z0-9_]+", str(row["programme"])):
        name = f"[{name}](../programmes/{row['programme']}.ipynb)"
    kind = gettext(KIND_NAMES.get(row["kind"], KIND_NAMES["programme"]), lang)
    text = gettext("{name} — {kind}; {when}", lang, name=name, kind=kind, when=_when(row, lang))
    if row.get("region") not in (None, ch.region, "KZ"):
        text += " " + _say("(listed for the region's predecessor, {unit})", lang,
                           unit=Form(str(row["region"]), "nom", ch.edition.data_dir))
    return "- " + text


def _programmes_text(ch, lang: str) -> str:
    forms = _forms(ch)
    year = str(ch.edition.year)
    blocks = []
    if len(ch.programmes):
        blocks.append(_cap(_plural("By {year} the programme list has {n} programme for {region:gen}:",
                                   "By {year} the programme list has {n} programmes for {region:gen}:",
                                   len(ch.programmes), lang, year=year, **forms)))
        blocks.append("\n".join(_programme_item(ch, row, lang) for _, row in ch.programmes.iterrows()))
    else:
        blocks.append(_cap(_say("By {year} the programme list has no programme for {region:gen}.", lang, year=year,
                                **forms)))
    if len(ch.nationwide):
        blocks.append(gettext("Nationwide programmes that also cover the region:", lang))
        blocks.append("\n".join(_programme_item(ch, row, lang) for _, row in ch.nationwide.iterrows()))
    blocks.append(gettext("Rows of the programme list that give a programme's funding or its share of projects are "
                          "figures about a programme, not programmes, and are not listed here.", lang))
    return "\n\n".join(blocks)


def _index_sentences(ch, lang: str) -> str:
    ix = ch.index
    forms = _forms(ch)
    parts = [_say("In the composite index of {index_year} (the latest year it covers) {region:nom} ranks {rank} of "
                  "{n} (1 = best), with an index value of {score:.2f}.", lang,
                  index_year=str(ix.year), rank=ix.rank, n=ix.n, score=ix.composite, **forms)]
    scores = {p: (s, m) for p, s, m in ix.pillars}
    if ix.strongest != ix.weakest and all(p in PILLAR_NAMES for p in scores):
        s, w = scores[ix.strongest], scores[ix.weakest]
        parts.append(_say("Against the median region its strongest pillar is the {strong} ({s:.2f} against "
                          "{sm:.2f}) and its weakest the {weak} ({w:.2f} against {wm:.2f}).", lang,
                          strong=Words(PILLAR_NAMES[ix.strongest]), weak=Words(PILLAR_NAMES[ix.weakest]),
                          s=s[0], sm=s[1], w=w[0], wm=w[1]))
        if ix.weakest_indicators:
            items = [_say("{name} — {score:.2f}", lang, name=Name(i, ch.edition.data_dir), score=v)
                     for i, v in ix.weakest_indicators]
            parts.append(_plural("Within it the lowest-scoring indicator is {indicators} (0 = the worst region, "
                                 "1 = the best).",
                                 "Within it the lowest-scoring indicators are {indicators} (0 = the worst region, "
                                 "1 = the best).", len(items), lang, raw={"indicators": _and_list(items, lang)}))
    parts.append(gettext(_SELECTED[ix.selected], lang))
    return " ".join(_cap(p) for p in parts)


# ---------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------


#: The profile's indicators over time in two figures, the economy, then society and the environment. The
#: panels are stacked in one column (side by side, a phone would shrink them); six of them would be taller
#: than a printed page, and the PDF would cut a panel in two. Three fit on one page.
FIGURE_GROUPS = (
    (N_("Economic indicators of {region} over time compared with Kazakhstan and the range of all regions"),
     ("grp_per_capita_real", "grp_per_capita", "income_per_capita_nominal_monthly", "unemployment_rate")),
    (N_("Social and environmental indicators of {region} over time compared with Kazakhstan and the range "
        "of all regions"),
     ("life_expectancy_at_birth", "doctors_per_10k", "emissions_per_capita")),
)


def region_page(ch) -> None:
    """The ``regions/<code>`` page of a :class:`analysis.chapters.region.RegionChapter`."""
    from analysis import plots

    data_dir = ch.edition.data_dir
    region = Region(ch.region, data_dir)
    title(N_("Region profile: {region}, {year} edition"), region=region, year=str(ch.edition.year))
    for name, value in ch.glue_values().items():
        glue(name, value)
    figure(lambda lang: plots.locator_map(ch.region, lang, year=ch.edition.year, data_dir=data_dir),
           N_("Map of Kazakhstan with {region} highlighted"), region=region)
    if ch.key_figures:
        each_lang(lambda lang: _standing(ch, lang))

    heading(N_("Key indicators"))
    if ch.key_figures:
        table(_key_table(ch), [
            Column("indicator", N_("Indicator"), "indicator"),
            Column("prices", N_("Prices"), "message"),
            Column("year", N_("Year"), "year"),
            Column("value", N_("Region"), "number", decimals=None),
            Column("national", N_("Kazakhstan"), "number", decimals=None),
            Column("rank_of", N_("Rank (1 = best)"), "text"),
            Column("moved", N_("Rank five years earlier → now (same regions)"), "text"),
            Column("change", N_("Change over five years"), "value"),
        ])
        each_lang(lambda lang: gettext("Changes of money are in per cent: real where BNS publishes a volume index, "
                                       "otherwise nominal (the Prices column says which); other changes are in the "
                                       "indicator's unit.", lang))
    for caption, group in FIGURE_GROUPS:
        shown = [i for i in ch.figure_indicators if i in group]
        if shown:
            figure(lambda lang, shown=shown: plots.region_indicators_figure(ch.panel, ch.national, ch.region,
                                                                            shown, lang, data_dir=data_dir),
                   caption, region=region)

    heading(N_("Five years against the country"))
    if ch.movements:
        each_lang(lambda lang: " ".join(_movement_sentence(ch, m, lang) for m in ch.movements))
    else:
        each_lang(lambda lang: _cap(_say("{region:nom} has no figures five years apart to compare with the "
                                         "country.", lang, **_forms(ch))))
    if any(f.base_rank is not None for f in ch.key_figures):
        each_lang(lambda lang: _rank_moves(ch, lang))

    heading(N_("Programmes that reached the region"))
    each_lang(lambda lang: _programmes_text(ch, lang))

    if ch.index is not None:
        heading(N_("Place in the composite index"))
        each_lang(lambda lang: _index_sentences(ch, lang))
