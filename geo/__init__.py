"""border-zones: measure the Israel–Syria–Lebanon frontier on the WGS84 ellipsoid.

The modules, in the order data flows through them:

- :mod:`geo.layers`: the vector layers and their provenance manifest.
- :mod:`geo.points`, :mod:`geo.inputs`: validated points in memory; users'
  point files read and written (CSV, GeoJSON, GeoPackage).
- :mod:`geo.places`: place names looked up in the ``places`` layer.
- :mod:`geo.geodesy`: geodesic distances, lengths, areas and buffers.
- :mod:`geo.zones`: zone specs (data in ``layers/zones.csv``) and geometry.
- :mod:`geo.classification`: points against lines, countries and zones.
- :mod:`geo.report`, :mod:`geo.figure`: the zones table and the print figure.
- :mod:`geo.webmap` (with :mod:`geo.display`, :mod:`geo.assets`): the map.
- :mod:`geo.cli`: the ``border-zones`` command line.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

from geo.classification import classify
from geo.errors import (
    BorderZonesError,
    InputError,
    LayerIntegrityError,
    LikelySwappedWarning,
    MissingCRSError,
    UnknownLayerError,
    UnknownNameError,
)
from geo.geodesy import distance, geodesic_area, geodesic_buffer, geodesic_length, nearest_points

try:
    __version__ = version("border-zones")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0+unknown"

__all__ = [
    "BorderZonesError",
    "InputError",
    "LayerIntegrityError",
    "LikelySwappedWarning",
    "MissingCRSError",
    "UnknownLayerError",
    "UnknownNameError",
    "__version__",
    "build_map",
    "classify",
    "distance",
    "geodesic_area",
    "geodesic_buffer",
    "geodesic_length",
    "nearest_points",
    "save_map",
]


def __getattr__(name: str) -> Any:
    # folium is imported only when the map is asked for
    if name in ("build_map", "save_map"):
        from geo import webmap

        return getattr(webmap, name)
    raise AttributeError(f"module 'geo' has no attribute {name!r}")
