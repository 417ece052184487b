"""border-zones: measure the Israel–Syria–Lebanon frontier on the WGS84 ellipsoid."""

from importlib.metadata import PackageNotFoundError, version

from geo.errors import (
    BorderZonesError,
    InputError,
    LayerIntegrityError,
    LikelySwappedWarning,
    MissingCRSError,
    UnknownLayerError,
    UnknownNameError,
)

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
]
