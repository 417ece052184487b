"""Independent truth for tests: brute-force geodesics with GeographicLib (pyproj.Geod).

Nothing here calls the code under test.
"""

from __future__ import annotations

import numpy as np
from pyproj import Geod

GEOD = Geod(ellps="WGS84")


def densify(coords, step_m: float = 20.0) -> np.ndarray:
    """Points along the geodesic segments of a line, at most ``step_m`` apart."""
    coords = np.asarray(coords, dtype=float)
    out = [coords[:1]]
    for (x0, y0), (x1, y1) in zip(coords[:-1], coords[1:], strict=True):
        _, _, d = GEOD.inv(x0, y0, x1, y1)
        n = int(np.ceil(d / step_m))
        if n > 1:
            mid = GEOD.npts(x0, y0, x1, y1, n - 1)
            out.append(np.asarray(mid).reshape(-1, 2))
        out.append([[x1, y1]])
    return np.vstack(out)


def min_distance(lon: float, lat: float, dense: np.ndarray) -> float:
    """Smallest geodesic distance (m) from one point to a densified line."""
    n = len(dense)
    _, _, d = GEOD.inv(np.full(n, lon), np.full(n, lat), dense[:, 0], dense[:, 1])
    return float(np.min(d))


def line_length_m(coords) -> float:
    coords = np.asarray(coords, dtype=float)
    return float(GEOD.line_length(coords[:, 0], coords[:, 1]))
