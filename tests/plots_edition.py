"""Every figure of an edition, drawn in-process from the real data (a helper of the figure tests).

The notebooks are executed cell by cell in one namespace, with ``report.figure``
replaced by a recorder: each call's ``draw`` is kept, so a test can draw the
figure in every language exactly as the run would.
"""
from __future__ import annotations

from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def edition_figures(year: int = 2023, region: str = "KZ-43", programme: str | None = None) -> list[tuple[str, str, object]]:
    """``(notebook, caption msgid, draw)`` of every ``report.figure`` call of the edition's pages.

    One region page and one programme page stand for their kinds (the same code draws all of them).
    """
    from analysis import report
    from analysis.data import load_programmes

    if programme is None:
        programmes = load_programmes()
        import pandas as pd

        starts = pd.to_numeric(programmes["start"].astype("string").str.slice(0, 4), errors="coerce")
        programme = sorted(programmes.loc[starts <= year, "programme"].unique())[0]
    found = []
    original = report.figure
    params = {"year": year, "data_dir": "", "region": region, "programme": programme}
    try:
        for path in sorted(NOTEBOOKS.glob("*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            report.figure = lambda draw, caption, *a, _n=path.stem, **k: found.append((_n, caption, draw))
            namespace = {"__name__": "__main__"}
            with report.capture():
                for cell in nb.cells:
                    if cell.cell_type != "code":
                        continue
                    if "parameters" in cell.metadata.get("tags", []):
                        exec(cell.source, namespace)
                        namespace.update({k: v for k, v in params.items() if k in namespace})
                        continue
                    exec(compile(cell.source, f"{path.name}", "exec"), namespace)
    finally:
        report.figure = original
    return found
