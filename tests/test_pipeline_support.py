"""A tiny synthetic Aimaq project for the pipeline and verify tests.

Synthetic data with a known truth: region KZ-10 has value 10 * (year - 2000),
KZ-43 has value 2 * (year - 2000); the notebooks glue the mean of the values
up to the edition year, so every expected number is known in advance.
Not a test module itself (it holds no tests); the pipeline tests import it.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import nbformat

REGIONS = ("KZ-10", "KZ-43")
EDITIONS = (2021, 2022)


def value(region: str, year: int) -> float:
    return (10.0 if region == "KZ-10" else 2.0) * (year - 2000)


def expected_mean(year: int) -> float:
    values = [value(r, y) for r in REGIONS for y in range(2018, year + 1)]
    return sum(values) / len(values)


PARAMETERS = {
    "summary": "year = 2022\ndata_dir = \"\"",
    "region": "region = \"KZ-43\"\nyear = 2022\ndata_dir = \"\"",
}

LOAD = '''
import os
import pandas as pd
folder = data_dir or os.environ.get("AIMAQ_DATA_DIR", "data")
obs = pd.read_csv(os.path.join(folder, "observations.csv"))
valid_years = sorted(obs["year"].unique())
if year not in valid_years:
    raise ValueError(f"year {year!r} is not valid: expected one of {valid_years}")
obs = obs[obs["year"] <= year]
'''

SUMMARY = '''
from IPython.display import HTML, display
from myst_nb import glue
import matplotlib.pyplot as plt
mean = obs["value"].mean()
glue("mean", mean, display=False)
glue("n_obs", int(len(obs)), display=False)
glue("label", "mean of all values", display=False)
glue("table", obs.groupby("region")["value"].sum().to_frame(), display=False)
for lang, word in (("kk", "орташа"), ("ru", "среднее"), ("en", "mean")):
    display(HTML(f"<table><tr><th>{word}</th><td>{mean:.4f}</td></tr></table>"),
            metadata={"aimaq": {"lang": lang}})
fig, ax = plt.subplots(figsize=(2, 2))
ax.plot(obs["year"], obs["value"], "o")
plt.close(fig)
print("rows", len(obs))
'''

REGION = '''
from myst_nb import glue
valid = sorted(obs["region"].unique())
if region not in valid:
    raise ValueError(f"region {region!r} is not valid: expected one of {valid}")
mine = obs[obs["region"] == region]
glue("last_value", float(mine.sort_values("year")["value"].iloc[-1]), display=False)
glue("region_mean", mine["value"].mean(), display=False)
'''


def notebook(parameters: str, *bodies: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "language": "python", "display_name": "Python 3"}
    cell = nbformat.v4.new_code_cell(parameters)
    cell.metadata.tags = ["parameters", "remove-cell"]
    nb.cells = [cell] + [nbformat.v4.new_code_cell(textwrap.dedent(b).strip()) for b in bodies]
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index}"  # fixed ids: the test notebooks are deterministic too
    return nb


def write_observations(data_dir: Path, edits: dict | None = None) -> None:
    lines = ["region,year,value"]
    for region in REGIONS:
        for year in range(2018, 2023):
            lines.append(f"{region},{year},{(edits or {}).get((region, year), value(region, year))}")
    (data_dir / "observations.csv").write_text("\n".join(lines) + "\n")


def make_project(root: Path, extra_runs: str = "", editions=EDITIONS) -> Path:
    """Write notebooks, manifest and data under ``root``; return ``root``."""
    (root / "notebooks").mkdir(parents=True, exist_ok=True)
    (root / "data").mkdir(exist_ok=True)
    write_observations(root / "data")
    nbformat.write(notebook(PARAMETERS["summary"], LOAD, SUMMARY), root / "notebooks" / "summary.ipynb")
    nbformat.write(notebook(PARAMETERS["region"], LOAD, REGION), root / "notebooks" / "region.ipynb")
    (root / "notebooks" / "manifest.yml").write_text(textwrap.dedent(f"""\
        editions: {list(editions)}
        preload: [pandas, matplotlib.pyplot, myst_nb]
        runs:
          - {{notebook: summary.ipynb, page: summary, part: overview}}
          - {{notebook: region.ipynb, page: "regions/{{region}}", part: regions, foreach: region}}
        """) + extra_runs)
    return root


PROVIDERS = {"region": lambda year: list(REGIONS)}


_LIBRARY: list[str] = []


def frozen_library() -> str:
    """The library fingerprint, computed once per test session.

    Other engineers edit ``src/analysis`` while these tests run; a key that
    moved between two builds of one test would make cache tests flaky. The
    fingerprint itself is tested on a private package directory.
    """
    from analysis.pipeline.cache import library_fingerprint

    if not _LIBRARY:
        # A child process of a test inherits its parent's value.
        _LIBRARY.append(os.environ.get("AIMAQ_TEST_LIBRARY_KEY") or library_fingerprint())
    return _LIBRARY[0]


def build(root: Path, **kwargs):
    from analysis.pipeline import run_pipeline, runner

    runner.library_fingerprint = frozen_library
    kwargs.setdefault("jobs", 2)
    kwargs.setdefault("providers", PROVIDERS)
    return run_pipeline(root=root, **kwargs)
