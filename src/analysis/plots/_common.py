"""Shared plumbing for the language-aware figures (private).

Every public figure function in :mod:`analysis.plots` builds a
:class:`matplotlib.figure.Figure` directly, without :mod:`matplotlib.pyplot`,
so no figure is registered with a backend, nothing leaks between runs and the
notebooks keep their default backend (a glued or displayed figure under
``Agg`` would turn into text, see the toolchain notes).

Examples
--------
>>> from analysis.plots._common import new_figure, png_bytes
>>> fig, ax = new_figure()
>>> png_bytes(fig)[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
True
"""
from __future__ import annotations

import functools
import io
import math
import textwrap

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter

from analysis.i18n import format_number, gettext

#: Resolution of every PNG the book shows; fixed so the bytes do not depend on rcParams.
DPI = 110
#: Default figure size in inches (width, height).
FIGSIZE = (7.0, 4.2)
#: Colours: the region or the treated unit, everything else, the national line. All from the
#: Okabe–Ito palette (distinguishable with the common colour-vision deficiencies).
ACCENT = "#D55E00"
MUTED = "#8a8a8a"
NATIONAL = "#2c3e50"
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#F0E442")
#: Smallest font size of any text in a figure, in points (12.2 px of the PNG at :data:`DPI`). On a
#: narrow screen the book shows a figure at 0.74 of its natural size and no smaller, scrolling
#: sideways in its own box if need be (``book/_static/aimaq.css``), so 8 pt stays >= 9 CSS px on a
#: phone; ``tests/test_plots_browser.py`` measures it in Chromium.
MIN_FONT = 8.0

_RC = {
    # DejaVu Sans ships with matplotlib and covers Kazakh Cyrillic (Ә Ғ Қ Ң Ө Ұ Ү Һ І).
    "font.family": "DejaVu Sans",
    "font.size": 9.5,
    "axes.titlesize": 10.5,
    "axes.labelsize": 9.5,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 8.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e5e5e5",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "svg.hashsalt": "aimaq",
    "svg.fonttype": "none",
}


def num(x: float, lang: str, decimals: int = 1) -> str:
    """Format a number for a label in ``lang`` (Babel via :func:`analysis.i18n.format_number`)."""
    return format_number(x, lang, decimals=decimals)


def new_figure(figsize: tuple[float, float] = FIGSIZE, nrows: int = 1, ncols: int = 1, *,
               layout: str | None = "constrained", **kwargs):
    """Create a pyplot-free figure with the house style; return ``(fig, axes)``."""
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=figsize, dpi=DPI, layout=layout)
        axes = fig.subplots(nrows, ncols, **kwargs)
    return fig, axes


def styled(func):
    """Run a drawing function under the house rcParams (fonts, grid) without touching globals."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with matplotlib.rc_context(_RC):
            return func(*args, **kwargs)

    return wrapper


def png_bytes(fig: Figure, dpi: int = DPI) -> bytes:
    """The figure as PNG through matplotlib's own Agg canvas (fixed dpi, no metadata: same input, same bytes)."""
    buffer = io.BytesIO()
    with matplotlib.rc_context(_RC):
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def svg_text(fig: Figure) -> str:
    """The figure as SVG with real text (``svg.fonttype: none``), no date: same input, same text."""
    buffer = io.StringIO()
    with matplotlib.rc_context(_RC):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


# --- the data behind a figure ------------------------------------------------------------------

#: Attribute under which a figure function leaves the data it shows (a DataFrame whose column
#: names are already in the figure's language); :func:`analysis.report.figure` shows it as a table.
DATA_ATTRIBUTE = "aimaq_data"


def attach_data(fig: Figure, frame: pd.DataFrame) -> Figure:
    """Leave ``frame`` (the numbers the figure shows, headers in its language) on ``fig``; returns ``fig``."""
    setattr(fig, DATA_ATTRIBUTE, frame)
    return fig


def figure_data(fig: Figure) -> pd.DataFrame | None:
    """The table :func:`attach_data` left on ``fig``, or ``None``."""
    frame = getattr(fig, DATA_ATTRIBUTE, None)
    return frame if isinstance(frame, pd.DataFrame) else None


# --- units -------------------------------------------------------------------------------------


def indicator_unit(indicator: str, lang: str, data_dir: str | None = None) -> str:
    """The unit of ``indicator`` in ``lang`` (``data/indicators.csv``); nominal money says "nominal".

    Money in current prices is labelled nominal; money at constant prices already names its
    base year in the unit ("thousand KZT at 2015 prices"), by :func:`analysis.data.price_basis`.
    """
    from analysis.data import load_indicators, price_basis

    table = load_indicators(data_dir) if data_dir else load_indicators()
    if indicator not in table.index:
        raise ValueError(f"data/indicators.csv: no row {indicator!r}; expected an indicator id")
    row = table.loc[indicator]
    unit = str(row.get(f"unit_{lang}", "") or "").strip()
    if price_basis(indicator, row.get("unit_en", ""), row.get("source", ""), row.get("note", "")) == "nominal":
        return gettext("{unit}, nominal", lang, unit=unit)
    return unit


def with_unit(label: str, unit: str) -> str:
    """``label, unit`` (the house form of an axis label with its unit); ``label`` alone without one."""
    return f"{label}, {unit}" if unit else label


def wrap(text: str, width: int) -> str:
    """Break ``text`` into lines of at most ``width`` characters (axis labels, titles)."""
    return "\n".join(textwrap.wrap(text, width)) or text


def year_axis(ax, nbins: int = 8) -> None:
    """Integer year ticks without thousands separators (a year is not a quantity)."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=nbins))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{int(round(v))}"))


class LocaleFormatter(Formatter):
    """Tick labels formatted for ``lang``; decimals follow the tick spacing unless fixed."""

    def __init__(self, lang: str, decimals: int | None = None):
        self.lang = lang
        self.fixed = decimals
        self.decimals = 1 if decimals is None else decimals
        self._memo: dict = {}

    def set_locs(self, locs):
        super().set_locs(locs)
        if self.fixed is None:
            steps = np.diff(np.unique(np.round(np.asarray(locs, dtype=float), 12)))
            step = float(steps.min()) if len(steps) else 1.0
            self.decimals = int(min(4, max(0, -math.floor(math.log10(step) + 1e-9)))) if step > 0 else 0

    def __call__(self, value, pos=None):
        # Tick labels are formatted many times while a figure is laid out; Babel is slow, so memoise.
        key = (float(value), self.decimals)
        text = self._memo.get(key)
        if text is None:
            text = self._memo[key] = format_number(value, self.lang, decimals=self.decimals)
        return text


def number_axis(ax, lang: str, axis: str = "y", decimals: int | None = None) -> None:
    """Tick labels formatted per language (decimal comma in kk and ru).

    With ``decimals=None`` the number of decimals follows the spacing of the
    ticks, so neighbouring ticks never print the same label.
    """
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(LocaleFormatter(lang, decimals))
