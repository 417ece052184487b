"""The grid of candidate chords: the same answers as the bounds alone, and exact."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import shapely

from geo.geodesy.distance import _TIE_COEF, GeodesicTarget
from tests.geodesy_cases import HAIRPIN, NE_LINE, QUAD, U_SHAPE, points_around, truth_distance


def without_grid(target: GeodesicTarget) -> GeodesicTarget:
    """A copy of the target that searches the bounds for every point."""
    other = copy.copy(target)
    other._grid_shape = (0, 0)
    other._cell_start = np.zeros(1, dtype=np.int64)
    other._cell_chords = np.zeros(0, dtype=np.int32)
    return other


def medial_points(line: shapely.LineString, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Points half-way (in lon/lat) between two vertices: near the medial axis, near-ties."""
    rng = np.random.default_rng(seed)
    c = np.asarray(line.coords)
    i, j = rng.integers(0, len(c), n), rng.integers(0, len(c), n)
    w = rng.uniform(0.45, 0.55, n)
    return c[i, 0] * w + c[j, 0] * (1 - w), c[i, 1] * w + c[j, 1] * (1 - w)


@pytest.mark.parametrize(
    "geom", [NE_LINE, HAIRPIN, U_SHAPE, QUAD], ids=["ne", "hairpin", "u", "quad"]
)
def test_grid_gives_the_same_nearest_points_as_the_bounds(geom):
    target = GeodesicTarget(geom)
    assert target._grid_shape[0] > 0  # these targets have a grid
    lon, lat = points_around(geom.boundary if geom.geom_type == "Polygon" else geom, 20_000, 150, 5)
    mlon, mlat = medial_points(geom.exterior if geom.geom_type == "Polygon" else geom, 5_000, 6)
    lon, lat = np.concatenate([lon, mlon]), np.concatenate([lat, mlat])
    got = target.nearest(lon, lat)
    ref = without_grid(target).nearest(lon, lat)
    for a, b in zip(got, ref, strict=True):
        np.testing.assert_array_equal(a, b)


def test_grid_points_near_ties_within_1cm_of_geographiclib():
    target = GeodesicTarget(HAIRPIN)
    lon, lat = medial_points(HAIRPIN, 300, 7)
    truth = truth_distance(np.asarray(HAIRPIN.coords), lon, lat)
    assert np.abs(target.distance(lon, lat) - truth).max() <= 0.01


def test_grid_cells_hold_every_chord_within_the_slack():
    """Brute force over all chords at random points of random cells."""
    target = GeodesicTarget(NE_LINE)
    nx, ny = target._grid_shape
    lon0, lat0, step = target._grid
    rng = np.random.default_rng(8)
    cells = rng.integers(0, nx * ny, 400)
    i, j = cells % nx, cells // nx
    plon = lon0 + (i + rng.uniform(0, 1, cells.size)) * step
    plat = lat0 + (j + rng.uniform(0, 1, cells.size)) * step
    from geo.geodesy.ellipsoid import ecef

    p = ecef(plon, plat) - target._origin
    for k in range(cells.size):
        d = p[k] - target._seg_a
        w = np.clip((d * target._seg_u).sum(axis=1), 0.0, target._seg_len)
        chord = np.sqrt(((d - w[:, None] * target._seg_u) ** 2).sum(axis=1))
        best = chord.min()
        need = np.flatnonzero(chord <= best + _TIE_COEF * best**3 + target._sag)
        listed = target._cell_chords[
            target._cell_start[cells[k]] : target._cell_start[cells[k] + 1]
        ]
        assert set(need.tolist()) <= set(listed.tolist())


def test_no_grid_across_the_antimeridian_and_results_still_exact():
    line = shapely.LineString([(179.5, 10.0), (-179.5, 10.5)])
    target = GeodesicTarget(line)
    assert target._grid_shape == (0, 0)
    lon, lat = np.array([179.9, -179.9]), np.array([10.4, 10.1])
    truth = truth_distance(np.asarray(line.coords), lon, lat)
    assert np.abs(target.distance(lon, lat) - truth).max() <= 0.01
