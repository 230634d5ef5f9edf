"""Rank uncertainty: each region's headline rank and the interval of its ranks over method variants.

Examples
--------
>>> import pandas as pd
>>> from analysis.plots.rank_intervals import rank_interval_figure
>>> ranks = pd.DataFrame({"median": [1, 2], "low": [1, 1], "high": [2, 3], "nominal": [1, 2]}, index=["A", "B"])
>>> fig = rank_interval_figure(ranks, (0.05, 0.95), "en", names={"A": "Alpha", "B": "Beta"})
>>> len(fig.axes)
1
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.i18n import gettext
from analysis.plots._common import ACCENT, NATIONAL, attach_data, new_figure, styled, wrap


@styled
def rank_interval_figure(ranks: pd.DataFrame, interval: tuple[float, float], lang: str, *, names: dict,
                         highlight: tuple[str, ...] = ()) -> Figure:
    """Horizontal intervals ``low``–``high`` with the median and the headline (nominal) rank.

    Parameters
    ----------
    ranks : pandas.DataFrame
        ``SensitivityResult.ranks``: indexed by region, columns ``median``, ``low``, ``high``, ``nominal``.
    interval : tuple of float
        The quantiles behind ``low`` and ``high`` (``SensitivityResult.rank_interval``), for the legend.
    lang : {"kk", "ru", "en"}
    names : dict
        ``{region code: name in lang}``.
    highlight : tuple of str
        Focus regions, drawn in the accent colour.

    Returns
    -------
    matplotlib.figure.Figure
    """
    ordered = ranks.sort_values(["nominal", "median"])
    n = len(ordered)
    fig, ax = new_figure(figsize=(7.0, 0.28 * n + 1.4))
    y = np.arange(n)[::-1]
    colours = [ACCENT if c in highlight else NATIONAL for c in ordered.index]
    ax.hlines(y, ordered["low"], ordered["high"], colors=colours, linewidth=2.2)
    ax.scatter(ordered["median"], y, color="white", edgecolors=colours, s=28, zorder=3,
               label=gettext("Median rank over the variants", lang))
    ax.scatter(ordered["nominal"], y, color=colours, marker="|", s=160, zorder=4,
               label=gettext("Rank under the headline method", lang))
    ax.set_yticks(y, [names.get(c, c) for c in ordered.index], fontsize=8)
    for label, code in zip(ax.get_yticklabels(), ordered.index):
        if code in highlight:
            label.set_color(ACCENT)
            label.set_fontweight("bold")
    ax.set_xlim(0.5, n + 0.5)
    ax.invert_xaxis()
    ax.set_xticks(range(1, n + 1))
    ax.set_xlabel(wrap(gettext("Rank (1 = best); lines span the {low}–{high} percentiles of ranks", lang,
                          low=str(round(interval[0] * 100)), high=str(round(interval[1] * 100))), 56))
    ax.grid(axis="y", visible=False)
    fig.legend(loc="outside upper center", ncols=2, fontsize=8)
    low, high = (str(round(q * 100)) for q in interval)
    data = pd.DataFrame({gettext("Region", lang): [names.get(c, c) for c in ordered.index],
                         gettext("Rank under the headline method", lang): ordered["nominal"].to_numpy(),
                         gettext("Median rank over the variants", lang): ordered["median"].to_numpy(dtype=float),
                         gettext("Rank, {q}th percentile of the variants", lang, q=low): ordered["low"].to_numpy(),
                         gettext("Rank, {q}th percentile of the variants", lang, q=high): ordered["high"].to_numpy()})
    return attach_data(fig, data)
