"""Benchmark: the whole convergence battery on the Kazakhstan panel (target < 1 s in-process).

Run: ``python -m bench.convergence``. After the imports and one load of the
shipped panel (stable basis, GRP per capita, population weights), times one
run of everything the convergence page computes: the σ series with its
trends, β for the four reference windows, panel β, rolling β, the Markov
chain (with its bootstrap) and the Phillips–Sul clubs -- and in real terms
(constant 2015 prices) σ, the four β windows, panel β and rolling β.  Reports the best and
median wall-clock and CPU time of ``--repeat`` runs (the machine is shared:
under contention CPU time is the steadier figure).  Exit code 1 when the
best wall-clock run exceeds the target.
"""

from __future__ import annotations

import argparse
import statistics
import time

TARGET_SECONDS = 1.0
VALUE, WEIGHT = "grp_per_capita", "population_avg"
#: Real terms (issue 14): GRP per capita at constant 2015 prices, chain-linked from BNS's volume
#: index; β on real growth is the default, nominal β a labelled comparison.
REAL = "grp_per_capita_real"


def windows(first: int, latest: int) -> list[tuple[int, int]]:
    """The reference β windows: whole period, to 2007, 2007-2014, 2014 to latest."""
    return [(first, latest), (first, 2007), (2007, 2014), (2014, latest)]


def battery(panel) -> dict:
    """Everything the convergence page estimates, on one panel."""
    from analysis.convergence import (beta, beta_panel, clubs, markov, rolling_beta, sigma,
                                      sigma_trend)

    series = sigma(panel, VALUE, weight=WEIGHT)
    first, latest = int(series.index.min()), int(series.index.max())
    out = {"sigma": series}
    out["trends"] = {(m, a, b): sigma_trend(series[m], a, b)
                     for m in ("cv", "cv_weighted", "sd_log", "theil_t")
                     for a, b in windows(first, latest)}
    out["beta"] = {w: beta(panel, VALUE, *w) for w in windows(first, latest)}
    out["beta_panel"] = beta_panel(panel, VALUE, spell=5)
    out["rolling"] = rolling_beta(panel, VALUE, window=7)
    out["markov"] = markov(panel, VALUE, weight=WEIGHT)
    out["markov_pooled"] = markov(panel, VALUE, weight=WEIGHT, pooled=True)
    out["clubs"] = clubs(panel, VALUE)
    real = sigma(panel, REAL, weight=WEIGHT)
    r_first, r_latest = int(real.index.min()), int(real.index.max())
    out["sigma_real"] = real
    out["beta_real"] = {w: beta(panel, REAL, *w) for w in windows(r_first, r_latest)}
    out["beta_panel_real"] = beta_panel(panel, REAL, spell=5)
    out["rolling_real"] = rolling_beta(panel, REAL, window=7)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args(argv)
    start = time.perf_counter()
    import analysis.convergence  # noqa: F401
    from analysis.data import load_panel

    print(f"import analysis.convergence + analysis.data: {time.perf_counter() - start:.3f} s")
    panel = load_panel(basis="stable")
    battery(panel)  # warm-up: lazy imports inside numpy/scipy/pandas
    walls, cpus = [], []
    for _ in range(args.repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        battery(panel)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    print(f"battery (sigma+trends, 4 beta windows, panel beta, rolling beta, 2 Markov, clubs; "
          f"real terms: sigma, 4 beta windows, panel beta, rolling beta): "
          f"best {min(walls):.3f} s wall / {min(cpus):.3f} s CPU, "
          f"median {statistics.median(walls):.3f} s wall over {args.repeat} runs "
          f"(target {TARGET_SECONDS:.1f} s)")
    return 0 if min(walls) <= TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
