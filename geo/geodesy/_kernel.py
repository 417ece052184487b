"""Compiled (numba) kernel of :class:`geo.geodesy.distance.GeodesicTarget`.

One call handles a chunk of points; it holds no Python objects and releases
the GIL, so chunks run in parallel on a thread pool. Compiled code is cached
on disk (``cache=True``: in ``__pycache__`` beside this file, or, where that
is read-only as in an installed wheel, in numba's per-user cache directory or
``NUMBA_CACHE_DIR``), so only the first run on a machine pays for compiling.

Per point:

1. Candidate chords. The target's chords (ECEF, centred on the target) are
   grouped in blocks of consecutive chords, blocks in groups and groups in
   tops, each with a lower bound on the distance to any of its chords (a
   capsule round the run's end-to-end segment; for groups and tops also a
   bounding sphere). Tops, groups, then blocks are opened best-first, and
   only while they can hold a chord closer than the best so far plus the
   ranking slack. Every chord whose chord distance is
   within that slack of the best is kept.
2. Near-ties. Chord distance ranks geodesic distance only to within
   ``tie * d**3 + sag``; kept chords are taken in order of chord distance and
   every one that is not in the same smooth basin (same part, within
   ``basin`` metres along the line) as one already evaluated is evaluated
   exactly too.
3. Exact distance. The foot point is moved to the ellipsoid along its
   normal; up to ``arc_m`` (chord) from the query point its geodesic distance
   is the arc of the normal-section curvature at the midpoint (:func:`_arc`,
   below 0.2 mm at 350 km), beyond that Vincenty's inverse formula, iterated
   to 1e-12 rad, on the foot's geodetic coordinates (Bowring).

A point whose best chord distance exceeds ``far_m`` (where the chord bound
is no longer trusted), or where Vincenty does not converge, is flagged
(``status`` 1) for the exact GeographicLib method in
:mod:`geo.geodesy.distance`.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from geo.geodesy.ellipsoid import E2, EP2, A, B, F

__all__ = ["query"]

_TOL = 1e-12


@njit(cache=True, nogil=True, error_model="numpy")
def _vincenty(lon1: float, lat1: float, lon2: float, lat2: float) -> tuple[float, bool]:
    """Geodesic distance (m) between two points (radians); False if not converged."""
    tu1 = (1.0 - F) * math.tan(lat1)
    cu1 = 1.0 / math.sqrt(1.0 + tu1 * tu1)
    su1 = tu1 * cu1
    tu2 = (1.0 - F) * math.tan(lat2)
    cu2 = 1.0 / math.sqrt(1.0 + tu2 * tu2)
    su2 = tu2 * cu2
    big_l = (lon2 - lon1 + math.pi) % (2.0 * math.pi) - math.pi
    lam = big_l
    cc = cu1 * cu2
    ss = su1 * su2
    cs = cu1 * su2
    sc = su1 * cu2
    ok = False
    ssig = 0.0
    csig = 1.0
    sig = 0.0
    c2a = 1.0
    c2sm = 0.0
    for _ in range(30):
        sl = math.sin(lam)
        cl = math.cos(lam)
        x = cu2 * sl
        y = cs - sc * cl
        ssig = math.sqrt(x * x + y * y)
        if ssig == 0.0:
            return 0.0, True
        csig = ss + cc * cl
        sig = math.atan2(ssig, csig)
        sa = cc * sl / ssig
        c2a = 1.0 - sa * sa
        c2sm = csig - 2.0 * ss / c2a if c2a != 0.0 else 0.0
        c = F / 16.0 * c2a * (4.0 + F * (4.0 - 3.0 * c2a))
        new = big_l + (1.0 - c) * F * sa * (
            sig + c * ssig * (c2sm + c * csig * (2.0 * c2sm * c2sm - 1.0))
        )
        done = abs(new - lam) < _TOL
        lam = new
        if done:
            ok = True
            break
    # One more evaluation at the converged lambda.
    sl = math.sin(lam)
    cl = math.cos(lam)
    x = cu2 * sl
    y = cs - sc * cl
    ssig = math.sqrt(x * x + y * y)
    if ssig == 0.0:
        return 0.0, ok
    csig = ss + cc * cl
    sig = math.atan2(ssig, csig)
    sa = cc * sl / ssig
    c2a = 1.0 - sa * sa
    c2sm = csig - 2.0 * ss / c2a if c2a != 0.0 else 0.0
    u2 = c2a * EP2
    k1 = math.sqrt(1.0 + u2)
    k1 = (k1 - 1.0) / (k1 + 1.0)
    big_a = (1.0 + 0.25 * k1 * k1) / (1.0 - k1)
    big_b = k1 * (1.0 - 0.375 * k1 * k1)
    dsig = (
        big_b
        * ssig
        * (
            c2sm
            + big_b
            / 4.0
            * (
                csig * (2.0 * c2sm * c2sm - 1.0)
                - big_b / 6.0 * c2sm * (4.0 * ssig * ssig - 3.0) * (4.0 * c2sm * c2sm - 3.0)
            )
        )
    )
    return B * big_a * (sig - dsig), ok


@njit(cache=True, nogil=True, error_model="numpy")
def _to_surface(x: float, y: float, z: float) -> tuple[float, float, float]:
    """The point of the ellipsoid nearest a point just off it (one Newton step).

    Feet on chords of at most a few km are centimetres below the surface;
    the step along the normal leaves an error of order h**2 / R (below 1 nm).
    """
    ia = 1.0 / (A * A)
    ib = 1.0 / (B * B)
    f = (x * x + y * y) * ia + z * z * ib - 1.0
    gx = 2.0 * x * ia
    gy = 2.0 * y * ia
    gz = 2.0 * z * ib
    k = f / (gx * gx + gy * gy + gz * gz)
    return x - k * gx, y - k * gy, z - k * gz


@njit(cache=True, nogil=True, error_model="numpy")
def _arc(px: float, py: float, pz: float, qx: float, qy: float, qz: float) -> float:
    """Geodesic distance (m) between two surface points (ECEF) up to ``ARC_M`` apart.

    The geodesic is taken as a circular arc on its chord, with the curvature
    of the normal section at the midpoint in the chord's direction (Euler):
    ``s = 2 / k * asin(k * c / 2)``. Odd terms of the curvature's variation
    cancel about the midpoint; what is left grows as s**5: 0.06 mm at 300 km
    and 0.26 mm at 400 km against GeographicLib (tests/test_kernel.py).
    """
    vx = qx - px
    vy = qy - py
    vz = qz - pz
    c = math.sqrt(vx * vx + vy * vy + vz * vz)
    if c == 0.0:
        return 0.0
    dx = vx / c
    dy = vy / c
    dz = vz / c
    # normal at the midpoint (ellipsoid gradient), and the chord against it
    mx = 0.5 * (px + qx) / (A * A)
    my = 0.5 * (py + qy) / (A * A)
    mz = 0.5 * (pz + qz) / (B * B)
    mn = math.sqrt(mx * mx + my * my + mz * mz)
    nz = mz / mn
    dn = (dx * mx + dy * my + dz * mz) / mn
    w = math.sqrt(1.0 - E2 * nz * nz)
    # k = cos2(a) / M + sin2(a) / N, written without dividing by cos(lat)
    north = dz - dn * nz
    flat = 1.0 - dn * dn
    cos2lat_sin2a = (1.0 - nz * nz) - (north * north / flat if flat > 0.0 else 0.0)
    k = (w * w * w - w * E2 * cos2lat_sin2a) / (A * (1.0 - E2))
    return 2.0 / k * math.asin(min(1.0, 0.5 * k * c))


@njit(cache=True, nogil=True, error_model="numpy")
def _geodetic(x: float, y: float, z: float) -> tuple[float, float]:
    """Longitude, latitude (radians) of an ECEF point near the surface (Bowring)."""
    p = math.hypot(x, y)
    theta = math.atan2(z * A, p * B)
    st = math.sin(theta)
    ct = math.cos(theta)
    lat = math.atan2(z + EP2 * B * st * st * st, p - E2 * A * ct * ct * ct)
    return math.atan2(y, x), lat


@njit(cache=True, nogil=True, error_model="numpy")
def _gap(px: float, py: float, pz: float, box: np.ndarray, i: int) -> float:
    """Lower bound on the distance from P to any chord of run ``i``.

    ``box[i]`` holds a segment A-B (the run's first and last vertex), the
    largest distance of the run's vertices from it, a sphere centre and radius:
    P is at least ``|P - AB| - deviation`` and ``|P - C| - radius`` from the run.
    """
    dx = px - box[i, 0]
    dy = py - box[i, 1]
    dz = pz - box[i, 2]
    w = dx * box[i, 3] + dy * box[i, 4] + dz * box[i, 5]
    t = min(max(w, 0.0), box[i, 6])
    capsule = math.sqrt(max(dx * dx + dy * dy + dz * dz - t * (2.0 * w - t), 0.0)) - box[i, 7]
    cx = px - box[i, 8]
    cy = py - box[i, 9]
    cz = pz - box[i, 10]
    sphere = math.sqrt(cx * cx + cy * cy + cz * cz) - box[i, 11]
    return max(capsule, sphere)


@njit(cache=True, nogil=True, error_model="numpy")
def _capsule_gap(px: float, py: float, pz: float, box: np.ndarray, i: int) -> float:
    """The capsule half of :func:`_gap` alone (tight enough for short, straight runs)."""
    dx = px - box[i, 0]
    dy = py - box[i, 1]
    dz = pz - box[i, 2]
    w = dx * box[i, 3] + dy * box[i, 4] + dz * box[i, 5]
    t = min(max(w, 0.0), box[i, 6])
    return math.sqrt(max(dx * dx + dy * dy + dz * dz - t * (2.0 * w - t), 0.0)) - box[i, 7]


@njit(cache=True, nogil=True, error_model="numpy")
def _order(gaps: np.ndarray, idx: np.ndarray, n: int) -> None:
    """Sort ``idx[:n]`` by ``gaps`` (insertion sort: n is small)."""
    for c in range(1, n):
        v = idx[c]
        g = gaps[v]
        j = c - 1
        while j >= 0 and gaps[idx[j]] > g:
            idx[j + 1] = idx[j]
            j -= 1
        idx[j + 1] = v


@njit(cache=True, nogil=True, error_model="numpy")
def query(
    lon: np.ndarray,
    lat: np.ndarray,
    origin: np.ndarray,
    seg_a: np.ndarray,
    seg_u: np.ndarray,
    seg_len: np.ndarray,
    seg_part: np.ndarray,
    seg_cum: np.ndarray,
    blk: np.ndarray,
    grp: np.ndarray,
    top: np.ndarray,
    per_blk: int,
    per_grp: int,
    per_top: int,
    tie: float,
    sag: float,
    far_m: float,
    arc_m: float,
    with_points: bool,
    dist: np.ndarray,
    flon: np.ndarray,
    flat: np.ndarray,
    status: np.ndarray,
) -> None:
    """Distance (m) and nearest point (radians) for lon/lat points (radians).

    Writes ``dist``, ``flon``, ``flat`` and ``status`` (0 done, 1 needs the
    exact method) for every point.
    """
    ns = seg_len.size
    nb = blk.shape[0]
    ng = grp.shape[0]
    nt = top.shape[0]
    top_gap = np.empty(nt)
    top_idx = np.empty(nt, dtype=np.int64)
    cand_s = np.empty(ns, dtype=np.int64)
    cand_t = np.empty(ns)
    cand_d = np.empty(ns)
    grp_gap = np.empty(ng)
    grp_idx = np.empty(per_top, dtype=np.int64)
    blk_gap = np.empty(nb)
    blk_idx = np.empty(per_grp, dtype=np.int64)
    ev_part = np.empty(ns, dtype=np.int64)
    ev_along = np.empty(ns)
    for i in range(lon.size):
        plon = lon[i]
        plat = lat[i]
        slat = math.sin(plat)
        clat = math.cos(plat)
        nrad = A / math.sqrt(1.0 - E2 * slat * slat)
        gx = nrad * clat * math.cos(plon)
        gy = nrad * clat * math.sin(plon)
        gz = nrad * (1.0 - E2) * slat
        px = gx - origin[0]
        py = gy - origin[1]
        pz = gz - origin[2]
        # 1. candidates, best-first at each level (tops, groups, blocks), by
        # lower bound, while a level's bound is within the limit
        for k in range(nt):
            top_gap[k] = _gap(px, py, pz, top, k)
            top_idx[k] = k
        _order(top_gap, top_idx, nt)
        best = np.inf
        limit = np.inf  # best chord distance plus its slack
        nc = 0
        for kt in range(nt):
            tp = top_idx[kt]
            if top_gap[tp] > limit:
                break
            g0 = tp * per_top
            ngt = min(ng, g0 + per_top) - g0
            for kg in range(ngt):
                grp_gap[g0 + kg] = _gap(px, py, pz, grp, g0 + kg)
                grp_idx[kg] = g0 + kg
            _order(grp_gap, grp_idx, ngt)
            for kg in range(ngt):
                g = grp_idx[kg]
                if grp_gap[g] > limit:
                    break
                b0 = g * per_grp
                nbg = min(nb, b0 + per_grp) - b0
                for kb in range(nbg):
                    blk_gap[b0 + kb] = _capsule_gap(px, py, pz, blk, b0 + kb)
                    blk_idx[kb] = b0 + kb
                _order(blk_gap, blk_idx, nbg)
                for kb in range(nbg):
                    b = blk_idx[kb]
                    if blk_gap[b] > limit:
                        break
                    for s in range(b * per_blk, min(ns, (b + 1) * per_blk)):
                        dx = px - seg_a[s, 0]
                        dy = py - seg_a[s, 1]
                        dz = pz - seg_a[s, 2]
                        w = dx * seg_u[s, 0] + dy * seg_u[s, 1] + dz * seg_u[s, 2]
                        t = min(max(w, 0.0), seg_len[s])
                        dd = dx * dx + dy * dy + dz * dz - t * (2.0 * w - t)
                        if dd > limit * limit:
                            continue
                        d = math.sqrt(max(dd, 0.0))
                        if d < best:
                            best = d
                            limit = best + tie * best * best * best + sag
                        cand_s[nc] = s
                        cand_t[nc] = t
                        cand_d[nc] = d
                        nc += 1
        if best > far_m:
            status[i] = 1
            continue
        slack = tie * best * best * best + sag
        basin = 1.5 * math.sqrt(2.0 * (best + slack) * slack) + 1e-3
        # keep the candidates within the final limit, by chord distance
        m = 0
        for c in range(nc):
            if cand_d[c] <= limit:
                cand_s[m] = cand_s[c]
                cand_t[m] = cand_t[c]
                cand_d[m] = cand_d[c]
                m += 1
        for c in range(1, m):  # insertion sort: m is small
            s_, t_, d_ = cand_s[c], cand_t[c], cand_d[c]
            j = c - 1
            while j >= 0 and cand_d[j] > d_:
                cand_s[j + 1] = cand_s[j]
                cand_t[j + 1] = cand_t[j]
                cand_d[j + 1] = cand_d[j]
                j -= 1
            cand_s[j + 1] = s_
            cand_t[j + 1] = t_
            cand_d[j + 1] = d_
        # 2-3. exact distance of the best chord and of each other branch's best
        out_d = np.inf
        out_s = 0
        out_t = 0.0
        ne = 0
        failed = False
        for c in range(m):
            s = cand_s[c]
            along = seg_cum[s] + cand_t[c]
            same = False
            for e in range(ne):
                if ev_part[e] == seg_part[s] and abs(ev_along[e] - along) <= basin:
                    same = True
                    break
            if same:
                continue
            ev_part[ne] = seg_part[s]
            ev_along[ne] = along
            ne += 1
            t = cand_t[c]
            qx, qy, qz = _to_surface(
                origin[0] + seg_a[s, 0] + seg_u[s, 0] * t,
                origin[1] + seg_a[s, 1] + seg_u[s, 1] * t,
                origin[2] + seg_a[s, 2] + seg_u[s, 2] * t,
            )
            if cand_d[c] <= arc_m:
                d = _arc(gx, gy, gz, qx, qy, qz)
            else:
                qlon, qlat = _geodetic(qx, qy, qz)
                d, ok = _vincenty(qlon, qlat, plon, plat)
                if not ok:
                    failed = True
            if d < out_d:
                out_d = d
                out_s = s
                out_t = t
        if failed:
            status[i] = 1
            continue
        status[i] = 0
        dist[i] = out_d
        if with_points:
            flon[i], flat[i] = _geodetic(
                origin[0] + seg_a[out_s, 0] + seg_u[out_s, 0] * out_t,
                origin[1] + seg_a[out_s, 1] + seg_u[out_s, 1] * out_t,
                origin[2] + seg_a[out_s, 2] + seg_u[out_s, 2] * out_t,
            )
