"""The composite-index page: the index, its coherence, its uncertainty, one selection rule, the 75 % headline.

:func:`composite_index_chapter` follows the order of the JRC/OECD handbook: the
index of the latest covered year under the headline method, then the coherence
checks (correlations, Cronbach's alpha), and only then the Monte Carlo
uncertainty analysis and the selection that depends on it. It also rebuilds the
index under the framework that the current one replaced, so the page can show
what changed in the ranking and which indicator moved each region, and it
computes the cohesion headline (population share in regions below 75 % of the
national GRP per capita) year by year.

The selection rule is one rule of ``data/index.yml`` (``selection.select_by``),
stated in the page's own units: a composite score (min–max, 0–1) below a share of
the regions' mean score. Its robustness threshold is ``selection.min_share_of_draws``.

Examples
--------
>>> import numpy as np, pandas as pd
>>> scores = pd.DataFrame({"x": [1.0, 0.0], "y": [0.0, 1.0]}, index=["A", "B"])
>>> weights = pd.Series({"x": 0.5, "y": 0.5})
>>> main_reason(scores, weights, scores[["x"]], pd.Series({"x": 1.0})).to_dict()
{'A': 'y', 'B': 'y'}
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.chapters.edition import Edition

__all__ = ["CompositeChapter", "composite_index_chapter", "main_reason", "ends_and_selected", "in_the_data",
           "IndexInputs", "index_inputs",
           "COHESION_SHARE", "MOVE_PLACES"]

#: the EU cohesion line: regions below 75 % of the national GRP per capita
COHESION_SHARE = 0.75
#: a rank change of at least this many places is explained on the page (smaller moves are within noise)
MOVE_PLACES = 3
_COHESION_VALUE, _COHESION_POPULATION = "grp_per_capita", "population_avg"


def main_reason(scores: pd.DataFrame, weights: pd.Series, previous_scores: pd.DataFrame,
                previous_weights: pd.Series) -> pd.Series:
    """Per region, the indicator whose contribution to the composite changed most between two frameworks.

    A contribution is the indicator's effective weight times its normalised score
    (the composite is their sum under arithmetic aggregation); an indicator absent from
    one framework contributes 0 there.
    """
    names = list(dict.fromkeys([*scores.columns, *previous_scores.columns]))
    now = scores.reindex(columns=names).mul(weights.reindex(names).fillna(0.0), axis=1).fillna(0.0)
    before = previous_scores.reindex(index=scores.index, columns=names)
    before = before.mul(previous_weights.reindex(names).fillna(0.0), axis=1).fillna(0.0)
    delta = (now - before).abs()
    return delta.idxmax(axis=1)


def ends_and_selected(ranking: pd.Series, selected, focus=()) -> tuple[str, ...]:
    """The regions the page must discuss: both ends of the ranking, every selected region, the focus regions.

    ``ranking``: rank (1 = best) by region. Returned in rank order, each once.

    >>> ends_and_selected(pd.Series({"A": 1, "B": 2, "C": 3, "D": 4}), ["C"], ["B"])
    ('A', 'B', 'C', 'D')
    """
    order = ranking.sort_values(kind="stable")
    wanted = {order.index[0], order.index[-1], *selected, *[f for f in focus if f in order.index]}
    return tuple(r for r in order.index if r in wanted)


def in_the_data(framework, panel: pd.DataFrame):
    """``(framework, missing)``: the framework without the indicators ``panel`` has no figure of, and those.

    An edition dated before an indicator was recorded (investment per capita before December
    2026) builds its index on the others; the page names what is missing.

    >>> from analysis.index.framework import Framework, Pillar
    >>> fw = Framework("toy", (Pillar("a", 1.0, ("x", "y"), (1.0, 1.0)),), {"x": 1, "y": 1})
    >>> small, missing = in_the_data(fw, pd.DataFrame({"x": [1.0], "y": [None]}))
    >>> small.indicators, missing
    (('x',), ('y',))
    """
    missing = tuple(i for i in framework.indicators if i not in panel.columns or panel[i].isna().all())
    return (framework.without(missing) if missing else framework), missing


@dataclass(frozen=True)
class IndexInputs:
    """What an edition's composite index is computed from."""

    framework: object        # the edition's framework, without the indicators its data hold no figure of
    panel: pd.DataFrame      # the map panel (region x year) of the framework's indicators
    national: pd.DataFrame   # Kazakhstan's series of the same indicators, up to the edition's year
    missing: tuple           # the indicators left out (named on the composite page)


