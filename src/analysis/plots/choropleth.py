"""Choropleth map of one indicator (its level or its change) on the boundaries valid for the year.

Examples
--------
>>> import pandas as pd
>>> from analysis.plots.choropleth import choropleth_map
>>> from analysis.data import units
>>> codes = units(2023, "current")
>>> values = pd.Series(range(len(codes)), index=codes, dtype=float)
>>> fig = choropleth_map(values, "kk", indicator="grp_per_capita", year=2023)
>>> fig.axes[0].get_title() != ""
True
"""
from __future__ import annotations


import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize, TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from analysis.i18n import gettext, indicator_name
from analysis.plots._common import MUTED, new_figure, number_axis, styled
from analysis.plots._geo import draw_regions, map_axes, vintage_for
from analysis.data.paths import resolve_data_dir

NO_DATA = "#eeeeee"


@styled
def choropleth_map(
    values: pd.Series,
    lang: str,
    *,
    indicator: str,
    year: int,
    start_year: int | None = None,
    highlight: str | None = None,
    data_dir: str | None = None,
) -> Figure:
    """Shade each region by ``values`` on the boundary vintage of its region codes.

    Parameters
    ----------
    values : pandas.Series
        Indexed by region code; the index must be exactly the units of one
        boundary vintage (``analysis.data.units(year, "current")``). Missing
        values are drawn grey and labelled "no data", never filled in.
    lang : {"kk", "ru", "en"}
    indicator : str
        Indicator id, for the translated title.
    year : int
        The year shown (the end year of a change).
    start_year : int, optional
        If given, ``values`` are changes from ``start_year`` to ``year`` and a
        diverging palette centred on zero is used.
    highlight : str, optional
        A region code outlined in black (e.g. Kyzylorda ``"KZ-43"``).
    data_dir : str, optional
        Folder with ``geo/``; ``None`` means the project's ``data/``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    vintage = vintage_for(values.index, resolve_data_dir(data_dir))
    finite = values[np.isfinite(values.to_numpy(dtype=float))].astype(float)
    if start_year is None:
        cmap = colormaps["YlGnBu"]
        lo, hi = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
        norm = Normalize(lo, hi if hi > lo else lo + 1.0)
        title = gettext("{indicator}, {year}", lang, indicator=indicator_name(indicator, lang, data_dir), year=str(year))
    else:
        cmap = colormaps["RdBu"]
        bound = float(np.abs(finite).max()) if len(finite) else 1.0
        bound = bound if bound > 0 else 1.0
        norm = TwoSlopeNorm(vcenter=0.0, vmin=-bound, vmax=bound)
        title = gettext(
            "Change in {indicator}, {start}–{end}",
            lang,
            indicator=indicator_name(indicator, lang, data_dir),
            start=str(start_year),
            end=str(year),
        )

    fig, ax = new_figure(figsize=(7.2, 4.4))
    colours = []
    for code, _path in vintage.paths:
        value = values.get(code, np.nan)
        colours.append(cmap(norm(float(value))) if pd.notna(value) else NO_DATA)
    missing = any(isinstance(c, str) for c in colours)
    draw_regions(ax, [p for _, p in vintage.paths], colours, linewidths=0.6)
    if highlight is not None:
        draw_regions(ax, [vintage.path(highlight)], ["none"], edgecolor="black", linewidths=1.6, zorder=2)
    map_axes(ax, vintage.bounds)
    ax.set_title(title, y=1.0)

    bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax, orientation="horizontal",
                       fraction=0.05, pad=0.02, aspect=40)
    number_axis(bar.ax, lang, axis="x")
    if missing:
        ax.legend(handles=[Patch(facecolor=NO_DATA, edgecolor=MUTED, label=gettext("no data", lang))],
                  loc="lower left")
    return fig
