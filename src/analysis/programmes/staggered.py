"""Staggered adoption: Callaway and Sant'Anna (2021) group-time average
treatment effects ATT(g,t), their aggregations and a pre-trend test.

For each cohort ``g`` (units first treated in period ``g``) and period ``t``,
ATT(g,t) compares the change of the outcome between a base period and ``t`` in
cohort ``g`` with the change in a comparison group: never-treated units
(``control="never"``) or units not yet treated by ``max(t, base)``
(``control="notyet"``). The base period is ``g - 1`` for post-treatment
periods and ``t - 1`` for pre-treatment periods ("varying" base, as in the R
``did`` package and csdid), so pre-period ATTs are placebo one-period changes.

With ``covariates`` the comparison change is predicted by an OLS of the change
on base-period covariates among comparison units (outcome regression, Heckman,
Ichimura and Todd 1997; Sant'Anna and Zhao 2020 ``reg``). Without covariates
this reduces to the difference of mean changes.

Standard errors come from the influence functions (analytic; no multiplier
bootstrap), scaled so that ``se = sqrt(sum(IF^2)) / n``. Aggregations follow
``did::aggte``: weights proportional to cohort size with the estimation
uncertainty of those weights included in the influence function.

The panel must be balanced over the periods used; units without a complete
outcome series are dropped (warning key ``dropped_incomplete_units``). Units
treated in the first period have no pre-period and are dropped; cohorts first
treated after the last period count as not treated within the data.

Example
-------
>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(0)
>>> p = pd.DataFrame([(u, t) for u in range(30) for t in range(2000, 2008)], columns=["u", "t"])
>>> p["g"] = np.select([p.u < 10, p.u < 20], [2003, 2005], 0)
>>> p["y"] = rng.normal(size=len(p)) + 2.0 * ((p.g > 0) & (p.t >= p.g))
>>> r = att_gt(p, "y", unit="u", time="t", group="g")
>>> round(aggregate_att_gt(r, "simple").estimate)
2
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from ._checks import PanelInputError, numeric, require_columns, unique_keys
from .did import FEW_CLUSTERS
from .results import AggregateResult, AttGtResult, effect_verdict

__all__ = ["att_gt"]


def _or_influence(dy: np.ndarray, X: np.ndarray, treat: np.ndarray) -> tuple[float, np.ndarray]:
    """ATT and its influence function on the (cohort + comparison) subsample.

    Outcome-regression DiD for panels (Sant'Anna and Zhao 2020, ``reg_did_panel``).
    """
    n = dy.size
    w1 = treat.astype(float)
    w0 = 1.0 - w1
    Xc = X[w0 > 0]
    beta, *_ = np.linalg.lstsq(Xc, dy[w0 > 0], rcond=None)
    fitted = X @ beta
    p1 = w1.mean()
    eta_treat = np.mean(w1 * dy) / p1
    eta_cont = np.mean(w1 * fitted) / p1
    xpx_inv = np.linalg.pinv((w0[:, None] * X).T @ X / n)
    ols_rep = (w0 * (dy - fitted))[:, None] * X @ xpx_inv
    m1 = (w1[:, None] * X).mean(0)
    inf_treat = (w1 * dy - w1 * eta_treat) / p1
    inf_cont = (w1 * fitted - w1 * eta_cont + ols_rep @ m1) / p1
    return float(eta_treat - eta_cont), inf_treat - inf_cont


def att_gt(
    panel: pd.DataFrame,
    outcome: str,
    *,
    unit: str,
    time: str,
    group: str,
    control: str = "never",
    covariates: list[str] | None = None,
    alpha: float = 0.05,
) -> AttGtResult:
    """Callaway-Sant'Anna ATT(g,t) with influence-function standard errors.

    Parameters
    ----------
    panel : DataFrame
        Long panel, one row per (unit, time), ``time`` integer periods.
    outcome, unit, time : str
        Column names.
    group : str
        First treated period of each unit (constant within unit); 0 or missing
        for never treated.
    control : {"never", "notyet"}
        Comparison group.
    covariates : list of str, optional
        Base-period covariates for the outcome regression.
    alpha : float
        Level of the pre-trend test and 1 - CI level (pointwise).

    Returns
    -------
    AttGtResult
        ``table`` (group, time, base, att, se, ci_low, ci_high, post), the
        influence functions (:func:`aggregate_att_gt` aggregates them), a chi-squared Wald pre-trend
        test of all pre-period ATT(g,t) = 0, warning keys.

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"u": [1]*3 + [2]*3 + [3]*3, "t": [1, 2, 3]*3, "g": [3]*3 + [0]*6,
    ...                   "y": [0, 1, 4, 0, 1, 2, 1, 2, 2.0]})
    >>> att_gt(p, "y", unit="u", time="t", group="g").table[["time", "att"]].round(9).add(0.0).values.tolist()
    [[2.0, 0.0], [3.0, 2.5]]
    """
    if control not in ("never", "notyet"):
        raise ValueError(f"control must be 'never' or 'notyet', got {control!r}")
    covariates = list(covariates or [])
    require_columns(panel, [outcome, unit, time, group, *covariates])
    keys = (unit, time)
    unique_keys(panel, unit, time)
    frame = pd.DataFrame({"u": panel[unit].to_numpy(), "t": numeric(panel, time, keys, allow_nan=False),
                          "y": numeric(panel, outcome, keys), "g": numeric(panel, group, keys)})
    for i, c in enumerate(covariates):
        frame[f"x{i}"] = numeric(panel, c, keys)
    frame["g"] = frame.g.fillna(0.0).clip(lower=0.0)
    g_per_unit = frame.groupby("u", sort=True).g.agg(["min", "max"])
    varying = g_per_unit.index[g_per_unit["min"] != g_per_unit["max"]]
    if len(varying):
        raise PanelInputError(f"panel: column {group!r} must be constant within {unit!r}; "
                              f"unit {varying[0]!r} has several values")
    warnings = []
    Y = frame.pivot(index="u", columns="t", values="y")
    complete = Y.notna().all(axis=1)
    if not complete.all():
        warnings.append("dropped_incomplete_units")
    Y = Y.loc[complete]
    periods = Y.columns.to_numpy(dtype=float)
    G = g_per_unit.loc[Y.index, "min"].to_numpy()
    G = np.where(G > periods.max(), 0.0, G)  # treated only after the data end
    keep = ~((G > 0) & (G <= periods.min()))  # no pre-period: not identified
    Y, G = Y.loc[keep], G[keep]
    Xs = [frame.pivot(index="u", columns="t", values=f"x{i}").loc[Y.index] for i in range(len(covariates))]
    units = Y.index.to_numpy()
    Ym = Y.to_numpy()
    n = Ym.shape[0]
    glist = np.unique(G[G > 0])
    if glist.size == 0:
        raise PanelInputError(f"panel: no unit is treated within the observed periods (column {group!r})")

    rows, infs = [], []
    col = {t: j for j, t in enumerate(periods)}
    for g in glist:
        for j in range(1, periods.size):
            t = periods[j]
            base = g - 1 if t >= g else periods[j - 1]
            if base not in col:
                continue
            if control == "never":
                comp = G == 0
            else:
                comp = (G == 0) | ((G > max(t, base)) & (G != g))
            cohort = G == g
            sub = cohort | comp
            if comp.sum() == 0:
                continue
            dy = Ym[sub, col[t]] - Ym[sub, col[base]]
            X = np.ones((sub.sum(), 1))
            if Xs:
                X = np.column_stack([X] + [x.to_numpy()[sub, col[base]] for x in Xs])
            att, inf = _or_influence(dy, X, cohort[sub])
            full = np.zeros(n)
            full[sub] = inf * n / sub.sum()
            rows.append((g, t, base, att, t >= g))
            infs.append(full)
    if not rows:
        raise PanelInputError("panel: no comparison units for any group-time cell (check the control group)")
    table = pd.DataFrame(rows, columns=["group", "time", "base", "att", "post"])
    IF = np.column_stack(infs)
    table["se"] = np.sqrt((IF**2).sum(0)) / n
    z = special.ndtri(1 - alpha / 2)
    table["ci_low"] = table.att - z * table.se
    table["ci_high"] = table.att + z * table.se
    table = table[["group", "time", "base", "att", "se", "ci_low", "ci_high", "post"]]

    pre = ~table.post.to_numpy()
    stat, df_pre, p_pre = np.nan, 0, np.nan
    if pre.any():
        a = table.att.to_numpy()[pre]
        V = IF[:, pre].T @ IF[:, pre] / n**2
        df_pre = int(np.linalg.matrix_rank(V))
        if df_pre > 0:
            stat = float(a @ np.linalg.pinv(V) @ a)
            p_pre = float(special.chdtrc(df_pre, stat))
            if p_pre < alpha:
                warnings.append("pretrends_rejected")
    if df_pre == 0:
        warnings.append("pretrend_test_unavailable")
    sizes = np.array([(G == g).sum() for g in glist])
    if (sizes == 1).any():
        warnings.append("single_treated_unit")
    if (G > 0).sum() < FEW_CLUSTERS:
        warnings.append("few_treated_clusters")
    if control == "never" and not (G == 0).any():
        warnings.append("no_untreated_units")
    return AttGtResult(
        outcome=outcome, table=table, influence=IF, group_of_unit=G, control=control, n_units=n,
        pretrend_stat=float(stat), pretrend_df=df_pre, pretrend_p_value=float(p_pre), alpha=float(alpha),
        warnings=tuple(warnings),
    )


def _weight_influence(keep_groups: np.ndarray, pg: np.ndarray, G: np.ndarray) -> np.ndarray:
    """Influence of estimating cohort-share weights (``did:::wif``); n x len(keep)."""
    total = pg.sum()
    dev = (G[:, None] == keep_groups[None, :]).astype(float) - pg[None, :]
    return dev / total - dev.sum(1, keepdims=True) * (pg / total**2)[None, :]


def _combine(res: AttGtResult, idx: np.ndarray, weighted: bool):
    """Estimate and influence function of a (cohort-size weighted or plain) mean of ATT(g,t)."""
    att = res.table.att.to_numpy()[idx]
    groups = res.table.group.to_numpy()[idx]
    IF = res.influence[:, idx]
    if not weighted:
        return float(att.mean()), IF.mean(1)
    G = res.group_of_unit
    pg = np.array([np.mean(G == g) for g in groups])
    w = pg / pg.sum()
    return float(att @ w), IF @ w + _weight_influence(groups, pg, G) @ att


def aggregate_att_gt(res: AttGtResult, kind: str = "simple") -> AggregateResult:
    """Aggregations of ATT(g,t) as in ``did::aggte``: ``kind`` is ``"simple" | "dynamic" | "group" | "calendar"``."""
    t = res.table
    n = res.n_units
    z = special.ndtri(1 - res.alpha / 2)
    post = t.post.to_numpy()

    def se_of(inf):
        return float(np.sqrt((inf**2).sum()) / n)

    detail = None
    if kind == "simple":
        est, inf = _combine(res, np.flatnonzero(post), weighted=True)
    elif kind in ("dynamic", "calendar", "group"):
        if kind == "dynamic":
            key = (t.time - t.group).to_numpy()
            labels = np.unique(key)
            parts = [(e, *_combine(res, np.flatnonzero(key == e), weighted=True)) for e in labels]
            overall = [p for p in parts if p[0] >= 0]
        elif kind == "calendar":
            labels = np.unique(t.time[post])
            parts = [(c, *_combine(res, np.flatnonzero(post & (t.time.to_numpy() == c)), weighted=True))
                     for c in labels]
            overall = parts
        else:
            labels = np.unique(t.group)
            parts = [(g, *_combine(res, np.flatnonzero(post & (t.group.to_numpy() == g)), weighted=False))
                     for g in labels]
            overall = None
        name = {"dynamic": "rel_time", "calendar": "time", "group": "group"}[kind]
        detail = pd.DataFrame({name: [p[0] for p in parts], "estimate": [p[1] for p in parts],
                               "se": [se_of(p[2]) for p in parts]})
        detail["ci_low"] = detail.estimate - z * detail.se
        detail["ci_high"] = detail.estimate + z * detail.se
        if overall is None:  # group: cohort-size weighted mean of the cohort effects
            G = res.group_of_unit
            pg = np.array([np.mean(G == g) for g in labels])
            w = pg / pg.sum()
            th = detail.estimate.to_numpy()
            est = float(th @ w)
            inf = np.column_stack([p[2] for p in parts]) @ w + _weight_influence(labels, pg, G) @ th
        else:
            est = float(np.mean([p[1] for p in overall]))
            inf = np.mean(np.column_stack([p[2] for p in overall]), axis=1)
    else:
        raise ValueError(f"kind must be 'simple', 'dynamic', 'group' or 'calendar', got {kind!r}")
    se = se_of(inf)
    p_value = float(2 * special.ndtr(-abs(est) / se)) if se > 0 else float("nan")
    return AggregateResult(kind=kind, estimate=est, se=se, ci=(est - z * se, est + z * se), p_value=p_value,
                           table=detail,
                           alpha=res.alpha, verdict=effect_verdict(est, p_value, res.alpha),
                           warnings=res.warnings)
