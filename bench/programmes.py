"""Benchmark: the hot paths of the programme-evaluation library.

Run: ``python -m bench.programmes``. Times, after a warm-up run:

1. the wild cluster restricted bootstrap, B = 9,999 Rademacher draws, on a
   20-region x 25-year panel (p-value only, and with the test-inversion CI)
   against the target of 0.05 s;
2. the full in-space placebo set of a synthetic control for 20 regions
   (one fit + 19 placebo fits) with the default predictors (the outcome in
   every pre-period year) against the target of 2 s, and with four R-Synth
   style special predictors (where the V search cannot stop at the bound);
3. with ``--reference``, pyfixest's wild bootstrap on the same panel;
4. ``evaluate_programme`` on the shipped data (Aral-region programme, relative
   GRP per capita: every estimator including the synthetic control).

Inputs for 1-2 are simulated panels (seeded). Reports best and median wall
clock and CPU time of ``--repeat`` runs (the machine is shared: under
contention CPU time is the steadier figure). Exit code 1 when a best
wall-clock time exceeds its target.
"""

from __future__ import annotations

import argparse
import statistics
import time

WCR_TARGET = 0.05
PLACEBO_TARGET = 2.0


def simulated_panel(n_units=20, n_periods=25, seed=0):
    """Factor-model panel with 6 treated regions from period 15 (seeded)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    F = rng.normal(size=(n_periods, 3)).cumsum(0)
    L = rng.normal(size=(3, n_units))
    Y = F @ L + rng.normal(scale=0.3, size=(n_periods, n_units))
    rows = [(f"R{i:02d}", 2000 + t, Y[t, i], int(i < 6 and t >= 15)) for i in range(n_units) for t in range(n_periods)]
    return pd.DataFrame(rows, columns=["region", "year", "y", "d"])


def timed(fn, repeat):
    fn()  # warm-up
    walls, cpus = [], []
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return min(walls), statistics.median(walls), min(cpus), statistics.median(cpus)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--reference", action="store_true",
                    help="also time pyfixest's wild bootstrap (wildboottest) on the same panel")
    args = ap.parse_args(argv)
    start = time.perf_counter()
    from analysis.programmes import synth_placebos, synthetic_control, wild_cluster_bootstrap
    from analysis.programmes._linalg import Projection, encode, fixed_effects_design

    print(f"import analysis.programmes: {time.perf_counter() - start:.3f} s")
    panel = simulated_panel()
    unit, _ = encode(panel.region.to_numpy())
    year, _ = encode(panel.year.to_numpy())
    proj = Projection(fixed_effects_design(unit, year))
    y, x = panel.y.to_numpy(), panel.d.to_numpy(float)

    def report(name, figures, target=None):
        best, med, cbest, cmed = figures
        verdict = "" if target is None else ("  ok" if best <= target else f"  SLOWER than target {target} s")
        print(f"{name:58s} best {best:.4f} s  median {med:.4f} s  cpu {cbest:.4f}/{cmed:.4f} s{verdict}")
        return target is None or best <= target

    ok = True
    ok &= report("WCR B=9999, 20x25, p-value",
                 timed(lambda: wild_cluster_bootstrap(y, x, proj, unit, B=9999, weights="rademacher", ci=False),
                       args.repeat), WCR_TARGET)
    report("WCR B=9999, 20x25, p-value + CI by test inversion",
           timed(lambda: wild_cluster_bootstrap(y, x, proj, unit, B=9999, weights="rademacher"), args.repeat))

    if args.reference:
        import pyfixest as pf

        fit = pf.feols("y ~ d | region + year", data=panel.assign(cl=unit), vcov={"CRV1": "cl"})
        report("reference: pyfixest wildboottest B=9999 (p-value)",
               timed(lambda: fit.wildboottest(param="d", reps=9999, seed=1), max(1, args.repeat // 2)))

    def placebo_set(predictors=None):
        res = synthetic_control(panel, "y", unit="region", time="year", treated_unit="R00", treatment_time=2019,
                                predictors=predictors)
        return synth_placebos(res)

    ok &= report("synthetic control + 19 placebos, default predictors",
                 timed(placebo_set, args.repeat), PLACEBO_TARGET)
    special = [("y", range(2000, 2010), "mean"), ("y", [2012], "mean"), ("y", [2015], "mean"), ("y", [2018], "mean")]
    report("synthetic control + 19 placebos, 4 special predictors",
           timed(lambda: placebo_set(special), max(1, args.repeat // 2)))

    from analysis.data import load_panel, load_programmes, load_regions
    from analysis.programmes import evaluate_programme

    real, progs, regions = load_panel("stable"), load_programmes(), load_regions()
    report("evaluate_programme(aral_2007, grp_per_capita_rel), shipped data",
           timed(lambda: evaluate_programme(real, progs, "aral_2007", "grp_per_capita_rel", regions=regions,
                                            synth_unit="KZ-43"), max(1, args.repeat // 2)))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
