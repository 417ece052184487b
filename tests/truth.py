"""Independent truth for tests: brute-force geodesics with GeographicLib (pyproj.Geod).

Nothing here calls the code under test.
"""

from __future__ import annotations

import itertools

import numpy as np
from pyproj import Geod

GEOD = Geod(ellps="WGS84")


def densify(coords, step_m: float = 20.0) -> np.ndarray:
    """Points along the geodesic segments of a line, at most ``step_m`` apart."""
    coords = np.asarray(coords, dtype=float)
    out = [coords[:1]]
    for (x0, y0), (x1, y1) in itertools.pairwise(coords):
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


def _golden(f, a: float, b: float, iters: int = 60) -> tuple[float, float]:
    """Minimise a unimodal f on [a, b] by golden-section search: (argmin, min)."""
    g = (np.sqrt(5) - 1) / 2
    c, d = b - g * (b - a), a + g * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(iters):
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - g * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + g * (b - a)
            fd = f(d)
    x = (a + b) / 2
    return x, f(x)


class ExactLine:
    """Distance from points to a line of geodesic segments, to well under 1 mm.

    The line is densified every ``step_m`` along its geodesics; the nearest
    dense points are found by brute force, then the minimum is refined by
    golden-section search along the geodesic pieces next to each of them.
    Only GeographicLib (``pyproj.Geod``) is used.
    """

    def __init__(self, coords, step_m: float = 50.0):
        self.dense = densify(coords, step_m)

    def distance(self, lon: float, lat: float, candidates: int = 3) -> float:
        dense = self.dense
        n = len(dense)
        _, _, d = GEOD.inv(np.full(n, lon), np.full(n, lat), dense[:, 0], dense[:, 1])
        best = float(d.min())
        # refine around the few nearest dense points (covers near-ties)
        for i in np.argsort(d)[:candidates]:
            for j in (i - 1, i):
                if 0 <= j < n - 1:
                    (x0, y0), (x1, y1) = dense[j], dense[j + 1]
                    az, _, length = GEOD.inv(x0, y0, x1, y1)
                    if length == 0:
                        continue

                    def f(s, x0=x0, y0=y0, az=az):
                        x, y, _ = GEOD.fwd(x0, y0, az, s)
                        return GEOD.inv(lon, lat, x, y)[2]

                    best = min(best, _golden(f, 0.0, length)[1])
        return best
