"""geo.agreement against brute-force GeographicLib (pyproj.Geod) truth."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely import LineString, Polygon

from geo import agreement
from geo.errors import InputError
from tests.truth import GEOD, ExactLine, line_length_m

#: A 20 km north-south line east of Quneitra, and a copy with a 600 m bump
#: to the east between 33.05 and 33.07 N (apex at 33.06 N).
STRAIGHT = LineString([(35.85, 33.0), (35.85, 33.18)])
APEX = GEOD.fwd(35.85, 33.06, 90.0, 600.0)[:2]
BUMPED = LineString([(35.85, 33.0), (35.85, 33.05), APEX, (35.85, 33.07), (35.85, 33.18)])


def truth_distances(lon, lat, line: LineString) -> np.ndarray:
    exact = ExactLine(line.coords, step_m=25.0)
    return exact.distances(lon, lat)


def test_samples_are_step_apart_on_the_geodesics():
    line = LineString([(35.6, 33.2), (35.7, 33.25), (35.72, 33.3)])
    s, lon, lat = agreement.sample_along(line, 50.0)
    (x0, y0), (x1, y1), _ = line.coords
    first = GEOD.inv(x0, y0, x1, y1)[2]
    assert np.allclose(np.diff(s)[:-1], 50.0) and 0 < np.diff(s)[-1] <= 50.0
    assert s[-1] == pytest.approx(line_length_m(line.coords), abs=1e-6)
    # each sample lies s metres along the geodesics, measured from its segment's start
    on_first = s < first
    from_start = GEOD.inv(
        np.full(on_first.sum(), x0), np.full(on_first.sum(), y0), lon[on_first], lat[on_first]
    )[2]
    assert np.allclose(from_start, s[on_first], atol=1e-6)
    n2 = (~on_first).sum()
    from_vertex = GEOD.inv(np.full(n2, x1), np.full(n2, y1), lon[~on_first], lat[~on_first])[2]
    assert np.allclose(from_vertex, s[~on_first] - first, atol=1e-6)
    assert (lon[-1], lat[-1]) == pytest.approx(line.coords[-1])
    assert truth_distances(lon[::10], lat[::10], line).max() < 0.01


def test_sample_along_keeps_vertices_when_asked():
    line = LineString([(35.6, 33.2), (35.60001, 33.20001), (35.7, 33.25)])
    s, lon, lat = agreement.sample_along(line, 1000.0, with_vertices=True)
    for x, y in line.coords:
        assert np.min(np.hypot(lon - x, lat - y)) < 1e-9
    assert np.all(np.diff(s) > 0)


def test_profile_matches_geographiclib():
    p = agreement.profile(BUMPED, STRAIGHT, step_m=50.0, stretch_m=1000.0, threshold_m=100.0)
    s, lon, lat = agreement.sample_along(BUMPED, 50.0)
    d = truth_distances(lon, lat, STRAIGHT)
    assert p.samples == len(d)
    assert p.length_km * 1000 == pytest.approx(line_length_m(BUMPED.coords), abs=1e-6)
    assert p.max_m == pytest.approx(d.max(), abs=0.01)
    assert p.max_m == pytest.approx(600.0, abs=5.0)  # the apex, to the 50 m grid
    assert p.median_m == pytest.approx(np.median(d), abs=0.01)
    assert p.p90_m == pytest.approx(np.percentile(d, 90), abs=0.01)
    assert p.p95_m == pytest.approx(np.percentile(d, 95), abs=0.01)
    assert (p.max_lon, p.max_lat) == pytest.approx(APEX, abs=2e-4)
    # every fixed stretch: its samples' statistics
    bins = np.minimum((s // 1000).astype(int), len(p.stretches) - 1)
    assert len(p.stretches) == int(np.ceil(s[-1] / 1000))
    for k, st in enumerate(p.stretches):
        dk = d[bins == k]
        assert st.start_km == pytest.approx(k)
        assert st.max_m == pytest.approx(dk.max(), abs=0.01)
        assert st.median_m == pytest.approx(np.median(dk), abs=0.01)
        assert st.p90_m == pytest.approx(np.percentile(dk, 90), abs=0.01)


def test_runs_cover_exactly_the_samples_over_the_threshold():
    p = agreement.profile(BUMPED, STRAIGHT, threshold_m=100.0)
    s, lon, lat = agreement.sample_along(BUMPED, 50.0)
    over = truth_distances(lon, lat, STRAIGHT) > 100.0
    assert len(p.runs) == 1
    (run,) = p.runs
    assert run.start_km == pytest.approx(s[over][0] / 1000)
    assert run.end_km == pytest.approx((s[over][-1] + 50.0) / 1000)
    assert run.max_m == pytest.approx(p.max_m)
    # the bump leaves the straight line at 33.05 N and meets it again at 33.07 N
    _, _, to_start = GEOD.inv(35.85, 33.0, 35.85, 33.05)
    assert to_start / 1000 < run.start_km < run.end_km < to_start / 1000 + 2.5


def test_compare_is_asymmetric_where_one_line_runs_on():
    longer = LineString([(35.85, 33.0), (35.85, 33.2)])  # 2.2 km further north
    c = agreement.compare(longer, STRAIGHT)
    _, _, overhang = GEOD.inv(35.85, 33.18, 35.85, 33.2)
    assert c.a_to_b.max_m == pytest.approx(overhang, abs=0.01)
    assert c.b_to_a.max_m < 0.01
    assert c.max_m == c.a_to_b.max_m


def test_corridor_is_the_bump_with_its_geodesic_area():
    (piece,) = agreement.corridor(STRAIGHT, BUMPED, threshold_m=100.0)
    triangle = Polygon([(35.85, 33.05), APEX, (35.85, 33.07)])
    assert piece.geometry.symmetric_difference(triangle).area < 1e-12
    area, _ = GEOD.geometry_area_perimeter(triangle)
    assert piece.area_m2 == pytest.approx(abs(area), rel=1e-9)
    apex_truth = ExactLine(STRAIGHT.coords, step_m=25.0).distance(*APEX)
    assert piece.max_separation_m == pytest.approx(apex_truth, abs=0.01)


def test_corridor_drops_faces_under_the_threshold_and_closes_open_ends():
    assert agreement.corridor(STRAIGHT, BUMPED, threshold_m=700.0) == []
    assert agreement.corridor(STRAIGHT, STRAIGHT) == []
    # b shifted 300 m east along its whole length: one face, closed at both ends
    east = [GEOD.fwd(x, y, 90.0, 300.0)[:2] for x, y in STRAIGHT.coords]
    (piece,) = agreement.corridor(STRAIGHT, LineString(east[::-1]), threshold_m=100.0)
    band = Polygon([*STRAIGHT.coords, *east[::-1]])
    area, _ = GEOD.geometry_area_perimeter(band)
    assert piece.area_m2 == pytest.approx(abs(area), rel=1e-9)
    assert piece.max_separation_m == pytest.approx(300.0, abs=0.5)


def test_as_dict_is_rounded_and_can_keep_only_large_stretches():
    p = agreement.profile(BUMPED, STRAIGHT)
    full = p.as_dict()
    assert len(full["stretches"]) == len(p.stretches)
    assert full["max_m"] == round(p.max_m, 1)
    short = p.as_dict(all_stretches=False)
    assert "stretches" not in short
    assert [s["start_km"] for s in short["stretches_over_threshold"]] == [
        round(s.start_km, 3) for s in p.stretches if s.max_m > 100.0
    ]


@pytest.mark.parametrize(
    "call",
    [
        lambda: agreement.sample_along(STRAIGHT, 0.0),
        lambda: agreement.sample_along(STRAIGHT, float("nan")),
        lambda: agreement.sample_along(shapely.Point(35.8, 33.0)),
        lambda: agreement.sample_along(LineString()),
        lambda: agreement.profile(STRAIGHT, BUMPED, stretch_m=-1.0),
        lambda: agreement.profile(STRAIGHT, BUMPED, threshold_m=float("inf")),
        lambda: agreement.corridor(STRAIGHT, shapely.box(35.8, 33.0, 35.9, 33.1)),
        lambda: agreement.corridor(STRAIGHT, BUMPED, threshold_m=-5.0),
    ],
)
def test_bad_input_is_an_input_error(call):
    with pytest.raises(InputError):
        call()


def test_distances_at_points_along_the_line_match_geographiclib():
    along = [0.0, 5_000.0, 6_000.0, line_length_m(BUMPED.coords)]
    got = agreement.distances_at(BUMPED, STRAIGHT, along)
    # the points, independently: walk the geodesic segments with GeographicLib
    xy = np.asarray(BUMPED.coords)
    _, _, seg = GEOD.inv(xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1])
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    exact = ExactLine(STRAIGHT.coords, step_m=25.0)
    for s, d in zip(along, got, strict=True):
        i = min(int(np.searchsorted(cum, s, side="right")) - 1, len(seg) - 1)
        az, _, _ = GEOD.inv(*xy[i], *xy[i + 1])
        lon, lat, _ = GEOD.fwd(*xy[i], az, s - cum[i])
        assert d == pytest.approx(exact.distance(lon, lat), abs=0.01)
    with pytest.raises(InputError, match="must lie in"):
        agreement.distances_at(BUMPED, STRAIGHT, [-1.0])
