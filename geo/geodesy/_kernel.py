"""Compiled (numba) kernel of :class:`geo.geodesy.distance.GeodesicTarget`.

One call handles a chunk of points; it holds no Python objects and releases
the GIL, so chunks run in parallel on a thread pool. Compiled code is cached
on disk (``cache=True``: in ``__pycache__`` beside this file, or, where that
is read-only as in an installed wheel, in numba's per-user cache directory or
``NUMBA_CACHE_DIR``), so only the first run on a machine pays for compiling.

Per point:

1. Candidate chords. Where the point's lon/lat cell of the target's grid
   has them (:func:`cell_ranges`, built once per target), one or two ranges
   of consecutive chords hold every chord the point can need, and all are
   measured; or a range of blocks (below) does, and only those are searched.
   Elsewhere the target's chords (ECEF, centred on the target)
   are grouped in blocks of consecutive chords, blocks in groups and groups
   in tops, each with a lower bound on the distance to any of its chords (a
   capsule round the run's end-to-end segment; for groups and tops also a
   bounding sphere); at each level the run of least bound is opened first,
   then the others while they can hold a chord closer than the best so far
   plus the ranking slack. Either way every chord whose chord distance is
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

__all__ = ["cell_ranges", "query"]

_TOL = 1e-12
#: numba floating-point flags: fused multiply-add, no signed zeros, reciprocals
#: (no approximate functions, and infinities stay meaningful: limits start at inf).
_FAST = {"contract", "nsz", "arcp"}


@njit(cache=True, nogil=True, error_model="numpy", fastmath=_FAST)
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


@njit(cache=True, nogil=True, error_model="numpy", fastmath=_FAST)
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


@njit(cache=True, nogil=True, error_model="numpy", fastmath=_FAST)
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


@njit(cache=True, nogil=True, error_model="numpy", fastmath=_FAST)
def _geodetic(x: float, y: float, z: float) -> tuple[float, float]:
    """Longitude, latitude (radians) of an ECEF point near the surface (Bowring)."""
    p = math.hypot(x, y)
    theta = math.atan2(z * A, p * B)
    st = math.sin(theta)
    ct = math.cos(theta)
    lat = math.atan2(z + EP2 * B * st * st * st, p - E2 * A * ct * ct * ct)
    return math.atan2(y, x), lat


@njit(cache=True, nogil=True, error_model="numpy", fastmath=_FAST)
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


@njit(cache=True, nogil=True, error_model="numpy", fastmath=_FAST)
def _capsule_gap(px: float, py: float, pz: float, box: np.ndarray, i: int) -> float:
    """The capsule half of :func:`_gap` alone (tight enough for short, straight runs)."""
    dx = px - box[i, 0]
    dy = py - box[i, 1]
    dz = pz - box[i, 2]
    w = dx * box[i, 3] + dy * box[i, 4] + dz * box[i, 5]
    t = min(max(w, 0.0), box[i, 6])
    return math.sqrt(max(dx * dx + dy * dy + dz * dz - t * (2.0 * w - t), 0.0)) - box[i, 7]


@njit(cache=True, nogil=True, error_model="numpy", fastmath=_FAST)
def _argmin(gaps: np.ndarray, lo: int, hi: int) -> int:
    """Index in ``lo:hi`` of the least of ``gaps``."""
    k = lo
    for j in range(lo + 1, hi):
        if gaps[j] < gaps[k]:
            k = j
    return k


@njit(cache=True, nogil=True, error_model="numpy", fastmath=_FAST)
def _ecef(lon: float, lat: float) -> tuple[float, float, float]:
    """ECEF (m) of a point on the ellipsoid (radians)."""
    slat = math.sin(lat)
    clat = math.cos(lat)
    nrad = A / math.sqrt(1.0 - E2 * slat * slat)
    return nrad * clat * math.cos(lon), nrad * clat * math.sin(lon), nrad * (1.0 - E2) * slat


@njit(cache=True, nogil=True, error_model="numpy", fastmath=_FAST)
def _search(
    px: float,
    py: float,
    pz: float,
    seg_a: np.ndarray,
    seg_u: np.ndarray,
    seg_len: np.ndarray,
    blk: np.ndarray,
    grp: np.ndarray,
    top: np.ndarray,
    per_blk: int,
    per_grp: int,
    per_top: int,
    tie: float,
    sag: float,
    r: float,
    top_gap: np.ndarray,
    grp_gap: np.ndarray,
    blk_gap: np.ndarray,
    cand_s: np.ndarray,
    cand_t: np.ndarray,
    cand_d: np.ndarray,
) -> tuple[int, float, float]:
    """Candidate chords of P (centred ECEF) through the bounds.

    Keeps (in ``cand_*``: chord, position along it, chord distance) every
    chord within ``limit = best + tie * (best + r)**3 + sag + 2 r`` of P: ``r``
    is 0 for a query point, a cell's radius when finding every chord a point
    of the cell may need (:func:`cell_ranges`); more may be kept. Returns the
    number kept, the best chord distance and the limit.
    """
    nb = blk.shape[0]
    ng = grp.shape[0]
    nt = top.shape[0]
    for k in range(nt):
        top_gap[k] = _gap(px, py, pz, top, k)
    kt0 = _argmin(top_gap, 0, nt)
    best = np.inf
    limit = np.inf
    nc = 0
    # at each level the run of least bound first, then the others in order
    for jt in range(nt):
        tp = kt0 if jt == 0 else (jt - 1 if jt <= kt0 else jt)
        if top_gap[tp] > limit:
            continue
        g0 = tp * per_top
        g1 = min(ng, g0 + per_top)
        for g in range(g0, g1):
            grp_gap[g] = _gap(px, py, pz, grp, g)
        kg0 = _argmin(grp_gap, g0, g1)
        for jg in range(g0, g1):
            g = kg0 if jg == g0 else (jg - 1 if jg <= kg0 else jg)
            if grp_gap[g] > limit:
                continue
            b0 = g * per_grp
            b1 = min(nb, b0 + per_grp)
            for b in range(b0, b1):
                blk_gap[b] = _capsule_gap(px, py, pz, blk, b)
            kb0 = _argmin(blk_gap, b0, b1)
            for jb in range(b0, b1):
                b = kb0 if jb == b0 else (jb - 1 if jb <= kb0 else jb)
                if blk_gap[b] > limit:
                    continue
                nc, best, limit = _open_block(
                    px, py, pz, seg_a, seg_u, seg_len, b, per_blk, tie, sag, r, nc, best, limit,
                    cand_s, cand_t, cand_d,
                )  # fmt: skip
    return nc, best, limit


@njit(cache=True, nogil=True, error_model="numpy", fastmath=_FAST)
def _blocks(
    px: float,
    py: float,
    pz: float,
    seg_a: np.ndarray,
    seg_u: np.ndarray,
    seg_len: np.ndarray,
    blk: np.ndarray,
    per_blk: int,
    b0: int,
    b1: int,
    tie: float,
    sag: float,
    blk_gap: np.ndarray,
    cand_s: np.ndarray,
    cand_t: np.ndarray,
    cand_d: np.ndarray,
) -> tuple[int, float, float]:
    """:func:`_search` (``r`` 0) within blocks ``b0:b1`` alone (a cell's block range)."""
    for b in range(b0, b1):
        blk_gap[b] = _capsule_gap(px, py, pz, blk, b)
    kb0 = _argmin(blk_gap, b0, b1)
    best = np.inf
    limit = np.inf
    nc = 0
    for jb in range(b0, b1):
        b = kb0 if jb == b0 else (jb - 1 if jb <= kb0 else jb)
        if blk_gap[b] > limit:
            continue
        nc, best, limit = _open_block(
            px, py, pz, seg_a, seg_u, seg_len, b, per_blk, tie, sag, 0.0, nc, best, limit,
            cand_s, cand_t, cand_d,
        )  # fmt: skip
    return nc, best, limit


@njit(cache=True, nogil=True, error_model="numpy", fastmath=_FAST)
def _open_block(
    px: float,
    py: float,
    pz: float,
    seg_a: np.ndarray,
    seg_u: np.ndarray,
    seg_len: np.ndarray,
    b: int,
    per_blk: int,
    tie: float,
    sag: float,
    r: float,
    nc: int,
    best: float,
    limit: float,
    cand_s: np.ndarray,
    cand_t: np.ndarray,
    cand_d: np.ndarray,
) -> tuple[int, float, float]:
    """Measure the chords of block ``b``, keeping those within the limit (see :func:`_search`)."""
    for s in range(b * per_blk, min(seg_len.size, (b + 1) * per_blk)):
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
            bb = best + r
            limit = best + tie * bb * bb * bb + sag + 2.0 * r
        cand_s[nc] = s
        cand_t[nc] = t
        cand_d[nc] = d
        nc += 1
    return nc, best, limit


@njit(cache=True, nogil=True, error_model="numpy", fastmath=_FAST)
def _range_dd(
    px: float,
    py: float,
    pz: float,
    seg_a: np.ndarray,
    seg_u: np.ndarray,
    seg_len: np.ndarray,
    lo: int,
    hi: int,
    at: int,
    dd: np.ndarray,
    tt: np.ndarray,
    mn: float,
) -> float:
    """Squared chord distance to chords ``lo:hi``, and the least of them and ``mn``.

    The squares and the positions along the chords go to ``dd`` and ``tt``
    from index ``at``.
    """
    for s in range(lo, hi):
        dx = px - seg_a[s, 0]
        dy = py - seg_a[s, 1]
        dz = pz - seg_a[s, 2]
        w = dx * seg_u[s, 0] + dy * seg_u[s, 1] + dz * seg_u[s, 2]
        t = min(max(w, 0.0), seg_len[s])
        v = dx * dx + dy * dy + dz * dz - t * (2.0 * w - t)
        dd[at] = v
        tt[at] = t
        at += 1
        mn = min(mn, v)
    return mn


@njit(cache=True, nogil=True, error_model="numpy", fastmath=_FAST)
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
    grid: np.ndarray,
    cells: np.ndarray,
    with_points: bool,
    dist: np.ndarray,
    flon: np.ndarray,
    flat: np.ndarray,
    status: np.ndarray,
) -> None:
    """Distance (m) and nearest point (radians) for lon/lat points (degrees).

    ``grid`` (west, south, cells per radian of longitude and of latitude) and
    ``cells`` (rows, columns, 4) are :func:`cell_ranges`' (an empty ``cells``
    for none). Writes
    ``dist``, ``flon``, ``flat`` and ``status`` (0 done, 1 needs the exact
    method) for every point.
    """
    ns = seg_len.size
    ny = cells.shape[0]
    nx = cells.shape[1]
    top_gap = np.empty(top.shape[0])
    grp_gap = np.empty(grp.shape[0])
    blk_gap = np.empty(blk.shape[0])
    cand_s = np.empty(ns, dtype=np.int64)
    cand_t = np.empty(ns)
    cand_d = np.empty(ns)
    ev_part = np.empty(ns, dtype=np.int64)
    ev_along = np.empty(ns)
    ch_dd = np.empty(ns)
    ch_t = np.empty(ns)
    deg = math.pi / 180.0
    for i in range(lon.size):
        plon = lon[i] * deg
        plat = lat[i] * deg
        gx, gy, gz = _ecef(plon, plat)
        px = gx - origin[0]
        py = gy - origin[1]
        pz = gz - origin[2]
        # 1. candidates: the chord ranges of the point's cell, else the bounds
        cx = (plon - grid[0]) * grid[2]
        cy = (plat - grid[1]) * grid[3]
        lo = -1
        ix = 0
        iy = 0
        if cx >= 0.0 and cy >= 0.0 and cx < nx and cy < ny:
            ix = int(cx)
            iy = int(cy)
            lo = cells[iy, ix, 0]
        if lo == -2:
            nc, best, limit = _blocks(
                px, py, pz, seg_a, seg_u, seg_len, blk, per_blk, cells[iy, ix, 1],
                cells[iy, ix, 2], tie, sag, blk_gap, cand_s, cand_t, cand_d,
            )  # fmt: skip
        elif lo >= 0:
            hi = cells[iy, ix, 1]
            lo2 = cells[iy, ix, 2]
            hi2 = cells[iy, ix, 3]
            mn = _range_dd(px, py, pz, seg_a, seg_u, seg_len, lo, hi, 0, ch_dd, ch_t, np.inf)
            mn = _range_dd(px, py, pz, seg_a, seg_u, seg_len, lo2, hi2, hi - lo, ch_dd, ch_t, mn)
            best = math.sqrt(max(mn, 0.0))
            limit = best + tie * best * best * best + sag
            lim2 = limit * limit
            nc = 0
            for k in range(hi - lo + hi2 - lo2):
                if ch_dd[k] <= lim2:
                    cand_s[nc] = lo + k if k < hi - lo else lo2 + k - (hi - lo)
                    cand_t[nc] = ch_t[k]
                    cand_d[nc] = math.sqrt(max(ch_dd[k], 0.0))
                    nc += 1
        else:
            nc, best, limit = _search(
                px, py, pz, seg_a, seg_u, seg_len, blk, grp, top, per_blk, per_grp, per_top,
                tie, sag, 0.0, top_gap, grp_gap, blk_gap, cand_s, cand_t, cand_d,
            )  # fmt: skip
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


