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

    #: Dense points per stretch of the brute force's skip bound.
    GROUP = 16

    def __init__(self, coords, step_m: float = 50.0):
        self.dense = densify(coords, step_m)

    def distance(self, lon: float, lat: float, candidates: int = 3) -> float:
        return float(self.distances([lon], [lat], candidates)[0])

    def distances(self, lon, lat, candidates: int = 3) -> np.ndarray:
        """:meth:`distance` of many points: the same search, element by element, on arrays.

        The brute force skips stretches of the dense line that cannot hold the
        nearest point, with a rigorous bound: every dense point of a stretch of
        path length L between two anchors (every ``GROUP``-th dense point) is
        within L / 2 of one of them, so no point of the stretch is nearer than
        min(d(anchor_a), d(anchor_b)) - L / 2.
        """
        lon = np.atleast_1d(np.asarray(lon, dtype=float))
        lat = np.atleast_1d(np.asarray(lat, dtype=float))
        dense = self.dense
        n = len(dense)
        az_all, _, len_all = GEOD.inv(dense[:-1, 0], dense[:-1, 1], dense[1:, 0], dense[1:, 1])
        az_all, len_all = np.asarray(az_all), np.asarray(len_all)
        along = np.concatenate([[0.0], np.cumsum(len_all)])
        anchor = np.unique(np.r_[np.arange(0, n, self.GROUP), n - 1])
        half = np.diff(along[anchor]) / 2.0
        # the dense points of each stretch (padded with its last point: repeats are harmless)
        members = np.minimum(anchor[:-1, None] + np.arange(self.GROUP + 1), anchor[1:, None])
        out = np.empty(lon.size)
        block = max(1, 100_000 // anchor.size)
        for start in range(0, lon.size, block):
            px, py = lon[start : start + block], lat[start : start + block]
            m = px.size
            na = anchor.size
            _, _, da = GEOD.inv(
                np.repeat(px, na), np.repeat(py, na),
                np.tile(dense[anchor, 0], m), np.tile(dense[anchor, 1], m),
            )  # fmt: skip
            da = np.asarray(da).reshape(m, na)
            lower = np.minimum(da[:, :-1], da[:, 1:]) - half
            point, group = np.nonzero(lower <= da.min(axis=1)[:, None] + 1e-6)
            idx = members[group].reshape(-1)
            owner = np.repeat(point, members.shape[1])
            _, _, d = GEOD.inv(px[owner], py[owner], dense[idx, 0], dense[idx, 1])
            d = np.asarray(d)
            # each (point, dense point) once: stretches share anchors and repeat their last point
            _, once = np.unique(owner * n + idx, return_index=True)
            owner, idx, d = owner[once], idx[once], d[once]
            # per point: the nearest dense distance and the few nearest dense points
            order = np.lexsort((d, owner))
            owner, idx, d = owner[order], idx[order], d[order]
            first = np.r_[0, np.flatnonzero(np.diff(owner)) + 1]
            best = np.full(m, np.inf)
            best[owner[first]] = d[first]
            rank = np.arange(owner.size) - np.repeat(first, np.diff(np.r_[first, owner.size]))
            near_owner, near = owner[rank < candidates], idx[rank < candidates]
            # refine along the dense segments next to each of them (covers near-ties)
            point = np.repeat(near_owner, 2)
            seg = np.stack([near - 1, near], axis=1).reshape(-1)
            ok = (seg >= 0) & (seg < n - 1)
            point, seg = point[ok], seg[ok]
            ok = len_all[seg] != 0
            point, seg = point[ok], seg[ok]
            x0, y0, az, qx, qy = dense[seg, 0], dense[seg, 1], az_all[seg], px[point], py[point]

            def f(s, x0=x0, y0=y0, az=az, qx=qx, qy=qy):
                x, y, _ = GEOD.fwd(x0, y0, az, s)
                return np.asarray(GEOD.inv(qx, qy, x, y)[2])

            refined = _golden_many(f, np.zeros(seg.size), len_all[seg])
            np.minimum.at(best, point, refined)
            out[start : start + m] = best
        return out


def _golden_many(f, a: np.ndarray, b: np.ndarray, iters: int = 60) -> np.ndarray:
    """:func:`_golden`'s minimum for many intervals at once (f takes and gives arrays)."""
    g = (np.sqrt(5) - 1) / 2
    a, b = a.copy(), b.copy()
    c, d = b - g * (b - a), a + g * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(iters):
        left = fc < fd
        # left: b, d, fd = d, c, fc, then c = b - g(b - a) is new;
        # else: a, c, fc = c, d, fd, then d = a + g(b - a) is new
        b = np.where(left, d, b)
        a = np.where(left, a, c)
        new = np.where(left, b - g * (b - a), a + g * (b - a))
        fnew = f(new)
        c, d = np.where(left, new, d), np.where(left, c, new)
        fc, fd = np.where(left, fnew, fd), np.where(left, fc, fnew)
    return f((a + b) / 2)
