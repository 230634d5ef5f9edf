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

import contextlib
import contextvars
import math

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter

from analysis.i18n import format_number

from analysis.plots._render import DPI  # noqa: E402  (resolution of every PNG the book shows)
#: Default figure size in inches (width, height).
FIGSIZE = (7.0, 4.2)
#: Colour for the region or the treated unit, and for everything else.
ACCENT = "#c0392b"
MUTED = "#7f8c8d"
NATIONAL = "#2c3e50"
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")

_RC = {
    # DejaVu Sans ships with matplotlib and covers Kazakh Cyrillic (Ә Ғ Қ Ң Ө Ұ Ү Һ І).
    "font.family": "DejaVu Sans",
    "font.size": 9.5,
    "axes.titlesize": 10.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e5e5e5",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "svg.hashsalt": "aimaq",
}


# Titles are placed at ``y=1.0`` explicitly: that is where matplotlib's automatic placement
# puts them when nothing sits above the axes (true of every figure here), and fixing it
# skips a pass over all tick labels at every layout and draw.


def num(x: float, lang: str, decimals: int = 1) -> str:
    """Format a number for a label in ``lang`` (Babel via :func:`analysis.i18n.format_number`)."""
    return format_number(x, lang, decimals=decimals)


def new_figure(figsize: tuple[float, float] = FIGSIZE, nrows: int = 1, ncols: int = 1, *,
               layout: str | None = "constrained", **kwargs):
    """Create a pyplot-free figure with the house style; return ``(fig, axes)``.

    ``layout=None`` skips the constrained-layout solver (it lays a figure out
    twice); many-panel figures that are drawn per language use fixed margins.
    """
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=figsize, dpi=DPI, layout=layout)
        axes = fig.subplots(nrows, ncols, **kwargs)
    return fig, axes


def styled(func):
    """Run a drawing function under the house rcParams (fonts, grid) without touching globals."""

    def wrapper(*args, **kwargs):
        with matplotlib.rc_context(_RC):
            return func(*args, **kwargs)

    wrapper.__name__ = func.__name__
    wrapper.__qualname__ = func.__qualname__
    wrapper.__doc__ = func.__doc__
    wrapper.__wrapped__ = func
    return wrapper


# Rendering (Agg with cached text metrics, layouts and glyphs) lives in ``_render``.
from analysis.plots._render import PNG_COMPRESS_LEVEL, png_bytes  # noqa: E402,F401  (re-exported)


# --- one figure, three languages ------------------------------------------------------------

_REUSE: contextvars.ContextVar[dict | None] = contextvars.ContextVar("aimaq_figure_reuse", default=None)


@contextlib.contextmanager
def same_figure_across_languages():
    """Within this block a figure function called again on the same data relabels its figure.

    :func:`analysis.report.figure` draws one figure per language. Building the
    artists (axes, lines, patches, map paths) does not depend on the language,
    so figure functions that support it (:func:`reused` / :func:`keep`) build
    them on the first call and, on the next call with the same data objects,
    only replace the texts (titles, labels, legend entries, tick formatters)
    before the next ``savefig``. The PNG equals the one a fresh figure gives.
    Outside this block every call builds a new figure.
    """
    token = _REUSE.set({})
    try:
        yield
    finally:
        _REUSE.reset(token)


def reused(key: tuple, *data):
    """The state :func:`keep` stored for ``key`` and the very same ``data`` objects, or ``None``."""
    store = _REUSE.get()
    if store is None or key not in store:
        return None
    kept_data, state = store[key]
    if len(kept_data) != len(data) or any(a is not b for a, b in zip(kept_data, data)):
        return None
    for item in state if isinstance(state, tuple) else (state,):
        if isinstance(item, Figure):
            _fresh_layout(item)
    return state


def _fresh_layout(fig: Figure) -> None:
    """Put the axes back where a new figure has them before its layout runs.

    The constrained-layout solver starts from the current axes positions, so
    after a first draw its result can differ in the last bits; from the
    subplot positions it lays out exactly as for a new figure.
    """
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    if fig.get_layout_engine() is None or isinstance(fig.get_layout_engine(), PlaceHolderLayoutEngine):
        return  # fixed positions (also a layout solved once for every language and kept)
    for ax in fig.axes:
        spec = ax.get_subplotspec()
        if spec is not None:
            ax._set_position(spec.get_position(fig))  # private, but the public setter leaves the layout


def keep(key: tuple, data: tuple, state) -> None:
    """Remember a built figure's ``state`` for ``key`` (the data objects are kept alive, so their
    identity stays meaningful), when inside :func:`same_figure_across_languages`."""
    store = _REUSE.get()
    if store is not None:
        store[key] = (tuple(data), state)


def inside(legend):
    """Leave a legend placed inside its axes out of the layout (returns it).

    It cannot widen the axes' margins, and measuring it for the layout solver
    repeats the costly ``loc="best"`` search: the layout, and so the PNG, are
    the same without it.
    """
    legend.set_in_layout(False)
    return legend


def layout_per_language(fig):
    """Mark a figure whose margins depend much on the language (returns it).

    :func:`analysis.plots._render.render_languages` then lays it out for each
    language, instead of once with every language's texts at their largest:
    a legend or a label that reaches out of its axes in one language would
    leave a wide gap in the others.
    """
    fig._aimaq_layout_per_language = True
    return fig


def is_kept(fig) -> bool:
    """Whether ``fig`` is a figure :func:`keep` holds in the current block (relabelled, not rebuilt)."""
    store = _REUSE.get()
    if not store:
        return False
    for _data, state in store.values():
        if any(item is fig for item in (state if isinstance(state, tuple) else (state,))):
            return True
    return False


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
