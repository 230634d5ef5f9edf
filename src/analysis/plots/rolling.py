"""Rolling β-convergence: the slope of each window, coloured by its verdict.

Examples
--------
>>> import pandas as pd
>>> from analysis.plots.rolling import rolling_beta_figure
>>> table = pd.DataFrame({"start": [2000, 2001], "end": [2010, 2011], "beta": [-0.01, 0.002],
...                       "verdict": ["converging", "no_significant_change"]})
>>> len(rolling_beta_figure(table, "kk").axes)
1
"""
from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from analysis.i18n import gettext
from analysis.plots._common import ACCENT, MUTED, NATIONAL, PALETTE, attach_data, new_figure, number_axis, styled, wrap, year_axis


def verdict_label(verdict: str, lang: str) -> str:
    """Short legend label of a verdict key."""
    if verdict == "converging":
        return gettext("Converging", lang)
    if verdict == "diverging":
        return gettext("Diverging", lang)
    return gettext("No significant change", lang)


@styled
def rolling_beta_figure(table: pd.DataFrame, lang: str) -> Figure:
    """β of every rolling window against the window's last year; colour = the window's verdict.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`analysis.convergence.rolling_beta` output: ``start``, ``end``, ``beta``, ``verdict``.
    lang : {"kk", "ru", "en"}

    Returns
    -------
    matplotlib.figure.Figure
    """
    colours = {"converging": PALETTE[0], "diverging": ACCENT, "no_significant_change": MUTED}
    fig, ax = new_figure(figsize=(6.0, 3.8))
    ax.axhline(0.0, color=NATIONAL, linewidth=0.8)
    ax.plot(table["end"], table["beta"], color="#c7ccd1", linewidth=1.0, zorder=1)
    ax.scatter(table["end"], table["beta"], c=[colours.get(v, MUTED) for v in table["verdict"]], s=26, zorder=2)
    present = [v for v in ("converging", "no_significant_change", "diverging") if v in set(table["verdict"])]
    ax.legend(handles=[Line2D([], [], linestyle="", marker="o", color=colours[v], label=verdict_label(v, lang))
                              for v in present], loc="best")
    length = int((table["end"] - table["start"]).iloc[0]) if len(table) else 0
    ax.set_title(gettext("β in rolling {length}-year windows", lang, length=str(length)), y=1.0)
    ax.set_xlabel(gettext("Last year of the window", lang))
    ax.set_ylabel(wrap(gettext("β, change in annual growth per unit of log level", lang), 34))
    year_axis(ax)
    number_axis(ax, lang)
    table = pd.DataFrame({gettext("First year of the window", lang): table["start"].astype(int).to_numpy(),
                          gettext("Last year of the window", lang): table["end"].astype(int).to_numpy(),
                          "β": table["beta"].to_numpy(dtype=float),
                          gettext("Verdict", lang): [verdict_label(v, lang) for v in table["verdict"]]})
    return attach_data(fig, table)
