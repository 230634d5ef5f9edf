"""Benchmark: every figure of an edition as PNG and as SVG (size, CPU), and CPU per notebook run.

Run: ``python -m bench.figures [--year 2023] [--repeat 1] [--no-notebooks]``.

Part 1, **PNG vs SVG** (issue 15): every ``report.figure`` call of the edition's
notebooks (the notebooks' own code, one region and one programme page standing
for their kinds, see ``tests/plots_edition.py``) is drawn in kk, ru and en from
the real data, then saved

- as PNG through matplotlib's Agg canvas at the book's dpi (what the book ships), and
- as SVG with real text (``svg.fonttype: none``: the reader's browser sets the
  glyphs in the font the CSS names, the file names only the family),

and the table prints, per figure, the CPU seconds of drawing (the figure
function), of each encoding, and each file's size (SVG also gzip-compressed,
as a web server would send it). The totals are what the choice between the two
formats is made on.

Part 2, **CPU per notebook run**: each notebook's code executed warm in this
process (``bench.notebooks.run_once``, the same measure as ``python -m
bench.notebooks``), best of ``--repeat`` runs, so the figure budget can be read
against the whole run.

No goal, exit code 0: the numbers feed the issue's closing note.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _edition_figures(year: int):
    """``(notebook, caption, draw)`` of the edition (the figure tests' collector, imported, not copied)."""
    tests = str(ROOT / "tests")
    if tests not in sys.path:
        sys.path.insert(0, tests)
    from plots_edition import edition_figures

    return edition_figures(year)


def _cpu(call):
    """``(result, CPU seconds)`` of ``call()``."""
    start = time.process_time()
    result = call()
    return result, time.process_time() - start


def measure_figure(draw, lang: str) -> dict:
    """Draw one figure in ``lang`` and encode it both ways; CPU seconds and bytes of each."""
    from analysis.plots import png_bytes, svg_text

    fig, draw_cpu = _cpu(lambda: draw(lang))
    png, png_cpu = _cpu(lambda: png_bytes(fig))
    svg, svg_cpu = _cpu(lambda: svg_text(fig).encode("utf-8"))
    return {"draw": draw_cpu, "png_cpu": png_cpu, "svg_cpu": svg_cpu, "png": len(png), "svg": len(svg),
            "svg_gz": len(gzip.compress(svg, 9, mtime=0))}


def compare_formats(year: int) -> list[dict]:
    """One row per (figure, language) of the edition, with :func:`measure_figure`'s numbers."""
    from analysis.i18n import LANGS

    rows = []
    for notebook, caption, draw in _edition_figures(year):
        for lang in LANGS:
            rows.append({"notebook": notebook, "caption": caption, "lang": lang, **measure_figure(draw, lang)})
    return rows


def _print_formats(rows: list[dict], year: int) -> None:
    print(f"figures of the {year} edition, per figure (sum over kk, ru, en):")
    print(f"{'notebook':<22} {'figure':<40} {'draw s':>7} {'png s':>6} {'svg s':>6} "
          f"{'png kB':>7} {'svg kB':>7} {'svg.gz kB':>9}")
    keyed: dict = {}
    for row in rows:
        keyed.setdefault((row["notebook"], row["caption"]), []).append(row)
    for (notebook, caption), group in keyed.items():
        total = {k: sum(r[k] for r in group) for k in ("draw", "png_cpu", "svg_cpu", "png", "svg", "svg_gz")}
        print(f"{notebook:<22} {caption[:40]:<40} {total['draw']:7.2f} {total['png_cpu']:6.2f} "
              f"{total['svg_cpu']:6.2f} {total['png'] / 1e3:7.0f} {total['svg'] / 1e3:7.0f} {total['svg_gz'] / 1e3:9.0f}")
    total = {k: sum(r[k] for r in rows) for k in ("draw", "png_cpu", "svg_cpu", "png", "svg", "svg_gz")}
    n = len(rows)
    print(f"\n{n} images ({len(keyed)} figures x 3 languages)")
    print(f"CPU: drawing {total['draw']:.2f} s; encoding PNG {total['png_cpu']:.2f} s, SVG {total['svg_cpu']:.2f} s "
          f"(per image: PNG {total['png_cpu'] / n * 1e3:.0f} ms, SVG {total['svg_cpu'] / n * 1e3:.0f} ms)")
    print(f"bytes: PNG {total['png'] / 1e6:.2f} MB, SVG {total['svg'] / 1e6:.2f} MB, SVG gzip {total['svg_gz'] / 1e6:.2f} MB "
          f"(median per image: PNG {statistics.median(r['png'] for r in rows) / 1e3:.0f} kB, "
          f"SVG {statistics.median(r['svg'] for r in rows) / 1e3:.0f} kB)")
    bigger = [(r["svg"] / r["png"], r["notebook"], r["caption"][:40]) for r in rows if r["lang"] == "en"]
    worst = max(bigger)
    print(f"largest SVG/PNG ratio: {worst[0]:.1f}x ({worst[1]}: {worst[2]})")


def notebook_cpu(repeat: int) -> dict[str, float]:
    """Best CPU seconds of a warm in-process run of each notebook (``bench.notebooks``' runs)."""
    from bench.notebooks import RUN, run_once

    best = {}
    for name, parameters in sorted(RUN.items()):
        run_once(name, **parameters)  # warm: imports, data tables, per-process caches
        best[name] = min(_cpu(lambda: run_once(name, **parameters))[1] for _ in range(max(1, repeat)))
        print(f"{name:<22} {best[name]:6.2f} s CPU per run ({parameters})", flush=True)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.figures", description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2023, help="edition whose figures are drawn")
    parser.add_argument("--repeat", type=int, default=1, help="timed warm runs per notebook (best is shown)")
    parser.add_argument("--no-notebooks", action="store_true", help="skip part 2 (CPU per notebook run)")
    args = parser.parse_args(argv)

    import matplotlib

    matplotlib.use("Agg")
    _print_formats(compare_formats(args.year), args.year)
    if not args.no_notebooks:
        print("\nCPU per notebook run (warm, in process):")
        notebook_cpu(args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
