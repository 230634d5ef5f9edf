"""A region's key indicators against the national value and the range of all regions.

Examples
--------
>>> import numpy as np, pandas as pd
>>> from analysis.plots.region_trend import region_indicators_figure
>>> years = np.arange(2010, 2016)
>>> panel = pd.DataFrame({"region": ["KZ-43"] * 6 + ["KZ-55"] * 6, "year": np.tile(years, 2),
...                       "unemployment_rate": np.r_[np.linspace(6, 5, 6), np.linspace(5, 4, 6)]})
>>> national = pd.DataFrame({"unemployment_rate": np.linspace(5.5, 4.5, 6)}, index=years)
>>> fig = region_indicators_figure(panel, national, "KZ-43", ["unemployment_rate"], "en")
>>> len(fig.axes)
1
"""
from __future__ import annotations

import math
import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from analysis.i18n import gettext, indicator_name, region_name
from analysis.plots._common import (ACCENT, NATIONAL, attach_data, indicator_unit, new_figure, number_axis, styled, wrap,
                                     year_axis)

#: Years used for the region's dashed trend line (the recent path, not the whole history).
TREND_YEARS = 10


def _trend(years: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Least-squares line through the last :data:`TREND_YEARS` observed points."""
    keep = np.isfinite(values)
    years, values = years[keep][-TREND_YEARS:], values[keep][-TREND_YEARS:]
    if len(years) < 3:
        return None
    slope, intercept = np.polyfit(years.astype(float), values, 1)
    return years, intercept + slope * years


@styled
def region_indicators_figure(
    panel: pd.DataFrame,
    national: pd.DataFrame,
    region: str,
    indicators: list[str],
    lang: str,
    *,
    ncols: int = 1,
    data_dir: str | None = None,
) -> Figure:
    """Small multiples: one panel per indicator with the region, Kazakhstan and the regional range.

    Parameters
    ----------
    panel : pandas.DataFrame
        Tidy panel with columns ``region``, ``year`` and the indicator ids
        (``analysis.data.load_panel``).
    national : pandas.DataFrame
        Indexed by year with the same indicator columns (``load_national``);
        an indicator absent there is drawn without the national line.
    region : str
        Region code to highlight.
    indicators : list of str
        Indicator ids, one panel each.
    lang : {"kk", "ru", "en"}
    ncols : int
        Panels per row.
    data_dir : str, optional
        Where the region and indicator names are read (``None``: the project's ``data/``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    missing = [c for c in ["region", "year", *indicators] if c not in panel.columns]
    if missing:
        raise ValueError(f"panel: missing columns {', '.join(missing)}; expected region, year and the indicators")
    fig, axes, legend = _draw_indicators(panel, national, region, indicators, ncols)
    for ax, indicator in zip(axes, indicators):
        ax.set_title(wrap(indicator_name(indicator, lang, data_dir), 42), fontsize=9.5, y=1.0)
        ax.set_ylabel(wrap(indicator_unit(indicator, lang, data_dir), 22))
        number_axis(ax, lang)
    labels = [region_name(region, lang, data_dir), gettext("Kazakhstan", lang), gettext("Range of regions", lang),
              gettext("Linear trend", lang)]
    for text, label in zip(legend.get_texts(), labels):
        text.set_text(label)
    own = panel[panel["region"] == region].sort_values("year")
    table = own[["year", *indicators]].rename(columns={"year": gettext("Year", lang),
                                                         **{i: indicator_name(i, lang, data_dir) for i in indicators}})
    return attach_data(fig, table.reset_index(drop=True))


def _draw_indicators(panel: pd.DataFrame, national: pd.DataFrame, region: str, indicators: list[str], ncols: int):
    """The language-independent artists: ``(figure, axes of the indicators, legend)``."""
    ncols = min(ncols, len(indicators))
    nrows = math.ceil(len(indicators) / ncols)
    fig, axes = new_figure(figsize=(5.0 * ncols, 2.3 * nrows + 0.7), nrows=nrows, ncols=ncols, squeeze=False)
    own = panel[panel["region"] == region].sort_values("year")
    for ax, indicator in zip(axes.ravel(), indicators):
        spread = panel.groupby("year")[indicator].agg(["min", "max"]).dropna()
        ax.fill_between(spread.index, spread["min"], spread["max"], color="#d9dde1", linewidth=0)
        if indicator in national.columns:
            nat = national[indicator].dropna()
            ax.plot(nat.index, nat.to_numpy(), color=NATIONAL, linewidth=1.4)
        years = own["year"].to_numpy()
        values = own[indicator].to_numpy(dtype=float)
        ax.plot(years, values, color=ACCENT, linewidth=2.0, marker="o", markersize=2.5)
        trend = _trend(years, values)
        if trend is not None:
            ax.plot(*trend, color=ACCENT, linewidth=1.0, linestyle="--")
        year_axis(ax, nbins=5)
    for ax in axes.ravel()[len(indicators):]:
        ax.set_visible(False)
    handles = [
        Line2D([], [], color=ACCENT, linewidth=2.0, label=region),
        Line2D([], [], color=NATIONAL, linewidth=1.4, label="KZ"),
        Patch(facecolor="#d9dde1", label="min-max"),
        Line2D([], [], color=ACCENT, linewidth=1.0, linestyle="--", label="trend"),
    ]  # placeholder labels: the caller sets them in the figure's language
    legend = fig.legend(handles=handles, loc="outside lower center", ncols=2)
    return fig, list(axes.ravel()[:len(indicators)]), legend
