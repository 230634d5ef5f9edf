"""Every figure of the 2023 edition, in kk, ru and en: no two texts overlap, none leaves the canvas,
no two panels sit side by side (a phone would shrink them instead of stacking them).

Drawn in-process from the real data (the notebooks' own code, see ``plots_edition``), measured
on the drawn figure with matplotlib's public ``Text.get_window_extent``.
"""
from __future__ import annotations

import functools

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from analysis.i18n import LANGS
from analysis.plots._common import new_figure
from analysis.plots._labels import overlaps

from plots_edition import edition_figures

#: Smallest font size allowed in a figure, in points (see ``plots._common.MIN_FONT``).
MIN_POINTS = 8.0


def text_problems(fig: Figure) -> list[str]:
    """Overlapping pairs, texts outside the canvas and texts below :data:`MIN_POINTS`, as messages."""
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip() and t.get_figure(root=True)]
    hidden = _unused_tick_labels(fig)
    texts = [t for t in texts if _shown(t) and id(t) not in hidden]
    boxes = [t.get_window_extent(renderer) for t in texts]
    canvas = fig.bbox
    problems = []
    for text, box in zip(texts, boxes):
        if box.x0 < canvas.x0 - 0.5 or box.y0 < canvas.y0 - 0.5 or box.x1 > canvas.x1 + 0.5 or box.y1 > canvas.y1 + 0.5:
            problems.append(f"outside the canvas: {text.get_text()!r} {box.bounds} in {canvas.bounds}")
        if text.get_fontsize() < MIN_POINTS:
            problems.append(f"too small ({text.get_fontsize():g} pt): {text.get_text()!r}")
    for i, j in overlaps(boxes, pad=-0.5):  # touching by half a pixel (anti-aliasing) is not an overlap
        problems.append(f"overlap: {texts[i].get_text()!r} and {texts[j].get_text()!r}")
    return problems


def side_by_side_panels(fig: Figure) -> list[str]:
    """Pairs of panels drawn next to each other (on a phone they would shrink instead of stacking).

    Colourbars (labelled ``<colorbar>`` by matplotlib) and hidden axes are not panels.
    """
    fig.canvas.draw()  # the layout engine places the axes while drawing
    panels = [ax for ax in fig.axes if ax.get_visible() and ax.get_label() != "<colorbar>"]
    boxes = [ax.get_position() for ax in panels]
    found = []
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            a, b = boxes[i], boxes[j]
            shared_height = min(a.y1, b.y1) - max(a.y0, b.y0)
            if shared_height > 0.5 * min(a.height, b.height) and (a.x1 <= b.x0 or b.x1 <= a.x0):
                found.append(f"panels side by side: {panels[i].get_title()!r} and {panels[j].get_title()!r}")
    return found


def _unused_tick_labels(fig: Figure) -> set[int]:
    """Tick labels matplotlib keeps but does not draw: beyond the view interval, or of a switched-off axis."""
    hidden = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            tolerance = (high - low) * 1e-9
            drawn = ax.axison and axis.get_visible()  # a map's axes are switched off
            for tick, loc in zip(axis.get_major_ticks(), axis.get_majorticklocs()):
                if not drawn or not low - tolerance <= loc <= high + tolerance:
                    hidden.update((id(tick.label1), id(tick.label2)))
    return hidden


def _shown(text: Text) -> bool:
    """Whether ``text`` is drawn: visible itself and in every container (hidden axes, empty tick labels)."""
    artist = text
    while artist is not None:
        if not artist.get_visible():
            return False
        parent = getattr(artist, "axes", None)
        artist = parent if parent is not artist else None
        if artist is not None and not artist.get_visible():
            return False
        break
    return True


def test_the_check_sees_an_overlap_a_clipped_label_and_a_tiny_one():
    fig, ax = new_figure(figsize=(3, 2), layout=None)  # no layout engine to make room for the stray label
    ax.text(0.5, 0.5, "Астана қаласы", transform=ax.transAxes)
    ax.text(0.52, 0.5, "Алматы қаласы", transform=ax.transAxes)
    ax.text(0.95, 0.2, "Атырау облысы", transform=ax.transAxes)
    ax.text(0.1, 0.1, "6 px", fontsize=5)
    found = text_problems(fig)
    assert any(p.startswith("overlap") and "Астана" in p for p in found)
    assert any(p.startswith("outside") and "Атырау" in p for p in found)
    assert any(p.startswith("too small") for p in found)


def test_the_check_sees_panels_side_by_side_but_not_stacked_ones():
    fig, _axes = new_figure(figsize=(6, 3), ncols=2)
    assert len(side_by_side_panels(fig)) == 1
    fig, _axes = new_figure(figsize=(6, 5), nrows=2)
    fig.colorbar(_axes[0].imshow([[0, 1]]), ax=_axes[0])  # a colourbar beside its panel is no second panel
    assert side_by_side_panels(fig) == []


@functools.lru_cache(maxsize=1)
def _figures():
    return edition_figures(2023)


def _ids():
    return [f"{nb}:{caption[:40]}" for nb, caption, _draw in _figures()]


@pytest.mark.slow
def test_edition_figure_texts_are_legible():
    figures = _figures()
    assert figures, "no report.figure call found in the notebooks"
    problems = {}
    for nb, caption, draw in figures:
        for lang in LANGS:
            fig = draw(lang)
            problems[f"{nb}: {caption[:50]} [{lang}]"] = text_problems(fig) + side_by_side_panels(fig)
    assert {k: v for k, v in problems.items() if v} == {}


@pytest.mark.slow
def test_edition_figures_fit_a_printed_page_at_their_own_size():
    """In the PDF an image is laid out at its own size (one pixel per CSS pixel, 96 to the inch), shrunk to
    the text block's width where wider; taller than the page allows, the print stylesheet would shrink it
    and its texts below legibility. So every figure fits: six stacked region panels did not (421 mm)."""
    from analysis.book.pdf import CONTENT_WIDTH_MM, FIGURE_MAX_HEIGHT_MM
    from analysis.plots._common import DPI

    too_tall = {}
    for nb, caption, draw in _figures():
        fig = draw("ru")
        width_in, height_in = fig.get_size_inches()
        width_mm, height_mm = (25.4 * DPI / 96 * size for size in (width_in, height_in))
        printed = height_mm * min(1.0, CONTENT_WIDTH_MM / width_mm)
        if printed > FIGURE_MAX_HEIGHT_MM:
            too_tall[f"{nb}: {caption[:50]}"] = round(printed)
    assert too_tall == {}
