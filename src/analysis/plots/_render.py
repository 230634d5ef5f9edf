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
reuses its artists across languages (:func:`analysis.plots._common.keep`) and
the figure has fixed axes positions (``layout=None``), everything but the
language layer (texts and legends) is the same in every language, so it is
drawn once and only the language layer is drawn on a copy of it per language.

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
from collections import OrderedDict

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.font_manager import fontManager, get_font
from matplotlib.ft2font import RenderMode

#: Resolution of every PNG the book shows; fixed so bytes do not depend on rcParams.
DPI = 110
#: zlib level of the PNGs: level 1 encodes about twice as fast as the default 6 for files
#: a few per cent larger (the pixels are the same: PNG is lossless).
PNG_COMPRESS_LEVEL = 1
# "Software" is matplotlib's only default PNG text chunk; dropping it keeps the bytes
# independent of the matplotlib version.
_METADATA = {"Software": None}

# Bounded caches (a long-running kernel draws hundreds of pages).
_METRICS_MAX = 20_000
_LAYOUT_MAX = 20_000
_GLYPHS_MAX = 200_000


class _LRU(OrderedDict):
    def __init__(self, maxsize: int):
        super().__init__()
        self.maxsize = maxsize

    def put(self, key, value):
        self[key] = value
        if len(self) > self.maxsize:
            self.popitem(last=False)
        return value


_metrics: _LRU = _LRU(_METRICS_MAX)
_layouts: _LRU = _LRU(_LAYOUT_MAX)
_glyphs: _LRU = _LRU(_GLYPHS_MAX)
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


def _encode(rgba, dpi: int) -> bytes:
    """PNG bytes of an RGBA buffer, as ``savefig`` writes them (same chunks, same zlib level)."""
    buffer = io.BytesIO()
    mpl.image.imsave(buffer, rgba, format="png", origin="upper", dpi=dpi, metadata=_METADATA,
                     pil_kwargs={"compress_level": PNG_COMPRESS_LEVEL})
    return buffer.getvalue()


def png_bytes(fig, dpi: int = DPI) -> bytes:
    """Render ``fig`` to PNG bytes with no metadata, so equal figures give equal bytes."""
    previous = fig.canvas
    CachingCanvas(fig)
    try:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi, metadata=_METADATA,
                    pil_kwargs={"compress_level": PNG_COMPRESS_LEVEL})
        return buffer.getvalue()
    finally:
        fig.set_canvas(previous)  # the figure keeps the canvas it had (pyplot's, or none)