def index_inputs(edition: Edition, also=()) -> IndexInputs:
    """The inputs of the edition's index, read once for every page that shows it.

    The composite page, the region profiles and the conclusions all take them from here, so they
    cannot rank on different data. ``also``: more indicators to load (the composite page compares
    with the previous framework).
    """
    from analysis.data import load_map_panel, load_national

    framework = edition.framework()
    columns = list(dict.fromkeys([*framework.indicators, *also]))
    panel = load_map_panel(edition.year, edition.data_dir, as_of=edition.as_of, indicators=columns)
    national = load_national(edition.data_dir, until=edition.year, as_of=edition.as_of, indicators=columns)
    framework, missing = in_the_data(framework, panel)
    return IndexInputs(framework, panel, national, missing)


@dataclass(frozen=True)
class CompositeChapter:
    """Everything the composite-index page shows."""

    edition: Edition
    index_year: int
    framework: object
    result: object                      # IndexResult (headline method)
    coherence: object                   # CoherenceReport, checked before the uncertainty analysis
    sensitivity: object                 # SensitivityResult
    selection: object                   # SelectionResult
    threshold: float                    # the selection threshold on the page's 0–1 scale
    threshold_share: float              # its share of the mean score (0.75)
    mean_score: float
    min_share: float                    # robustness threshold (share of draws)
    discussed: tuple[str, ...]          # both ends, every selected region, the focus regions, in rank order
    previous_result: object | None      # the index under the framework the current one replaced
    previous_coherence: object | None
    changes: pd.DataFrame = field(repr=False)    # region, rank_previous, rank, change, main_reason
    cohesion: pd.DataFrame = field(repr=False)   # share_below_threshold by year (stable basis)
    cohesion_units: int = 0
    #: units of the edition's map with no figure in the index year (not ranked, named on the page)
    unranked: tuple[str, ...] = ()
    cohesion_share: float = COHESION_SHARE
    move_places: int = MOVE_PLACES
    #: indicators of the framework not yet in the edition's data (the index is built without them)
    missing: tuple[str, ...] = ()

    @property
    def top(self) -> str:
        return str(self.result.table.index[0])

    @property
    def bottom(self) -> str:
        return str(self.result.table.index[-1])

    @property
    def selected(self) -> tuple[str, ...]:
        return tuple(r for r in self.result.table.index if r in set(self.selection.selected))

    @property
    def moved(self) -> pd.DataFrame:
        """Regions whose rank changed by at least :data:`MOVE_PLACES` against the previous framework."""
        if not len(self.changes):
            return self.changes
        return self.changes[self.changes["change"].abs() >= self.move_places]

    def glue_values(self) -> dict:
        """Glued values: the names of earlier editions kept (index_year, regions_count, selected_count, focus)."""
        t, ranks = self.result.table, self.sensitivity.ranks
        out = {
            "index_year": self.index_year, "regions_count": len(t), "selected_count": len(self.selected),
            "selection_threshold": self.threshold, "selection_share_of_mean": self.threshold_share,
            "robust_share": self.min_share, "draws": self.sensitivity.draws,
            "draws_on_scale": self.selection.draws_used, "unranked_count": len(self.unranked),
            "top_region": self.top, "bottom_region": self.bottom,
            "top_composite": float(t["composite"].iloc[0]), "bottom_composite": float(t["composite"].iloc[-1]),
        }
        # alpha of a one-indicator pillar is undefined: not glued (a glued number is finite)
        for pid, alpha in self.coherence.cronbach_alpha.items():
            if np.isfinite(alpha):
                out[f"alpha_{pid}"] = float(alpha)
        if self.previous_coherence is not None:
            for pid, alpha in self.previous_coherence.cronbach_alpha.items():
                if np.isfinite(alpha):
                    out[f"alpha_previous_{pid}"] = float(alpha)
        for code in self.discussed:
            key = code.replace("-", "_")
            out[f"rank_{key}"] = int(t.loc[code, "rank"])
            out[f"composite_{key}"] = float(t.loc[code, "composite"])
            out[f"rank_low_{key}"] = float(ranks.loc[code, "low"])
            out[f"rank_high_{key}"] = float(ranks.loc[code, "high"])
            out[f"share_of_draws_{key}"] = float(self.selection.table.loc[code, "share_of_draws"])
        if len(self.cohesion):
            first, last = int(self.cohesion.index[0]), int(self.cohesion.index[-1])
            out.update({"cohesion_first_year": first, "cohesion_last_year": last,
                        "cohesion_share_first": float(self.cohesion.loc[first, "share"]),
                        "cohesion_share_last": float(self.cohesion.loc[last, "share"])})
        return out


