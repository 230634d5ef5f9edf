"""Composite index figure: each region's pillar scores and composite, in rank order.

Examples
--------
>>> import pandas as pd
>>> from analysis.plots.index_scores import index_figure
>>> table = pd.DataFrame({"economic": [0.9, 0.2], "social": [0.5, 0.4], "composite": [0.7, 0.3],
...                       "rank": [1, 2]}, index=["A", "B"])
>>> fig = index_figure(table, ["economic", "social"], "en", names={"A": "Alpha", "B": "Beta"})
>>> len(fig.axes)
1
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.i18n import gettext
from analysis.plots._common import ACCENT, NATIONAL, PALETTE, attach_data, new_figure, number_axis, styled

def pillar_label(pillar: str, lang: str) -> str:
    """Translated pillar name (``economic`` → "Economic pillar"); an unknown id is shown as it is."""
    if pillar == "economic":
        return gettext("Economic pillar", lang)
    if pillar == "social":
        return gettext("Social pillar", lang)
    if pillar == "environmental":
        return gettext("Environmental pillar", lang)
    return pillar


@styled
def index_figure(table: pd.DataFrame, pillars: list[str], lang: str, *, names: dict,
                 highlight: tuple[str, ...] = ()) -> Figure:
    """Dots for pillar scores and a bar for the composite, one row per region, best at the top.

    Parameters
    ----------
    table : pandas.DataFrame
        ``IndexResult.table``: indexed by region, pillar columns, ``composite`` and ``rank``.
    pillars : list of str
        Pillar column ids, in the framework's order.
    lang : {"kk", "ru", "en"}
    names : dict
        ``{region code: name in lang}``.
    highlight : tuple of str
        Region codes whose names are drawn in bold accent colour (focus regions).

    Returns
    -------
    matplotlib.figure.Figure
    """
    ordered = table.sort_values("rank")
    n = len(ordered)
    fig, ax = new_figure(figsize=(7.4, 0.28 * n + 1.4))
    y = np.arange(n)[::-1]
    ax.barh(y, ordered["composite"], color="#d9dde1", height=0.7, label=gettext("Composite index", lang))
    markers = ("o", "s", "D", "^", "v")
    for i, pillar in enumerate(pillars):
        ax.scatter(ordered[pillar], y, s=18, marker=markers[i % len(markers)], color=PALETTE[i % len(PALETTE)],
                   zorder=3, label=pillar_label(pillar, lang))
    ax.set_yticks(y, [f"{int(r)}. {names.get(c, c)}" for c, r in zip(ordered.index, ordered["rank"])], fontsize=8)
    ax.tick_params(axis="y", colors=NATIONAL)
    for label, code in zip(ax.get_yticklabels(), ordered.index):
        if code in highlight:
            label.set_color(ACCENT)
            label.set_fontweight("bold")
    ax.set_xlim(0, 1.02 if float(np.nanmax(ordered[pillars + ["composite"]].to_numpy())) <= 1 else None)
    ax.set_xlabel(gettext("Score (0 = lowest, 1 = highest among regions)", lang))
    ax.grid(axis="y", visible=False)
    fig.legend(loc="outside upper center", ncols=2, fontsize=8)
    number_axis(ax, lang, axis="x")
    data = pd.DataFrame({gettext("Region", lang): [names.get(c, c) for c in ordered.index],
                         gettext("Rank (1 = best)", lang): ordered["rank"].astype(int).to_numpy(),
                         gettext("Composite index", lang): ordered["composite"].to_numpy(dtype=float)})
    for pillar in pillars:
        data[pillar_label(pillar, lang)] = ordered[pillar].to_numpy(dtype=float)
    return attach_data(fig, data)
