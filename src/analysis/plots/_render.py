"""Agg rendering with text caches, and one figure drawn in several languages (private).

Most of the time of a figure's PNG goes to text: matplotlib 3.11 lays every
string out with ``FT2Font._layout`` (about a millisecond a call), measures it
again for the layout, and renders its glyphs one by one, on a new renderer at
every ``savefig``. The figures of a run repeat the same strings (tick labels,
titles in three languages, the same years on every page), so
:class:`CachingRenderer` keeps, for the life of the process:

- the metrics of each (string, font, dpi) (what ``get_text_width_height_descent``
  measures),
- the glyph layout of each (string, font, dpi),
- each rendered glyph bitmap, per glyph, transform and sub-pixel offset (a glyph
  placed ``n`` whole pixels further is the same bitmap placed ``n`` pixels further:
  FreeType works in 1/64 pixel integers, so this is exact).

The pixels are those of matplotlib's own Agg renderer, bit for bit
(``tests/test_plots.py`` compares them).

:func:`render_languages` draws one figure per language. When a figure function
reuses its artists across languages (:func:`analysis.plots._common.keep`), a
constrained layout is solved once for all languages (unless the figure is
marked :func:`analysis.plots._common.layout_per_language`), and with fixed axes
positions everything but the language layer (texts and legends) is the same in
every language: it is drawn once and only the language layer is drawn on a
copy of it per language. :func:`encode_png` writes the PNG (unfiltered rows,
zlib; several times faster than Pillow's encoder for these flat plots).

Examples
--------
>>> from analysis.plots._common import new_figure
>>> from analysis.plots._render import png_bytes
>>> fig, ax = new_figure()
>>> png_bytes(fig)[:4]
b'\\x89PNG'
"""
from __future__ import annotations

import io
import math
import struct
import zlib
from collections import OrderedDict

import matplotlib as mpl
import numpy as np
from matplotlib import cbook
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.font_manager import fontManager, get_font
from matplotlib.ft2font import RenderMode
from matplotlib.layout_engine import ConstrainedLayoutEngine, PlaceHolderLayoutEngine
from matplotlib.legend import Legend
from matplotlib.text import Annotation, Text

#: Resolution of every PNG the book shows; fixed so bytes do not depend on rcParams.
DPI = 110
#: zlib level of the PNGs (see :func:`encode_png`): level 3 of unfiltered rows encodes these
#: plots faster and smaller than Pillow's level 1 (the pixels are the same: PNG is lossless).
PNG_COMPRESS_LEVEL = 3

# Bounded caches (a long-running kernel draws hundreds of pages; the six notebooks' figures
# hold about 6,000 glyph bitmaps, under 2 MB).
_METRICS_MAX = 20_000
_LAYOUT_MAX = 20_000
_GLYPHS_MAX = 100_000


class _Bounded(OrderedDict):
    """A dict that forgets its oldest entries beyond ``maxsize``."""

    def __init__(self, maxsize: int):
        super().__init__()
        self.maxsize = maxsize

    def put(self, key, value):
        self[key] = value
        if len(self) > self.maxsize:
            self.popitem(last=False)
        return value


_metrics = _Bounded(_METRICS_MAX)
_layouts = _Bounded(_LAYOUT_MAX)
_glyphs = _Bounded(_GLYPHS_MAX)
_heights: dict = {}


def _font_key(prop) -> tuple:
    """Everything of a FontProperties that decides which font file and size are used."""
    return (tuple(prop.get_family()), prop.get_style(), prop.get_variant(), prop.get_weight(),
            prop.get_stretch(), prop.get_size_in_points(), prop.get_file(), prop.get_math_fontfamily())


def clear_caches() -> None:
    """Forget every cached metric, layout and glyph (tests; fonts changed at run time)."""
    _metrics.clear()
    _layouts.clear()
    _glyphs.clear()
    _heights.clear()


