"""Errors and warnings raised by border-zones, all in one place.

Every error derives from :class:`BorderZonesError`, so a caller (and the
command line) can catch the package's own failures apart from bugs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

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


class _Described(Protocol):
    def describe(self) -> str: ...


class AmbiguousPlaceError(UnknownNameError):
    """A name that matches more than one place; lists them with coordinates.

    Examples
    --------
    >>> class P:
    ...     def __init__(self, text):
    ...         self.text = text
    ...     def describe(self):
    ...         return self.text
    >>> err = AmbiguousPlaceError("Ein", [P("Ein A (35.1, 33.0)"), P("Ein B (35.2, 33.1)")])
    >>> str(err).split(": ")[0], err.available
    ("place name 'Ein' is ambiguous, 2 places match", ('Ein A (35.1, 33.0)', 'Ein B (35.2, 33.1)'))
    """

    def __init__(self, name: str, matches: Sequence[_Described]) -> None:
        self.matches = list(matches)
        described = [p.describe() for p in self.matches]
        super().__init__("place", name, described)
        self.args = (
            f"place name {name!r} is ambiguous, {len(described)} places match: "
            + "; ".join(described)
            + ". Give coordinates instead",
        )


class AssetError(BorderZonesError):
    """An asset that could not be found in the cache, downloaded or packed."""


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
