"""Geodesic buffers on WGS84: everything within a distance of a line or polygon."""

from __future__ import annotations

import functools

import numpy as np
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

from geo.errors import InputError
from geo.geodesy.distance import GeodesicTarget, prepare
from geo.geodesy.ellipsoid import WGS84, polygons
from geo.geodesy.measure import check_geometry

__all__ = ["geodesic_buffer"]


def _xy(point: shapely.Point) -> tuple[np.ndarray, np.ndarray]:
    return np.array([point.x]), np.array([point.y])


def _snap_to_distance(
    target: GeodesicTarget, lon: np.ndarray, lat: np.ndarray, dist_m: float
) -> tuple[np.ndarray, np.ndarray]:
    """Move points along the geodesic from their nearest target point to ``dist_m``."""
    for _ in range(6):
        d, flon, flat = target.nearest(lon, lat)
        off = np.abs(d - dist_m)
        if off.max(initial=0.0) < 1e-4:
            break
        az, _, _ = WGS84.inv(flon, flat, lon, lat)
        nlon, nlat, _ = WGS84.fwd(flon, flat, az, np.full(lon.size, dist_m))
        lon = np.asarray(nlon)
        lat = np.asarray(nlat)
    return lon, lat


def _exact_ring(
    target: GeodesicTarget, ring: np.ndarray, dist_m: float, tol_m: float
) -> np.ndarray:
    """Snap a closed ring's vertices to ``dist_m`` and densify until midpoints fit."""
    lon, lat = _snap_to_distance(target, ring[:-1, 0], ring[:-1, 1], dist_m)
    pts = np.column_stack([lon, lat])
    for _ in range(12):
        nxt = np.roll(pts, -1, axis=0)
        mid = 0.5 * (pts + nxt)
        dmid = target.distance(mid[:, 0], mid[:, 1])
        bad = np.flatnonzero(np.abs(dmid - dist_m) > tol_m)
        if bad.size == 0:
            break
        mlon, mlat = _snap_to_distance(target, mid[bad, 0], mid[bad, 1], dist_m)
        insert = np.column_stack([mlon, mlat])
        pts = np.insert(pts, bad + 1, insert, axis=0)
    return np.vstack([pts, pts[:1]])


def geodesic_buffer(geom: BaseGeometry, distance_m: float) -> BaseGeometry:
    """Everything within ``distance_m`` metres (geodesic, WGS84) of a line or polygon.

    The buffer is first drawn in an azimuthal equidistant projection centred
    on the geometry, then every boundary vertex is moved along the geodesic
    from its nearest point on the geometry to exactly ``distance_m`` (to
    0.1 mm), and edges are split until their midpoints, read as straight
    lines in lon/lat as GeoJSON and shapely read them, lie within 0.5 m of
    ``distance_m``. Holes (ground enclosed by a curving line) are kept and
    treated the same way.

    Parameters
    ----------
    geom : shapely geometry
        Line(s) and/or polygon(s) in lon/lat degrees.
    distance_m : float
        Buffer distance in metres, positive.

    Returns
    -------
    shapely.Polygon or shapely.MultiPolygon
        Valid, in lon/lat degrees.

    Examples
    --------
    >>> from shapely import LineString
    >>> from geo.geodesy.measure import geodesic_area
    >>> line = LineString([(35.0, 33.0), (35.0, 33.5)])
    >>> zone = geodesic_buffer(line, 10_000)
    >>> zone.is_valid, round(geodesic_area(zone) / 1e6)
    (True, 1423)
    """
    check_geometry(geom)
    if not np.isfinite(distance_m) or distance_m <= 0:
        raise InputError(f"buffer distance must be a positive number of metres, got {distance_m}")
    if geom.is_empty:
        raise InputError("cannot buffer an empty geometry")
    return _buffer_of_wkb(shapely.to_wkb(geom), float(distance_m))


@functools.lru_cache(maxsize=64)
def _buffer_of_wkb(wkb: bytes, distance_m: float) -> BaseGeometry:
    """:func:`geodesic_buffer` of a checked geometry given as WKB, kept for the next call.

    A report draws the same bands again (the zones, then each against the other
    versions of its line); shapely geometries are immutable, so a kept result is
    safe to hand out again.
    """
    geom = shapely.from_wkb(wkb)
    target = prepare(geom)
    centre = geom.centroid
    aeqd = pyproj.CRS.from_proj4(
        f"+proj=aeqd +lat_0={centre.y} +lon_0={centre.x} +ellps=WGS84 +units=m +no_defs"
    )
    fwd = pyproj.Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
    back = pyproj.Transformer.from_crs(aeqd, "EPSG:4326", always_xy=True)
    projected = shapely.transform(geom, lambda xy: np.column_stack(fwd.transform(*xy.T)))
    rough = shapely.buffer(projected, distance_m, quad_segs=32)
    rough = shapely.transform(rough, lambda xy: np.column_stack(back.transform(*xy.T)))
    tol = 0.5
    polys = []
    for poly in polygons(rough):
        shell = _exact_ring(target, np.asarray(poly.exterior.coords), distance_m, tol)
        holes = [_exact_ring(target, np.asarray(r.coords), distance_m, tol) for r in poly.interiors]
        polys.append(shapely.Polygon(shell, holes))
    out = shapely.union_all([shapely.make_valid(p) for p in polys])
    # Repairs can leave slivers: every true part of a buffer holds part of the
    # geometry, and every true hole holds ground farther than distance_m.
    kept = []
    for part in polygons(out):
        if not part.intersects(geom):
            continue
        holes = [
            r
            for r in part.interiors
            if target.distance(*_xy(shapely.Polygon(r).representative_point()))[0]
            > distance_m + tol
        ]
        kept.append(shapely.Polygon(part.exterior, holes))
    result = shapely.union_all(kept) if kept else out
    area = [p for p in polygons(geom)]
    if area:
        result = shapely.union_all([result, *area])
    if result.geom_type not in ("Polygon", "MultiPolygon"):
        result = shapely.MultiPolygon([p for p in polygons(result)])
    return result