class CachingRenderer(RendererAgg):
    """:class:`RendererAgg` whose text metrics, layouts and glyph bitmaps are cached per process."""

    def get_text_width_height_descent(self, s, prop, ismath):
        if ismath:  # mathtext and TeX: rare here, left to matplotlib
            return super().get_text_width_height_descent(s, prop, ismath)
        key = (s, _font_key(prop), self.dpi, mpl.rcParams["text.hinting"])
        found = _metrics.get(key)
        if found is None:
            found = _metrics.put(key, super().get_text_width_height_descent(s, prop, ismath))
        return found

    def _get_font_height_metrics(self, prop):
        """Line metrics :meth:`matplotlib.text.Text._get_layout` reads from the font tables, cached.

        The same arithmetic as matplotlib's own fallback (``Text._get_layout``), so
        the values are identical.
        """
        key = (_font_key(prop), self.dpi)
        found = _heights.get(key)
        if found is None:
            font = get_font(fontManager._find_fonts_by_props(prop))
            found = (None, None, None)
            for table_name, linegap_key, ascent_key, descent_key in (
                    ('OS/2', 'sTypoLineGap', 'sTypoAscender', 'sTypoDescender'),
                    ('hhea', 'lineGap', 'ascent', 'descent')):
                table = font.get_sfnt_table(table_name)
                if table is None:
                    continue
                fontsize = prop.get_size_in_points()
                units_per_em = font.get_sfnt_table('head')['unitsPerEm']
                scale = 1 / units_per_em * fontsize * self.dpi / 72
                found = (table[ascent_key] * scale, -table[descent_key] * scale, table[linegap_key] * scale)
                break
            _heights[key] = found
        return found

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        flags = get_hinting_flag()
        key = (s, _font_key(prop), self.dpi, flags, features and tuple(features), language)
        items = _layouts.get(key)
        if items is None:
            font = self._prepare_font(prop)
            items = _layouts.put(key, tuple(
                (item.ft_object, item.glyph_index, item.x, item.y)
                for item in font._layout(s, flags=flags, features=features, language=language)))
        size = prop.get_size_in_points()
        self._draw_glyphs(gc, x, y, angle, size, flags, items)

    def _draw_glyphs(self, gc, x, y, angle, size, flags, items):
        """:meth:`RendererAgg._draw_text_glyphs_and_boxes` for plain text, with the glyph bitmaps cached."""
        cos = math.cos(math.radians(angle))
        sin = math.sin(math.radians(angle))
        matrix = (0x10000 * np.array([[cos, -sin], [sin, cos]])).round().astype(int)
        matrix_key = tuple(matrix.ravel().tolist())
        antialiased = gc.get_antialiased()
        height = self.height
        dpi = self.dpi
        draw_image = self._renderer.draw_text_image
        for font, glyph_index, dx, dy in items:  # dy is upwards
            # FreeType's 26.6 fixed point: whole pixels and the sub-pixel rest.
            px = round(0x40 * (x + dx * cos - dy * sin))
            py = round(0x40 * (height - y + dx * sin + dy * cos))
            whole_x, frac_x = divmod(px, 0x40)
            whole_y, frac_y = divmod(py, 0x40)
            key = (font.fname, size, dpi, glyph_index, flags, antialiased, matrix_key, frac_x, frac_y)
            glyph = _glyphs.get(key)
            if glyph is None:
                font.set_size(size, dpi)
                font._set_transform(matrix, [frac_x, frac_y])
                bitmap = font._render_glyph(glyph_index, flags,
                                            RenderMode.NORMAL if antialiased else RenderMode.MONO)
                buffer = np.array(bitmap.buffer)  # a copy: the glyph slot is reused
                if not antialiased:
                    buffer *= 0xff
                glyph = _glyphs.put(key, (buffer, bitmap.left, bitmap.top))
            buffer, left, top = glyph
            # draw_text_image's y is downwards & the bitmap bottom side.
            draw_image(buffer, left + whole_x, int(height) - (top + whole_y) + buffer.shape[0], 0, gc)


