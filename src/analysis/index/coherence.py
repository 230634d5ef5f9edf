"""The coherence report (Handbook step 5): correlations, Cronbach's alpha, PCA eigenstructure."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.index.results import CoherenceReport, IndexResult
from analysis.index.weights import pca_structure


def cronbach_alpha(items: np.ndarray) -> float:
    """Cronbach's alpha of the columns of ``items`` (rows with a missing value dropped).

    alpha = k / (k - 1) * (1 - sum of item variances / variance of the row sums).

    Examples
    --------
    >>> import numpy as np
    >>> round(cronbach_alpha(np.array([[1, 2], [2, 3], [3, 5], [4, 4.0]])), 4)  # 2 * (1 - 10/3 / 6)
    0.8889
    """
    x = np.asarray(items, dtype=float)
    x = x[~np.isnan(x).any(axis=1)]
    k = x.shape[1]
    if k < 2 or x.shape[0] < 2:
        return float("nan")
    total = x.sum(axis=1).var(ddof=1)
    if total == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total))


def coherence(result: IndexResult) -> CoherenceReport:
    """Coherence of an index result's normalised indicators, pillars and composite.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.index.framework import Framework, Pillar
    >>> from analysis.index.build import build_index
    >>> fw = Framework("toy", (Pillar("a", 1.0, ("x", "y"), (1.0, 1.0)), Pillar("b", 1.0, ("z",), (1.0,))),
    ...                {"x": 1, "y": 1, "z": 1})
    >>> panel = pd.DataFrame({"region": list("ABCDE"), "year": 1, "x": [1.0, 2, 3, 4, 5],
    ...                       "y": [2.0, 1, 4, 3, 5], "z": [5.0, 3, 4, 1, 2]})
    >>> rep = coherence(build_index(panel, fw))
    >>> round(float(rep.correlations.loc["x", "y"]), 2), round(float(rep.cronbach_alpha["a"]), 3)
    (0.8, 0.889)
    """
    fw = result.framework
    scores = result.scores
    corr = scores.corr(method="pearson")
    pillar_of = result.weights["pillar"]
    pillar_ids = [p.id for p in fw.pillars]
    within, alpha, ind_pillar = {}, {}, {}
    same = np.equal.outer(pillar_of.to_numpy(), pillar_of.to_numpy())
    off_diag = ~np.eye(len(corr), dtype=bool)
    c = corr.to_numpy()
    for pid in pillar_ids:
        cols = pillar_of.index[pillar_of == pid]
        block = corr.loc[cols, cols].to_numpy()
        within[pid] = float(block[~np.eye(len(cols), dtype=bool)].mean()) if len(cols) > 1 else float("nan")
        alpha[pid] = cronbach_alpha(scores[cols].to_numpy())
        for col in cols:
            ind_pillar[col] = float(np.corrcoef(scores[col], result.table.loc[scores.index, pid])[0, 1])
    alpha["all"] = cronbach_alpha(scores.to_numpy())
    across = float(c[~same & off_diag].mean()) if (~same).any() else float("nan")
    table = result.table
    pillar_comp = {pid: float(np.corrcoef(table[pid], table["composite"])[0, 1]) for pid in pillar_ids}
    st = pca_structure(scores.to_numpy(), fw.method.pca_min_explained)
    comps = [f"PC{i + 1}" for i in range(st.eigenvalues.size)]
    return CoherenceReport(
        year=result.year,
        correlations=corr,
        within_pillar=pd.Series(within, name="mean_correlation"),
        across_pillars=across,
        indicator_pillar=pd.Series(ind_pillar, name="correlation_with_pillar"),
        pillar_composite=pd.Series(pillar_comp, name="correlation_with_composite"),
        cronbach_alpha=pd.Series(alpha, name="cronbach_alpha"),
        eigenvalues=pd.Series(st.eigenvalues, index=comps, name="eigenvalue"),
        explained=pd.Series(st.explained, index=comps, name="explained"),
        n_factors=st.n_factors,
        loadings=pd.DataFrame(st.rotated_loadings, index=scores.columns,
                              columns=[f"F{i + 1}" for i in range(st.n_factors)]),
    )
