"""Club convergence: the Phillips–Sul log t test and clustering algorithm."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from ._hp import hp_trend
from ._panel import PanelError, panel_source, require_positive, tidy_panel, to_matrix
from ._logt import HAC_METHODS, LogT
from .results import CONVERGING, DIVERGING, NO_SIGNIFICANT_CHANGE, Club, ClubsResult

__all__ = ["clubs"]


def clubs(panel: pd.DataFrame, value: str, *, region: str = "region", year: str = "year",
          start: int | None = None, end: int | None = None, log: bool = True,
          hp_lambda: float | None = 400.0, trim: float = 1 / 3, sieve: float = 0.0,
          merge: bool = True, hac: str = "andrews", alpha: float = 0.05) -> ClubsResult:
    """Phillips & Sul (2007, 2009) relative convergence test and convergence clubs.

    Let ``X_it`` be ``ln y_it`` (or ``y_it`` with ``log=False``), smoothed by
    the Hodrick–Prescott filter with ``hp_lambda`` (``None``: no smoothing)
    to remove the business cycle.  With the relative transition paths
    ``h_it = X_it / mean_i X_it`` and ``H_t = mean_i (h_it - 1)^2``, the log t
    regression is

    ``ln(H_1 / H_t) - 2 ln(ln t) = a + b ln t + u_t``,  ``t = round(rT) + 1, ..., T``

    with ``r = trim``.  The standard error of ``b`` is, by default, Phillips
    and Sul's own: a quadratic-spectral long-run variance with Andrews'
    plug-in bandwidth times ``(X'X)^{-1}`` (as in the R package
    ``ConvergenceClubs``); ``hac="newey-west"`` uses a Bartlett sandwich
    instead.  Convergence (``b >= 0``) is rejected at level ``alpha`` when
    ``t_b < -z_{1-alpha}`` (one-sided, -1.65 at 5 %).

    Clubs (Phillips & Sul 2007, section 4):

    0. if the whole panel passes the test, it is one club;
    1. order the units by their last value, highest first;
    2. core group: the first pair ``{i, i+1}`` with ``t > -z``, grown by the
       next units while ``t > -z``; the core is the size with the largest
       ``t``;
    3. sieve: every other unit joins if the core plus that unit has
       ``t > sieve`` (``c* = 0`` by default, conservative for short ``T``);
       if the resulting club fails the test, ``c*`` is raised to the next
       candidate's ``t`` until it passes;
    4. the remaining units form a club if they pass the test together;
       otherwise steps 2-3 repeat on them; units in no club are divergent.

    With ``merge=True``, adjacent clubs are merged when their union passes
    the test (Phillips & Sul 2009).  Regions without a value in every year
    of ``[start, end]`` are left out (warning ``unbalanced_sample``).

    The verdict is on the whole panel: ``diverging`` when convergence is
    rejected, ``converging`` when it is not and ``b >= 0``, else
    ``no_significant_change``.

    Parameters
    ----------
    panel : DataFrame
        Tidy panel.
    value : str
        Column of positive levels.
    region, year : str
        Column names.
    start, end : int, optional
        Years used (default: all).
    log : bool
        Work with ``ln y``.
    hp_lambda : float or None
        Smoothing parameter of the HP filter (400 suits annual data in
        Phillips & Sul).
    trim : float
        Fraction ``r`` of the first periods left out of the regression
        (1/3 as in Phillips & Sul 2009).
    sieve : float
        Starting sieve threshold ``c*``.
    merge : bool
        Merge adjacent clubs that converge together.
    hac : {"andrews", "newey-west"}
        Long-run variance behind the t statistic.
    alpha : float
        One-sided level of the log t tests.

    Returns
    -------
    ClubsResult

    Examples
    --------
    >>> t = np.arange(1, 31)
    >>> rows = [{"region": f"r{i}", "year": 2000 + s, "y": np.exp((2 + 0.1 * i / s) * (1 + 0.02 * s))}
    ...         for i in range(6) for s in t]
    >>> r = clubs(pd.DataFrame(rows), "y")
    >>> r.verdict, len(r.clubs)
    ('converging', 1)
    """
    source = panel_source(panel)
    if not 0 <= trim < 1:
        raise PanelError(source, None, "trim", trim, "a fraction in [0, 1)")
    if hac not in HAC_METHODS:
        raise PanelError(source, None, "hac", hac, f"one of {', '.join(HAC_METHODS)}")
    data = tidy_panel(panel, [value], region=region, year=year)
    if log:
        require_positive(data, value, region=region, year=year, source=source)
    if start is not None:
        data = data[data[year] >= int(start)]
    if end is not None:
        data = data[data[year] <= int(end)]
    matrix = to_matrix(data[data[value].notna()], value, region=region, year=year)
    complete = matrix.dropna()
    warnings = ["unbalanced_sample"] if len(complete) < len(matrix) else []
    if len(complete) < 2 or complete.shape[1] < 5:
        raise PanelError(source, None, value, f"{len(complete)} regions x {complete.shape[1]} years",
                         "at least two regions with values in at least five common years")
    X = np.log(complete.to_numpy()) if log else complete.to_numpy(dtype=float)
    if hp_lambda is not None:
        X = hp_trend(X, hp_lambda)
    names = complete.index.astype(str).to_numpy()
    critical = float(special.ndtri(1 - alpha))
    test = LogT(X, trim, hac)
    b, t_stat = test(np.arange(len(names)))
    order = np.argsort(-X[:, -1], kind="mergesort")
    if t_stat > -critical:
        # The whole panel converges: one club, nothing to sort out.
        found, divergent = [order], np.array([], dtype=int)
    else:
        found, divergent = _cluster(test, order, critical, sieve)
    if not found:
        warnings.append("no_core_group")
    initial = tuple(_club(test, members, names) for members in found)
    merged = _merge(test, found, critical) if merge else found
    if t_stat < -critical:
        verdict = DIVERGING
    elif b >= 0:
        verdict = CONVERGING
    else:
        verdict = NO_SIGNIFICANT_CHANGE
    return ClubsResult(
        b=b, t_stat=t_stat, critical=critical,
        clubs=tuple(_club(test, members, names) for members in merged), initial_clubs=initial,
        divergent=tuple(names[divergent].tolist()), start=int(complete.columns[0]),
        end=int(complete.columns[-1]), trim=trim, hp_lambda=hp_lambda, verdict=verdict,
        alpha=alpha, warnings=tuple(warnings))


def _club(test, members, names):
    b, t_stat = test(members)
    return Club(members=tuple(names[np.sort(members)].tolist()), b=b, t_stat=t_stat)


def _cluster(test, order, critical, sieve):
    clubs_found, remaining = [], list(order)
    while len(remaining) >= 2:
        core = _core(test, remaining, critical)
        if core is None:
            break
        club = _sieve(test, core, remaining, critical, sieve)
        clubs_found.append(np.array(club))
        remaining = [u for u in remaining if u not in set(club)]
        if len(remaining) >= 2 and test(remaining)[1] > -critical:
            clubs_found.append(np.array(remaining))
            remaining = []
    return clubs_found, np.array(sorted(remaining), dtype=int)


def _core(test, ordered, critical):
    for i in range(len(ordered) - 1):
        if test(ordered[i:i + 2])[1] > -critical:
            break
    else:
        return None
    best_k, best_t = i + 2, test(ordered[i:i + 2])[1]
    for k in range(i + 3, len(ordered) + 1):
        t_k = test(ordered[i:k])[1]
        if not t_k > -critical:
            break
        if t_k > best_t:
            best_k, best_t = k, t_k
    return list(ordered[i:best_k])


def _sieve(test, core, ordered, critical, sieve):
    candidates = [u for u in ordered if u not in set(core)]
    t_with = {u: test(core + [u])[1] for u in candidates}
    thresholds = [sieve] + sorted(t for t in t_with.values() if t > sieve)
    for threshold in thresholds:
        club = core + [u for u in candidates if t_with[u] > threshold]
        if len(club) == len(core) or test(club)[1] > -critical:
            return club
    return core


def _merge(test, found, critical):
    merged = [np.asarray(c) for c in found]
    i = 0
    while i < len(merged) - 1:
        union = np.concatenate([merged[i], merged[i + 1]])
        if test(union)[1] > -critical:
            merged[i] = union
            del merged[i + 1]
        else:
            i += 1
    return merged