class CachingCanvas(FigureCanvasAgg):
    """Agg canvas drawing with :class:`CachingRenderer`."""

    def get_renderer(self):
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if self._lastKey != key:
            self.renderer = CachingRenderer(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer


def encode_png(rgba: np.ndarray, dpi: float = DPI) -> bytes:
    """PNG bytes of an ``(height, width, 4)`` uint8 RGBA image: deterministic, no text chunks.

    An opaque image (every figure here: the background is white) is stored as
    RGB. Rows are left unfiltered and deflated at :data:`PNG_COMPRESS_LEVEL`:
    on these flat-coloured plots that is smaller than Pillow's level 1 with its
    adaptive filters and about four times faster. ``pHYs`` records the dpi.
    """
    height, width = rgba.shape[:2]
    opaque = bool((rgba[..., 3] == 255).all())
    channels = 3 if opaque else 4
    rows = np.empty((height, 1 + width * channels), dtype=np.uint8)
    rows[:, 0] = 0  # filter type "none" for every row
    rows[:, 1:].reshape(height, width, channels)[...] = rgba[..., :channels]
    pixels_per_metre = int(dpi / 0.0254 + 0.5)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    return b"".join([
        b"\x89PNG\r\n\x1a\n",
        chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2 if opaque else 6, 0, 0, 0)),
        chunk(b"pHYs", struct.pack(">IIB", pixels_per_metre, pixels_per_metre, 1)),
        chunk(b"IDAT", zlib.compress(rows, PNG_COMPRESS_LEVEL)),
        chunk(b"IEND", b""),
    ])


def render_rgba(fig, dpi: int = DPI) -> np.ndarray:
    """Draw ``fig`` as ``savefig`` does (layout engine, savefig colours) and return its RGBA pixels."""
    previous = fig.canvas
    canvas = CachingCanvas(fig)
    try:
        raw = io.BytesIO()
        fig.savefig(raw, format="rgba", dpi=dpi)
        renderer = canvas.renderer  # the one that drew at ``dpi`` (the figure's own dpi is back)
        return np.frombuffer(raw.getbuffer(), dtype=np.uint8).reshape(int(renderer.height), int(renderer.width), 4)
    finally:
        fig.set_canvas(previous)  # the figure keeps the canvas it had (pyplot's, or none)


def png_bytes(fig, dpi: int = DPI) -> bytes:
    """Render ``fig`` to PNG bytes with no metadata, so equal figures give equal bytes."""
    return encode_png(render_rgba(fig, dpi), dpi)


# --- one figure, several languages: the language-independent layer drawn once ---------------


def render_languages(draw, langs, dpi: int = DPI, *, figures: list | None = None) -> list[bytes]:
    """The PNG bytes of ``draw(lang)`` for each language, in order.

    Each distinct figure drawn is appended to ``figures`` as soon as it exists
    (so the caller can close them even if a later language fails).

    Runs inside :func:`analysis.plots._common.same_figure_across_languages`, so
    figure functions that support it build their artists once and only swap
    texts. For such a figure:

    - with a layout engine (constrained layout), the layout is solved once, for
      every language at a time (:func:`_freeze_layout`: each text at its largest
      over the languages), and kept: the panels sit at the same place in the
      three languages and every language's texts fit;
    - then, its axes positions being fixed, its language-independent layer
      (everything but texts and legends) is drawn once and each language draws
      only its texts and legends on a copy of it; the pixels are those of a full
      draw of the figure (``tests/test_plots_languages.py``).
    """
    from analysis.plots._common import is_kept, same_figure_across_languages

    results = []
    layers = None
    with same_figure_across_languages():
        for i, lang in enumerate(langs):
            fig = draw(lang)
            if figures is not None and not any(fig is f for f in figures):
                figures.append(fig)
            if layers is None or layers.figure is not fig:
                layers = None
                if i == 0 and len(langs) > 1 and is_kept(fig) and _freezable(fig, dpi) \
                        and _freeze_layout(fig, draw, langs):
                    fig = draw(lang)  # back to this language's texts
                if is_kept(fig) and _Layers.supports(fig, dpi):
                    layers = _Layers(fig, dpi)
            results.append(layers.png() if layers is not None else png_bytes(fig, dpi))
    return results


