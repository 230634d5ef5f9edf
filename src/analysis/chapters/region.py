"""The region profile: where one region stands, how it moved against the country, what reached it.

:func:`region_chapter` turns an :class:`~analysis.chapters.edition.Edition` and a region code
into one frozen :class:`RegionChapter` holding every number, table and figure input of the
``regions/<code>`` page, and the keys of the sentences the written rules below give them:

* **rank by polarity** — rank 1 is the *best* value among the regions with a figure that year:
  the highest where more is better, the lowest where less is better (``polarity`` in
  ``data/indicators.csv``); :data:`STANDING_RULES` name the top and bottom quarter;
* **five years against the country, in real terms** — real GRP growth from the BNS volume
  index (:data:`PACE_RULES`), real GRP per capita relative to Kazakhstan; money without a
  volume index (cash income) is compared as a share of the national level of the same year and
  labelled nominal (:data:`RELATIVE_RULES`);
* **programmes that reached it** — :func:`region_programmes`: rows that are programmes
  (:data:`PROGRAMME_KINDS`), listed for the region or for the unit it was split from
  (:func:`listed_units`), begun by the edition year or with no recorded start;
* **the composite index** — its rank, its pillars against the median region
  (:data:`analysis.index` read through its public functions only), and whether the index's own
  selection rule selects it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.chapters.decision import Rule, decide
from analysis.chapters.edition import Edition

__all__ = [
    "PROFILE_INDICATORS", "PROGRAMME_KINDS", "RANK_MOVE_MIN", "PACE_TOLERANCE_PP", "STANDING_RULES", "PACE_RULES", "RELATIVE_RULES", "SPAN",
    "KeyFigure", "Movement", "IndexPosition", "RegionChapter", "region_chapter", "rank_by_polarity",
    "listed_units", "region_programmes", "programme_has_page", "key_figures", "growth_pace", "relative_move",
]

#: indicators of the key-figure table, in order; money in real terms first, nominal money labelled
PROFILE_INDICATORS = (
    "grp_per_capita_real", "grp_per_capita", "income_per_capita_nominal_monthly", "unemployment_rate",
    "life_expectancy_at_birth", "doctors_per_10k", "emissions_per_capita",
)
#: what each money indicator's figures are in (shown in the table; everything else is not money)
PRICES = {"grp_per_capita_real": "prices.real", "grp_per_capita": "prices.nominal",
          "income_per_capita_nominal_monthly": "prices.nominal"}
#: how a five-year change is measured: per cent for levels of money, difference in the unit otherwise
PERCENT_CHANGE = {"grp_per_capita_real", "grp_per_capita", "income_per_capita_nominal_monthly"}
#: years over which a movement is measured
SPAN = 5
#: kinds of data/programmes.csv rows that are programmes a region received. ``programme_funding``
#: rows are figures *about* a programme (an allocation, a share of projects) and are left out.
PROGRAMME_KINDS = ("sez", "monotown", "programme")

#: standing of a rank among ``n`` regions: top / bottom quarter (rank 1 = best)
STANDING_RULES: tuple[Rule, ...] = (
    Rule("standing.top", (("rank_share", "<=", 0.25),)),
    Rule("standing.bottom", (("rank_share", ">", 0.75),)),
    Rule("standing.middle"),
)
#: real growth against the country's: ``gap_pp`` = region's cumulative real growth minus the
#: country's, in percentage points; within ±1 point the region kept pace
PACE_TOLERANCE_PP = 1.0
PACE_RULES: tuple[Rule, ...] = (
    Rule("pace.faster", (("gap_pp", ">", PACE_TOLERANCE_PP),)),
    Rule("pace.slower", (("gap_pp", "<", -PACE_TOLERANCE_PP),)),
    Rule("pace.same"),
)
#: a level relative to the national one (Kazakhstan = 1): moved up or down by more than 0.01
RELATIVE_TOLERANCE = 0.01
RELATIVE_RULES: tuple[Rule, ...] = (
    Rule("relative.up", (("ratio_change", ">", RELATIVE_TOLERANCE),)),
    Rule("relative.down", (("ratio_change", "<", -RELATIVE_TOLERANCE),)),
    Rule("relative.same"),
)
#: a rank moved when it changed by at least this many places (among the same regions both years)
RANK_MOVE_MIN = 2
#: indicators of the weakest pillar named on the page (lowest normalised scores first)
PILLAR_INDICATORS_SHOWN = 2


@dataclass(frozen=True)
class KeyFigure:
    """One indicator of the region at its latest year, ranked by polarity, and its change over SPAN years."""

    indicator: str
    year: int
    value: float
    national: float
    rank: int  # 1 = best
    n: int
    polarity: str  # positive / negative
    standing: str  # standing.top / standing.middle / standing.bottom
    prices: str | None  # prices.real / prices.nominal / None (not money)
    base_year: int
    change: float  # per cent (PERCENT_CHANGE) or difference in the unit; nan without a base value
    change_percent: bool
    base_rank: int | None  # rank in base_year among the regions with figures in both years (None: no figure)
    common_rank: int | None  # rank in ``year`` among those same regions


@dataclass(frozen=True)
class Movement:
    """A five-year comparison with the country; ``verdict`` is a PACE_RULES or RELATIVE_RULES key."""

    measure: str  # real_growth / relative_grp_real / relative_grp (nominal) / relative_income
    indicator: str
    start: int
    end: int
    region: float  # growth (share) or level relative to Kazakhstan at ``end``
    country: float  # growth (share), or the relative level at ``start``
    verdict: str


@dataclass(frozen=True)
class IndexPosition:
    """The region in the composite index of the edition (the latest year it covers)."""

    year: int
    rank: int
    n: int
    composite: float
    pillars: tuple[tuple[str, float, float], ...]  # (pillar id, region's score, median region's score)
    strongest: str
    weakest: str
    weakest_indicators: tuple[tuple[str, float], ...]  # (indicator, normalised score 0-1) lowest first
    selected: bool
    rules_met: tuple[str, ...]
    select_by: str


@dataclass(frozen=True)
class RegionChapter:
    """Everything the ``regions/<code>`` page shows."""

    edition: Edition
    region: str
    key_figures: tuple[KeyFigure, ...]
    movements: tuple[Movement, ...]
    programmes: pd.DataFrame = field(repr=False)  # programme, kind, name_*, region, start, end, has_page
    nationwide: pd.DataFrame = field(repr=False)  # programme, name_*, start, end, has_page
    listed_for: tuple[str, ...]
    index: IndexPosition | None
    panel: pd.DataFrame = field(repr=False, compare=False)  # figure input: the map panel of the edition
    national: pd.DataFrame = field(repr=False, compare=False)  # figure input: Kazakhstan by year
    figure_indicators: tuple[str, ...]

    def figure(self, indicator: str) -> KeyFigure | None:
        return next((f for f in self.key_figures if f.indicator == indicator), None)

    def glue_values(self) -> dict:
        """Glued numbers: the names of earlier editions kept (``<indicator>_value``, ``_rank`` …)."""
        out: dict = {}
        for f in self.key_figures:
            out[f"{f.indicator}_value"] = f.value
            out[f"{f.indicator}_rank"] = f.rank
            if math.isfinite(f.change):
                out[f"{f.indicator}_change"] = f.change
        for m in self.movements:
            out[f"{m.measure}_region"] = m.region
            out[f"{m.measure}_country"] = m.country
        out["programmes_count"] = len(self.programmes)
        if self.index is not None:
            out["index_rank"] = self.index.rank
            out["index_composite"] = self.index.composite
        return out


# ---------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------


def rank_by_polarity(values: pd.Series, polarity: str) -> pd.Series:
    """Rank 1 = best: the highest value where more is better, the lowest where less is better.

    Ties share the better rank; missing values get no rank.

    >>> rank_by_polarity(pd.Series({"a": 5.0, "b": 4.0, "c": 4.0}), "negative").to_dict()
    {'a': 3, 'b': 1, 'c': 1}
    """
    if polarity not in ("positive", "negative"):
        raise ValueError(f"polarity {polarity!r}: expected 'positive' or 'negative' (data/indicators.csv)")
    observed = values.dropna()
    better = -observed if polarity == "positive" else observed
    return better.rank(method="min").astype(int)


def listed_units(regions: pd.DataFrame, region: str) -> tuple[str, ...]:
    """The units whose programme rows belong to ``region``: itself and every abolished predecessor.

    A unit's predecessor is its ``parent`` in data/regions.csv; it counts only when it no longer
    exists (``valid_to`` set), so that a programme listed for South Kazakhstan reaches Turkistan
    and Shymkent, while one of East Kazakhstan (which still exists) does not reach Abai.

    >>> t = pd.DataFrame({"parent": ["", "A", "B"], "valid_to": ["2018", "", ""]}, index=["A", "B", "C"])
    >>> listed_units(t, "B"), listed_units(t, "C")
    (('B', 'A'), ('C',))
    """
    out = [region]
    code = region
    while code in regions.index:
        parent = _text(regions.loc[code, "parent"])
        if not parent or parent in out or parent not in regions.index or not _text(regions.loc[parent, "valid_to"]):
            break  # no parent, or it still exists: its programmes are its own
        out.append(parent)
        code = parent
    return tuple(out)


def _text(value) -> str:
    """A metadata cell as text ('' for empty or missing)."""
    return "" if value is None or (isinstance(value, float) and value != value) else str(value).strip()


def _start_year(start) -> int | None:
    text = _text(start)
    return int(text[:4]) if re.match(r"\d{4}", text) else None


def programme_has_page(programmes: pd.DataFrame, programme: str, year: int) -> bool:
    """Whether ``programme`` has a page in edition ``year``: one of its rows began by then, or none
    has a known start (the manifest's ``foreach: programme`` rule)."""
    starts = [s for s in map(_start_year, programmes.loc[programmes["programme"] == programme, "start"])
              if s is not None]
    return not starts or min(starts) <= year


def region_programmes(programmes: pd.DataFrame, regions: pd.DataFrame, region: str, year: int) -> pd.DataFrame:
    """The programme rows that reached ``region`` by ``year`` (see the module docstring).

    A row is kept when its kind is one of :data:`PROGRAMME_KINDS`, it is listed for one of
    :func:`listed_units`, and it began by ``year`` or its start is not recorded (``start``
    empty; the page says so). Columns added: ``has_page``.
    """
    units = listed_units(regions, region)
    starts = programmes["start"].map(_start_year)
    keep = programmes["kind"].isin(PROGRAMME_KINDS) & programmes["region"].isin(units) \
        & (starts.isna() | (starts <= year))
    out = programmes[keep].copy()
    out["has_page"] = [programme_has_page(programmes, p, year) for p in out["programme"]]
    return out.reset_index(drop=True)


def nationwide_programmes(programmes: pd.DataFrame, year: int) -> pd.DataFrame:
    """Programmes for the whole country (region ``KZ``) begun by ``year`` or with no recorded start."""
    starts = programmes["start"].map(_start_year)
    keep = (programmes["region"] == "KZ") & (programmes["kind"] == "programme") & (starts.isna() | (starts <= year))
    out = programmes[keep].drop_duplicates("programme").copy()
    out["has_page"] = [programme_has_page(programmes, p, year) for p in out["programme"]]
    return out.reset_index(drop=True)


def key_figures(panel: pd.DataFrame, national: pd.DataFrame, region: str, indicators, polarity: dict,
                span: int = SPAN) -> list[KeyFigure]:
    """One :class:`KeyFigure` per indicator the region has a value for (its latest year)."""
    own = panel[panel["region"] == region].set_index("year").sort_index()
    rows = []
    for indicator in indicators:
        observed = own[indicator].dropna() if indicator in own.columns else pd.Series(dtype=float)
        if observed.empty or polarity.get(indicator) not in ("positive", "negative"):
            continue
        shown = int(observed.index.max())
        ranks = _ranks(panel, indicator, shown, polarity[indicator])
        base_year = shown - span
        value = float(observed.loc[shown])
        base = float(observed.loc[base_year]) if base_year in observed.index else math.nan
        percent = indicator in PERCENT_CHANGE
        change = (value / base - 1.0 if percent else value - base) if math.isfinite(base) else math.nan
        nat = float(national.loc[shown, indicator]) if indicator in national.columns and shown in national.index \
            else math.nan
        base_rank = common_rank = None
        if math.isfinite(base):
            # the same regions in both years, so that a new region on the map moves no one's rank
            both = sorted(set(_values(panel, indicator, shown).index) & set(_values(panel, indicator, base_year).index))
            base_rank = int(rank_by_polarity(_values(panel, indicator, base_year)[both], polarity[indicator])[region])
            common_rank = int(rank_by_polarity(_values(panel, indicator, shown)[both], polarity[indicator])[region])
        rank, n = int(ranks[region]), len(ranks)
        rows.append(KeyFigure(
            indicator=indicator, year=shown, value=value, national=nat, rank=rank, n=n,
            polarity=polarity[indicator], standing=decide(STANDING_RULES, {"rank_share": rank / n}),
            prices=PRICES.get(indicator), base_year=base_year, change=change, change_percent=percent,
            base_rank=base_rank, common_rank=common_rank))
    return rows


def _values(panel: pd.DataFrame, indicator: str, year: int) -> pd.Series:
    return panel.loc[panel["year"] == year].set_index("region")[indicator].dropna()


def _ranks(panel: pd.DataFrame, indicator: str, year: int, polarity: str) -> pd.Series:
    return rank_by_polarity(_values(panel, indicator, year), polarity)


def growth_pace(panel: pd.DataFrame, national: pd.DataFrame, region: str, column: str = "grp_growth_real",
                span: int = SPAN) -> Movement | None:
    """Cumulative real growth over the last ``span`` years with a volume index, region against country.

    ``column`` holds log growth rates (ln of the volume index / 100); the years used are the
    consecutive years up to the region's latest one that both the region and the country have.
    """
    own = panel.loc[panel["region"] == region].set_index("year")[column].dropna()
    both = own[own.index.isin(national[column].dropna().index)] if column in national.columns else own.iloc[:0]
    if both.empty:
        return None
    end = int(both.index.max())
    years = [y for y in range(end - span + 1, end + 1) if y in both.index]
    years = [y for y in years if all(z in both.index for z in range(y, end + 1))]
    if len(years) < 2:
        return None
    region_growth = math.expm1(float(both.loc[years].sum()))
    country_growth = math.expm1(float(national.loc[years, column].sum()))
    verdict = decide(PACE_RULES, {"gap_pp": 100.0 * (region_growth - country_growth)})
    return Movement("real_growth", column, years[0] - 1, end, region_growth, country_growth, verdict)


def relative_move(panel: pd.DataFrame, national: pd.DataFrame, region: str, indicator: str, measure: str,
                  span: int = SPAN) -> Movement | None:
    """The region's level relative to Kazakhstan's (same year) at its latest year and ``span`` years before."""
    own = panel.loc[panel["region"] == region].set_index("year")[indicator].dropna()
    if own.empty or indicator not in national.columns:
        return None
    end = int(own.index.max())
    start = end - span
    if start not in own.index or not all(np.isfinite(national[indicator].get(y, np.nan)) for y in (start, end)):
        return None
    now = float(own.loc[end] / national.loc[end, indicator])
    then = float(own.loc[start] / national.loc[start, indicator])
    return Movement(measure, indicator, start, end, now, then, decide(RELATIVE_RULES, {"ratio_change": now - then}))


def index_position(edition: Edition, region: str) -> IndexPosition | None:
    """The region in the edition's composite index, through :mod:`analysis.index`'s public functions."""
    from analysis import index as aindex
    from analysis.chapters.composite import index_inputs

    inputs = index_inputs(edition)
    framework, panel, national = inputs.framework, inputs.panel, inputs.national
    result = aindex.build_index(panel, framework, None, national=national)
    if region not in result.table.index:
        return None
    selection = aindex.select_regions(result)
    pillars = [p.id for p in framework.pillars]
    row = result.table.loc[region]
    rows = tuple((p, float(row[p]), float(result.table[p].median())) for p in pillars)
    by_gap = sorted(rows, key=lambda r: (r[1] - r[2], r[0]))
    weakest = by_gap[0][0]
    members = [i for p in framework.pillars if p.id == weakest for i in p.indicators]
    scores = result.scores.loc[region, [i for i in members if i in result.scores.columns]].dropna()
    low = tuple((str(i), float(s)) for i, s in sorted(scores.items(), key=lambda kv: (kv[1], kv[0])))
    met = selection.table.loc[region, "rules_met"] if region in selection.table.index else ()
    return IndexPosition(
        year=int(result.year), rank=int(row["rank"]), n=len(result.table), composite=float(row["composite"]),
        pillars=rows, strongest=by_gap[-1][0], weakest=weakest, weakest_indicators=low[:PILLAR_INDICATORS_SHOWN],
        selected=bool(selection.table.loc[region, "selected"]) if region in selection.table.index else False,
        rules_met=tuple(met), select_by=str(selection.select_by))


# ---------------------------------------------------------------------------
# The chapter
# ---------------------------------------------------------------------------


def region_chapter(edition: Edition, region: str, *, with_index: bool = True) -> RegionChapter:
    """The profile of ``region`` (a code valid on the map of the edition year) in ``edition``."""
    from analysis.data import load_indicators, load_map_panel, load_national

    region = edition.choice("region", region, edition.units(edition.year, "map"))
    needed = sorted(set(PROFILE_INDICATORS) | {"grp_growth_real"})
    panel = load_map_panel(edition.year, edition.data_dir, as_of=edition.as_of, indicators=needed)
    national = load_national(edition.data_dir, until=edition.year, as_of=edition.as_of, indicators=needed)
    meta = load_indicators(edition.data_dir)
    polarity = {i: str(meta.loc[i, "polarity"]) for i in PROFILE_INDICATORS if i in meta.index}
    present = [i for i in PROFILE_INDICATORS if i in panel.columns]
    if edition.prices(panel, "grp_per_capita_real") == "nominal":
        # no volume index on the edition's date: the real level exists for its base year only,
        # which is no "latest figure"; GRP per capita is shown nominal (labelled by its Prices column)
        present.remove("grp_per_capita_real")
    figures = key_figures(panel, national, region, present, polarity)

    movements = [m for m in (
        growth_pace(panel, national, region),
        relative_move(panel, national, region, "grp_per_capita_real", "relative_grp_real")
        if "grp_per_capita_real" in present else  # without a volume index: the nominal same-year ratio
        relative_move(panel, national, region, "grp_per_capita", "relative_grp"),
        relative_move(panel, national, region, "income_per_capita_nominal_monthly", "relative_income"),
    ) if m is not None]

    regions = edition.regions()
    programmes = edition.programmes()
    shown = [f.indicator for f in figures if f.indicator != "grp_per_capita" or not any(
        g.indicator == "grp_per_capita_real" for g in figures)]
    return RegionChapter(
        edition=edition, region=region, key_figures=tuple(figures), movements=tuple(movements),
        programmes=region_programmes(programmes, regions, region, edition.year),
        nationwide=nationwide_programmes(programmes, edition.year),
        listed_for=listed_units(regions, region),
        index=index_position(edition, region) if with_index else None,
        panel=panel, national=national, figure_indicators=tuple(shown),
    )
