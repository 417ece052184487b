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
