"""The WGS84 ellipsoid: constants, coordinate conversions, geodesic densifying.

Everything else in :mod:`geo.geodesy` measures on this ellipsoid.
GeographicLib (through :data:`WGS84`) is the reference for every length,
area, direct and inverse problem; the helpers here convert between
geodetic and Earth-centred (ECEF) coordinates and walk geometries.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

from geo.errors import InputError

__all__ = ["WGS84", "densify_lonlat", "linear_parts", "polygons"]

#: The WGS84 ellipsoid, through GeographicLib (pyproj's ``Geod``).
WGS84: pyproj.Geod = pyproj.Geod(ellps="WGS84")

A: float = float(WGS84.a)
F: float = float(WGS84.f)
B: float = A * (1.0 - F)
E2: float = F * (2.0 - F)
EP2: float = E2 / (1.0 - E2)
#: Largest radius of curvature of the ellipsoid (at the poles), metres.
RHO_MAX: float = A * A / B
#: Smallest radius of curvature (meridian, at the equator), metres.
RHO_MIN: float = B * B / A


def ecef(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Earth-centred coordinates (n, 3) in metres of surface points (radians)."""
    slat = np.sin(lat)
    clat = np.cos(lat)
    n = A / np.sqrt(1.0 - E2 * slat * slat)
    out = np.empty((np.size(lon), 3))
    out[:, 0] = n * clat * np.cos(lon)
    out[:, 1] = n * clat * np.sin(lon)
    out[:, 2] = n * (1.0 - E2) * slat
    return out


def geodetic(x: np.ndarray, y: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Longitude, latitude (radians) of ECEF points near the surface (Bowring)."""
    p = np.hypot(x, y)
    theta = np.arctan2(z * A, p * B)
    st = np.sin(theta)
    ct = np.cos(theta)
    lat = np.arctan2(z + EP2 * B * st * st * st, p - E2 * A * ct * ct * ct)
    return np.arctan2(y, x), lat


def linear_parts(geom: BaseGeometry | None) -> Iterator[tuple[np.ndarray, bool]]:
    """Yield (coords (n, 2), is_ring) for every linear part of a geometry.

    Points count as one-vertex parts; polygons give their rings.
    """
    if geom is None or geom.is_empty:
        return
    kind = geom.geom_type
    if kind in ("LineString", "LinearRing"):
        yield np.asarray(geom.coords, dtype=np.float64)[:, :2], kind == "LinearRing"
    elif kind == "Point":
        yield np.asarray(geom.coords, dtype=np.float64)[:, :2], False
    elif kind == "Polygon":
        yield np.asarray(geom.exterior.coords, dtype=np.float64)[:, :2], True
        for ring in geom.interiors:
            yield np.asarray(ring.coords, dtype=np.float64)[:, :2], True
    elif hasattr(geom, "geoms"):
        for sub in geom.geoms:
            yield from linear_parts(sub)
    else:  # pragma: no cover - shapely has no other kinds
        raise InputError(f"unsupported geometry type {kind}")


def polygons(geom: BaseGeometry) -> Iterator[shapely.Polygon]:
    """Yield the non-empty polygons of a (multi)polygon or collection."""
    if geom.geom_type == "Polygon" and not geom.is_empty:
        yield geom
    elif hasattr(geom, "geoms") and geom.geom_type in ("MultiPolygon", "GeometryCollection"):
        for sub in geom.geoms:
            yield from polygons(sub)


def densify_lonlat(coords: np.ndarray, max_segment_m: float) -> np.ndarray:
    """Insert vertices along geodesic edges so that none is longer than the limit.

    Parameters
    ----------
    coords : numpy.ndarray
        (n, 2) lon/lat degrees of a line's vertices.
    max_segment_m : float
        Longest edge allowed, metres.

    Returns
    -------
    numpy.ndarray
        (m, 2) lon/lat degrees: the original vertices, in order, with points
        spaced evenly along each geodesic edge between them.

    Examples
    --------
    >>> densify_lonlat(np.array([[35.0, 33.0], [35.0, 33.02]]), 1000.0).shape
    (4, 2)
    """
    coords = np.asarray(coords, dtype=np.float64)
    if len(coords) < 2:
        return coords
    lon0, lat0 = coords[:-1, 0], coords[:-1, 1]
    lon1, lat1 = coords[1:, 0], coords[1:, 1]
    az, _, dist = WGS84.inv(lon0, lat0, lon1, lat1)
    az = np.asarray(az)
    dist = np.asarray(dist)
    pieces = np.maximum(1, np.ceil(dist / max_segment_m)).astype(np.int64)
    # For edge i, points k = 0 .. pieces[i]-1 at k * dist / pieces from its start.
    edge = np.repeat(np.arange(len(pieces)), pieces)
    k = np.arange(edge.size) - np.repeat(np.cumsum(pieces) - pieces, pieces)
    step = dist[edge] * k / pieces[edge]
    inner = k > 0
    lon = lon0[edge].copy()
    lat = lat0[edge].copy()
    if inner.any():
        flon, flat, _ = WGS84.fwd(lon[inner], lat[inner], az[edge][inner], step[inner])
        lon[inner] = flon
        lat[inner] = flat
    out = np.empty((edge.size + 1, 2))
    out[:-1, 0] = lon
    out[:-1, 1] = lat
    out[-1] = coords[-1]
    return out
