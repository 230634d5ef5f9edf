"""Randomization (permutation) inference for a programme effect.

The observed assignment is the vector of first-treatment periods over units
(0 = never treated). Under the sharp null of no effect for any unit, every
rearrangement of that vector across units is as likely as the observed one
(Fisher; for DiD with few treated clusters see MacKinnon and Webb 2020). A
permutation therefore moves treatment across regions and, with staggered
adoption, moves the start years with it. The statistic is the TWFE
difference-in-differences coefficient by default; all permutations are
evaluated at once through the fixed-effect projection, so thousands cost one
matrix product.

When the number of distinct assignments, ``N! / prod(n_k!)``, does not exceed
``n_permutations`` every one of them is enumerated and the p-value is exact;
otherwise ``n_permutations`` seeded random assignments are drawn and the p-value
is ``(1 + #{|T*| >= |T|}) / (1 + P)``.

Example
-------
>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(0)
>>> p = pd.DataFrame([(u, t) for u in range(10) for t in range(8)], columns=["u", "t"])
>>> p["g"] = np.where(p.u < 3, 4, 0)
>>> p["y"] = rng.normal(size=len(p)) + 3.0 * ((p.g > 0) & (p.t >= p.g))
>>> r = randomization_inference(p, "y", unit="u", time="t", group="g")
>>> r.exact, r.n_permutations, r.p_value <= 1 / 120
(True, 120, True)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from ._checks import numeric, require_columns, unique_keys
from ._linalg import Projection, encode, fixed_effects_design
from .did import treated_warnings
from .results import RandomizationResult

__all__ = ["randomization_inference"]


def _n_assignments(values: np.ndarray) -> int:
    _, counts = np.unique(values, return_counts=True)
    total = math.factorial(values.size)
    for c in counts:
        total //= math.factorial(int(c))
    return total


def _all_assignments(values: np.ndarray) -> np.ndarray:
    """Every distinct arrangement of a multiset, one per row (rows in a fixed order)."""
    levels, counts = np.unique(values, return_counts=True)
    n = values.size
    out = []

    def place(level_idx, free, current):
        if level_idx == len(levels) - 1:
            current[list(free)] = levels[-1]
            out.append(current.copy())
            return
        for chosen in itertools.combinations(free, int(counts[level_idx])):
            current[list(chosen)] = levels[level_idx]
            rest = tuple(i for i in free if i not in chosen)
            place(level_idx + 1, rest, current)

    place(0, tuple(range(n)), np.empty(n, dtype=values.dtype))
    return np.array(out)


def randomization_inference(
    panel: pd.DataFrame,
    outcome: str,
    *,
    unit: str,
    time: str,
    group: str,
    statistic: str | Callable[[pd.DataFrame], float] = "twfe",
    n_permutations: int = 9999,
    seed: int = 0,
) -> RandomizationResult:
    """Permutation p-value of a treatment statistic, exact when feasible.

    Parameters
    ----------
    panel : DataFrame
        Long panel, one row per (unit, time).
    outcome, unit, time : str
        Column names.
    group : str
        First treated period per unit (0 or missing: never treated).
    statistic : "twfe" or callable
        ``"twfe"``: the TWFE DiD coefficient of ``1{time >= group > 0}`` (vectorised).
        A callable receives the panel with ``group`` replaced by a permuted
        assignment and returns a float (evaluated one permutation at a time).
    n_permutations : int
        Monte Carlo draws, and the largest number of assignments enumerated exactly.
    seed : int
        Seed of the Monte Carlo draws.

    Returns
    -------
    RandomizationResult
        Observed statistic, two-sided p-value on ``|T|``, the null distribution.

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"u": [1, 1, 2, 2, 3, 3], "t": [1, 2] * 3, "g": [2, 2, 0, 0, 0, 0],
    ...                   "y": [0, 5, 0, 0, 1, 1.0]})
    >>> r = randomization_inference(p, "y", unit="u", time="t", group="g")
    >>> round(r.statistic, 9), round(r.p_value, 4), r.n_permutations
    (5.0, 0.3333, 3)
    """
    require_columns(panel, [outcome, unit, time, group])
    keys = (unit, time)
    unique_keys(panel, unit, time)
    y_all = numeric(panel, outcome, keys)
    data = panel.loc[np.isfinite(y_all)].copy()
    y = y_all[np.isfinite(y_all)]
    period = numeric(data, time, keys, allow_nan=False)
    g_obs = np.nan_to_num(numeric(data, group, keys), nan=0.0).clip(min=0.0)
    unit_code, unit_levels = encode(data[unit].to_numpy())
    per_unit = np.zeros(unit_levels.size)
    per_unit[unit_code] = g_obs  # first period per unit (checked constant below)
    if not np.array_equal(per_unit[unit_code], g_obs):
        raise ValueError(f"panel: column {group!r} must be constant within {unit!r}")

    total = _n_assignments(per_unit)
    exact = total <= n_permutations
    if exact:
        draws = _all_assignments(per_unit)
    else:
        rng = np.random.default_rng(seed)
        draws = np.array([rng.permutation(per_unit) for _ in range(n_permutations)])

    if callable(statistic):
        def stat_of(assign):
            return float(statistic(data.assign(**{group: assign[unit_code]})))

        observed = stat_of(per_unit)
        null = np.array([stat_of(a) for a in draws])
    elif statistic == "twfe":
        time_code, _ = encode(period)
        proj = Projection(fixed_effects_design(unit_code, time_code))

        def twfe(assign_matrix):
            g = assign_matrix[:, unit_code].T  # n x P
            D = ((g > 0) & (period[:, None] >= g)).astype(float)
            Dt = proj.residualise(D)
            den = np.einsum("np,np->p", Dt, Dt)
            with np.errstate(invalid="ignore", divide="ignore"):
                return np.where(den > 1e-12, (Dt.T @ y) / den, np.nan)

        observed = float(twfe(per_unit[None, :])[0])
        null = twfe(draws)
    else:
        raise ValueError(f"statistic must be 'twfe' or a callable, got {statistic!r}")

    tol = 1e-10 * max(1.0, abs(observed))
    valid = np.isfinite(null)
    extreme = int(np.sum(np.abs(null[valid]) >= abs(observed) - tol))
    if exact:
        p_value = extreme / int(valid.sum())
    else:
        p_value = (1 + extreme) / (1 + int(valid.sum()))
    treated = int((per_unit > 0).sum())
    warnings = treated_warnings(treated, treated)  # units are the clusters
    staggered = np.unique(per_unit[per_unit > 0]).size > 1
    return RandomizationResult(
        statistic=observed,
        p_value=float(p_value),
        n_permutations=int(valid.sum()),
        exact=bool(exact),
        permuted="units_and_timing" if staggered else "units",
        seed=int(seed),
        null_distribution=null,
        warnings=tuple(warnings),
    )
