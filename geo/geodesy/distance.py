"""Geodesic distance and nearest points from many points to a line or polygon.

A target is prepared once (:func:`prepare`, cached by geometry) as a
:class:`GeodesicTarget` and queried many times by a compiled kernel
(:mod:`geo.geodesy._kernel`, numba):

1. The target is densified along its geodesics (vertices at most
   ``max_segment_m``, 1 km by default, apart) and put in Earth-centred (ECEF)
   coordinates, where a short geodesic is a straight chord to within
   nanometres once projected back to the surface along the normal.
2. For each query point the chords that can be nearest are found through
   bounding spheres of blocks of consecutive chords; the closest point on
   each is a 3-D projection. Chord length ranks candidates the way geodesic
   distance does, except between branches whose distances differ by less
   than a bound that grows as distance cubed (about 0.6 m at 300 km): those
   are all evaluated exactly.
3. The foot point is moved to the ellipsoid; its geodesic distance to the
   query point is, up to 350 km, the arc of the normal-section curvature at
   the midpoint over the chord (0.06 mm at 300 km; the error grows as the
   fifth power of the distance), beyond that Vincenty's inverse formula
   (iterated to 1e-12 rad).

The foot point found on the chord is where the *normal section* from the
query point meets the line at right angles, which differs from the geodesic
foot by about ``1e-6 rad × distance``; the distance error that causes is
second order (below a micrometre at 300 km).

Far from the target (a chord distance above :data:`FAR_M`, where the
ranking bound is no longer trusted, near-antipodal points included) and
wherever Vincenty does not converge, the distance comes from an exact
method instead: GeographicLib distances to the target's vertices bound each
edge's distance from below (an edge lies within half its length of an end),
and the edges that may hold the minimum are minimised along their geodesic
by golden-section search with GeographicLib.

Targets are geometries (or GeoSeries/GeoDataFrames with a CRS), never layer
names: :func:`geo.classification.distance` resolves names.
"""

from __future__ import annotations

import functools
import importlib.util
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo._prepared import PointInPolygon
from geo.errors import InputError, MissingCRSError
from geo.geodesy.ellipsoid import (
    RHO_MAX,
    RHO_MIN,
    WGS84,
    densify_lonlat,
    ecef,
    linear_parts,
    polygons,
)
from geo.points import as_lonlat

__all__ = ["FAR_M", "GeodesicTarget", "distance", "nearest_points", "prepare"]

#: Chord length c vs geodesic length s: s = c + c**3 / (24 rho**2) + ...;
#: rho varies with place and direction, so chords rank geodesics only to
#: within c**3 * _TIE_COEF (plus a millimetre).
_TIE_COEF: float = 1.5 * (1.0 / RHO_MIN**2 - 1.0 / RHO_MAX**2) / 24.0
#: Chord distance (m) beyond which the exact GeographicLib method is used.
FAR_M: float = 2_000_000.0
#: Chord distance (m) up to which the kernel's arc formula replaces Vincenty.
_ARC_M: float = 350_000.0
#: Points per kernel call (and per thread-pool task).
_CHUNK: int = 1 << 15
#: Chords per block, blocks per group, groups per top of the kernel's bounds.
_PER_BLOCK: int = 6
_PER_GROUP: int = 6
_PER_TOP: int = 6
#: The cell grid (:meth:`GeodesicTarget.index`): cell size and margin round the
#: target (degrees), most cells (the size grows beyond), most chords per cell.
_GRID_STEP_DEG: float = 0.01
_GRID_MARGIN_DEG: float = 3.0
_GRID_MAX_CELLS: int = 600_000
_GRID_MOST: int = 64
#: A query of at least this many points builds the grid first (it costs about
#: as much as querying its number of cells).
_GRID_MIN_POINTS: int = 100_000
#: Edge length (m) of the geodesic pieces the exact method minimises along.
_EXACT_EDGE_M: float = 20_000.0
#: Points handled together by the exact method (bounds its memory).
_EXACT_CHUNK: int = 512


