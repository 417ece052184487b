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

from typing import Any

from geo.errors import (
    BorderZonesError,
    InputError,
    LayerIntegrityError,
    LikelySwappedWarning,
    MissingCRSError,
    UnknownLayerError,
    UnknownNameError,
)

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


_LAZY = {
    "classify": "geo.classification",
    "distance": "geo.geodesy",
    "geodesic_area": "geo.geodesy",
    "geodesic_buffer": "geo.geodesy",
    "geodesic_length": "geo.geodesy",
    "nearest_points": "geo.geodesy",
    "build_map": "geo.webmap",
    "save_map": "geo.webmap",
}


def __getattr__(name: str) -> Any:
    # numpy, geopandas and folium are imported only when first used, so the
    # command line answers --version and usage errors at once
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("border-zones")
        except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
            return "0+unknown"
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'geo' has no attribute {name!r}")
