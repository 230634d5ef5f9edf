"""Every figure of an edition, drawn in-process from the real data (a helper of the figure tests).

The notebooks are executed cell by cell in one namespace under
``analysis.report.figure.recording()``: each ``report.figure`` call's ``draw`` is kept (whether the
notebook or a page renderer made the call), so a test can draw the figure in every language
exactly as the run would.
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
    from analysis.report.figure import recording

    if programme is None:
        programmes = load_programmes()
        import pandas as pd

        starts = pd.to_numeric(programmes["start"].astype("string").str.slice(0, 4), errors="coerce")
        programme = sorted(programmes.loc[starts <= year, "programme"].unique())[0]
    found = []
    params = {"year": year, "data_dir": "", "region": region, "programme": programme}
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        namespace = {"__name__": "__main__"}
        # recording(): every figure() call, from the notebook or from a page renderer, is kept, not drawn
        with report.capture(), recording() as calls:
            for cell in nb.cells:
                if cell.cell_type != "code":
                    continue
                if "parameters" in cell.metadata.get("tags", []):
                    exec(cell.source, namespace)
                    namespace.update({k: v for k, v in params.items() if k in namespace})
                    continue
                exec(compile(cell.source, f"{path.name}", "exec"), namespace)
        found += [(path.stem, caption, draw) for caption, draw in calls]
    return found
