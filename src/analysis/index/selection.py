"""Transparent selection of regions needing support, by explicit rules.

Rule kinds (declared in ``data/index.yml`` or passed by the caller):

- ``below_mean_share``: composite score below ``share`` times the mean score of the regions,
  on the scale the page shows (min–max scores, 0–1). Over Monte Carlo draws it is applied
  only to the draws of the headline normalisation, the ones on that scale (a z-score
  composite has mean 0, so a share of its mean means nothing);
- ``index_below``: composite z-score across regions below ``threshold`` (scale-free,
  so the same rule applies to every Monte Carlo draw whatever its normalisation);
- ``bottom_k``: among the ``k`` lowest-ranked regions;
- ``below_national_share``: the region's published ``indicator`` value is below
  ``share`` times the national value (the EU cohesion rule: GRP per capita < 75 %);
- ``all_of`` / ``any_of``: combinations of earlier rules.

The result names, for every region, the ids of the rules it met (keys, not
sentences), and, given a sensitivity run, the share of draws that select it.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.index.framework import Rule, _parse_rules, _Reader
from analysis.index.prepare import IndexInputError
from analysis.index.results import IndexResult, SelectionResult, SensitivityResult

BASIC_KINDS = ("index_below", "below_mean_share", "bottom_k", "below_national_share")


def _national_ratio(result: IndexResult, indicator: str) -> np.ndarray:
    national = result.reference.get(indicator, np.nan)
    if not np.isfinite(national) or national == 0:
        raise IndexInputError(f"national: the national value of {indicator!r} in {result.year} is missing; "
                              "expected build_index(..., national=load_national()) with that column")
    return (result.raw.loc[list(result.table.index), indicator] / national).to_numpy()


def mean_share_threshold(composite: np.ndarray, share: float) -> np.ndarray:
    """The ``below_mean_share`` threshold: ``share`` x the mean composite of the regions (last axis).

    Examples
    --------
    >>> round(float(mean_share_threshold(np.array([0.2, 0.4, 0.6]), 0.75)), 6)
    0.3
    """
    return share * np.asarray(composite, dtype=float).mean(axis=-1)


def _evaluate(rules: Sequence[Rule], z: np.ndarray, rank: np.ndarray, result: IndexResult,
              composite: np.ndarray | None = None) -> dict:
    """Boolean arrays (same shape as ``z``) of every rule, combinations after their parts."""
    n = z.shape[-1]
    met: dict[str, np.ndarray] = {}
    for rule in rules:
        if rule.kind == "index_below":
            met[rule.id] = z < rule.threshold
        elif rule.kind == "below_mean_share":
            c = np.asarray(composite, dtype=float)
            met[rule.id] = c < mean_share_threshold(c, rule.share)[..., None]
        elif rule.kind == "bottom_k":
            met[rule.id] = rank > n - rule.k
        elif rule.kind == "below_national_share":
            ratio = _national_ratio(result, rule.indicator)
            # a missing published value meets no rule (NaN < share is False)
            met[rule.id] = np.broadcast_to(ratio < rule.share, z.shape)
        elif rule.kind == "all_of":
            met[rule.id] = np.logical_and.reduce([met[r] for r in rule.rules])
        elif rule.kind == "any_of":
            met[rule.id] = np.logical_or.reduce([met[r] for r in rule.rules])
    return met


def _as_rules(rules: Sequence[Rule | Mapping[str, Any]], indicators: tuple[str, ...]) -> tuple[Rule, ...]:
    if all(isinstance(r, Rule) for r in rules):
        return tuple(rules)
    raw = [{**r.__dict__, "rules": list(r.rules)} if isinstance(r, Rule) else dict(r) for r in rules]
    return _parse_rules(_Reader("rules"), raw, indicators)


def select_regions(result: IndexResult, rules: Sequence[Rule | Mapping[str, Any]] | None = None, *,
                   select_by: str | None = None, sensitivity: SensitivityResult | None = None,
                   min_share: float | None = None) -> SelectionResult:
    """Apply selection rules to an index result.

    Parameters
    ----------
    result : IndexResult
    rules : sequence of Rule or dict, optional
        Default: the framework's rules (``data/index.yml``).
    select_by : str, optional
        Id of the rule that defines the selection; default the framework's
        ``select_by``, else the last rule.
    sensitivity : SensitivityResult, optional
        Same panel and year: adds the share of draws in which each region is selected.
    min_share : float, optional
        A region is ``robust`` if selected in at least this share of draws
        (default the framework's ``min_share_of_draws``).

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.index.framework import Framework, Pillar
    >>> from analysis.index.build import build_index
    >>> fw = Framework("toy", (Pillar("a", 1.0, ("x",), (1.0,)),), {"x": 1})
    >>> panel = pd.DataFrame({"region": list("ABCD"), "year": 1, "x": [1.0, 2.0, 3.0, 10.0]})
    >>> sel = select_regions(build_index(panel, fw), [{"id": "worst2", "kind": "bottom_k", "k": 2}])
    >>> sel.selected, sel.table.loc["A", "rules_met"]
    (('B', 'A'), ('worst2',))
    """
    fw = result.framework
    rules = fw.rules if rules is None else _as_rules(rules, fw.indicators)
    if not rules:
        raise ValueError("select_regions needs at least one rule")
    ids = [r.id for r in rules]
    select_by = select_by or (fw.select_by if fw.select_by in ids else ids[-1])
    if select_by not in ids:
        raise ValueError(f"select_by {select_by!r} is not a rule id; expected one of {', '.join(ids)}")
    min_share = fw.min_share_of_draws if min_share is None else float(min_share)
    regions = list(result.table.index)
    met = _evaluate(rules, result.table["composite_z"].to_numpy(), result.table["rank"].to_numpy(), result,
                    result.table["composite"].to_numpy())
    table = pd.DataFrame({rid: met[rid] for rid in ids}, index=result.table.index)
    table["selected"] = table[select_by]
    basic = [r.id for r in rules if r.kind in BASIC_KINDS]
    table["rules_met"] = [tuple(rid for rid in basic if table.at[reg, rid]) for reg in regions]
    share = np.full(len(regions), np.nan)
    draws_used, draws_norm = 0, ""
    if sensitivity is not None:
        if sensitivity.year != result.year or set(sensitivity.regions) != set(regions):
            raise ValueError("sensitivity run does not match the index result (year or regions differ)")
        cols = [sensitivity.regions.index(r) for r in regions]
        rows = np.arange(sensitivity.draw_ranks.shape[0])
        composite = None
        if any(r.kind == "below_mean_share" for r in rules):
            if sensitivity.draw_composite is None:
                raise ValueError("rule kind below_mean_share needs the draws' composites (sensitivity(...) result)")
            # a threshold on the page's scale is meaningful only for draws on that scale
            draws_norm = result.method.normalisation
            rows = np.flatnonzero(sensitivity.choices["normalisation"].to_numpy() == draws_norm)
            if not rows.size:
                raise ValueError(f"no Monte Carlo draw uses the headline normalisation {draws_norm!r}")
            composite = sensitivity.draw_composite[np.ix_(rows, cols)]
        draw_met = _evaluate(rules, sensitivity.draw_z[np.ix_(rows, cols)],
                             sensitivity.draw_ranks[np.ix_(rows, cols)], result, composite)
        share = draw_met[select_by].mean(axis=0)
        draws_used = int(rows.size)
    table["share_of_draws"] = share
    # the nominal decision holds when at least min_share of the draws agree with it
    agree = np.where(table["selected"].to_numpy(), share, 1.0 - share)
    table["holds"] = agree >= min_share
    return SelectionResult(year=result.year, select_by=select_by, rules=tuple(rules), table=table,
                           min_share=min_share, focus_regions=fw.focus_regions, draws_used=draws_used,
                           draws_normalisation=draws_norm)
