"""Shared geometries and the independent geodesic truth for the geodesy tests.

The truth never calls :mod:`geo.geodesy`: each target edge is a geodesic,
walked with ``pyproj.Geod.fwd`` and minimised by golden-section search on
``pyproj.Geod.inv`` (GeographicLib), vectorised over points x edges.
"""

from __future__ import annotations

import numpy as np
import pyproj
from shapely import LineString, Polygon

GEOD = pyproj.Geod(ellps="WGS84")

#: Natural Earth 10m "Ceasefire Lines 1974" (Golan), 32 vertices, lon/lat.
NE_CEASEFIRE_1974: list[tuple[float, float]] = [
    (35.8211, 33.406722), (35.822443, 33.401373), (35.816966, 33.395198),
    (35.815415, 33.378868), (35.812315, 33.373365), (35.809938, 33.360032),
    (35.793505, 33.349929), (35.785753, 33.342875), (35.763842, 33.334401),
    (35.802083, 33.31249), (35.768597, 33.272699), (35.775625, 33.264896),
    (35.803633, 33.248463), (35.807664, 33.201721), (35.830195, 33.189991),
    (35.833399, 33.161129), (35.822443, 33.14157), (35.811488, 33.126765),
    (35.811488, 33.111908), (35.848902, 33.098678), (35.845801, 33.085423),
    (35.85903, 32.99021), (35.864611, 32.97773), (35.888073, 32.944941),
    (35.874017, 32.922333), (35.866885, 32.920782), (35.849729, 32.895823),
    (35.83805, 32.866031), (35.841874, 32.853577), (35.834226, 32.827946),
    (35.784203, 32.777949), (35.75759, 32.744347),
]  # fmt: skip
NE_LINE = LineString(NE_CEASEFIRE_1974)

#: A hairpin: 40 km north, a 3 km turn, 40 km back south. Points on the
#: axis between the arms are nearly equidistant from both.
HAIRPIN = LineString(
    [(35.50, 33.0), (35.50, 33.36), (35.516, 33.37), (35.532, 33.36), (35.532, 33.0)]
)
#: A U whose arms are 20 km apart, closed enough that a 5 km buffer has a hole.
U_SHAPE = LineString([(35.0, 33.3), (35.0, 33.0), (35.3, 33.0), (35.3, 33.3), (35.03, 33.3)])
#: A small polygon (a quadrilateral near the Golan).
QUAD = Polygon([(35.7, 32.9), (35.9, 32.95), (35.85, 33.15), (35.68, 33.1)])


def random_walk_line(n: int = 1500, seed: int = 1974) -> LineString:
    """A seeded, wiggly ~1,500-vertex line of ~120 km around 33.2N 35.5E."""
    rng = np.random.default_rng(seed)
    heading = np.cumsum(rng.normal(0.0, 0.35, n - 1)) * 0.3 + 1.2
    steps = rng.uniform(40.0, 120.0, n - 1)
    lon = [35.0]
    lat = [33.0]
    for az, s in zip(np.degrees(heading), steps, strict=True):
        x, y, _ = GEOD.fwd(lon[-1], lat[-1], az, s)
        lon.append(x)
        lat.append(y)
    return LineString(np.column_stack([lon, lat]))


def points_around(line: LineString, n: int, max_km: float, seed: int) -> tuple[np.ndarray, ...]:
    """Seeded points from 0 to max_km from random places on the line."""
    rng = np.random.default_rng(seed)
    coords = np.asarray(line.coords)
    i = rng.integers(0, len(coords), n)
    az = rng.uniform(-180, 180, n)
    dist = rng.uniform(0, max_km * 1000.0, n)
    lon, lat, _ = GEOD.fwd(coords[i, 0], coords[i, 1], az, dist)
    return np.asarray(lon), np.asarray(lat)