_KERNEL_LOCK = threading.Lock()
_GRID_LOCK = threading.Lock()


@functools.cache
def _kernel() -> ModuleType:
    """The compiled kernel, imported (and compiled or loaded from cache) on first use.

    numba's first compilation or cache load in a process registers its NumPy
    support, which looks for a BLAS by importing ``scipy.linalg`` (0.3-0.5 s,
    more than the rest of numba's set-up). The kernel uses no BLAS: unless
    ``scipy.linalg`` is loaded already, that one look-up is made to fail at
    once, and numba's answer is put right afterwards (numba code that needs a
    BLAS, such as ``np.dot``, still imports scipy when it is compiled).
    """
    with _KERNEL_LOCK:
        import numba
        import numba.core.registry

        from geo.geodesy import _kernel as kernel

        skip = "scipy.linalg" not in sys.modules
        if skip:
            sys.modules["scipy.linalg"] = None  # type: ignore[assignment]
        try:
            numba.core.registry.cpu_target.target_context.refresh()
        finally:
            if skip:
                del sys.modules["scipy.linalg"]
                import numba.np.arraymath

                numba.np.arraymath._HAVE_BLAS = importlib.util.find_spec("scipy") is not None
        return kernel


def _threads() -> int:
    """Threads for the kernel: numba's thread count (``NUMBA_NUM_THREADS``)."""
    import numba

    return max(1, int(numba.get_num_threads()))


