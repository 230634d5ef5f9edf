"""The three boundary vintages side by side, with the regions that changed marked.

Examples
--------
>>> from analysis.plots.vintages import boundary_vintages_map
>>> fig = boundary_vintages_map("en")
>>> len(fig.axes)
3
"""
from __future__ import annotations

from matplotlib.figure import Figure

from analysis.i18n import gettext, region_name
from analysis.plots._common import ACCENT, new_figure, styled
from analysis.data.paths import resolve_data_dir
from analysis.plots._geo import all_vintages, draw_regions, label_point, map_axes, vintage_for

SAME = "#dfe3e6"


def vintage_years(vintage, years, data_dir) -> tuple[int, int] | None:
    """First and last of ``years`` whose maps are drawn on ``vintage`` (see ``_geo.vintage_for``)."""
    from analysis.data import units

    matching = [y for y in years if vintage_for(units(y, "current", data_dir), data_dir).file == vintage.file]
    return (min(matching), max(matching)) if matching else None


@styled
def boundary_vintages_map(lang: str, *, years=range(1997, 2031), data_dir: str | None = None) -> Figure:
    """One small map per boundary vintage; regions new in a vintage are in the accent colour.

    Parameters
    ----------
    lang : {"kk", "ru", "en"}
    years : iterable of int
        Years used to date each vintage from ``analysis.data.units`` (so the
        periods in the titles come from the data, not from this code); a
        vintage in force in none of them is not drawn.
    data_dir : str, optional
        Folder with ``geo/``; ``None`` means the project's ``data/``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    folder = resolve_data_dir(data_dir)
    years = tuple(years)
    fig, panels = _draw_vintages(years, folder)
    for ax, vintage, span, labels in panels:
        for label, code in labels:
            label.set_text(region_name(code, lang, data_dir))
        if span[1] == max(years):
            title = gettext("From {start}: {n} units", lang, start=str(span[0]), n=len(vintage.codes))
        else:
            title = gettext("{start}–{end}: {n} units", lang, start=str(span[0]), end=str(span[1]),
                            n=len(vintage.codes))
        ax.set_title(title, y=1.0)
    return fig


def _draw_vintages(years: tuple, folder):
    """The language-independent artists: ``(figure, [(axes, vintage, (first, last year), [(label, code)])])``."""
    # Only the vintages in force in some year of ``years``: a past edition does not show later splits.
    dated = [(v, vintage_years(v, years, folder)) for v in all_vintages(folder)]
    dated = [(v, span) for v, span in dated if span is not None]
    if not dated:
        raise ValueError(f"years {min(years)}–{max(years)}: no boundary vintage of {folder / 'geo'} is in force")
    # Stacked (legible on a phone); 2.5 in a map keeps the three of today's data on one printed page.
    fig, axes = new_figure(figsize=(5.0, 2.5 * len(dated)), nrows=len(dated))
    axes = list(axes) if len(dated) > 1 else [axes]
    previous = None
    panels = []
    for ax, (vintage, span) in zip(axes, dated):
        is_new = [previous is not None and code not in previous for code, _ in vintage.paths]
        draw_regions(ax, [p for _, p in vintage.paths], [ACCENT if n else SAME for n in is_new], linewidths=0.5)
        labels = []
        for (code, path), new in zip(vintage.paths, is_new):
            if new:
                x, y = label_point(path)
                labels.append((ax.annotate("", (x, y), ha="center", va="center", fontsize=9,
                                           bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.8,
                                                 "linewidth": 0}), code))
        map_axes(ax, vintage.bounds)
        panels.append((ax, vintage, span, labels))
        previous = vintage.codes
    return fig, panels
