"""Result objects of the composite index: small frozen dataclasses, no numerics.

Tables are pandas objects indexed by region code; flags and warnings are keys
(the book translates them), never sentences.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.index.framework import Framework, Method, Rule


@dataclass(frozen=True)
class IndexResult:
    """The composite index of one year under one method.

    ``table``: index region, columns = pillar ids, ``composite``, ``composite_z``
    (composite standardised across regions), ``rank`` (1 = best), sorted by rank.
    ``scores``: normalised indicator scores (higher is better). ``values``: the
    values after the missing-data and outlier rules; ``raw``: as published.
    ``reference``: national value per indicator. ``weights``: columns pillar,
    pillar_weight, within_weight, weight (effective), indexed by indicator.
    ``flags``: one row per imputed, re-weighted, excluded or winsorised value
    (columns region, indicator, flag, original, used, source_year).
    ``warnings``: keys such as ``"reference_regional_mean"``.
    """

    year: int
    framework: Framework
    method: Method
    table: pd.DataFrame
    scores: pd.DataFrame
    values: pd.DataFrame
    raw: pd.DataFrame
    reference: pd.Series
    weights: pd.DataFrame
    flags: pd.DataFrame
    excluded: tuple[str, ...]
    warnings: tuple[str, ...]

    @property
    def focus(self) -> pd.DataFrame:
        """The rows of ``table`` for the framework's focus regions (e.g. Kyzylorda)."""
        return self.table.loc[[r for r in self.framework.focus_regions if r in self.table.index]]


@dataclass(frozen=True)
class CoherenceReport:
    """Statistical coherence (Handbook step 5): correlations, Cronbach's alpha, PCA.

    ``correlations``: Pearson correlation of the normalised indicators.
    ``within_pillar`` / ``across_pillars``: mean pairwise correlation of indicators
    in the same pillar / in different pillars. ``indicator_pillar``: correlation
    of each indicator with its pillar score; ``pillar_composite``: of each pillar
    with the composite. ``cronbach_alpha``: per pillar and ``"all"`` (NaN for a
    one-indicator pillar). ``eigenvalues``/``explained``: PCA of the correlation
    matrix; ``n_factors`` kept; ``loadings``: rotated loadings (indicator × factor).
    """

    year: int
    correlations: pd.DataFrame
    within_pillar: pd.Series
    across_pillars: float
    indicator_pillar: pd.Series
    pillar_composite: pd.Series
    cronbach_alpha: pd.Series
    eigenvalues: pd.Series
    explained: pd.Series
    n_factors: int
    loadings: pd.DataFrame


@dataclass(frozen=True)
class SensitivityResult:
    """Monte Carlo over the method choices.

    ``ranks``: median rank and the ``rank_interval`` quantiles per region
    (columns ``median``, ``low``, ``high``, ``nominal`` = the headline rank),
    sorted by median. ``first_order``: variance-based first-order sensitivity
    index of each choice (columns) for each region (rows) and overall (row
    ``"all"``, variance-weighted). ``draw_ranks`` (draws × regions, int) and
    ``draw_z`` (composite standardised across regions per draw) keep the draws
    for selection robustness; ``choices`` holds the drawn choices per draw.
    ``warnings``: keys, e.g. ``"reference_regional_mean"`` when a draw normalised
    by distance to a national value that was not given.
    """

    year: int
    draws: int
    seed: int
    regions: tuple[str, ...]
    ranks: pd.DataFrame
    first_order: pd.DataFrame
    choices: pd.DataFrame
    draw_ranks: np.ndarray
    draw_z: np.ndarray
    rank_interval: tuple[float, float]
    warnings: tuple[str, ...] = ()
    #: the composite of every draw on its own scale (draws x regions); the scale depends on
    #: ``choices["normalisation"]``, so a threshold in the page's units applies only to draws of
    #: the headline normalisation
    draw_composite: np.ndarray | None = None


@dataclass(frozen=True)
class SelectionResult:
    """Regions selected by explicit rules.

    ``table``: index region, one boolean column per rule id, ``selected``
    (the ``select_by`` rule), ``rules_met`` (tuple of the ids of the basic rules
    met), ``share_of_draws`` (share of Monte Carlo draws in which the region is
    selected; NaN without a sensitivity run) and ``holds`` (at least ``min_share`` of
    the draws agree with the nominal decision, selected or not; False without draws).
    ``rules``: the rule definitions (the book translates ``kind`` with its parameters).
    """

    year: int
    select_by: str
    rules: tuple[Rule, ...]
    table: pd.DataFrame
    min_share: float
    focus_regions: tuple[str, ...] = ()
    #: draws the shares are counted over (those whose normalisation keeps the page's scale when a
    #: rule is stated on that scale), and that normalisation ("" = every draw)
    draws_used: int = 0
    draws_normalisation: str = ""

    @property
    def selected(self) -> tuple[str, ...]:
        return tuple(self.table.index[self.table["selected"]])

    @property
    def focus(self) -> pd.DataFrame:
        """The rows of ``table`` for the framework's focus regions (shown explicitly)."""
        return self.table.loc[[r for r in self.focus_regions if r in self.table.index]]


@dataclass(frozen=True)
class IndexOverTime:
    """The index for every covered year.

    ``table``: long, columns region, year, composite, composite_z, rank,
    n_regions, rank_change_previous (previous covered year; positive = moved up),
    rank_change_base (against ``base_year``). ``warnings``: keys such as
    ``"unit_set_changed"`` (rank changes across years with different sets of regions).
    """

    years: tuple[int, ...]
    base_year: int
    table: pd.DataFrame
    warnings: tuple[str, ...]
