"""β-convergence scatter: average annual growth against the initial level, with the fitted line, λ and half-life.

Examples
--------
>>> import pandas as pd
>>> from analysis.convergence import beta
>>> from analysis.plots.beta import beta_scatter
>>> p = pd.DataFrame({"region": list("abcd") * 2, "year": [0] * 4 + [10] * 4,
...                   "y": [1.0, 2.0, 3.0, 4.0, 1.50, 2.40, 3.25, 4.10]})
>>> fig = beta_scatter(p, "y", beta(p, "y", 0, 10), "en", names={c: c for c in "abcd"})
>>> len(fig.axes)
1
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.i18n import gettext
from analysis.plots._common import ACCENT, NATIONAL, attach_data, new_figure, num, number_axis, styled, wrap
from analysis.plots._labels import place_labels


def spells(panel: pd.DataFrame, value: str, sample, region: str = "region", year: str = "year") -> pd.DataFrame:
    """Initial log level and average annual log growth of each spell in ``sample``."""
    levels = panel.set_index([region, year])[value]
    rows = []
    for code, first, last in sample:
        y0, y1 = float(levels.loc[(code, first)]), float(levels.loc[(code, last)])
        rows.append({"region": code, "log_initial": math.log(y0), "growth": (math.log(y1) - math.log(y0)) / (last - first)})
    return pd.DataFrame(rows)


@styled
def beta_scatter(panel: pd.DataFrame, value: str, result, lang: str, *, names: dict | None = None,
                 highlight: str | None = None) -> Figure:
    """Scatter of growth on the log initial level for the spells of a :class:`BetaResult`.

    Parameters
    ----------
    panel : pandas.DataFrame
        The panel the result was estimated on (columns ``region``, ``year``, ``value``).
    value : str
        The level column.
    result : analysis.convergence.results.BetaResult
        Its ``sample``, ``intercept``, ``beta``, ``speed`` and ``half_life`` are drawn.
        With controls the line is the partial slope at the controls' intercept.
    lang : {"kk", "ru", "en"}
    names : dict, optional
        ``{region code: label}`` in ``lang``; points are labelled when given.
    highlight : str, optional
        Region code drawn in the accent colour.

    Returns
    -------
    matplotlib.figure.Figure
    """
    points = spells(panel, value, result.sample)
    fig, ax = new_figure(figsize=(6.8, 5.0))
    colours = [ACCENT if r == highlight else NATIONAL for r in points["region"]]
    ax.scatter(points["log_initial"], points["growth"] * 100, c=colours, s=26, zorder=3)
    xs = np.linspace(points["log_initial"].min(), points["log_initial"].max(), 50)
    ax.plot(xs, (result.intercept + result.beta * xs) * 100, color=ACCENT, linewidth=1.4)
    if math.isfinite(result.speed) and math.isfinite(result.half_life) and result.half_life > 0:
        note = gettext("β = {beta}; λ = {speed} per year; half-life {half_life} years", lang,
                       beta=num(result.beta, lang, 4), speed=num(result.speed * 100, lang, 2) + " %",
                       half_life=num(result.half_life, lang, 1))
    else:
        note = gettext("β = {beta}; no half-life (the gaps are not closing)", lang, beta=num(result.beta, lang, 4))
    ax.set_title(wrap(note, 64), fontsize=9.5, y=1.0)
    ax.set_xlabel(wrap(gettext("Log of the initial level, {year}", lang, year=str(result.start)), 60))
    ax.set_ylabel(gettext("Average annual growth, {start}–{end}, %", lang, start=str(result.start),
                          end=str(result.end)))
    number_axis(ax, lang, axis="x")
    number_axis(ax, lang, axis="y")
    # Room for the labels: a fifth of the range on each side, so an extreme point's name fits.
    lo, hi = float(points["log_initial"].min()), float(points["log_initial"].max())
    span = (hi - lo) or 1.0
    ax.set_xlim(lo - 0.12 * span, hi + 0.2 * span)
    labelled = points[points["region"].isin(list(names or {}))]
    if len(labelled):
        place_labels(ax, labelled["log_initial"].to_numpy(), (labelled["growth"] * 100).to_numpy(),
                     [names[r] for r in labelled["region"]],
                     colours=[ACCENT if r == highlight else "#333333" for r in labelled["region"]], fontsize=8)
    table = pd.DataFrame({
        gettext("Region", lang): [(names or {}).get(r, r) for r in points["region"]],
        gettext("Log of the initial level, {year}", lang, year=str(result.start)): points["log_initial"],
        gettext("Average annual growth, {start}–{end}, %", lang, start=str(result.start), end=str(result.end)):
            points["growth"] * 100,
    })
    return attach_data(fig, table)
