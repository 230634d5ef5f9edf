"""Two-way fixed-effects difference-in-differences with inference that stays
honest with about 20 clusters.

The point estimate is the TWFE coefficient of a treatment indicator with unit and
time effects (optionally covariates). Inference reports both the analytic
cluster-robust (CRV1) standard error with ``G - 1`` degrees of freedom and the
wild cluster restricted bootstrap (:mod:`analysis.programmes.inference`), whose
p-value and test-inversion interval drive the verdict. With staggered adoption
and heterogeneous effects TWFE is a weighted average that can mislead: use
:func:`analysis.programmes.att_gt` alongside.

Example
-------
>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(0)
>>> p = pd.DataFrame([(u, t) for u in range(20) for t in range(10)], columns=["u", "t"])
>>> p["d"] = ((p.u < 6) & (p.t >= 5)).astype(int)
>>> p["y"] = p.u * 0.1 + p.t * 0.2 + 2.0 * p.d + rng.normal(size=len(p))
>>> r = did(p, "y", unit="u", time="t", treated="d", B=999)
>>> bool(r.bootstrap.ci[0] < 2.0 < r.bootstrap.ci[1]), r.verdict
(True, 'positive_effect')
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from ._checks import binary, numeric, require_columns, unique_keys
from ._linalg import Projection, cluster_ols, encode, fixed_effects_design, nested_in
from .inference import wild_cluster_bootstrap
from .results import DidResult, effect_verdict

__all__ = ["did"]

FEW_CLUSTERS = 5


def treated_warnings(n_units: int, n_clusters: int) -> list[str]:
    """Warning keys about the treated side: one treated unit, fewer than ``FEW_CLUSTERS`` treated clusters.

    Examples
    --------
    >>> treated_warnings(1, 1), treated_warnings(6, 6), treated_warnings(0, 0)
    (['single_treated_unit', 'few_treated_clusters'], [], [])
    """
    keys = []
    if n_units == 1:
        keys.append("single_treated_unit")
    if 0 < n_clusters < FEW_CLUSTERS:
        keys.append("few_treated_clusters")
    return keys


def did(
    panel: pd.DataFrame,
    outcome: str,
    *,
    unit: str,
    time: str,
    treated: str,
    cluster: str | None = None,
    covariates: list[str] | None = None,
    B: int = 9999,
    weights: str = "auto",
    seed: int = 0,
    alpha: float = 0.05,
    bootstrap: bool = True,
) -> DidResult:
    """TWFE difference-in-differences with CRV1 and wild-cluster-bootstrap inference.

    Parameters
    ----------
    panel : DataFrame
        Long panel, one row per (unit, time).
    outcome, unit, time, treated : str
        Column names; ``treated`` is 0/1 (1 in treated unit-periods).
    cluster : str, optional
        Cluster column (default: the unit column).
    covariates : list of str, optional
        Time-varying controls.
    B, weights, seed : bootstrap settings (see :func:`wild_cluster_bootstrap`).
    alpha : float
        Test level and 1 - CI level.
    bootstrap : bool
        Skip the bootstrap (analytic inference only) when False.

    Returns
    -------
    DidResult
        ``estimate``, CRV1 ``se`` (degrees-of-freedom convention of reghdfe and
        pyfixest: ``G/(G-1) (n-1)/(n-k)``, unit effects nested in the clusters
        counted as one parameter in ``k``), bootstrap p-value and CI, verdict and warning keys.

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"u": [0, 0, 1, 1, 2, 2], "t": [0, 1] * 3,
    ...                   "d": [0, 1, 0, 0, 0, 0], "y": [1.0, 3.0, 1.0, 1.5, 2.0, 2.5]})
    >>> round(did(p, "y", unit="u", time="t", treated="d", bootstrap=False).estimate, 9)
    1.5
    """
    covariates = list(covariates or [])
    cluster = cluster or unit
    require_columns(panel, [outcome, unit, time, treated, cluster, *covariates])
    keys = (unit, time)
    unique_keys(panel, unit, time)
    y_all = numeric(panel, outcome, keys)
    covs_all = [numeric(panel, c, keys) for c in covariates]
    keep = np.isfinite(y_all)
    for c in covs_all:
        keep &= np.isfinite(c)
    data = panel.loc[keep]
    y = y_all[keep]
    d = binary(data, treated, keys)
    unit_code, _ = encode(data[unit].to_numpy())
    time_code, _ = encode(data[time].to_numpy())
    clusters = data[cluster].to_numpy()
    F = fixed_effects_design(unit_code, time_code)
    if covariates:
        F = np.hstack([F, np.column_stack([c[keep] for c in covs_all])])
    proj = Projection(F)
    n_units = int(unit_code.max()) + 1
    # unit effects nested in the clusters cost no degree of freedom beyond the one
    # level that plays the intercept (fixest/pyfixest "nonnested" convention)
    nested = n_units - 1 if nested_in(unit_code, clusters) else 0
    fit = cluster_ols(y, d, proj, clusters, nested_params=nested)
    estimate = float(fit.coef[0])
    se = float(np.sqrt(fit.vcov[0, 0]))
    G = fit.n_clusters
    dof = G - 1
    t_stat = estimate / se if se > 0 else float("nan")
    p_analytic = float(2 * special.stdtr(dof, -abs(t_stat))) if se > 0 else float("nan")
    q = special.stdtrit(dof, 1 - alpha / 2)
    treated_clusters = int(np.unique(clusters[d > 0]).size)
    treated_units = int(np.unique(unit_code[d > 0]).size)

    boot = None
    if bootstrap and treated_units > 0:
        boot = wild_cluster_bootstrap(y, d, proj, clusters, B=B, weights=weights, seed=seed, alpha=alpha)
    warnings = []
    if treated_units == 0:
        warnings.append("no_post_period")
    warnings += treated_warnings(treated_units, treated_clusters)
    if np.unique(unit_code[d == 0]).size == 0:
        warnings.append("no_untreated_units")
    p_for_verdict = boot.p_value if boot is not None else p_analytic
    return DidResult(
        outcome=outcome,
        estimate=estimate,
        se=se,
        t_stat=float(t_stat),
        df=dof,
        p_value=p_analytic,
        ci=(estimate - q * se, estimate + q * se),
        bootstrap=boot,
        n_obs=int(y.size),
        n_units=n_units,
        n_clusters=G,
        n_treated_clusters=treated_clusters,
        ssc=float(fit.small_sample_factor),
        alpha=float(alpha),
        verdict=effect_verdict(estimate, p_for_verdict, alpha),
        warnings=tuple(warnings),
    )