@njit(cache=True, nogil=True, error_model="numpy", fastmath=_FAST)
def cell_ranges(
    lon: np.ndarray,
    lat: np.ndarray,
    radius: np.ndarray,
    origin: np.ndarray,
    seg_a: np.ndarray,
    seg_u: np.ndarray,
    seg_len: np.ndarray,
    blk: np.ndarray,
    grp: np.ndarray,
    top: np.ndarray,
    per_blk: int,
    per_grp: int,
    per_top: int,
    tie: float,
    sag: float,
    far_m: float,
    most: int,
    out: np.ndarray,
) -> None:
    """Per grid cell, up to two chord ranges holding every chord its points may need.

    Cells are given by centre (lon/lat, radians) and ``radius`` (m, holding
    the cell). A point P within ``r`` of the centre C has a best chord distance of at
    most ``b + r`` (``b``: C's), so a chord it keeps (within ``tie * d**3 +
    sag`` of its best) is within ``b + tie * (b + r)**3 + sag + 2 r`` of C:
    :func:`_search` with ``r`` finds them all. They are split in two ranges at
    the widest gap between their indices; ``out[i]`` is ``lo, hi, lo2, hi2``
    (``lo:hi`` and ``lo2:hi2``); where they would hold more than ``most``
    chords, ``-2, b0, b1, 0``: the blocks ``b0:b1`` (at most ``most``) hold
    them; ``-1`` where neither fits or the cell is beyond ``far_m``.
    """
    ns = seg_len.size
    top_gap = np.empty(top.shape[0])
    grp_gap = np.empty(grp.shape[0])
    blk_gap = np.empty(blk.shape[0])
    cand_s = np.empty(ns, dtype=np.int64)
    cand_t = np.empty(ns)
    cand_d = np.empty(ns)
    kept = np.empty(ns, dtype=np.int64)
    for i in range(lon.size):
        out[i, :] = -1
        cx, cy, cz = _ecef(lon[i], lat[i])
        nc, best, limit = _search(
            cx - origin[0], cy - origin[1], cz - origin[2], seg_a, seg_u, seg_len, blk, grp,
            top, per_blk, per_grp, per_top, tie, sag, radius[i], top_gap, grp_gap, blk_gap,
            cand_s, cand_t, cand_d,
        )  # fmt: skip
        if best + radius[i] > far_m:
            continue
        m = 0
        for c in range(nc):
            if cand_d[c] <= limit:
                kept[m] = cand_s[c]
                m += 1
        ks = np.sort(kept[:m])
        # split at the widest gap between consecutive chords (if any)
        cut = m
        widest = 1
        for c in range(1, m):
            if ks[c] - ks[c - 1] > widest:
                widest = ks[c] - ks[c - 1]
                cut = c
        size = ks[cut - 1] + 1 - ks[0] + (ks[m - 1] + 1 - ks[cut] if cut < m else 0)
        if size > most:
            b0 = ks[0] // per_blk
            b1 = ks[m - 1] // per_blk + 1
            if b1 - b0 <= most:
                out[i, 0] = -2
                out[i, 1] = b0
                out[i, 2] = b1
                out[i, 3] = 0
            continue
        out[i, 0] = ks[0]
        out[i, 1] = ks[cut - 1] + 1
        out[i, 2] = ks[cut] if cut < m else 0
        out[i, 3] = ks[m - 1] + 1 if cut < m else 0
