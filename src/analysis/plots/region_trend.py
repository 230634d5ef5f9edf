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
from analysis.plots._common import ACCENT, NATIONAL, keep, new_figure, number_axis, reused, styled, year_axis

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
    ncols: int = 2,
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
    key = ("region_indicators_figure", region, tuple(indicators), ncols)
    built = reused(key, panel, national)
    if built is None:
        built = _draw_indicators(panel, national, region, indicators, ncols)
        keep(key, (panel, national), built)
    fig, axes, legend = built
    # Only the texts depend on the language: set them on the (possibly reused) artists.
    for ax, indicator in zip(axes, indicators):
        # y=1.0 is where the automatic placement puts it (nothing above the axes); fixing it skips
        # a layout pass over every tick label at each draw.
        ax.set_title("\n".join(textwrap.wrap(indicator_name(indicator, lang, data_dir), 40)), fontsize=8.5, y=1.0)
        number_axis(ax, lang)
    labels = [region_name(region, lang, data_dir), gettext("Kazakhstan", lang), gettext("Range of regions", lang),
              gettext("Linear trend", lang)]
    for text, label in zip(legend.get_texts(), labels):
        text.set_text(label)
    return fig


def _draw_indicators(panel: pd.DataFrame, national: pd.DataFrame, region: str, indicators: list[str], ncols: int):
    """The language-independent artists: ``(figure, axes of the indicators, legend)``."""
    ncols = min(ncols, len(indicators))
    nrows = math.ceil(len(indicators) / ncols)
    height = 2.5 * nrows + 0.6
    fig, axes = new_figure(figsize=(3.6 * ncols, height), nrows=nrows, ncols=ncols, squeeze=False, layout=None)
    # Fixed margins instead of the layout solver: this figure is drawn three times per region page.
    fig.subplots_adjust(left=0.1, right=0.97, top=1 - 0.45 / height, bottom=0.75 / height, hspace=0.6, wspace=0.28)
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
        # The axis labels stay empty: fixed label positions skip measuring every tick label to place them.
        ax.xaxis.set_label_coords(0.5, -0.1)
        ax.yaxis.set_label_coords(-0.1, 0.5)
    for ax in axes.ravel()[len(indicators):]:
        ax.set_visible(False)
    handles = [
        Line2D([], [], color=ACCENT, linewidth=2.0, label=region),
        Line2D([], [], color=NATIONAL, linewidth=1.4, label="KZ"),
        Patch(facecolor="#d9dde1", label="min-max"),
        Line2D([], [], color=ACCENT, linewidth=1.0, linestyle="--", label="trend"),
    ]  # placeholder labels: the caller sets them in the figure's language
    legend = fig.legend(handles=handles, loc="lower center", ncols=4, fontsize=8)
    return fig, list(axes.ravel()[:len(indicators)]), legend
