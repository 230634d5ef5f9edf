"""``build_index``: the composite index of one year under the framework's headline method."""

from __future__ import annotations

import pandas as pd

from analysis.index.aggregate import aggregate
from analysis.index.compute import (method_scores, method_weights, rank_best_first, reference_values,
                                    standardise)
from analysis.index.framework import Framework
from analysis.index.prepare import covered_years, prepare_year, IndexInputError
from analysis.index.results import IndexResult


def build_index(panel: pd.DataFrame, framework: Framework, year: int | None = None, *,
                national: pd.DataFrame | None = None) -> IndexResult:
    """Build the composite index for ``year`` (default: the latest covered year).

    Parameters
    ----------
    panel : DataFrame
        Tidy wide panel: ``region``, ``year`` and one column per framework indicator
        (as from ``analysis.data.load_panel(basis="current")``).
    framework : Framework
        From :func:`analysis.index.load_framework`; ``framework.method`` is the method used
        (change it with ``framework.with_method(...)``).
    year : int, optional
        Must be a covered year (every indicator observed for enough regions).
    national : DataFrame, optional
        National values indexed by year (``analysis.data.load_national()``): the
        reference of ``distance_to_national`` and of the ``below_national_share`` rule.
        Where it is missing the regional mean is used, with warning ``reference_regional_mean``.

    Returns
    -------
    IndexResult

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.index.framework import Framework, Pillar
    >>> fw = Framework("toy", (Pillar("econ", 1.0, ("income", "unemployment"), (1.0, 1.0)),),
    ...                {"income": 1, "unemployment": -1})
    >>> panel = pd.DataFrame({"region": ["A", "B", "C"], "year": 2020,
    ...                       "income": [100.0, 200.0, 300.0], "unemployment": [5.0, 9.0, 1.0]})
    >>> res = build_index(panel, fw)
    >>> res.table[["composite", "rank"]].round(3).to_dict("index")
    {'C': {'composite': 1.0, 'rank': 1}, 'A': {'composite': 0.25, 'rank': 2}, 'B': {'composite': 0.25, 'rank': 2}}
    """
    if year is None:
        years = covered_years(panel, framework)
        if not years:
            raise IndexInputError("panel: no year has every indicator observed for at least "
                                  f"{framework.min_indicator_coverage:.0%} of regions")
        year = years[-1]
    prep = prepare_year(panel, framework, int(year), national)
    m = framework.method
    scores = method_scores(prep, m.normalisation, m.aggregation, m.geometric_floor)
    pw, iw = method_weights(prep, framework, m.weighting)
    pillars, composite = aggregate(scores, prep.pillar_of, pw, iw, m.aggregation)
    pillar_ids = [p.id for p in framework.pillars]
    table = pd.DataFrame(pillars, index=pd.Index(prep.regions, name="region"), columns=pillar_ids)
    table["composite"] = composite
    table["composite_z"] = standardise(composite)
    table["rank"] = rank_best_first(composite)
    table = table.sort_values(["rank", "composite"], ascending=[True, False], kind="stable")
    grid = dict(index=pd.Index(prep.regions, name="region"), columns=pd.Index(prep.indicators, name="indicator"))
    weights = pd.DataFrame({
        "pillar": [pillar_ids[p] for p in prep.pillar_of],
        "pillar_weight": pw[prep.pillar_of],
        "within_weight": iw,
        "weight": pw[prep.pillar_of] * iw,
    }, index=pd.Index(prep.indicators, name="indicator"))
    warnings = reference_values(prep)[1] if m.normalisation == "distance_to_national" else ()
    return IndexResult(
        year=prep.year, framework=framework, method=m, table=table,
        scores=pd.DataFrame(scores, **grid), values=pd.DataFrame(prep.values, **grid),
        raw=pd.DataFrame(prep.raw, **grid),
        reference=pd.Series(prep.reference, index=pd.Index(prep.indicators, name="indicator"), name="national"),
        weights=weights, flags=prep.flags, excluded=prep.excluded, warnings=warnings,
    )