class GeodesicTarget:
    """A line or polygon target prepared for fast geodesic distance queries.

    Build it with :func:`prepare` (which caches) and query it many times.

    Parameters
    ----------
    geom : shapely geometry
        (Multi)LineString, (Multi)Polygon, LinearRing, Point or a
        GeometryCollection of them, in lon/lat degrees. Edges are geodesics.
    max_segment_m : float, default 1000.0
        Densify edges so no chord is longer than this.

    Examples
    --------
    >>> from shapely import LineString
    >>> t = GeodesicTarget(LineString([(35.0, 33.0), (35.0, 34.0)]))
    >>> t.distance([35.1], [33.5]).round(3)
    array([9292.253])
    """

    def __init__(self, geom: BaseGeometry, *, max_segment_m: float = 1000.0) -> None:
        _check_target(geom)
        #: The target geometry, lon/lat.
        self.geometry: BaseGeometry = geom
        parts = _checked_parts(geom)
        self._build_chords([densify_lonlat(p, max_segment_m) for p in parts])
        self._build_bounds()
        #: The cell grid (west, south, cells per radian east and north) and
        #: each cell's chord ranges; no cells until :meth:`index`. One
        #: attribute, replaced whole, so a query never sees half of it.
        self._index: tuple[np.ndarray, np.ndarray] = (
            np.zeros(4),
            np.full((0, 0, 4), -1, dtype=np.int32),
        )
        self._build_exact_edges([densify_lonlat(p, _EXACT_EDGE_M) for p in parts])
        self._area = _densified_area(geom, max_segment_m)

    def _build_chords(self, dense: list[np.ndarray]) -> None:
        """The chords between consecutive vertices, ECEF, centred on the target.

        A one-vertex part (a point) is a zero-length chord.
        """
        starts, ends, part, cum = [], [], [], []
        for k, d in enumerate(dense):
            xyz = ecef(np.radians(d[:, 0]), np.radians(d[:, 1]))
            a, b = (xyz[:-1], xyz[1:]) if len(xyz) > 1 else (xyz, xyz)
            length = np.sqrt(((b - a) ** 2).sum(axis=1))
            starts.append(a)
            ends.append(b)
            part.append(np.full(len(a), k, dtype=np.int64))
            cum.append(np.concatenate([[0.0], np.cumsum(length)[:-1]]))
        a = np.concatenate(starts)
        b = np.concatenate(ends)
        self._origin = 0.5 * (a.min(axis=0) + a.max(axis=0))
        vec = b - a
        length = np.sqrt((vec * vec).sum(axis=1))
        with np.errstate(invalid="ignore", divide="ignore"):
            unit = np.where(length[:, None] > 0, vec / length[:, None], 0.0)
        self._seg_a = np.ascontiguousarray(a - self._origin)
        self._seg_b = np.ascontiguousarray(b - self._origin)
        self._seg_u = np.ascontiguousarray(unit)
        self._seg_len = length
        self._seg_part = np.concatenate(part)
        self._seg_cum = np.concatenate(cum)
        # A chord runs below its geodesic by up to its sagitta, so chord
        # distances rank geodesic ones only to within twice that as well.
        longest = float(length.max(initial=0.0))
        self._sag = 2.0 * longest**2 / (8.0 * RHO_MIN) + 1e-3
        self._nv = sum(len(d) for d in dense)

    def _build_bounds(self) -> None:
        """Lower bounds of runs of consecutive chords: blocks, groups of blocks, tops."""
        self._blk = _bounds(self._seg_a, self._seg_b, _PER_BLOCK)
        self._grp = _bounds(self._seg_a, self._seg_b, _PER_BLOCK * _PER_GROUP)
        self._top = _bounds(self._seg_a, self._seg_b, _PER_BLOCK * _PER_GROUP * _PER_TOP)

    def index(self) -> None:
        """Build the cell grid now (a query of many points builds it otherwise).

        A lon/lat grid (``_GRID_STEP_DEG`` cells, ``_GRID_MARGIN_DEG`` round
        the target) where each cell holds up to two ranges of chords with
        every chord a point of the cell may need
        (:func:`geo.geodesy._kernel.cell_ranges`): such points skip the
        bounds. Cells that would need more than ``_GRID_MOST`` chords, or lie
        far away, keep the bounds.
        """
        with _GRID_LOCK:
            if self._index[1].size:
                return
            x0, y0, x1, y1 = self.geometry.bounds
            m = _GRID_MARGIN_DEG
            x0, x1 = max(-180.0, x0 - m), min(180.0, x1 + m)
            y0, y1 = max(-90.0, y0 - m), min(90.0, y1 + m)
            step = max(_GRID_STEP_DEG, float(np.sqrt((x1 - x0) * (y1 - y0) / _GRID_MAX_CELLS)))
            nx = max(1, int(np.ceil((x1 - x0) / step)))
            ny = max(1, int(np.ceil((y1 - y0) / step)))
            h = np.radians(step)
            west, south = np.radians(x0), np.radians(y0)
            clat = south + (np.arange(ny) + 0.5) * h
            # a cell's radius depends on its row only: the farthest of its
            # corners and edge midpoints from the centre, with a margin
            centre = ecef(np.zeros(ny), clat)
            radius = np.zeros(ny)
            for ox, oy in ((-1, -1), (-1, 1), (1, -1), (1, 1), (0, 1), (0, -1), (1, 0), (-1, 0)):
                edge = ecef(np.full(ny, ox * h / 2), clat + oy * h / 2)
                radius = np.maximum(radius, np.sqrt(((edge - centre) ** 2).sum(axis=1)))
            radius = radius * 1.01 + 1.0
            lon_c = np.tile(west + (np.arange(nx) + 0.5) * h, ny)
            lat_c = np.repeat(clat, nx)
            out = np.empty((nx * ny, 4), dtype=np.int32)
            kernel = _kernel()
            with ThreadPoolExecutor(_threads()) as pool:
                list(pool.map(
                    lambda sl: kernel.cell_ranges(
                        lon_c[sl], lat_c[sl], np.repeat(radius, nx)[sl], self._origin,
                        self._seg_a, self._seg_u, self._seg_len, self._blk, self._grp,
                        self._top, _PER_BLOCK, _PER_GROUP, _PER_TOP, _TIE_COEF, self._sag,
                        FAR_M, _GRID_MOST, out[sl],
                    ),
                    [slice(k, k + _CHUNK) for k in range(0, nx * ny, _CHUNK)],
                ))  # fmt: skip
            self._index = (np.array([west, south, 1.0 / h, 1.0 / h]), out.reshape(ny, nx, 4))

    def _build_exact_edges(self, coarse: list[np.ndarray]) -> None:
        """Geodesic edges (at most ``_EXACT_EDGE_M`` long) for the exact method."""
        lon0, lat0, lon1, lat1 = [], [], [], []
        for c in coarse:
            a, b = (c[:-1], c[1:]) if len(c) > 1 else (c, c)
            lon0.append(a[:, 0])
            lat0.append(a[:, 1])
            lon1.append(b[:, 0])
            lat1.append(b[:, 1])
        self._ex_lon0 = np.concatenate(lon0)
        self._ex_lat0 = np.concatenate(lat0)
        self._ex_lon1 = np.concatenate(lon1)
        self._ex_lat1 = np.concatenate(lat1)
        az, _, length = WGS84.inv(self._ex_lon0, self._ex_lat0, self._ex_lon1, self._ex_lat1)
        self._ex_az = np.asarray(az)
        self._ex_len = np.asarray(length)

    def __repr__(self) -> str:
        return f"<GeodesicTarget {self.geometry.geom_type}, {self._nv} vertices after densifying>"

    # -- queries -----------------------------------------------------------

    def distance(self, lon: Any, lat: Any) -> np.ndarray:
        """Geodesic distance in metres from each point to the target.

        Parameters
        ----------
        lon, lat : array_like
            Degrees, same shape. Not validated: use :func:`distance` for
            user input.

        Returns
        -------
        numpy.ndarray
            Metres, 0 for points inside a polygonal target.
        """
        return self._run(lon, lat, with_points=False)[0]

    def nearest(self, lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Distance (m) to, and lon, lat (degrees) of, the nearest point on the target.

        For a point inside a polygonal target the distance is 0 and the
        nearest point is the point itself.

        Parameters
        ----------
        lon, lat : array_like
            Degrees, same shape.

        Returns
        -------
        distance_m, lon_on_target, lat_on_target : numpy.ndarray

        Examples
        --------
        >>> from shapely import LineString
        >>> t = GeodesicTarget(LineString([(35.0, 33.0), (35.0, 34.0)]))
        >>> d, x, y = t.nearest([35.1], [33.5])
        >>> float(x[0]), round(float(y[0]), 4)
        (35.0, 33.5)
        """
        d, x, y = self._run(lon, lat, with_points=True)
        assert x is not None and y is not None
        return d, x, y

    def _run(
        self, lon: Any, lat: Any, *, with_points: bool
    ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        lon = np.ascontiguousarray(lon, dtype=np.float64).ravel()
        lat = np.ascontiguousarray(lat, dtype=np.float64).ravel()
        if lon.shape != lat.shape:
            raise InputError(f"lon and lat differ in length: {lon.size} vs {lat.size}")
        n = lon.size
        if n >= _GRID_MIN_POINTS and not self._index[1].size:
            self.index()
        dist = np.empty(n)
        flon = np.zeros(n)  # written by the kernel only when with_points
        flat = np.zeros(n)
        status = np.zeros(n, dtype=np.int8)
        query = _kernel().query
        grid, cells = self._index

        def work(start: int) -> None:
            sl = slice(start, min(n, start + _CHUNK))
            query(
                lon[sl], lat[sl], self._origin, self._seg_a, self._seg_u, self._seg_len,
                self._seg_part, self._seg_cum, self._blk, self._grp, self._top, _PER_BLOCK,
                _PER_GROUP, _PER_TOP,
                _TIE_COEF, self._sag, FAR_M, _ARC_M, grid, cells, with_points,
                dist[sl], flon[sl], flat[sl], status[sl],
            )  # fmt: skip

        starts = range(0, n, _CHUNK)
        workers = min(_threads(), len(starts))
        if workers > 1:
            with ThreadPoolExecutor(workers) as pool:
                list(pool.map(work, starts))
        else:
            for s in starts:
                work(s)
        if with_points:
            np.degrees(flon, out=flon)
            np.degrees(flat, out=flat)
        far = np.flatnonzero(status)
        if far.size:
            dist[far], flon[far], flat[far] = self._exact(lon[far], lat[far])
        if self._area is not None:
            inside = self._area.contains_xy(lon, lat)
            if inside.any():
                dist[inside] = 0.0
                flon[inside] = lon[inside]
                flat[inside] = lat[inside]
        if not with_points:
            return dist, None, None
        return dist, flon, flat

    def _exact(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, ...]:
        """Distance and nearest point by GeographicLib alone, for any point on Earth."""
        dist = np.empty(lon.size)
        flon = np.empty(lon.size)
        flat = np.empty(lon.size)
        for start in range(0, lon.size, _EXACT_CHUNK):
            sl = slice(start, start + _EXACT_CHUNK)
            dist[sl], flon[sl], flat[sl] = self._exact_chunk(lon[sl], lat[sl])
        return dist, flon, flat

    def _exact_chunk(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, ...]:
        n, m = lon.size, self._ex_len.size
        px, py = np.repeat(lon, m), np.repeat(lat, m)
        d0 = np.asarray(WGS84.inv(px, py, np.tile(self._ex_lon0, n), np.tile(self._ex_lat0, n))[2])
        d1 = np.asarray(WGS84.inv(px, py, np.tile(self._ex_lon1, n), np.tile(self._ex_lat1, n))[2])
        near = np.minimum(d0, d1).reshape(n, m)
        # every point of an edge is within half its length of one of its ends
        keep = near - self._ex_len / 2.0 <= near.min(axis=1)[:, None]
        pi, ei = np.nonzero(keep)
        s, d = _golden_on_edges(
            self._ex_lon0[ei], self._ex_lat0[ei], self._ex_az[ei], self._ex_len[ei],
            lon[pi], lat[pi],
        )  # fmt: skip
        order = np.lexsort((d, pi))
        first = order[np.r_[True, pi[order][1:] != pi[order][:-1]]]
        x, y, _ = WGS84.fwd(self._ex_lon0[ei[first]], self._ex_lat0[ei[first]],
                            self._ex_az[ei[first]], s[first])  # fmt: skip
        return d[first], np.asarray(x), np.asarray(y)


def _bounds(a: np.ndarray, b: np.ndarray, per: int) -> np.ndarray:
    """Per run of ``per`` chords (a -> b): a capsule and a sphere holding them all.

    Row: capsule start (3), unit direction (3), length, radius; sphere centre
    (3), radius. Chords are convex, so the largest distance of a run from any
    convex set is reached at a chord end: checking the ends is enough.
    """
    n = len(a)
    out = np.empty(((n + per - 1) // per, 12))
    for j in range(len(out)):
        pts = np.vstack([a[j * per : (j + 1) * per], b[j * per : (j + 1) * per]])
        start, end = a[j * per], b[min(n, (j + 1) * per) - 1]
        vec = end - start
        length = float(np.sqrt(vec @ vec))
        unit = vec / length if length > 0 else np.zeros(3)
        w = (pts - start) @ unit
        t = np.clip(w, 0.0, length)
        dev = np.sqrt(np.maximum(((pts - start) ** 2).sum(axis=1) - t * (2.0 * w - t), 0.0))
        centre = 0.5 * (pts.min(axis=0) + pts.max(axis=0))
        radius = np.sqrt(((pts - centre) ** 2).sum(axis=1)).max()
        out[j, 0:3] = start
        out[j, 3:6] = unit
        out[j, 6] = length
        out[j, 7] = dev.max() * (1.0 + 1e-9) + 1e-6
        out[j, 8:11] = centre
        out[j, 11] = radius * (1.0 + 1e-9) + 1e-6
    return out


def _golden_on_edges(
    lon0: np.ndarray,
    lat0: np.ndarray,
    az: np.ndarray,
    length: np.ndarray,
    plon: np.ndarray,
    plat: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Position along each geodesic edge (m) of the point nearest P, and its distance."""

    def f(s: np.ndarray) -> np.ndarray:
        x, y, _ = WGS84.fwd(lon0, lat0, az, s)
        return np.asarray(WGS84.inv(x, y, plon, plat)[2])

    g = (np.sqrt(5.0) - 1.0) / 2.0
    a = np.zeros_like(length)
    b = length.copy()
    c1 = b - g * (b - a)
    c2 = a + g * (b - a)
    f1, f2 = f(c1), f(c2)
    for _ in range(60):
        left = f1 < f2  # the minimum is in [a, c2]: drop (c2, b]; else drop [a, c1)
        b = np.where(left, c2, b)
        a = np.where(left, a, c1)
        x = np.where(left, b - g * (b - a), a + g * (b - a))
        fx = f(x)  # one new evaluation per iteration
        c1, c2 = np.where(left, x, c2), np.where(left, c1, x)
        f1, f2 = np.where(left, fx, f2), np.where(left, f1, fx)
    mid = 0.5 * (a + b)
    cands = np.stack([np.zeros_like(length), length, mid])
    vals = np.stack([f(cands[0]), f(cands[1]), f(cands[2])])
    k = np.argmin(vals, axis=0)
    cols = np.arange(length.size)
    return cands[k, cols], vals[k, cols]


def _check_target(geom: Any) -> None:
    if not isinstance(geom, BaseGeometry):
        raise InputError(f"target must be a shapely geometry, got {type(geom).__name__}")
    if geom.is_empty:
        raise InputError("target geometry is empty; nothing to measure distance to")


def _checked_parts(geom: BaseGeometry) -> list[np.ndarray]:
    """The linear parts of a target, each (n, 2) lon/lat, checked for range."""
    parts = [p for p, _ in linear_parts(geom) if len(p) > 0]
    if any(not np.isfinite(p).all() or (np.abs(p[:, 1]) > 90).any() for p in parts):
        raise InputError("target has NaN, infinite or out-of-range coordinates")
    return parts


def _densified_area(geom: BaseGeometry, max_segment_m: float) -> PointInPolygon | None:
    """The polygonal part of a target, densified like its lines, for point tests.

    A target is queried from several threads at once (classification's
    chunks), so its point tests go through :class:`geo._prepared.PointInPolygon`.
    """
    polys = list(polygons(geom))
    if not polys:
        return None
    dense = [
        shapely.Polygon(
            densify_lonlat(np.asarray(p.exterior.coords)[:, :2], max_segment_m),
            [densify_lonlat(np.asarray(r.coords)[:, :2], max_segment_m) for r in p.interiors],
        )
        for p in polys
    ]
    return PointInPolygon(shapely.union_all(dense))


def _to_lonlat_geometry(target: Any) -> BaseGeometry:
    """A single lon/lat shapely geometry from a geometry or a GeoSeries/GeoDataFrame."""
    if isinstance(target, str):
        raise InputError(
            f"geo.geodesy takes geometries, not layer names (got {target!r}); "
            "use geo.classification.distance / nearest_points / prepare for a layer name"
        )
    if isinstance(target, BaseGeometry):
        return target
    import geopandas

    if isinstance(target, geopandas.GeoSeries | geopandas.GeoDataFrame):
        series = target.geometry
        if series.crs is None:
            raise MissingCRSError(
                "target has no CRS; set one (e.g. .set_crs('EPSG:4326')) so it can be "
                "read as lon/lat"
            )
        return shapely.union_all(np.asarray(series.to_crs("EPSG:4326").array))
    raise InputError(
        f"cannot use {type(target).__name__} as a target; pass a shapely geometry in "
        "lon/lat or a GeoSeries/GeoDataFrame with a CRS"
    )


@functools.lru_cache(maxsize=32)
def _prepare_wkb(wkb: bytes) -> GeodesicTarget:
    return GeodesicTarget(shapely.from_wkb(wkb))


def prepare(target: Any) -> GeodesicTarget:
    """Prepare a target for repeated distance queries (cached by geometry).

    Parameters
    ----------
    target : shapely geometry, GeoSeries, GeoDataFrame or GeodesicTarget
        Lines and/or polygons in lon/lat; a GeoSeries/GeoDataFrame in any CRS
        (its geometries are transformed to EPSG:4326 and unioned). Layer
        names are resolved by :func:`geo.classification.prepare`.

    Returns
    -------
    GeodesicTarget

    Examples
    --------
    >>> from shapely import LineString
    >>> line = LineString([(35.0, 33.0), (35.0, 34.0)])
    >>> prepare(line) is prepare(LineString([(35.0, 33.0), (35.0, 34.0)]))
    True
    """
    if isinstance(target, GeodesicTarget):
        return target
    geom = _to_lonlat_geometry(target)
    if geom is None or geom.is_empty:
        raise InputError("target geometry is empty; nothing to measure distance to")
    return _prepare_wkb(shapely.to_wkb(geom))


def distance(points: Any, to: Any, *, assume_lonlat: bool = False) -> np.ndarray:
    """Geodesic distance in metres from each point to a line or polygon.

    Parameters
    ----------
    points : points
        Anything :func:`geo.points.as_lonlat` accepts.
    to : target
        Anything :func:`prepare` accepts.
    assume_lonlat : bool, default False
        Read CRS-less GeoSeries points as lon/lat.

    Returns
    -------
    numpy.ndarray
        Metres on WGS84 (0 inside polygons), accurate to well under 1 cm.

    Examples
    --------
    >>> from shapely import LineString
    >>> line = LineString([(35.0, 33.0), (35.0, 34.0)])
    >>> distance([(35.0, 32.9), (35.1, 33.5)], line).round(3)
    array([11090.357,  9292.253])
    """
    lon, lat = as_lonlat(points, assume_lonlat=assume_lonlat)
    return prepare(to).distance(lon, lat)


def nearest_points(points: Any, to: Any, *, assume_lonlat: bool = False) -> pd.DataFrame:
    """Distance to, and location of, the nearest point of a target for each point.

    Parameters
    ----------
    points : points
        Anything :func:`geo.points.as_lonlat` accepts.
    to : target
        Anything :func:`prepare` accepts.
    assume_lonlat : bool, default False
        Read CRS-less GeoSeries points as lon/lat.

    Returns
    -------
    pandas.DataFrame
        Columns ``distance_m``, ``nearest_lon``, ``nearest_lat``, one row per
        point (the index of a GeoSeries/GeoDataFrame input is kept).

    Examples
    --------
    >>> from shapely import LineString
    >>> line = LineString([(35.0, 33.0), (35.0, 34.0)])
    >>> nearest_points([(35.0, 32.9)], line).round(4)
       distance_m  nearest_lon  nearest_lat
    0  11090.3568         35.0         33.0
    """
    lon, lat = as_lonlat(points, assume_lonlat=assume_lonlat)
    d, x, y = prepare(to).nearest(lon, lat)
    index = points.index if isinstance(points, pd.Series | pd.DataFrame) else None
    if index is None or len(index) != len(d):
        index = pd.RangeIndex(len(d))
    return pd.DataFrame({"distance_m": d, "nearest_lon": x, "nearest_lat": y}, index=index)
