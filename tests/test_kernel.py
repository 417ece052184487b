"""The compiled kernel's pieces against GeographicLib (pyproj.Geod)."""

from __future__ import annotations

import numpy as np
import pytest

from geo.geodesy import _kernel
from geo.geodesy.distance import _ARC_M
from geo.geodesy.ellipsoid import ecef
from tests.geodesy_cases import GEOD


def pairs(n: int, max_m: float, seed: int) -> tuple[np.ndarray, ...]:
    """Seeded pairs of points anywhere on Earth, 0 to max_m apart (GeographicLib)."""
    rng = np.random.default_rng(seed)
    lon1 = rng.uniform(-180, 180, n)
    lat1 = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
    s = rng.uniform(0, max_m, n)
    lon2, lat2, _ = GEOD.fwd(lon1, lat1, rng.uniform(-180, 180, n), s)
    return lon1, lat1, np.asarray(lon2), np.asarray(lat2), s


def test_arc_formula_within_half_a_millimetre_up_to_the_switch():
    lon1, lat1, lon2, lat2, s = pairs(20_000, _ARC_M * 1.05, seed=1)
    p = ecef(np.radians(lon1), np.radians(lat1))
    q = ecef(np.radians(lon2), np.radians(lat2))
    got = np.array([_kernel._arc(*a, *b) for a, b in zip(p, q, strict=True)])
    assert np.abs(got - s).max() <= 5e-4


@pytest.mark.parametrize("max_km", [10, 1_000, 19_000])
def test_vincenty_matches_geographiclib(max_km):
    lon1, lat1, lon2, lat2, s = pairs(3_000, max_km * 1e3, seed=max_km)
    out = [
        _kernel._vincenty(*np.radians([a, b, c, d]))
        for a, b, c, d in zip(lon1, lat1, lon2, lat2, strict=True)
    ]
    got = np.array([d for d, _ in out])
    ok = np.array([k for _, k in out])
    assert ok.mean() > 0.99  # the rare non-converged pairs go to GeographicLib
    assert np.abs(got[ok] - s[ok]).max() <= 1e-4


def test_to_surface_lands_on_the_ellipsoid_along_the_normal():
    rng = np.random.default_rng(3)
    lon = np.radians(rng.uniform(-180, 180, 500))
    lat = np.radians(rng.uniform(-89, 89, 500))
    on = ecef(lon, lat)
    normal = np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
    below = on - 0.05 * normal  # a chord's foot is centimetres below the surface
    back = np.array([_kernel._to_surface(*b) for b in below])
    assert np.abs(back - on).max() < 1e-8


def test_one_and_two_threads_give_identical_results():
    import numba

    from geo.geodesy import prepare
    from tests.geodesy_cases import NE_LINE, points_around

    lon, lat = points_around(NE_LINE, 100_000, 300, seed=9)
    target = prepare(NE_LINE)
    numba.set_num_threads(1)
    try:
        one = target.nearest(lon, lat)
    finally:
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    two = target.nearest(lon, lat)
    for a, b in zip(one, two, strict=True):
        np.testing.assert_array_equal(a, b)


def _indexed(line):
    """A fresh target of ``line`` with its cell grid built (the path of large queries)."""
    from geo.geodesy.distance import GeodesicTarget

    target = GeodesicTarget(line)
    target.index()
    return target


@pytest.mark.slow  # a grid built and checked against GeographicLib per shape (~3 s each)
@pytest.mark.parametrize("name", ["ne_line", "random_walk", "hairpin", "u_shape"])
def test_cell_grid_within_1cm_of_geographiclib_with_near_ties(name):
    from tests.geodesy_cases import (
        HAIRPIN,
        NE_LINE,
        U_SHAPE,
        points_around,
        random_walk_line,
        truth_distance,
    )

    line = {"ne_line": NE_LINE, "random_walk": random_walk_line(), "hairpin": HAIRPIN,
            "u_shape": U_SHAPE}[name]  # fmt: skip
    coords = np.asarray(line.coords)
    k = 1 if len(coords) < 100 else 3  # fewer points against the 1,500-edge truth
    lon, lat = points_around(line, 300 // k, 300, seed=21)
    lon2, lat2 = points_around(line, 200 // k, 3, seed=22)
    # points on the medial axis: geodesic midpoints of distant vertices
    rng = np.random.default_rng(23)
    i = rng.integers(0, len(coords), 150 // k)
    j = (i + rng.integers(len(coords) // 4 + 1, len(coords) // 2 + 2, i.size)) % len(coords)
    mid = np.array([GEOD.npts(*coords[a], *coords[b], 1)[0] for a, b in zip(i, j, strict=True)])
    lon = np.concatenate([lon, lon2, mid[:, 0]])
    lat = np.concatenate([lat, lat2, mid[:, 1]])
    target = _indexed(line)
    cells = target._index[1][..., 0]
    assert (cells != -1).mean() > 0.5  # the grid is in use, not only the bounds
    got = target.distance(lon, lat)
    assert np.abs(got - truth_distance(coords, lon, lat)).max() <= 0.01
    d, x, y = target.nearest(lon, lat)
    back = np.asarray(GEOD.inv(lon, lat, x, y)[2])
    assert np.abs(back - d).max() <= 0.01


def test_cell_grid_block_ranges_and_bounds_agree_with_geographiclib():
    """A dense wiggly line: cells of chord ranges, of block ranges and of bounds all occur."""
    from tests.geodesy_cases import points_around, random_walk_line, truth_distance

    line = random_walk_line()
    target = _indexed(line)
    grid, cells = target._index
    kinds = cells[..., 0]
    assert (kinds >= 0).any() and (kinds == -2).any() and (kinds == -1).any()
    lon, lat = points_around(line, 2_000, 200, seed=31)
    ix = ((np.radians(lon) - grid[0]) * grid[2]).astype(int)
    iy = ((np.radians(lat) - grid[1]) * grid[3]).astype(int)
    kind = kinds[iy, ix]
    groups = (kind >= 0, kind == -1, kind == -2)  # chord ranges, bounds, block ranges
    sample = np.concatenate([np.flatnonzero(g)[:25] for g in groups])
    assert sample.size >= 60
    got = target.distance(lon[sample], lat[sample])
    want = truth_distance(np.asarray(line.coords), lon[sample], lat[sample])
    assert np.abs(got - want).max() <= 0.01
