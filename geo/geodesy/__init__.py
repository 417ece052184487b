"""Geodesic distances, nearest points, lengths, areas and buffers on WGS84.

Everything here is measured on the WGS84 ellipsoid and takes geometries in
lon/lat degrees (never layer names; :mod:`geo.classification` resolves
those); edges between the vertices of a target are geodesics.

- :mod:`geo.geodesy.ellipsoid`: :data:`WGS84`, conversions, densifying.
- :mod:`geo.geodesy.distance`: :class:`GeodesicTarget`, :func:`distance`,
  :func:`nearest_points`.
- :mod:`geo.geodesy.measure`: :func:`geodesic_length`, :func:`geodesic_area`.
- :mod:`geo.geodesy.buffer`: :func:`geodesic_buffer`.
"""

from __future__ import annotations

from geo.geodesy.buffer import geodesic_buffer
from geo.geodesy.distance import GeodesicTarget, distance, nearest_points, prepare
from geo.geodesy.ellipsoid import WGS84, densify_lonlat
from geo.geodesy.measure import geodesic_area, geodesic_length

__all__ = [
    "WGS84",
    "GeodesicTarget",
    "densify_lonlat",
    "distance",
    "geodesic_area",
    "geodesic_buffer",
    "geodesic_length",
    "nearest_points",
    "prepare",
]
