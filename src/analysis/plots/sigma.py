"""σ-convergence figure: coefficients of variation and the Theil index with its decomposition.

Examples
--------
>>> import pandas as pd
>>> from analysis.plots.sigma import sigma_figure
>>> series = pd.DataFrame({"cv": [0.5, 0.45, 0.4], "cv_weighted": [0.6, 0.55, 0.5],
...                        "theil_t": [0.1, 0.09, 0.08], "theil_t_between": [0.06, 0.05, 0.05],
...                        "theil_t_within": [0.04, 0.04, 0.03]}, index=[2020, 2021, 2022])
>>> fig = sigma_figure(series, "kk")
>>> len(fig.axes)
2
"""
from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from analysis.i18n import gettext
from analysis.plots._common import (ACCENT, NATIONAL, PALETTE, keep, layout_per_language, new_figure, number_axis,
                                     reused, styled, year_axis)


@styled
def sigma_figure(series: pd.DataFrame, lang: str, *, groups_label: str | None = None) -> Figure:
    """Left: CV and population-weighted CV; right: Theil T, split into between and within groups if given.

    Parameters
    ----------
    series : pandas.DataFrame
        Indexed by year, as returned by :func:`analysis.convergence.sigma`:
        ``cv``, optionally ``cv_weighted``, ``theil_t`` and optionally
        ``theil_t_between`` / ``theil_t_within``.
    lang : {"kk", "ru", "en"}
    groups_label : str, optional
        Already translated name of the grouping (e.g. "oblasts and cities"),
        shown in the right panel's title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if "cv" not in series.columns or "theil_t" not in series.columns:
        raise ValueError("series: expected columns cv and theil_t (analysis.convergence.sigma)")
    key = ("sigma_figure",)
    built = reused(key, series)
    if built is None:
        built = _draw_sigma(series)
        keep(key, (series,), built)
    fig, left, right, weighted, decomposed, orders = built
    # Only the texts depend on the language: set them on the (possibly reused) artists.
    labels = [gettext("Coefficient of variation", lang)]
    if weighted:
        labels.append(gettext("Population-weighted coefficient of variation", lang))
    _legend_texts(left, orders[0], labels)
    left.set_title(gettext("Dispersion of regional levels", lang), y=1.0)
    labels = [gettext("Between groups", lang), gettext("Within groups", lang)] if decomposed else []
    _legend_texts(right, orders[1], [gettext("Theil index", lang), *labels])
    title = gettext("Theil index", lang)
    if decomposed and groups_label:
        title = gettext("Theil index by {groups}", lang, groups=groups_label)
    right.set_title(title, y=1.0)
    for ax in (left, right):
        number_axis(ax, lang)
    return fig


def _legend_texts(ax, order: list[int], labels: list[str]) -> None:
    """Legend entry ``i`` shows ``labels[order[i]]`` (the legend lists lines first, then the stack's areas)."""
    for text, index in zip(ax.get_legend().get_texts(), order):
        text.set_text(labels[index])


def _draw_sigma(series: pd.DataFrame):
    """The language-independent artists: ``(figure, left, right, weighted?, decomposed?)``.

    Legend labels are placeholders: the index of each entry's label in the
    order :func:`sigma_figure` lists them (kept in ``orders``).
    """
    fig, (left, right) = new_figure(figsize=(8.4, 3.6), ncols=2)
    layout_per_language(fig)  # the kk and ru legends are wider than their axes, the English one is not
    years = series.index.to_numpy()
    left.plot(years, series["cv"], color=NATIONAL, linewidth=1.8, label="0")
    weighted = "cv_weighted" in series.columns and bool(series["cv_weighted"].notna().any())
    if weighted:
        left.plot(years, series["cv_weighted"], color=ACCENT, linewidth=1.8, label="1")
    left.legend(loc="best", fontsize=8)
    left.set_ylim(bottom=0)

    decomposed = {"theil_t_between", "theil_t_within"} <= set(series.columns) and bool(series["theil_t_between"].notna().any())
    if decomposed:
        between = series["theil_t_between"].fillna(0).to_numpy()
        within = series["theil_t_within"].fillna(0).to_numpy()
        right.stackplot(years, between, within, colors=(PALETTE[0], PALETTE[1]), alpha=0.75, labels=("1", "2"))
    right.plot(years, series["theil_t"], color=NATIONAL, linewidth=1.6, label="0")
    right.legend(loc="best", fontsize=8)
    right.set_ylim(bottom=0)
    for ax in (left, right):
        year_axis(ax)
    orders = tuple([int(t.get_text()) for t in ax.get_legend().get_texts()] for ax in (left, right))
    return fig, left, right, weighted, decomposed, orders
