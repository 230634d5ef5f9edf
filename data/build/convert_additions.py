"""One-off conversion of the December 2026 additions into a template for ``aimaq data add``.

Kept for provenance only; the project never runs it. It reads only the folder given on the
command line and writes one template CSV (the columns of ``build/template.csv``) plus the
Business Roadmap intensity table::

    python data/build/convert_additions.py /path/to/additions-2026-12 /tmp/additions.csv data/

What it does, and nothing more (no figure is computed, interpolated or estimated):

* renames ``region_code`` -> ``region`` and quotes BNS's element id in ``source``;
* sets the ``territory`` of Almaty oblast, Karaganda and East Kazakhstan: post-2022 from the
  year their offshoot first appears in the same series (volume index: Jetisu and Abai from 2021,
  Ulytau from 2022; investment: all three from 2022; GRP 2023-2025: post-2022), pre-2022 before
  -- the additions README's rule, checked here for the volume index with previous-year nominal
  weights against the national index (see SOURCES.md);
* takes from the current population vintage only the 1 January totals of 2024-2026 (new
  figures; the vintage's recalculated 2009-2023 figures are not taken, see SOURCES.md);
* renames the Business Roadmap series to ``programme_intensity.csv`` (post-2022 map in every year).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

SPLIT_PARENTS = {"KZ-19": "KZ-33", "KZ-35": "KZ-62", "KZ-63": "KZ-10"}
TEMPLATE = ["region", "year", "indicator", "territory", "value", "source", "note"]


def _territory(frame: pd.DataFrame) -> pd.Series:
    """post-2022 from the first year the offshoot has a figure in the same indicator."""
    terr = pd.Series("", index=frame.index)
    for parent, child in SPLIT_PARENTS.items():
        for indicator, rows in frame.groupby("indicator"):
            child_years = rows.loc[rows["region"] == child, "year"]
            first = int(child_years.min()) if len(child_years) else 10_000
            mask = (frame["indicator"] == indicator) & (frame["region"] == parent)
            terr[mask] = frame.loc[mask, "year"].map(lambda y: "post-2022" if y >= first else "pre-2022")
    return terr


def convert(src: Path, out: Path, data_dir: Path) -> None:
    add = pd.read_csv(src / "kz_panel_additions_long.csv", dtype=str, keep_default_na=False)
    add = add.rename(columns={"region_code": "region"})
    add["year"] = add["year"].astype(int)
    damu = add[add["indicator"] == "business_roadmap_subsidised_loans_approved"].copy()
    bns = add[add["indicator"] != "business_roadmap_subsidised_loans_approved"].copy()
    bns["territory"] = _territory(bns)
    bns["note"] = ""
    bns.loc[bns["indicator"].eq("grp_nominal") & bns["year"].eq(2023), "note"] = "2023 final (revises the preliminary figure)"

    pop = pd.read_csv(src / "kz_population_current_vintage_long.csv", dtype=str, keep_default_na=False)
    pop = pop.rename(columns={"region_code": "region"})
    pop["year"] = pop["year"].astype(int)
    pop = pop[(pop["indicator"] == "population_jan1_current_vintage") & (pop["year"] >= 2024)].copy()
    pop["indicator"] = "population_jan1"
    pop["territory"] = pop["region"].map(lambda r: "post-2022" if r in SPLIT_PARENTS else "")
    pop["note"] = "BNS current vintage (2021-census basis, today's map)"
    template = pd.concat([bns[TEMPLATE], pop[TEMPLATE]], ignore_index=True)
    template = template.sort_values(["indicator", "region", "year", "territory"], kind="stable")
    template.to_csv(out, index=False, lineterminator="\n")

    damu = damu.assign(programme="business_roadmap_2020", map="post-2022",
                       indicator="subsidised_loans_approved", unit="billion KZT",
                       note="loans approved for interest subsidy in the year of approval (not money spent)",
                       recorded="2026-12-05")
    cols = ["programme", "indicator", "region", "year", "map", "value", "unit", "source", "note", "recorded"]
    damu[cols].sort_values(["region", "year"]).to_csv(data_dir / "programme_intensity.csv", index=False,
                                                      lineterminator="\n")


if __name__ == "__main__":
    convert(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
