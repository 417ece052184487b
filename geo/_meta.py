"""The package's own metadata, for modules that print or record it."""

from __future__ import annotations

import functools

__all__ = ["package_version"]


@functools.cache
def package_version() -> str:
    """The installed version of border-zones (``0+unknown`` from a bare checkout)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("border-zones")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0+unknown"
