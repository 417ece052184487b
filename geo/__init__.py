"""border-zones: measure the Israel–Syria–Lebanon frontier on the WGS84 ellipsoid.

The modules, in the order data flows through them:

- :mod:`geo.errors`: every error and warning the package raises.
- :mod:`geo.manifest`: the provenance manifest beside the layers, read and written.
- :mod:`geo.layers`: the vector layers, loaded checked against the manifest.
- :mod:`geo.specs`: zone specifications (data in ``layers/zones.csv``).
- :mod:`geo.timeline`: the dated, sourced items from 1974 on (``layers/timeline.csv``).
- :mod:`geo.points`, :mod:`geo.pointfiles`: validated points in memory; users'
  point files read and written (CSV, GeoJSON, GeoPackage).
- :mod:`geo.places`: place names looked up in the ``places`` layer.
- :mod:`geo.geodesy`: geodesic distances, lengths, areas and buffers.
- :mod:`geo.agreement`: how far two versions of a line disagree, stretch by
  stretch, and the corridor between them.
- :mod:`geo.zones`: zone geometry.
- :mod:`geo.classification`: points against lines, countries and zones.
- :mod:`geo.report`: the zones table and other figures.
- :mod:`geo.render`: what people look at: the map (:mod:`geo.render.webmap`,
  with :mod:`geo.render.display`, :mod:`geo.render.assets`), the print figure
  (:mod:`geo.render.figure`) and their shared :mod:`geo.render.style`.
- :mod:`geo.upstream`, :mod:`geo.derivation`, :mod:`geo.digitised`: the pinned
  upstream data, the recipe's cited tables (``recipes/data/``) and the layers
  derived from them.
- :mod:`geo.summary`: users' events counted per zone and period.
- :mod:`geo.workflows`: read → classify → write a point file, the map with your
  points, the GeoPackage export, summarizing a file, rebuilding the layers (used
  by the CLI and the recipe).
- :mod:`geo.cli`: the ``border-zones`` command line.

Importing :mod:`geo` is cheap: the functions below are imported from their
modules on first use (PEP 562), so ``border-zones --version`` does not load
geopandas.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from geo._meta import package_version
from geo.errors import (
    AmbiguousPlaceError,
    AssetError,
    BorderZonesError,
    InputError,
    LayerIntegrityError,
    LikelySwappedWarning,
    MissingCRSError,
    UnknownLayerError,
    UnknownNameError,
)

if TYPE_CHECKING:  # the names __getattr__ provides, for type checkers
    from geo import layers, zones
    from geo.classification import classify, distance, nearest_points
    from geo.geodesy import geodesic_area, geodesic_buffer, geodesic_length
    from geo.render.webmap import build_map, save_map
    from geo.summary import summarize

    __version__: str

__all__ = [
    "AmbiguousPlaceError",
    "AssetError",
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
    "layers",
    "nearest_points",
    "save_map",
    "summarize",
    "zones",
]

#: Public name → the module it lives in, imported on first use.
_LAZY = {
    "classify": "geo.classification",
    "distance": "geo.classification",
    "geodesic_area": "geo.geodesy",
    "geodesic_buffer": "geo.geodesy",
    "geodesic_length": "geo.geodesy",
    "nearest_points": "geo.classification",
    "build_map": "geo.render.webmap",
    "save_map": "geo.render.webmap",
    "summarize": "geo.summary",
}

#: Submodules reachable as attributes of :mod:`geo` without importing them first.
_SUBMODULES = ("layers", "zones")


def __getattr__(name: str) -> Any:
    if name == "__version__":
        value: Any = package_version()
    elif name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"geo.{name}")
    else:
        raise AttributeError(f"module 'geo' has no attribute {name!r}")
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