def _freezable(fig, dpi) -> bool:
    return (not getattr(fig, "_aimaq_layout_per_language", False) and isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine) and not fig.subfigs and fig.dpi == dpi
            and not any(ax.get_subplotspec() is None for ax in fig.axes))


def _texts(fig) -> list:
    """The texts a figure function may set per language: titles, axis and free texts, legend entries."""
    texts = list(fig.texts)
    for legend in fig.legends:
        texts += legend.get_texts()
    for ax in fig.axes:
        texts += [*ax.texts, ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label]
        if ax.get_legend() is not None:
            texts += [ax.get_legend().get_title(), *ax.get_legend().get_texts()]
    return texts


def _freeze_layout(fig, draw, langs) -> bool:
    """Solve ``fig``'s constrained layout once with every language's texts at their largest, then keep it.

    ``draw(lang)`` must relabel this very figure for every language (else nothing
    is changed and ``False`` is returned). Each text that differs between the
    languages is laid out as its widest line repeated as many times as its
    longest variant has lines, and each axis with the tick formatter whose
    labels are widest, so the margins hold every language. Afterwards the figure
    has no layout engine that moves its axes (``"none"``).
    """
    texts = _texts(fig)
    axes_axis = [axis for ax in fig.axes for axis in ax._axis_map.values()]
    variants: list[list[str]] = [[] for _ in texts]
    formatters: list[list] = [[] for _ in axes_axis]
    for lang in langs:
        if draw(lang) is not fig:
            return False
        for seen, text in zip(variants, texts):
            seen.append(text.get_text())
        for seen, axis in zip(formatters, axes_axis):
            seen.append(axis.get_major_formatter())
    previous = fig.canvas
    canvas = CachingCanvas(fig)
    try:
        renderer = canvas.get_renderer()

        def width(line: str, prop) -> float:
            return renderer.get_text_width_height_descent(line, prop, ismath=False)[0] if line else 0.0

        for text, seen in zip(texts, variants):
            if len(set(seen)) > 1:
                prop = text.get_fontproperties()
                lines = [line for variant in seen for line in variant.split("\n")]
                widest = max(lines, key=lambda line: (width(line, prop), line))
                text.set_text("\n".join([widest] * max(v.count("\n") + 1 for v in seen)))
        for axis, seen in zip(axes_axis, formatters):
            if len({id(f) for f in seen}) > 1:
                locs = axis.get_majorticklocs()
                prop = axis.get_ticklabels()[0].get_fontproperties() if len(axis.get_ticklabels()) else None

                def widest_label(formatter, locs=locs, prop=prop):
                    labels = formatter.format_ticks(locs)
                    return max((width(label, prop) for label in labels), default=0.0) if prop is not None else 0.0

                best = max(range(len(seen)), key=lambda i: (widest_label(seen[i]), -i))
                axis.set_major_formatter(seen[best])
        fig.get_layout_engine().execute(fig)
        fig.set_layout_engine("none")  # the solved positions stay
    finally:
        fig.set_canvas(previous)
    return True


def _language_layer_texts(fig):
    """Texts that draw more than glyphs (a box or an arrow): hidden with the language layer.

    Titles, axis labels and free texts are looked at; tick labels are not (``findobj``
    would create every tick to look at its label, and the figures here box none).
    """
    texts = list(fig.texts)
    for ax in fig.axes:
        texts += [*ax.texts, ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label]
    return [t for t in texts if t.get_bbox_patch() is not None or isinstance(t, Annotation)]


