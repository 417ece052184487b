"""Geodesic engine against an independent truth (GeographicLib via pyproj.Geod)."""

import itertools
import warnings

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely import LineString, MultiLineString, Point

from geo import geodesy
from geo.errors import InputError, MissingCRSError
from geo.geodesy import (
    WGS84,
    GeodesicTarget,
    distance,
    ellipsoid,
    geodesic_area,
    geodesic_buffer,
    geodesic_length,
    nearest_points,
    prepare,
)
from tests.geodesy_cases import (
    GEOD,
    HAIRPIN,
    NE_CEASEFIRE_1974,
    NE_LINE,
    QUAD,
    U_SHAPE,
    points_around,
    random_walk_line,
    truth_distance,
    truth_per_edge,
    truth_to_geometry,
)

CM = 0.01


@pytest.fixture(autouse=True)
def _no_swap_warnings():
    # Points 300 km west of the Golan can look swapped; irrelevant here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def test_public_api():
    assert set(geodesy.__all__) >= {
        "WGS84", "GeodesicTarget", "prepare", "distance", "nearest_points",
        "geodesic_length", "geodesic_area", "geodesic_buffer",
    }  # fmt: skip
    assert WGS84.a == 6378137.0


# -- distance ----------------------------------------------------------------


@pytest.mark.parametrize("max_km", [1, 30, 300])
def test_distance_ne_line_within_1cm(max_km):
    lon, lat = points_around(NE_LINE, 250, max_km, seed=max_km)
    got = distance((lon, lat), NE_LINE)
    want = truth_distance(NE_CEASEFIRE_1974, lon, lat)
    assert np.abs(got - want).max() <= CM


def test_distance_zero_on_the_line():
    coords = np.asarray(NE_CEASEFIRE_1974)
    lon, lat = coords[:, 0], coords[:, 1]
    pts = np.array([GEOD.npts(*a, *b, 1)[0] for a, b in itertools.pairwise(coords)])
    d = distance((np.concatenate([lon, pts[:, 0]]), np.concatenate([lat, pts[:, 1]])), NE_LINE)
    assert d.max() <= CM


def _hairpin_points():
    """Points on and near the axis between the arms, inside and beyond the bend."""
    rng = np.random.default_rng(7)
    lat = rng.uniform(32.5, 33.9, 400)
    lon = 35.516 + rng.normal(0, 0.0005, 400)
    far_lon = 35.516 + rng.uniform(-2.5, 2.5, 200)
    far_lat = rng.uniform(30.8, 35.6, 200)
    return np.concatenate([lon, far_lon]), np.concatenate([lat, far_lat])


@pytest.mark.parametrize("line", [HAIRPIN, U_SHAPE], ids=["hairpin", "u"])
def test_near_ties_within_1cm(line):
    lon, lat = _hairpin_points() if line is HAIRPIN else points_around(line, 400, 300, 3)
    if line is U_SHAPE:  # add points on the U's axis of symmetry
        lat_axis = np.linspace(32.0, 34.5, 200)
        lon = np.concatenate([lon, np.full(200, 35.15)])
        lat = np.concatenate([lat, lat_axis])
    coords = np.asarray(line.coords)
    per_edge = truth_per_edge(coords, lon, lat)
    want = per_edge.min(axis=1)
    got = prepare(line).distance(lon, lat)
    assert np.abs(got - want).max() <= CM
    # The case really has near-ties between edges that do not touch.
    srt = np.sort(per_edge, axis=1)
    assert ((srt[:, 1] - srt[:, 0]) < 1.0).sum() >= 20


def test_long_random_walk_within_1cm():
    line = random_walk_line()
    assert len(line.coords) == 1500
    lon, lat = points_around(line, 60, 300, 11)
    lon2, lat2 = points_around(line, 40, 2, 12)
    lon, lat = np.concatenate([lon, lon2]), np.concatenate([lat, lat2])
    got = prepare(line).distance(lon, lat)
    want = truth_distance(np.asarray(line.coords), lon, lat)
    assert np.abs(got - want).max() <= CM


