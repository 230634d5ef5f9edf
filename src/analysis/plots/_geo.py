"""GeoJSON boundaries as matplotlib patches, without geopandas (private).

The three boundary vintages live in ``data/geo/*.geojson`` (one file per
vintage, each feature with a ``region_code`` property). A map for year ``Y``
is drawn on the vintage whose set of region codes equals the units valid in
``Y`` on the current basis, so the 2015 map has South Kazakhstan and the 2023
map has Abai, Jetisu and Ulytau.

Examples
--------
>>> from analysis.plots._geo import ring_path
>>> ring_path([[[0, 0], [1, 0], [1, 1], [0, 0]]]).vertices.shape
(4, 2)
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from matplotlib.collections import PatchCollection
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath

#: Latitude used to keep shapes true: one degree of longitude is cos(lat) degrees of latitude.
MID_LATITUDE = 48.0


@dataclass(frozen=True)
class Vintage:
    """One boundary file: its path, region codes and a path per region."""

    file: str
    codes: frozenset
    paths: tuple  # tuple of (code, matplotlib Path)
    bounds: tuple  # (xmin, ymin, xmax, ymax)

    def path(self, code: str) -> MplPath:
        """The outline of one region."""
        for c, p in self.paths:
            if c == code:
                return p
        raise KeyError(code)


def ring_path(rings) -> MplPath:
    """A compound path (outer ring and holes) from GeoJSON polygon rings."""
    vertices, codes = [], []
    for ring in rings:
        ring = np.asarray(ring, dtype=float)[:, :2]
        if len(ring) < 3:
            continue
        vertices.append(ring)
        ring_codes = np.full(len(ring), MplPath.LINETO, dtype=np.uint8)
        ring_codes[0] = MplPath.MOVETO
        codes.append(ring_codes)
    return MplPath(np.concatenate(vertices), np.concatenate(codes))


def _geometry_path(geometry: dict, where: str) -> MplPath:
    kind = geometry.get("type")
    if kind == "Polygon":
        return ring_path(geometry["coordinates"])
    if kind == "MultiPolygon":
        parts = [ring_path(polygon) for polygon in geometry["coordinates"]]
        return MplPath.make_compound_path(*parts)
    raise ValueError(f"{where}: geometry type {kind!r}; expected Polygon or MultiPolygon")


def read_vintage(file: str) -> Vintage:
    """Read one GeoJSON file of first-level regions (cached per path, size and modification time).

    A warm kernel runs many notebooks: the cache key includes the file's
    stamp so an edited boundary file is read again.
    """
    stat = os.stat(file)
    return _read_vintage(str(file), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _read_vintage(file: str, _mtime_ns: int, _size: int) -> Vintage:
    with open(file, encoding="utf-8") as handle:
        collection = json.load(handle)
    paths = []
    for row, feature in enumerate(collection.get("features", []), start=1):
        code = (feature.get("properties") or {}).get("region_code")
        if not code:
            raise ValueError(
                f"{Path(file).name}: feature {row}, column properties.region_code: "
                "missing; expected a region code such as 'KZ-43'"
            )
        paths.append((code, _geometry_path(feature["geometry"], f"{Path(file).name}: feature {row}")))
    if not paths:
        raise ValueError(f"{Path(file).name}: no features; expected a FeatureCollection of regions")
    allv = np.concatenate([p.vertices for _, p in paths])
    bounds = (*allv.min(axis=0), *allv.max(axis=0))
    paths.sort(key=lambda item: item[0])
    return Vintage(str(file), frozenset(c for c, _ in paths), tuple(paths), tuple(float(b) for b in bounds))


def geo_files(data_dir: str | Path) -> list[Path]:
    """The boundary files in ``<data_dir>/geo``, sorted by name."""
    folder = Path(data_dir) / "geo"
    files = sorted(folder.glob("*.geojson"))
    if not files:
        raise FileNotFoundError(f"{folder}: no *.geojson boundary files; expected the three vintages")
    return files


def vintage_for(codes, data_dir: str | Path) -> Vintage:
    """The boundary vintage that holds every code in ``codes`` with the fewest other regions.

    An exact match is the rule (the units valid in a year on the current
    basis); a vintage with extra regions is used only when none matches
    exactly (e.g. a year before a split, whose predecessor unit has no data
    on the current basis), and the extra regions are then drawn as "no data".
    """
    wanted = frozenset(codes)
    seen, best = [], None
    for file in geo_files(data_dir):
        vintage = read_vintage(str(file))
        seen.append(f"{file.name} ({len(vintage.codes)} regions)")
        if wanted <= vintage.codes and (best is None or len(vintage.codes) < len(best.codes)):
            best = vintage
    if best is None:
        raise ValueError(
            f"{Path(data_dir) / 'geo'}: no boundary file has all of the regions "
            f"{', '.join(sorted(wanted))}; files: {'; '.join(seen)}"
        )
    return best


def all_vintages(data_dir: str | Path) -> list[Vintage]:
    """Every boundary vintage, sorted by number of regions (oldest first for Kazakhstan's splits)."""
    return sorted((read_vintage(str(f)) for f in geo_files(data_dir)), key=lambda v: len(v.codes))


def label_point(path: MplPath) -> tuple[float, float]:
    """A point inside the largest ring of ``path`` for a label (centroid, nudged inside)."""
    best, best_area = None, -1.0
    for polygon in path.to_polygons(closed_only=False):
        x, y = polygon[:, 0], polygon[:, 1]
        area = 0.5 * abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))
        if area > best_area:
            best, best_area = polygon, area
    x, y = best[:, 0], best[:, 1]
    cross = x * np.roll(y, -1) - np.roll(x, -1) * y
    a = cross.sum() / 2.0
    if abs(a) < 1e-12:
        return float(x.mean()), float(y.mean())
    cx = float(((x + np.roll(x, -1)) * cross).sum() / (6 * a))
    cy = float(((y + np.roll(y, -1)) * cross).sum() / (6 * a))
    if MplPath(best).contains_point((cx, cy)):
        return cx, cy
    # Concave shape: fall back to the vertex mean, then to the nearest vertex.
    mx, my = float(x.mean()), float(y.mean())
    if MplPath(best).contains_point((mx, my)):
        return mx, my
    i = int(np.argmin((x - cx) ** 2 + (y - cy) ** 2))
    return float(x[i]), float(y[i])


def map_axes(ax, bounds) -> None:
    """Frame a lon/lat map: true shapes at Kazakhstan's latitude, no axes or grid."""
    xmin, ymin, xmax, ymax = bounds
    pad = 0.4
    ax.set_xlim(xmin - pad, xmax + pad)
    ax.set_ylim(ymin - pad, ymax + pad)
    ax.set_aspect(1.0 / math.cos(math.radians(MID_LATITUDE)))
    ax.set_axis_off()


def draw_regions(ax, paths, facecolors, edgecolor="white", linewidths=0.5, zorder=1) -> None:
    """Add region outlines as one collection (``add_patch`` per region recomputes limits: slow)."""
    patches = [PathPatch(path) for path in paths]
    collection = PatchCollection(patches, facecolors=facecolors, edgecolors=edgecolor,
                                 linewidths=linewidths, zorder=zorder)
    ax.add_collection(collection, autolim=False)
