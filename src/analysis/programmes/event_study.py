"""Event study: TWFE with leads and lags of treatment, reference period -1,
binned endpoints, cluster-robust errors and a joint pre-trend Wald test.

Event time is ``time - group`` for units first treated in ``group``; units never
treated (group 0 or missing) carry no event dummies and anchor the time effects.
Event times at or beyond the window ends are pooled into the end bins, so every
treated observation is used and the end coefficients are averages over the
tails (the usual "binned endpoints" design). With staggered adoption and
heterogeneous effects the TWFE leads and lags are contaminated across cohorts;
:func:`analysis.programmes.att_gt` (``aggregate_att_gt(res, "dynamic")``) is the robust
counterpart.

Example
-------
>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(0)
>>> p = pd.DataFrame([(u, t) for u in range(20) for t in range(12)], columns=["u", "t"])
>>> p["g"] = np.where(p.u < 8, 6, 0)
>>> p["y"] = rng.normal(size=len(p)) + 1.5 * ((p.g > 0) & (p.t >= p.g))
>>> es = event_study(p, "y", unit="u", time="t", group="g", window=(-3, 3))
>>> list(es.table.rel_time)
[-3, -2, -1, 0, 1, 2, 3]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from ._checks import numeric, require_columns, unique_keys
from ._linalg import Projection, cluster_ols, encode, fixed_effects_design, nested_in
from .did import treated_warnings
from .results import EventStudyResult

__all__ = ["event_study"]


def _first_period(panel: pd.DataFrame, group: str, keys) -> np.ndarray:
    g = numeric(panel, group, keys)
    return np.where(np.isnan(g) | (g <= 0), 0.0, g)


def event_study(
    panel: pd.DataFrame,
    outcome: str,
    *,
    unit: str,
    time: str,
    group: str,
    window: tuple[int, int] = (-5, 5),
    reference: int = -1,
    cluster: str | None = None,
    alpha: float = 0.05,
) -> EventStudyResult:
    """Leads and lags of treatment with a joint pre-trend test.

    Parameters
    ----------
    panel : DataFrame
        Long panel, one row per (unit, time); ``time`` numeric (years).
    outcome, unit, time : str
        Column names.
    group : str
        First treated period of the unit; 0 or missing for never treated.
    window : (int, int)
        First lead and last lag; event times beyond are binned into the ends.
    reference : int
        Omitted event time (default -1).
    cluster : str, optional
        Cluster column (default: unit).
    alpha : float
        Level of the pre-trend test and 1 - CI level.

    Returns
    -------
    EventStudyResult
        ``table`` with ``rel_time, estimate, se, ci_low, ci_high, n_treated_obs``
        (the reference row has estimate 0 and se NaN), ready for plotting; the
        pre-trend Wald F test (all leads other than the reference = 0) with
        ``(q, G - 1)`` degrees of freedom.

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"u": [0]*4 + [1]*4 + [2]*4, "t": [1, 2, 3, 4] * 3,
    ...                   "g": [3]*4 + [0]*8, "y": [0, 0, 2, 2, 0, 0, 0, 0, 1, 1, 1, 1.0]})
    >>> event_study(p, "y", unit="u", time="t", group="g", window=(-2, 1)).table.estimate.round(6).add(0.0).tolist()
    [0.0, 0.0, 2.0, 2.0]
    """
    lo, hi = int(window[0]), int(window[1])
    if not lo <= reference <= hi or lo >= hi:
        raise ValueError(f"window {window} must contain the reference period {reference}")
    cluster = cluster or unit
    require_columns(panel, [outcome, unit, time, group, cluster])
    keys = (unit, time)
    unique_keys(panel, unit, time)
    y_all = numeric(panel, outcome, keys)
    data = panel.loc[np.isfinite(y_all)]
    y = y_all[np.isfinite(y_all)]
    first = _first_period(data, group, keys)
    period = numeric(data, time, keys, allow_nan=False)
    treated_unit = first > 0
    rel = np.where(treated_unit, np.clip(period - first, lo, hi), np.nan)
    rel_times = [e for e in range(lo, hi + 1) if e != reference]
    X = np.column_stack([(rel == e).astype(float) for e in rel_times])
    present = X.sum(0) > 0
    unit_code, _ = encode(data[unit].to_numpy())
    time_code, _ = encode(period)
    clusters = data[cluster].to_numpy()
    proj = Projection(fixed_effects_design(unit_code, time_code))
    nested = int(unit_code.max()) if nested_in(unit_code, clusters) else 0
    fit = cluster_ols(y, X[:, present], proj, clusters, nested_params=nested)
    G = fit.n_clusters
    q_t = special.stdtrit(G - 1, 1 - alpha / 2)

    est = np.full(len(rel_times), np.nan)
    se = np.full(len(rel_times), np.nan)
    est[present] = fit.coef
    se[present] = np.sqrt(np.diag(fit.vcov))
    table = pd.DataFrame({"rel_time": rel_times, "estimate": est, "se": se})
    table = pd.concat(
        [table, pd.DataFrame({"rel_time": [reference], "estimate": [0.0], "se": [np.nan]})]
    ).sort_values("rel_time", ignore_index=True)
    table["ci_low"] = table.estimate - q_t * table.se
    table["ci_high"] = table.estimate + q_t * table.se
    table["n_treated_obs"] = [int((rel == e).sum()) for e in table.rel_time]

    warnings = []
    kept = [e for e, ok in zip(rel_times, present) if ok]
    leads = [i for i, e in enumerate(kept) if e < reference]
    stat, p_pre, df_pre = np.nan, np.nan, (len(leads), G - 1)
    if 0 < len(leads) < G - 1:
        b = fit.coef[leads]
        V = fit.vcov[np.ix_(leads, leads)]
        stat = float(b @ np.linalg.pinv(V) @ b) / len(leads)
        p_pre = float(special.fdtrc(len(leads), G - 1, stat))
        if p_pre < alpha:
            warnings.append("pretrends_rejected")
    else:
        warnings.append("pretrend_test_unavailable")
    n_treated_units = np.unique(unit_code[treated_unit]).size
    treated_clusters = np.unique(clusters[treated_unit]).size
    warnings += treated_warnings(n_treated_units, treated_clusters)
    return EventStudyResult(
        outcome=outcome,
        table=table,
        reference=int(reference),
        window=(lo, hi),
        pretrend_stat=float(stat),
        pretrend_df=df_pre,
        pretrend_p_value=float(p_pre),
        n_clusters=G,
        alpha=float(alpha),
        warnings=tuple(warnings),
    )
