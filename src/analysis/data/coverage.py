"""What the data cover, and how the computed GRP per capita compares with the published one."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from analysis.data.panel import load_national, load_panel
from analysis.data.products import product_loader


@product_loader()
def coverage_table(basis: str = "stable", data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Indicator x (first year, last year, years, units, cells) on one basis.

    Examples
    --------
    >>> cov = coverage_table("stable")
    >>> int(cov.loc["grp_nominal", "first_year"])
    1993
    """
    panel = load_panel(basis, data_dir)
    rows = {}
    for column in panel.columns.drop(["region", "year"]):
        cells = panel.loc[panel[column].notna(), ["region", "year"]]
        if cells.empty:
            continue
        rows[column] = {
            "first_year": int(cells["year"].min()),
            "last_year": int(cells["year"].max()),
            "years": int(cells["year"].nunique()),
            "units": int(cells["region"].nunique()),
            "cells": len(cells),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


@product_loader()
def per_capita_check(data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Computed ``grp_per_capita`` against BNS's published ``grp_per_capita_nominal``.

    Compared wherever both exist as figures for the same territory: the current basis, the
    stable basis's directly published cells (population-weighted approximations excluded) and
    Kazakhstan. Returns one row per comparison, largest relative difference first.

    Examples
    --------
    >>> check = per_capita_check()
    >>> bool((check["rel_diff"].abs().diff().dropna() <= 0).all())
    True
    """
    frames = []
    for basis in ("current", "stable"):
        panel = load_panel(basis, data_dir)
        approx = {(r, y) for r, y, i in panel.attrs["approximate"] if i == "grp_per_capita_nominal"}
        both = panel[panel["grp_per_capita"].notna() & panel["grp_per_capita_nominal"].notna()]
        keep = [(r, y) not in approx for r, y in zip(both["region"], both["year"])]
        frames.append(both.loc[keep, ["region", "year", "grp_per_capita", "grp_per_capita_nominal"]].assign(basis=basis))
    nat = load_national(data_dir).reset_index()
    nat = nat[nat["grp_per_capita"].notna() & nat["grp_per_capita_nominal"].notna()]
    frames.append(nat[["year", "grp_per_capita", "grp_per_capita_nominal"]].assign(region="KZ", basis="national"))
    out = pd.concat(frames, ignore_index=True)
    out = out.drop_duplicates(["region", "year"])  # unchanged units appear on both bases
    out["rel_diff"] = out["grp_per_capita"] / out["grp_per_capita_nominal"] - 1
    order = np.argsort(-out["rel_diff"].abs().to_numpy(), kind="stable")
    return out.iloc[order].reset_index(drop=True)[
        ["region", "year", "basis", "grp_per_capita", "grp_per_capita_nominal", "rel_diff"]
    ]
