"""Geodesic lengths and areas on WGS84 (GeographicLib)."""

from __future__ import annotations

from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from geo.errors import InputError
from geo.geodesy.ellipsoid import WGS84, polygons

__all__ = ["geodesic_area", "geodesic_length"]


def check_geometry(geom: Any) -> None:
    """Raise :class:`~geo.errors.InputError` unless ``geom`` is a shapely geometry."""
    if not isinstance(geom, BaseGeometry):
        raise InputError(f"expected a shapely geometry, got {type(geom).__name__}")


def geodesic_length(geom: BaseGeometry) -> float:
    """Geodesic length in metres of a line, or perimeter of a polygon, on WGS84.

    Parameters
    ----------
    geom : shapely geometry
        In lon/lat degrees; multipart geometries sum their parts.

    Returns
    -------
    float

    Examples
    --------
    >>> from shapely import LineString
    >>> round(geodesic_length(LineString([(35.0, 33.0), (35.0, 34.0)])), 3)
    110913.399
    """
    check_geometry(geom)
    return float(WGS84.geometry_length(geom))


def geodesic_area(geom: BaseGeometry) -> float:
    """Geodesic area in m² of a (multi)polygon on WGS84, holes subtracted.

    Parameters
    ----------
    geom : shapely geometry
        In lon/lat degrees. Lines and points have area 0.

    Returns
    -------
    float
        Absolute area, whatever the ring orientation.

    Examples
    --------
    >>> from shapely import box
    >>> round(geodesic_area(box(35.0, 33.0, 36.0, 34.0)) / 1e6, 1)
    10306.2
    """
    check_geometry(geom)
    total = 0.0
    for poly in polygons(geom):
        # Ring by ring, so the result does not depend on ring orientation.
        total += abs(WGS84.geometry_area_perimeter(shapely.Polygon(poly.exterior))[0])
        for ring in poly.interiors:
            total -= abs(WGS84.geometry_area_perimeter(shapely.Polygon(ring))[0])
    return float(total)
