"""Run every benchmark: ``python -m bench [--only NAME ...]``.

Each ``bench/<name>.py`` module with a ``main(argv) -> int`` is run in turn
(alphabetical order, each with its default arguments); the exit code is
non-zero when any benchmark misses its goal or fails.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import time
import traceback
from pathlib import Path


def modules() -> list[str]:
    """Names of the benchmark modules in this package."""
    here = Path(__file__).parent
    return sorted(m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=modules(), help="run only this benchmark (repeatable)")
    args = parser.parse_args(argv)
    results: dict[str, str] = {}
    for name in args.only or modules():
        print(f"\n=== bench.{name} ===", flush=True)
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"bench.{name}")
            entry = getattr(module, "main", None)
            if entry is None:
                results[name] = "no main()"
                continue
            code = entry([])
            results[name] = "ok" if not code else f"missed goal (exit {code})"
        except Exception:  # one broken benchmark must not hide the others' figures
            traceback.print_exc()
            results[name] = "error"
        results[name] += f", {time.perf_counter() - started:.1f} s"
    print("\n=== summary ===")
    for name, verdict in results.items():
        print(f"{name:<20} {verdict}")
    return 0 if all(v.startswith("ok") for v in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