def test_far_points_from_dense_line_within_1cm():
    # Far points (50-400 km) from a dense, wiggly line: many chords' bounds
    # overlap there, and the arc formula gives way to Vincenty past 350 km.
    line = random_walk_line()
    coords = np.asarray(line.coords)
    rng = np.random.default_rng(21)
    i = rng.integers(0, len(coords), 60)
    lon, lat, _ = GEOD.fwd(
        coords[i, 0], coords[i, 1], rng.uniform(-180, 180, 60), rng.uniform(50e3, 400e3, 60)
    )
    got = prepare(line).distance(lon, lat)
    want = truth_distance(coords, np.asarray(lon), np.asarray(lat))
    assert np.abs(got - want).max() <= CM


@pytest.mark.parametrize(
    "geom",
    [Point(35.5, 33.0), LineString([(35.0, 33.0), (35.0, 33.001)]), NE_LINE, random_walk_line()],
    ids=["point", "short", "ne", "walk"],
)
def test_bounds_hold_their_chords(geom):
    # the kernel skips a block when its bounds are farther than the best chord:
    # every chord end must lie inside its block's and group's sphere and capsule
    from geo.geodesy.distance import _PER_BLOCK, _PER_GROUP

    t = GeodesicTarget(geom)
    ends = np.stack([t._seg_a, t._seg_b], axis=1)
    seg = np.arange(len(ends))
    for box, per in ((t._blk, _PER_BLOCK), (t._grp, _PER_BLOCK * _PER_GROUP)):
        row = box[seg // per]
        gap = np.sqrt(((ends - row[:, None, 8:11]) ** 2).sum(axis=2))
        assert (gap <= row[:, 11:12]).all()
        # distance of each chord end from the run's capsule axis
        rel = ends - row[:, None, 0:3]
        w = (rel * row[:, None, 3:6]).sum(axis=2)
        tt = np.clip(w, 0.0, row[:, None, 6])
        off = np.sqrt(np.maximum((rel**2).sum(axis=2) - tt * (2 * w - tt), 0.0))
        assert (off <= row[:, 7:8]).all()
    # the chords' ends are the densified vertices, in ECEF
    xyz = ellipsoid.ecef(np.radians(NE_LINE.coords.xy[0]), np.radians(NE_LINE.coords.xy[1]))
    if geom is NE_LINE:
        got = np.vstack([t._seg_a, t._seg_b]) + t._origin
        assert (
            np.min(np.sqrt(((got[:, None, :] - xyz[None]) ** 2).sum(axis=2)), axis=0).max() < 1e-6
        )


def test_nearest_point_lies_on_target_and_matches_distance():
    lon, lat = points_around(NE_LINE, 150, 300, 5)
    df = nearest_points((lon, lat), NE_LINE)
    assert list(df.columns) == ["distance_m", "nearest_lon", "nearest_lat"]
    on_line = truth_distance(NE_CEASEFIRE_1974, df.nearest_lon.values, df.nearest_lat.values)
    assert on_line.max() < CM
    _, _, d = GEOD.inv(df.nearest_lon.values, df.nearest_lat.values, lon, lat)
    np.testing.assert_allclose(df.distance_m.values, d, atol=1e-3)


def test_polygon_distance_zero_inside_and_exact_outside():
    lon, lat = points_around(QUAD.exterior, 200, 100, 9)
    got = distance((lon, lat), QUAD)
    inside = shapely.contains_xy(QUAD, lon, lat)
    assert inside.any() and (~inside).any()
    assert (got[inside] == 0).all()
    want = truth_to_geometry(QUAD, lon[~inside], lat[~inside])
    assert np.abs(got[~inside] - want).max() <= CM


@pytest.mark.slow  # brute-force truth over many parts (~4 s)
def test_multipart_targets():
    multi = MultiLineString([HAIRPIN, NE_LINE])
    lon, lat = points_around(NE_LINE, 100, 100, 13)
    want = np.minimum(
        truth_distance(np.asarray(HAIRPIN.coords), lon, lat),
        truth_distance(NE_CEASEFIRE_1974, lon, lat),
    )
    assert np.abs(distance((lon, lat), multi) - want).max() <= CM
    gc = shapely.GeometryCollection([HAIRPIN, NE_LINE])
    assert np.abs(distance((lon, lat), gc) - want).max() <= CM


def test_targets_as_frames_and_cache():
    s = gpd.GeoSeries([NE_LINE], crs=4326).to_crs(32636)
    t = prepare(s)
    assert isinstance(t, GeodesicTarget)
    assert prepare(NE_LINE) is prepare(LineString(NE_CEASEFIRE_1974))
    d1 = t.distance([35.5], [33.0])
    d2 = prepare(NE_LINE).distance([35.5], [33.0])
    assert abs(d1[0] - d2[0]) < CM
    with pytest.raises(MissingCRSError):
        prepare(gpd.GeoSeries([NE_LINE]))
    with pytest.raises(InputError):
        prepare(LineString())
    with pytest.raises(InputError):
        prepare(42)


def test_layer_names_are_not_geodesy_targets():
    # geodesy takes geometries; geo.classification resolves layer names
    with pytest.raises(InputError, match="not layer names"):
        distance((35.7, 33.0), "golan_line_a")


def test_large_input_is_chunked_and_threaded():
    rng = np.random.default_rng(0)
    n = 200_000
    lon = 35.8 + rng.uniform(-2, 2, n)
    lat = 33.1 + rng.uniform(-2, 2, n)
    t = prepare(NE_LINE)
    d = t.distance(lon, lat)
    idx = rng.choice(n, 100, replace=False)
    np.testing.assert_allclose(d[idx], t.distance(lon[idx], lat[idx]), atol=1e-9)
    want = truth_distance(NE_CEASEFIRE_1974, lon[idx], lat[idx])
    assert np.abs(d[idx] - want).max() <= CM


# -- length and area ------------------------------------------------------------


def test_length_and_area_match_geographiclib():
    assert geodesic_length(NE_LINE) == pytest.approx(WGS84.line_length(*NE_LINE.xy), rel=1e-12)
    area, perim = WGS84.geometry_area_perimeter(QUAD)
    assert geodesic_area(QUAD) == pytest.approx(abs(area), rel=1e-12)
    assert geodesic_length(QUAD) == pytest.approx(perim, rel=1e-12)
    # Orientation does not matter, holes are subtracted, parts add up.
    assert geodesic_area(QUAD.reverse()) == pytest.approx(abs(area), rel=1e-12)
    holed = shapely.Polygon(QUAD.exterior, [shapely.box(35.75, 32.98, 35.8, 33.03).exterior])
    hole = abs(WGS84.geometry_area_perimeter(shapely.box(35.75, 32.98, 35.8, 33.03))[0])
    assert geodesic_area(holed) == pytest.approx(abs(area) - hole, rel=1e-9)
    multi = shapely.MultiPolygon([QUAD, shapely.box(36, 33, 36.1, 33.1)])
    other = abs(WGS84.geometry_area_perimeter(shapely.box(36, 33, 36.1, 33.1))[0])
    assert geodesic_area(multi) == pytest.approx(abs(area) + other, rel=1e-9)
    assert geodesic_area(NE_LINE) == 0.0


def test_planar_degrees_are_wrong_by_the_expected_amount():
    # A 1-degree-square at 33N: planar "area" in degrees² means nothing, and
    # a naive deg -> m conversion with 111.32 km per degree ignores cos(lat).
    sq = shapely.box(35.0, 33.0, 36.0, 34.0)
    naive = sq.area * 111_320.0**2
    assert naive / geodesic_area(sq) == pytest.approx(1 / np.cos(np.radians(33.5)), rel=0.01)
    # Length of an east-west degree: planar says 111 km, truth is ~93 km.
    ew = LineString([(35.0, 33.0), (36.0, 33.0)])
    assert geodesic_length(ew) == pytest.approx(93_500, rel=0.005)


def test_web_mercator_buffer_is_too_small_by_cos_lat():
    # A "60 km" buffer drawn in EPSG:3857 at 33N reaches only ~50 km.
    s = gpd.GeoSeries([NE_LINE], crs=4326).to_crs(3857)
    merc = s.buffer(60_000).to_crs(4326).iloc[0]
    xy = np.asarray(merc.exterior.coords)[::25]
    reach = truth_distance(NE_CEASEFIRE_1974, xy[:, 0], xy[:, 1])
    assert np.median(reach) == pytest.approx(60_000 * np.cos(np.radians(33.1)), rel=0.01)
    assert reach.max() < 51_000


# -- buffers ------------------------------------------------------------------


def _rings(poly):
    polys = [poly] if poly.geom_type == "Polygon" else list(poly.geoms)
    return [np.asarray(r.coords) for p in polys for r in (p.exterior, *p.interiors)]


def _check_buffer(line, d_m, sample=250, seed=0):
    buf = geodesic_buffer(line, d_m)
    assert buf.is_valid and buf.geom_type in ("Polygon", "MultiPolygon")
    rng = np.random.default_rng(seed)
    verts = np.vstack([r[:-1] for r in _rings(buf)])
    mids = np.vstack([(r[:-1] + r[1:]) / 2 for r in _rings(buf)])
    vi = rng.choice(len(verts), min(sample, len(verts)), replace=False)
    mi = rng.choice(len(mids), min(sample, len(mids)), replace=False)
    coords = np.asarray(line.coords)
    dv = truth_distance(coords, verts[vi, 0], verts[vi, 1])
    dm = truth_distance(coords, mids[mi, 0], mids[mi, 1])
    assert np.abs(dv - d_m).max() <= 0.1
    assert np.abs(dm - d_m).max() <= 1.0
    return buf


@pytest.mark.parametrize("d_m", [1_000, 10_000, 60_000, 200_000])
def test_buffer_boundary_is_at_distance(d_m):
    _check_buffer(NE_LINE, d_m)


def test_buffer_of_long_line_is_fast_enough_and_exact():
    import time

    line = random_walk_line()
    t0 = time.perf_counter()
    _check_buffer(line, 60_000, sample=120)
    assert time.perf_counter() - t0 < 60  # generous: the truth dominates


def test_buffer_keeps_holes():
    buf = _check_buffer(U_SHAPE, 5_000)
    assert buf.geom_type == "Polygon" and len(buf.interiors) == 1
    # The hole is ground farther than 5 km from the line.
    p = buf.interiors[0].centroid
    assert truth_distance(np.asarray(U_SHAPE.coords), [p.x], [p.y])[0] > 5_000
    # With 16 km the U is filled in.
    assert len(geodesic_buffer(U_SHAPE, 16_000).interiors) == 0


def test_buffer_of_polygon_contains_it():
    buf = geodesic_buffer(QUAD, 5_000)
    assert buf.contains(QUAD)
    xy = np.asarray(buf.exterior.coords)[::10]
    assert np.abs(truth_to_geometry(QUAD, xy[:, 0], xy[:, 1]) - 5_000).max() <= 0.1


@pytest.mark.parametrize("bad", [0, -5, float("nan")])
def test_buffer_rejects_bad_distance(bad):
    with pytest.raises(InputError):
        geodesic_buffer(NE_LINE, bad)


# -- properties ---------------------------------------------------------------

lonlat = st.tuples(st.floats(35.0, 36.5), st.floats(32.5, 33.8))
lines = st.lists(lonlat, min_size=2, max_size=6, unique=True).map(LineString)


@settings(max_examples=40, deadline=None)
@given(lines, st.lists(lonlat, min_size=1, max_size=20))
def test_property_distance_nonnegative_and_nearest_on_target(line, pts):
    t = GeodesicTarget(line)
    lon, lat = np.array(pts).T
    d, x, y = t.nearest(lon, lat)
    assert (d >= 0).all()
    assert (t.distance(x, y) < CM).all()
    _, _, dd = GEOD.inv(x, y, lon, lat)
    np.testing.assert_allclose(d, dd, atol=1e-3)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines,
    st.floats(1_000, 100_000),
    st.floats(1.05, 2.0),
    st.lists(lonlat, min_size=1, max_size=10),
)
def test_property_buffers_nest_and_bound_distance(line, d1, factor, pts):
    d2 = d1 * factor
    b1 = geodesic_buffer(line, d1)
    b2 = geodesic_buffer(line, d2)
    assert b1.is_valid and b2.is_valid
    assert b2.contains(b1)
    assert geodesic_area(b2) > geodesic_area(b1)
    lon, lat = np.array(pts).T
    d = prepare(line).distance(lon, lat)
    inside = shapely.contains_xy(b1, lon, lat)
    assert (d[inside] <= d1 + 1).all()
    assert (d[~inside] >= d1 - 1).all()


def test_point_target_and_single_point_input():
    d = distance(Point(35.5, 33.0), Point(35.5, 33.1))
    assert d[0] == pytest.approx(GEOD.inv(35.5, 33.0, 35.5, 33.1)[2], abs=1e-4)
