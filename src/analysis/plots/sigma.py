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
from analysis.plots._common import (ACCENT, NATIONAL, PALETTE, attach_data, new_figure, number_axis, styled,
                                     year_axis)


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
        With the plotted series attached as its data table.
    """
    if "cv" not in series.columns or "theil_t" not in series.columns:
        raise ValueError("series: expected columns cv and theil_t (analysis.convergence.sigma)")
    # Two panels one above the other: on a phone they stay legible instead of shrinking side by side.
    fig, (left, right) = new_figure(figsize=(6.4, 6.4), nrows=2)
    years = series.index.to_numpy()
    cv_label = gettext("Coefficient of variation", lang)
    wcv_label = gettext("Population-weighted coefficient of variation", lang)
    left.plot(years, series["cv"], color=NATIONAL, linewidth=1.8, label=cv_label)
    weighted = "cv_weighted" in series.columns and bool(series["cv_weighted"].notna().any())
    if weighted:
        left.plot(years, series["cv_weighted"], color=ACCENT, linewidth=1.8, linestyle="--", label=wcv_label)
    left.legend(loc="best")
    left.set_ylim(bottom=0)
    left.set_title(gettext("Dispersion of regional levels", lang), y=1.0)
    left.set_ylabel(gettext("Coefficient (no unit)", lang))

    decomposed = {"theil_t_between", "theil_t_within"} <= set(series.columns) and \
        bool(series["theil_t_between"].notna().any())
    theil_label = gettext("Theil index", lang)
    if decomposed:
        between = series["theil_t_between"].fillna(0).to_numpy()
        within = series["theil_t_within"].fillna(0).to_numpy()
        right.stackplot(years, between, within, colors=(PALETTE[0], PALETTE[1]), alpha=0.75,
                        labels=(gettext("Between groups", lang), gettext("Within groups", lang)))
    right.plot(years, series["theil_t"], color=NATIONAL, linewidth=1.6, label=theil_label)
    right.legend(loc="best")
    right.set_ylim(bottom=0)
    title = theil_label
    if decomposed and groups_label:
        title = gettext("Theil index by {groups}", lang, groups=groups_label)
    right.set_title(title, y=1.0)
    right.set_ylabel(gettext("Index (no unit)", lang))
    for ax in (left, right):
        year_axis(ax)
        number_axis(ax, lang)

    columns = {"cv": cv_label, "cv_weighted": wcv_label, "theil_t": theil_label,
               "theil_t_between": gettext("Between groups", lang), "theil_t_within": gettext("Within groups", lang)}
    shown = [c for c in columns if c in series.columns]
    table = series[shown].rename(columns=columns)
    table.index = table.index.rename(gettext("Year", lang))
    return attach_data(fig, table.reset_index())
