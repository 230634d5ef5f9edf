"""Locator map: one region highlighted on the boundaries valid for the year.

Examples
--------
>>> from analysis.plots.locator import locator_map
>>> fig = locator_map("KZ-43", "ru", year=2023)
>>> len(fig.axes)
1
"""
from __future__ import annotations

from matplotlib.figure import Figure

from analysis.i18n import region_name
from analysis.plots._common import ACCENT, new_figure, styled
from analysis.data.paths import resolve_data_dir
from analysis.plots._geo import draw_regions, label_point, map_axes, vintage_for

OTHER = "#dfe3e6"


@styled
def locator_map(region: str, lang: str, *, year: int, data_dir: str | None = None) -> Figure:
    """Draw all regions valid in ``year`` in grey and ``region`` in the accent colour.

    Parameters
    ----------
    region : str
        Region code, e.g. ``"KZ-43"``; must be valid in ``year``.
    lang : {"kk", "ru", "en"}
    year : int
        Decides the boundary vintage (``analysis.data.units(year, "current")``).
    data_dir : str, optional
        Folder with ``geo/``; ``None`` means the project's ``data/``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from analysis.data import units

    codes = units(year, "current", data_dir)
    if region not in codes:
        raise ValueError(f"region: {region!r} is not a unit in {year}; valid: {', '.join(sorted(codes))}")
    vintage = vintage_for(codes, resolve_data_dir(data_dir))
    fig, ax = new_figure(figsize=(4.8, 3.0))
    draw_regions(ax, [p for _, p in vintage.paths],
                 [ACCENT if code == region else OTHER for code, _ in vintage.paths], linewidths=0.5)
    x, y = label_point(vintage.path(region))
    ax.annotate(region_name(region, lang, data_dir), (x, y), ha="center", va="center", fontsize=9.5,
                fontweight="bold", zorder=3,
                bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "alpha": 0.85, "linewidth": 0})
    map_axes(ax, vintage.bounds)
    return fig
