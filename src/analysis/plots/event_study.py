"""Event-study figure: effects by year relative to the programme's start, with confidence intervals.

Examples
--------
>>> import pandas as pd
>>> from types import SimpleNamespace
>>> from analysis.plots.event_study import event_study_figure
>>> table = pd.DataFrame({"rel_time": [-2, -1, 0, 1], "estimate": [0.01, 0.0, 0.05, 0.08],
...                       "se": [0.02, 0.0, 0.02, 0.03], "ci_low": [-0.03, 0.0, 0.01, 0.02],
...                       "ci_high": [0.05, 0.0, 0.09, 0.14]})
>>> r = SimpleNamespace(table=table, reference=-1, window=(-2, 1), pretrend_p_value=0.6, alpha=0.05)
>>> len(event_study_figure(r, "kk", outcome_label="x").axes)
1
"""
from __future__ import annotations

import textwrap
import math

import numpy as np
from matplotlib.figure import Figure

from analysis.i18n import gettext
from analysis.plots._common import ACCENT, MUTED, NATIONAL, attach_data, new_figure, num, number_axis, styled, wrap


@styled
def event_study_figure(result, lang: str, *, outcome_label: str, unit: str | None = None) -> Figure:
    """Point estimates and confidence intervals of the leads and lags of an event study.

    Parameters
    ----------
    result : analysis.programmes.results.EventStudyResult
        Its ``table`` (``rel_time, estimate, ci_low, ci_high``), ``reference``,
        ``window`` (binned endpoints) and ``pretrend_p_value`` are drawn.
    lang : {"kk", "ru", "en"}
    outcome_label : str
        The outcome's name in ``lang`` (y-axis).
    unit : str, optional
        The outcome's unit in ``lang`` (:func:`analysis.plots.indicator_unit`), added to the y-axis label.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = _draw_event_study(result)
    ax.set_xlabel(gettext("Years since the programme started (−1 = reference year)", lang))
    label = gettext("Effect on {outcome}", lang, outcome=outcome_label)
    ax.set_ylabel(wrap(f"{label}, {unit}" if unit else label, 40))
    level = round((1 - result.alpha) * 100)
    if math.isfinite(result.pretrend_p_value):
        subtitle = gettext("Effects with {level}% confidence intervals; test of no effect before the start: p = {p}",
                           lang, level=str(level), p=num(result.pretrend_p_value, lang, 2))
    else:
        subtitle = gettext("Effects with {level}% confidence intervals", lang, level=str(level))
    ax.set_title(wrap(subtitle, 56), fontsize=9.5, y=1.0)  # 64 characters ran past the canvas in ru
    number_axis(ax, lang)
    table = result.table.sort_values("rel_time")
    frame = {gettext("Years since the programme started", lang): table["rel_time"].astype(int).to_numpy(),
             gettext("Estimate", lang): table["estimate"].to_numpy(dtype=float),
             gettext("Lower bound", lang): table["ci_low"].to_numpy(dtype=float),
             gettext("Upper bound", lang): table["ci_high"].to_numpy(dtype=float)}
    import pandas as pd

    return attach_data(fig, pd.DataFrame(frame))


def _draw_event_study(result):
    """The language-independent artists: ``(figure, axes)``."""
    table = result.table.sort_values("rel_time")
    fig, ax = new_figure(figsize=(6.0, 4.0))
    rel = table["rel_time"].to_numpy()
    est = table["estimate"].to_numpy(dtype=float)
    low, high = table["ci_low"].to_numpy(dtype=float), table["ci_high"].to_numpy(dtype=float)
    colours = [MUTED if r < 0 else ACCENT for r in rel]
    ax.axhline(0.0, color=NATIONAL, linewidth=0.8)
    ax.axvline(result.reference + 0.5, color=MUTED, linewidth=0.8, linestyle="--")
    ax.vlines(rel, low, high, colors=colours, linewidth=1.6)
    ax.scatter(rel, est, color=colours, s=28, zorder=3)
    ref = rel == result.reference
    ax.scatter(rel[ref], est[ref], facecolor="white", edgecolor=NATIONAL, s=34, zorder=4)
    first, last = result.window
    ticks = list(range(int(first), int(last) + 1))
    labels = [str(t) for t in ticks]
    labels[0] = "≤ " + labels[0]
    labels[-1] = "≥ " + labels[-1]
    ax.set_xticks(ticks, labels)
    ax.grid(axis="x", visible=False)
    if np.isfinite(low).any():
        pad = 0.1 * (np.nanmax(high) - np.nanmin(low) or 1.0)
        ax.set_ylim(np.nanmin(low) - pad, np.nanmax(high) + pad)
    return fig, ax
