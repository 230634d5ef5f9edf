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

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from analysis.i18n import gettext
from analysis.plots._common import MUTED, NATIONAL, PALETTE, attach_data, new_figure, number_axis, styled, wrap, year_axis

#: Colour of the regions' lines when every region is in the one club (the lines are context).
CONTEXT = "#b9c0c7"


@styled
def clubs_figure(panel: pd.DataFrame, value: str, result, lang: str, *, names: dict | None = None,
                 highlight: str | None = None) -> Figure:
    """Relative levels (region / mean of regions in the year) over ``result.start..end``, one colour per club.

    With a single club and no divergent region colour says nothing, so the lines are
    drawn as grey context and the highest, the lowest and the highlighted region of
    the last year are named; the title says that all regions form one club.

    Parameters
    ----------
    panel : pandas.DataFrame
        Columns ``region``, ``year`` and ``value``.
    value : str
        The level column the clubs were found on.
    result : analysis.convergence.results.ClubsResult
    lang : {"kk", "ru", "en"}
    names : dict, optional
        ``{code: label}``; the regions named at the right end of their lines.
    highlight : str, optional
        A region drawn thicker and named at its last point.

    Returns
    -------
    matplotlib.figure.Figure
        With the relative levels and each region's club attached as its data table.
    """
    window = panel[(panel["year"] >= result.start) & (panel["year"] <= result.end)]
    wide = window.pivot(index="year", columns="region", values=value)
    relative = wide.div(wide.mean(axis=1), axis=0)
    club_of = {member: number for number, club in enumerate(result.clubs) for member in club.members}
    single = len(result.clubs) == 1 and not result.divergent
    fig, ax = new_figure(figsize=(7.0, 4.4))
    shown = [c for c in relative.columns if c in club_of or c in result.divergent]
    for code in shown:
        if single:
            colour = MUTED if code != highlight else NATIONAL
        else:
            colour = PALETTE[club_of[code] % len(PALETTE)] if code in club_of else MUTED
        series = relative[code].dropna()
        ax.plot(series.index, series.to_numpy(), color=CONTEXT if single and code != highlight else colour,
                linewidth=2.4 if code == highlight else 1.1, linestyle="-" if code in club_of else ":")
    ax.axhline(1.0, color="#666666", linewidth=0.9)
    if single:
        title = gettext("One convergence club: all {n} regions converge", lang, n=str(len(shown)))
    else:
        title = gettext("Convergence clubs", lang)
        handles = [Line2D([], [], color=PALETTE[i % len(PALETTE)], label=gettext("Club {number}", lang, number=str(i + 1)))
                   for i in range(len(result.clubs))]
        if result.divergent:
            handles.append(Line2D([], [], color=MUTED, linestyle=":", label=gettext("In no club", lang)))
        ax.legend(handles=handles, loc="best")
    if names:
        last = relative[shown].ffill().iloc[-1].dropna()
        named = [highlight] if highlight in last.index else []
        if single and len(last):
            named += [last.idxmax(), last.idxmin()]
        _name_ends(ax, last, [c for i, c in enumerate(named) if c not in named[:i] and c in names], names)
    ax.set_ylabel(wrap(gettext("Level relative to the mean of regions (mean = 1)", lang), 34))
    ax.set_title(title, y=1.0)
    year_axis(ax)
    number_axis(ax, lang)
    table = relative[shown].T
    table.insert(0, gettext("Club", lang), [str(club_of[c] + 1) if c in club_of else "–" for c in table.index])
    table.insert(0, gettext("Region", lang), [(names or {}).get(c, c) for c in table.index])
    table.columns = [str(c) for c in table.columns]
    return attach_data(fig, table.reset_index(drop=True))


def _name_ends(ax, last: pd.Series, codes: list, names: dict) -> None:
    """Name ``codes`` right of the last year, spread apart vertically so that no two names touch."""
    if not codes:
        return
    ymin, ymax = ax.get_ylim()
    gap = (ymax - ymin) * 0.07  # about one line of 8-pt text on a 4.4 in tall axes
    wanted = sorted(((float(last[c]), c) for c in codes), reverse=True)
    placed = []
    for y, code in wanted:
        if placed and placed[-1][0] - y < gap:
            y = placed[-1][0] - gap
        placed.append((y, code))
    x = last.name if last.name is not None else ax.get_xlim()[1]
    for y, code in placed:
        ax.annotate(names[code], (x, y), xytext=(6, 0), textcoords="offset points", fontsize=8.5, va="center",
                    annotation_clip=False)
