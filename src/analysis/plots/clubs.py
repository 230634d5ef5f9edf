"""Convergence clubs: each region's level relative to the cross-regional mean, coloured by club.

Examples
--------
>>> import numpy as np, pandas as pd
>>> from analysis.convergence.results import Club, ClubsResult
>>> from analysis.plots.clubs import clubs_figure
>>> p = pd.DataFrame({"region": np.repeat(list("abc"), 5), "year": np.tile(range(5), 3),
...                   "y": np.r_[np.full(5, 2.0), np.full(5, 2.1), np.full(5, 1.0)]})
>>> r = ClubsResult(b=0.1, t_stat=1.0, critical=1.65, clubs=(Club(("a", "b"), 0.1, 1.0),),
...                 initial_clubs=(), divergent=("c",), start=0, end=4, trim=0.3, hp_lambda=None,
...                 verdict="converging", alpha=0.05)
>>> fig = clubs_figure(p, "y", r, "en")
>>> len(fig.axes)
1
"""
from __future__ import annotations

import textwrap

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from analysis.i18n import gettext
from analysis.plots._common import (MUTED, PALETTE, inside, keep, layout_per_language, new_figure, number_axis,
                                     reused, styled, year_axis)


@styled
def clubs_figure(panel: pd.DataFrame, value: str, result, lang: str, *, names: dict | None = None,
                 highlight: str | None = None) -> Figure:
    """Relative levels (region / mean of regions in the year) over ``result.start..end``, one colour per club.

    Parameters
    ----------
    panel : pandas.DataFrame
        Columns ``region``, ``year`` and ``value``.
    value : str
        The level column the clubs were found on.
    result : analysis.convergence.results.ClubsResult
    lang : {"kk", "ru", "en"}
    names : dict, optional
        ``{code: label}``; the line of ``highlight`` is labelled with it.
    highlight : str, optional
        A region drawn thicker and labelled at its last point.

    Returns
    -------
    matplotlib.figure.Figure
    """
    key = ("clubs_figure", value, highlight)
    built = reused(key, panel, result)
    if built is None:
        built = _draw_clubs(panel, value, result, highlight)
        keep(key, (panel, result), built)
    fig, ax, label = built
    # Only the texts depend on the language: set them on the (possibly reused) artists.
    if label is not None:
        label.set_visible(bool(names) and highlight in names)
        label.set_text(names[highlight] if label.get_visible() else "")
    labels = [gettext("Club {number}", lang, number=str(i + 1)) for i in range(len(result.clubs))]
    if result.divergent:
        labels.append(gettext("In no club", lang))
    for text, entry in zip(ax.get_legend().get_texts(), labels):
        text.set_text(entry)
    ax.set_ylabel("\n".join(textwrap.wrap(gettext("Level relative to the mean of regions", lang), 32)))
    ax.set_title(gettext("Convergence clubs", lang), y=1.0)
    number_axis(ax, lang)
    return fig


def _draw_clubs(panel: pd.DataFrame, value: str, result, highlight: str | None):
    """The language-independent artists: ``(figure, axes, label of the highlighted region or None)``."""
    window = panel[(panel["year"] >= result.start) & (panel["year"] <= result.end)]
    wide = window.pivot(index="year", columns="region", values=value)
    relative = wide.div(wide.mean(axis=1), axis=0)
    club_of = {}
    for number, club in enumerate(result.clubs):
        for member in club.members:
            club_of[member] = number
    fig, ax = new_figure(figsize=(7.2, 4.2))
    layout_per_language(fig)  # the highlighted region's name, right of the axes, sets the right margin
    label = None
    for code in relative.columns:
        if code not in club_of and code not in result.divergent:
            continue
        colour = PALETTE[club_of[code] % len(PALETTE)] if code in club_of else MUTED
        series = relative[code].dropna()
        ax.plot(series.index, series.to_numpy(), color=colour, linewidth=2.4 if code == highlight else 1.1,
                linestyle="-" if code in club_of else ":")
        if code == highlight and len(series):
            label = ax.annotate("", (series.index[-1], series.iloc[-1]), xytext=(4, 0),
                                textcoords="offset points", fontsize=8, va="center", color=colour)
    handles = [Line2D([], [], color=PALETTE[i % len(PALETTE)], label=f"club {i + 1}")
               for i in range(len(result.clubs))]
    if result.divergent:
        handles.append(Line2D([], [], color=MUTED, linestyle=":", label="none"))
    inside(ax.legend(handles=handles, fontsize=8, loc="best"))  # placeholder labels: set per language
    ax.axhline(1.0, color="#999999", linewidth=0.8)
    year_axis(ax)
    return fig, ax, label
