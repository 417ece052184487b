"""The distance engine anywhere on Earth, near-antipodal points included.

Near the target the engine ranks chords; far away (and near the antipodes,
where chord ranking and Vincenty both fail) it must switch to an exact method.
The truth is brute-force GeographicLib (tests/geodesy_cases.py), never geo.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from geo import layers
from geo.geodesy import distance, nearest_points
from geo.geodesy.distance import FAR_M
from tests.geodesy_cases import GEOD, NE_CEASEFIRE_1974, NE_LINE, truth_distance

CM = 0.01
pytestmark = pytest.mark.filterwarnings("ignore::geo.errors.LikelySwappedWarning")


@pytest.fixture(scope="module")
def line_a() -> shapely.LineString:
    return shapely.line_merge(layers.load("golan_line_a").geometry.union_all())


def worldwide(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded points uniform over the sphere."""
    rng = np.random.default_rng(seed)
    lon = rng.uniform(-180.0, 180.0, n)
    lat = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, n)))
    return lon, lat


def near_antipodes(coords: np.ndarray, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Points within 0-50 km of the antipodes of a line's vertices."""
    rng = np.random.default_rng(seed)
    i = rng.integers(0, len(coords), n)
    alon = coords[i, 0] - 180.0
    alat = -coords[i, 1]
    lon, lat, _ = GEOD.fwd(alon, alat, rng.uniform(-180, 180, n), rng.uniform(0, 50e3, n))
    return np.asarray(lon), np.asarray(lat)


@pytest.mark.slow  # ~4 s
def test_worldwide_and_near_antipodal_points_within_1cm(line_a):
    coords = np.asarray(line_a.coords)
    wlon, wlat = worldwide(1500, seed=13)
    alon, alat = near_antipodes(coords, 20, seed=14)
    lon, lat = np.concatenate([wlon, alon]), np.concatenate([wlat, alat])
    want = truth_distance(coords, lon, lat)
    got = distance((lon, lat), line_a)
    assert np.abs(got - want).max() <= CM
    # the sample spans near and far, past the switch to the exact method
    assert want.min() < FAR_M / 2 and want.max() > 19_900e3
    assert (want > FAR_M).sum() > 1000


def test_near_antipodal_nearest_points_are_on_the_line():
    coords = np.asarray(NE_CEASEFIRE_1974)
    lon, lat = near_antipodes(coords, 20, seed=15)
    df = nearest_points((lon, lat), NE_LINE)
    want = truth_distance(coords, lon, lat)
    assert np.abs(df["distance_m"].to_numpy() - want).max() <= CM
    _, _, back = GEOD.inv(lon, lat, df["nearest_lon"], df["nearest_lat"])
    assert np.abs(back - df["distance_m"]).max() <= CM
    on_line = shapely.distance(shapely.points(df["nearest_lon"], df["nearest_lat"]), NE_LINE)
    assert on_line.max() < 1e-6  # degrees: the foot lies on the (geodesic) edge


@pytest.mark.parametrize("km", [1_000, 1_900, 2_100, 5_000, 12_000])
def test_both_sides_of_the_switch_within_1cm(km):
    rng = np.random.default_rng(km)
    coords = np.asarray(NE_CEASEFIRE_1974)
    i = rng.integers(0, len(coords), 40)
    lon, lat, _ = GEOD.fwd(
        coords[i, 0], coords[i, 1], rng.uniform(-180, 180, 40), np.full(40, km * 1e3)
    )
    lon, lat = np.asarray(lon), np.asarray(lat)
    got = distance((lon, lat), NE_LINE, assume_lonlat=True)
    assert np.abs(got - truth_distance(coords, lon, lat)).max() <= CM
