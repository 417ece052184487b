"""Point-in-polygon tests on one polygon from several threads at once.

GEOS's prepared geometries build their indexes lazily and keep state while
they answer, so two threads testing points against the *same* prepared
polygon at the same moment can corrupt the heap: GEOS says prepared
geometries are not thread-safe (libgeos/geos issue 825, "Prepared geometry is
not thread-safe", open). Here, with shapely 2.2 and GEOS 3.14.1, that showed
as glibc's ``unaligned tcache chunk detected`` abort in about half of the
runs of a 10^6-row ``border-zones classify``, whose chunks test the country
polygons in two threads; a call that warms the index first made it rarer,
not impossible.

:class:`PointInPolygon` keeps one prepared copy of its polygon per thread
that tests points at the same moment (made from the polygon's WKB, so the
same coordinates to the bit) and hands each copy to one thread at a time.
No lock is held while GEOS works, so the tests still run in parallel.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import shapely

__all__ = ["PointInPolygon"]


class PointInPolygon:
    """A polygon whose :meth:`contains_xy` may be called from any number of threads.

    Parameters
    ----------
    geometry : shapely geometry
        A polygon or multipolygon (any geometry ``shapely.contains_xy`` takes).

    Examples
    --------
    >>> from shapely import box
    >>> square = PointInPolygon(box(0, 0, 1, 1))
    >>> square.contains_xy([0.5, 2.0], [0.5, 0.5]).tolist()
    [True, False]
    >>> square.bounds
    (0.0, 0.0, 1.0, 1.0)
    """

    __slots__ = ("_free", "_lock", "_wkb", "bounds", "geometry")

    def __init__(self, geometry: Any) -> None:
        self.geometry = geometry
        self.bounds = tuple(float(v) for v in shapely.bounds(geometry))
        self._wkb = shapely.to_wkb(geometry)
        self._lock = threading.Lock()
        self._free: list[Any] = []

    def _take(self) -> Any:
        with self._lock:
            if self._free:
                return self._free.pop()
        copy = shapely.from_wkb(self._wkb)
        shapely.prepare(copy)
        return copy

    def contains_xy(self, x: Any, y: Any) -> np.ndarray:
        """``shapely.contains_xy`` of the polygon, on a prepared copy no other thread uses."""
        copy = self._take()
        try:
            return shapely.contains_xy(copy, x, y)
        finally:
            with self._lock:
                self._free.append(copy)

    def __reduce__(self) -> tuple[type[PointInPolygon], tuple[Any]]:
        # the polygon alone: prepared copies and the lock are made again where it is loaded
        return (PointInPolygon, (self.geometry,))

    def __repr__(self) -> str:
        return f"<PointInPolygon {self.geometry.geom_type} bounds={self.bounds}>"
