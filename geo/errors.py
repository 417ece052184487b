"""Errors and warnings raised by border-zones, all in one place.

Every error derives from :class:`BorderZonesError`, so a caller (and the
command line) can catch the package's own failures apart from bugs.
"""

from __future__ import annotations

__all__ = [
    "BorderZonesError",
    "InputError",
    "LayerIntegrityError",
    "LikelySwappedWarning",
    "MissingCRSError",
    "UnknownLayerError",
    "UnknownNameError",
]


class BorderZonesError(Exception):
    """Base class of every error border-zones raises on purpose."""


class UnknownNameError(BorderZonesError, KeyError):
    """A name (layer, zone, place, option) that is not known.

    The message lists what is available, as ``momepy``'s ``get_path`` does.
    """

    def __init__(self, kind: str, name: str, available: list[str] | tuple[str, ...]) -> None:
        self.kind = kind
        self.name = name
        self.available = tuple(available)
        super().__init__(f"unknown {kind} {name!r}; available: {', '.join(self.available)}")

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0])


class UnknownLayerError(UnknownNameError):
    """A layer name that is not in the manifest."""

    def __init__(self, name: str, available: list[str] | tuple[str, ...]) -> None:
        super().__init__("layer", name, available)


class LayerIntegrityError(BorderZonesError):
    """A layer file that does not match its manifest entry (hash, count, fields)."""


class InputError(BorderZonesError, ValueError):
    """Bad user input: malformed file, missing or invalid coordinates, bad values.

    Messages name the file, row or field at fault.
    """


class MissingCRSError(InputError):
    """Geometries without a CRS where one is needed to know they are lon/lat."""


class LikelySwappedWarning(UserWarning):
    """Points that look like (lat, lon) given as (lon, lat)."""