def _coherence_then_uncertainty(panel, framework, national, year):
    """Index, coherence, then (only then) the uncertainty analysis and the selection (handbook order)."""
    from analysis import index

    result = index.build_index(panel, framework, year, national=national)
    checks = index.coherence(result)
    uncertainty = index.sensitivity(panel, framework, result.year, national=national)
    selection = index.select_regions(result, sensitivity=uncertainty)
    return result, checks, uncertainty, selection


def _changes(result, previous) -> pd.DataFrame:
    if previous is None:
        return pd.DataFrame(columns=["region", "rank_previous", "rank", "change", "main_reason"])
    common = [r for r in result.table.index if r in previous.table.index]
    reason = main_reason(result.scores.loc[common], result.weights["weight"],
                         previous.scores.loc[common], previous.weights["weight"])
    frame = pd.DataFrame({
        "region": common,
        "rank_previous": previous.table.loc[common, "rank"].to_numpy(),
        "rank": result.table.loc[common, "rank"].to_numpy(),
        "composite_previous": previous.table.loc[common, "composite"].to_numpy(),
        "composite": result.table.loc[common, "composite"].to_numpy(),
        "main_reason": reason.loc[common].to_numpy(),
    })
    frame["change"] = frame["rank_previous"] - frame["rank"]  # positive: moved up
    return frame.set_index("region", drop=False)


def _cohesion(edition: Edition) -> tuple[pd.DataFrame, int]:
    """The 75 % headline on the stable basis (one set of units over time), national GRP per capita as reference."""
    from analysis.data import load_national
    from analysis.index import share_below_threshold

    stable = edition.panel("stable", [_COHESION_VALUE, _COHESION_POPULATION])
    national = load_national(edition.data_dir, until=edition.year, as_of=edition.as_of,
                             indicators=[_COHESION_VALUE])[_COHESION_VALUE]
    table = share_below_threshold(stable, _COHESION_VALUE, _COHESION_POPULATION, threshold=COHESION_SHARE,
                                  national=national)
    return table, int(stable["region"].nunique())


def composite_index_chapter(edition: Edition) -> CompositeChapter:
    """Every number, table and figure input of the composite-index page for ``edition``."""
    from analysis.index.selection import mean_share_threshold

    previous_fw = edition.framework().previous()
    inputs = index_inputs(edition, also=previous_fw.indicators if previous_fw else ())
    framework, panel, national, missing = inputs.framework, inputs.panel, inputs.national, inputs.missing
    result, checks, uncertainty, selection = _coherence_then_uncertainty(panel, framework, national, None)
    rule = {r.id: r for r in selection.rules}[selection.select_by]
    if rule.kind != "below_mean_share":
        raise ValueError(f"data/index.yml: selection.select_by = {rule.id!r} is a {rule.kind!r} rule; the page states "
                         "its rule on the 0–1 scale it shows, expected a below_mean_share rule")
    composite = result.table["composite"].to_numpy()
    previous = previous_check = None
    if previous_fw is not None:
        from analysis import index

        previous = index.build_index(panel, previous_fw, result.year, national=national)
        previous_check = index.coherence(previous)
    cohesion, units = _cohesion(edition)
    present = set(result.table.index) | set(result.excluded)
    unranked = tuple(sorted(set(panel["region"]) - present))
    return CompositeChapter(
        edition=edition, index_year=result.year, framework=framework, result=result, coherence=checks,
        sensitivity=uncertainty, selection=selection,
        threshold=float(mean_share_threshold(composite, rule.share)), threshold_share=float(rule.share),
        mean_score=float(np.mean(composite)), min_share=float(selection.min_share),
        discussed=ends_and_selected(result.table["rank"], selection.selected, framework.focus_regions),
        previous_result=previous, previous_coherence=previous_check, changes=_changes(result, previous),
        cohesion=cohesion, cohesion_units=units, unranked=unranked, missing=missing,
    )
