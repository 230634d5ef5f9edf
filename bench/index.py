"""Benchmark: Monte Carlo sensitivity of the composite index (target: 10,000 draws, 20 regions <= 2 s).

Run: ``python -m bench.index``. Uses a constructed (seeded, synthetic) panel with
the shape of the real one (20 regions, 8 indicators in 3 pillars) so the timing
does not depend on the data files; with ``--real`` it uses the shipped panel.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from analysis.index import Framework, Pillar, build_index, sensitivity

TARGET_SECONDS = 2.0


def constructed_panel(regions: int = 20, seed: int = 0) -> tuple[pd.DataFrame, Framework, pd.DataFrame]:
    """A synthetic one-year panel with the real framework's shape (benchmarks only)."""
    rng = np.random.default_rng(seed)
    ids = [f"x{i}" for i in range(8)]
    pillars = (Pillar("economic", 1.0, tuple(ids[:3]), (1.0,) * 3),
               Pillar("social", 1.0, tuple(ids[3:5]), (1.0,) * 2),
               Pillar("environmental", 1.0, tuple(ids[5:]), (1.0,) * 3))
    polarity = {i: (-1 if i in ("x2", "x5", "x6") else 1) for i in ids}
    data = rng.lognormal(mean=1.0, sigma=0.5, size=(regions, len(ids)))
    panel = pd.DataFrame(data, columns=ids)
    panel.insert(0, "year", 2022)
    panel.insert(0, "region", [f"R{i:02d}" for i in range(regions)])
    national = pd.DataFrame([data.mean(axis=0)], columns=ids, index=pd.Index([2022], name="year"))
    return panel, Framework("bench", pillars, polarity), national


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--real", action="store_true", help="use the shipped panel (latest covered year)")
    args = ap.parse_args(argv)
    if args.real:
        from analysis.data import load_national, load_panel
        from analysis.index import load_framework

        panel, framework, national = load_panel(basis="current"), load_framework(), load_national()
    else:
        panel, framework, national = constructed_panel()
    build_index(panel, framework, national=national)  # warm-up: imports, caches
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        res = sensitivity(panel, framework, national=national, draws=args.draws, seed=1)
        times.append(time.perf_counter() - t0)
    best = min(times)
    print(f"index.sensitivity: {args.draws} draws x {len(res.regions)} regions: "
          f"best {best:.3f} s, median {sorted(times)[len(times) // 2]:.3f} s of {args.repeat} "
          f"(target <= {TARGET_SECONDS:.1f} s) {'OK' if best <= TARGET_SECONDS else 'TOO SLOW'}")
    return 0 if best <= TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
