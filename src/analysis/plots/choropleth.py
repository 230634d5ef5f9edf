"""Choropleth map of one indicator (its level or its change) on the boundaries valid for the year.

Examples
--------
>>> import pandas as pd
>>> from analysis.plots.choropleth import choropleth_map
>>> from analysis.data import units
>>> codes = units(2023, "current")
>>> values = pd.Series(range(len(codes)), index=codes, dtype=float)
>>> fig = choropleth_map(values, "kk", indicator="grp_per_capita", year=2023)
>>> fig.get_suptitle() != ""
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
from analysis.plots._common import MUTED, attach_data, indicator_unit, new_figure, number_axis, styled, with_unit, wrap
from analysis.plots._geo import draw_regions, map_axes, vintage_for
from analysis.data.paths import resolve_data_dir

NO_DATA = "#ffffff"  # white with grey hatching: never mistaken for the lightest class
NO_DATA_HATCH = "////"


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
    unit = indicator_unit(indicator, lang, data_dir)
    name = indicator_name(indicator, lang, data_dir)
    lo, hi = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
    if start_year is None:
        title = gettext("{indicator}, {year}", lang, indicator=name, year=str(year))
        bar_label = unit
    else:
        title = gettext("Change in {indicator}, {start}–{end}", lang, indicator=name, start=str(start_year),
                        end=str(year))
        bar_label = gettext("Change, {unit}", lang, unit=unit) if unit else gettext("Change", lang)
    if start_year is not None and lo < 0 < hi:
        # Both signs: a diverging palette centred on zero, each side scaled to its own extreme.
        cmap = colormaps["PuOr"]
        norm = TwoSlopeNorm(vcenter=0.0, vmin=lo, vmax=hi)
    else:
        # One sign (a level, or changes all of one sign): sequential, darker = further from zero.
        cmap = colormaps["YlGnBu" if hi > 0 or start_year is None else "YlGnBu_r"]
        norm = Normalize(lo, hi if hi > lo else lo + 1.0)

    fig, ax = new_figure(figsize=(7.0, 4.6))
    colours, missing_paths = [], []
    for code, path in vintage.paths:
        value = values.get(code, np.nan)
        if pd.notna(value):
            colours.append(cmap(norm(float(value))))
        else:
            colours.append(NO_DATA)
            missing_paths.append(path)
    draw_regions(ax, [p for _, p in vintage.paths], colours, edgecolor="#555555", linewidths=0.5)
    if missing_paths:
        from matplotlib.collections import PatchCollection
        from matplotlib.patches import PathPatch

        ax.add_collection(PatchCollection([PathPatch(p) for p in missing_paths], facecolors=NO_DATA,
                                          edgecolors="#9a9a9a", hatch=NO_DATA_HATCH, linewidths=0.5, zorder=1.5),
                          autolim=False)
    if highlight is not None:
        draw_regions(ax, [vintage.path(highlight)], ["none"], edgecolor="black", linewidths=1.8, zorder=2)
    map_axes(ax, vintage.bounds)
    fig.suptitle(wrap(title, 60), fontsize=10.5)  # a figure title: the map axes shrink to their aspect after layout

    bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax, orientation="horizontal",
                       fraction=0.05, pad=0.02, aspect=40)
    bar.set_label(bar_label)
    number_axis(bar.ax, lang, axis="x")
    if missing_paths:
        ax.legend(handles=[Patch(facecolor=NO_DATA, edgecolor=MUTED, hatch=NO_DATA_HATCH,
                                 label=gettext("no data", lang))], loc="lower left")
    table = pd.DataFrame({gettext("Region", lang): [_name(c, lang, data_dir) for c in values.index],
                          with_unit(title, unit): values.to_numpy(dtype=float)})
    return attach_data(fig, table)


def _name(code: str, lang: str, data_dir) -> str:
    """The region's name, or its code when ``data/regions.csv`` has none (a test's made-up units)."""
    from analysis.i18n import region_name
    from analysis.i18n.names import NameUnavailable

    try:
        return region_name(code, lang, data_dir)
    except NameUnavailable:
        return code
