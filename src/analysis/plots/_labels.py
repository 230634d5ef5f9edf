"""Point labels that neither overlap each other nor the points, nor leave the axes (private).

A deterministic greedy placement, measured on the figure's own renderer through
public API (``Text.get_window_extent``): the figure is laid out once, its layout
engine is then switched off so nothing moves, and each label (in the order given)
takes the first candidate position around its point, nearest first, that is
inside the axes and free. A label placed away from its point gets a thin leader line.
The same data give the same positions (no random start, unlike iterative repulsion).

Examples
--------
>>> from analysis.plots._common import new_figure
>>> from analysis.plots._labels import place_labels
>>> fig, ax = new_figure()
>>> _ = ax.scatter([0, 0.01, 1], [0, 0.01, 1])
>>> texts = place_labels(ax, [0, 0.01, 1], [0, 0.01, 1], ["one", "two", "three"])
>>> from analysis.plots._labels import overlaps
>>> overlaps([t.get_window_extent() for t in texts])
[]
"""
from __future__ import annotations

import math

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.transforms import Bbox

#: Distances (pixels at the figure's dpi) tried from a point, nearest first; 8 directions each.
RADII = (5, 12, 22, 34, 48, 64, 84, 108)
_DIRECTIONS = [(1, 1), (1, -1), (-1, 1), (-1, -1), (1, 0), (-1, 0), (0, 1), (0, -1)]
_ALIGN = {1: "left", -1: "right", 0: "center"}
_VALIGN = {1: "bottom", -1: "top", 0: "center"}


def overlaps(boxes: list, pad: float = 0.0) -> list[tuple[int, int]]:
    """Index pairs of the boxes (``Bbox``) that overlap, each widened by ``pad`` pixels."""
    found = []
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            if boxes[i].padded(pad).overlaps(boxes[j].padded(pad)):
                found.append((i, j))
    return found


def place_labels(ax, xs, ys, labels, *, colours=None, fontsize: float = 8.5, marker_px: float = 4.0) -> list:
    """Annotate points ``(xs[i], ys[i])`` with ``labels[i]`` without overlaps; returns the texts.

    Call it after everything else is drawn on the figure: it fixes the layout.
    The axis limits are fixed too (a leader line must not rescale them).
    """
    fig = ax.figure
    fig.draw_without_rendering()  # final axes positions and limits
    fig.set_layout_engine("none")
    ax.set_xlim(ax.get_xlim())
    ax.set_ylim(ax.get_ylim())
    renderer = FigureCanvasAgg(fig).get_renderer()  # the canvas savefig uses for PNGs
    frame = ax.get_window_extent(renderer).padded(-2)
    points = ax.transData.transform(np.column_stack([np.asarray(xs, float), np.asarray(ys, float)]))
    taken = [Bbox.from_bounds(px - marker_px, py - marker_px, 2 * marker_px, 2 * marker_px) for px, py in points]
    to_points = 72.0 / fig.dpi
    texts = []
    colours = colours or ["#333333"] * len(labels)
    data = list(zip(np.asarray(xs, float), np.asarray(ys, float)))
    for (px, py), xy, label, colour in zip(points, data, labels, colours):
        best = None
        for radius in RADII:
            for dx, dy in _DIRECTIONS:
                scale = radius / math.hypot(dx, dy)
                offset = (dx * scale, dy * scale)
                text = ax.annotate(label, xy, xytext=(offset[0] * to_points,
                                   offset[1] * to_points), textcoords="offset points", fontsize=fontsize,
                                   color=colour, ha=_ALIGN[dx], va=_VALIGN[dy], annotation_clip=False)
                box = text.get_window_extent(renderer)
                inside = frame.containsx(box.x0) and frame.containsx(box.x1) and \
                    frame.containsy(box.y0) and frame.containsy(box.y1)
                clashes = sum(box.padded(1).overlaps(other) for other in taken)
                score = (not inside, clashes)
                if best is None or score < best[0]:
                    if best is not None:
                        best[1].remove()
                    best = (score, text, box, radius)
                else:
                    text.remove()
                if score == (False, 0):
                    break
            if best[0] == (False, 0):
                break
        _score, text, box, radius = best
        taken.append(box)
        texts.append(text)
        if radius > RADII[1]:
            _leader(ax, (px, py), box)
    return texts


def _leader(ax, point, box) -> None:
    """A thin line from the point to the nearest point of the label's box (display coordinates in)."""
    px, py = point
    qx = min(max(px, box.x0), box.x1)
    qy = min(max(py, box.y0), box.y1)
    (x0, y0), (x1, y1) = ax.transData.inverted().transform([(px, py), (qx, qy)])
    ax.plot([x0, x1], [y0, y1], color="#9a9a9a", linewidth=0.6, zorder=2, scalex=False, scaley=False)