class _Layers:
    """A figure's language-independent pixels, kept to draw each language's texts on."""

    @staticmethod
    def supports(fig, dpi) -> bool:
        rc = mpl.rcParams
        return (fig.get_layout_engine() is None or isinstance(fig.get_layout_engine(), PlaceHolderLayoutEngine)) \
            and (not fig.subfigs and fig.dpi == dpi
                and cbook._str_equal(rc["savefig.facecolor"], "auto")
                and cbook._str_equal(rc["savefig.edgecolor"], "auto") and rc["savefig.bbox"] is None
                and not any(ax.get_rasterization_zorder() is not None for ax in fig.axes))

    def __init__(self, fig, dpi):
        self.figure = fig
        self.dpi = dpi
        previous = fig.canvas
        self.canvas = CachingCanvas(fig)
        try:
            renderer = self.canvas.get_renderer()
            renderer.clear()
            hidden = [a for a in [*self._legends(), *_language_layer_texts(fig)] if a.get_visible()]
            for artist in hidden:
                artist.set_visible(False)
            renderer.draw_text = _no_text  # tick labels, titles, axis labels: the language layer
            try:
                fig.draw(renderer)
            finally:
                del renderer.draw_text
                for artist in hidden:
                    artist.set_visible(True)
            self.base = renderer.copy_from_bbox(renderer.bbox)
            self.renderer = renderer
        finally:
            fig.set_canvas(previous)

    def _legends(self):
        fig = self.figure
        return [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend() is not None)]

    def png(self) -> bytes:
        """The figure in its current language: its texts and legends drawn on the kept layer."""
        fig = self.figure
        previous = fig.canvas
        fig.set_canvas(self.canvas)
        try:
            renderer = self.canvas.get_renderer()
            if renderer is not self.renderer:  # resized since the layer was drawn: draw it all
                fig.set_canvas(previous)
                return png_bytes(fig, self.dpi)
            renderer.restore_region(self.base)
            # The order of Figure.draw and Axes.draw: by zorder, children order among equals.
            for artist in sorted([*fig.axes, *fig.texts, *fig.legends], key=lambda a: a.get_zorder()):
                if isinstance(artist, Axes):
                    _draw_axes_texts(artist, renderer)
                else:
                    artist.draw(renderer)
            rgba = np.asarray(renderer.buffer_rgba())
            return encode_png(rgba, self.dpi)
        finally:
            fig.set_canvas(previous)


def _no_text(*_args, **_kwargs) -> None:
    return None


def _draw_axes_texts(ax, renderer) -> None:
    """What :meth:`Axes.draw` draws of texts and legends, and nothing else."""
    if not ax.get_visible():
        return
    ax._update_title_position(renderer)
    children = [a for a in ax.get_children() if isinstance(a, (Axis, Text, Legend))]
    if not ax.axison:
        children = [a for a in children if not isinstance(a, Axis)]
    for artist in sorted(children, key=lambda a: a.get_zorder()):
        if isinstance(artist, Axis):
            _draw_axis_texts(artist, renderer)
        else:
            artist.draw(renderer)


def _draw_axis_texts(axis, renderer) -> None:
    """:meth:`matplotlib.axis.Axis.draw` without tick marks and grid lines (matplotlib 3.11)."""
    if not axis.get_visible():
        return
    ticks = axis._update_ticks()
    tlb1, tlb2 = axis._get_ticklabel_bboxes(ticks, renderer)
    for tick in ticks:
        if tick.get_visible():
            tick.label1.draw(renderer)
            tick.label2.draw(renderer)
    axis._update_label_position(renderer)
    axis.label.draw(renderer)
    axis._update_offset_text_position(tlb1, tlb2)
    axis.offsetText.set_text(axis.major.formatter.get_offset())
    axis.offsetText.draw(renderer)