def edges(coords: np.ndarray) -> tuple[np.ndarray, ...]:
    coords = np.asarray(coords, dtype=float)
    a = coords[:-1]
    b = coords[1:]
    az, _, length = GEOD.inv(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    return a[:, 0], a[:, 1], np.asarray(az), np.asarray(length)


def truth_per_edge(coords: np.ndarray, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Minimum GeographicLib distance from each point to each geodesic edge (P, E)."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    x0, y0, az, length = edges(coords)
    P, E = lon.size, x0.size
    px = np.repeat(lon, E)
    py = np.repeat(lat, E)
    ex = np.tile(x0, P)
    ey = np.tile(y0, P)
    ea = np.tile(az, P)
    el = np.tile(length, P)

    def f(s: np.ndarray) -> np.ndarray:
        x, y, _ = GEOD.fwd(ex, ey, ea, s)
        return np.asarray(GEOD.inv(x, y, px, py)[2])

    g = (np.sqrt(5.0) - 1.0) / 2.0
    a = np.zeros_like(el)
    b = el.copy()
    c1 = b - g * (b - a)
    c2 = a + g * (b - a)
    f1, f2 = f(c1), f(c2)
    for _ in range(70):
        left = f1 < f2
        b = np.where(left, c2, b)
        a = np.where(left, a, c1)
        c1 = b - g * (b - a)
        c2 = a + g * (b - a)
        f1, f2 = f(c1), f(c2)
    best = np.minimum(np.minimum(f1, f2), np.minimum(f(np.zeros_like(el)), f(el)))
    return best.reshape(P, E)


def truth_distance(coords: np.ndarray, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Geodesic distance from each point to a polyline with geodesic edges (truth).

    Edges that cannot hold the nearest point are skipped with a rigorous
    bound: every point of an edge is within half its length of an endpoint.
    The kept (point, edge) pairs of a block of points are searched together,
    element by element as one point at a time would be (the same ``Geod``
    calls on longer arrays: the same numbers, without a Python loop per point).
    """
    coords = np.asarray(coords, dtype=float)
    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    x0, y0, az, length = edges(coords)
    n = len(coords)
    out = np.empty(lon.size)
    block = max(1, 200_000 // n)
    for start in range(0, lon.size, block):
        px, py = lon[start : start + block], lat[start : start + block]
        m = px.size
        _, _, dv = GEOD.inv(
            np.repeat(px, n), np.repeat(py, n), np.tile(coords[:, 0], m), np.tile(coords[:, 1], m)
        )
        dv = np.asarray(dv).reshape(m, n)
        lower = np.minimum(dv[:, :-1], dv[:, 1:]) - length / 2.0
        point, edge = np.nonzero(lower <= dv.min(axis=1)[:, None] + 1e-6)
        best = _edges_min(x0[edge], y0[edge], az[edge], length[edge], px[point], py[point])
        found = np.full(m, np.inf)
        np.minimum.at(found, point, best)
        out[start : start + m] = found
    return out


def _edges_min(x0, y0, az, length, px, py) -> np.ndarray:
    """Golden-section minimum of Geod.inv along each geodesic edge, from its point."""

    def f(s: np.ndarray) -> np.ndarray:
        x, y, _ = GEOD.fwd(x0, y0, az, s)
        return np.asarray(GEOD.inv(x, y, px, py)[2])

    g = (np.sqrt(5.0) - 1.0) / 2.0
    a = np.zeros_like(length)
    b = length.copy()
    for _ in range(70):
        c1 = b - g * (b - a)
        c2 = a + g * (b - a)
        left = f(c1) < f(c2)
        b = np.where(left, c2, b)
        a = np.where(left, a, c1)
    return np.minimum(np.minimum(f((a + b) / 2), f(np.zeros_like(length))), f(length))


def truth_to_geometry(geom, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Truth distance to every linear part (and polygon ring) of a geometry."""
    parts = []
    stack = [geom]
    while stack:
        g = stack.pop()
        if g.geom_type == "LineString" or g.geom_type == "LinearRing":
            parts.append(np.asarray(g.coords))
        elif g.geom_type == "Polygon":
            parts.append(np.asarray(g.exterior.coords))
            parts.extend(np.asarray(r.coords) for r in g.interiors)
        else:
            stack.extend(g.geoms)
    return np.min([truth_distance(p, lon, lat) for p in parts], axis=0)
