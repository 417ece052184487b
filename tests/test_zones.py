"""Zones against an independent truth (GeographicLib) and against their files."""

from __future__ import annotations

import os
import warnings

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import geodesy, layers, manifest, zones
from geo.errors import InputError
from tests.truth import GEOD, ExactLine


def line_coords(name):
    return np.asarray(shapely.line_merge(layers.load(name).geometry.union_all()).coords)


@pytest.fixture(scope="module")
def computed():
    return zones.compute_zones()


def test_specs_listed():
    ids = [s.id for s in zones.read_specs()]
    assert ids[:3] == ["granted_5km", "requested_60km", "requested_not_granted"]
    assert sum(i.startswith("limitation_") for i in ids) == 6
    g = zones.spec("granted_5km")
    assert (g.reference, g.distance_km, g.territory, g.side) == (
        "golan_line_a",
        5.0,
        "syria",
        "east",
    )


def test_committed_zone_file_matches_recomputation(computed, tmp_path):
    target = tmp_path / "zones.geojson"
    feats = [
        ({k: manifest.plain(r[k]) for k in zones.FIELDS}, g)
        for r, g in zip(computed.to_dict("records"), computed.geometry, strict=True)
    ]
    layers.write_geojson(target, feats)
    assert target.read_bytes() == layers.path("zones").read_bytes()
    assert layers.info("zones")["specs_sha256"] == zones.specs_sha256()


def outer_vertices(geom, line_exact, d_m, territory):
    """Boundary vertices of a zone that are on its buffer edge, not its territory's."""
    xy = shapely.get_coordinates(geom.boundary)
    tb = territory.boundary
    off_territory = shapely.distance(shapely.points(xy), tb) > 2e-5  # ~2 m
    xy = xy[off_territory]
    return xy


@pytest.mark.parametrize("zone_id", ["granted_5km", "requested_60km", "limitation_syria_10_20"])
def test_outer_edge_at_distance(computed, zone_id):
    item = zones.spec(zone_id)
    exact = ExactLine(line_coords(item.reference), step_m=100.0)
    geom = computed[(computed["id"] == zone_id) & (computed["part"] == "inside")].geometry.iloc[0]
    territory = zones.territory_geometry(item.territory)
    xy = outer_vertices(geom, exact, item.distance_km * 1000, territory)
    rng = np.random.default_rng(1)
    sample = xy[rng.choice(len(xy), size=min(60, len(xy)), replace=False)]
    d = np.array([exact.distance(x, y) for x, y in sample])
    outer = np.abs(d - item.distance_km * 1000) < 100
    inner = np.abs(d - item.inner_km * 1000) < 100
    assert (outer | inner).all(), d[~(outer | inner)]
    assert outer.sum() > 10
    err = np.abs(d[outer] - item.distance_km * 1000)
    assert err.max() <= 0.1, err.max()


def test_edge_between_vertices_within_1m(computed):
    item = zones.spec("requested_60km")
    exact = ExactLine(line_coords(item.reference), step_m=100.0)
    geom = computed[(computed["id"] == item.id) & (computed["part"] == "inside")].geometry.iloc[0]
    ring = (
        np.asarray(geom.exterior.coords)
        if geom.geom_type == "Polygon"
        else np.asarray(max(geom.geoms, key=lambda p: p.area).exterior.coords)
    )
    D = item.distance_km * 1000
    rng = np.random.default_rng(2)
    checked = 0
    for i in rng.permutation(len(ring) - 1):
        (x0, y0), (x1, y1) = ring[i], ring[i + 1]
        d0, d1 = exact.distance(x0, y0), exact.distance(x1, y1)
        if abs(d0 - D) < 0.2 and abs(d1 - D) < 0.2:
            mx, my = (x0 + x1) / 2, (y0 + y1) / 2  # the edge as shapely reads it
            assert abs(exact.distance(mx, my) - D) <= 1.0
            checked += 1
        if checked >= 25:
            break
    assert checked >= 25


def test_areas_geodesic_and_nested(computed):
    inside = computed[computed["part"] == "inside"].set_index("id")
    for zid, row in inside.iterrows():
        area = abs(GEOD.geometry_area_perimeter(row.geometry)[0]) / 1e6
        assert row["area_km2"] == pytest.approx(area, abs=0.001), zid
    g5, g60 = inside.loc["granted_5km", "geometry"], inside.loc["requested_60km", "geometry"]
    assert g60.buffer(1e-7).contains(g5)
    band = inside.loc["requested_not_granted", "area_km2"]
    assert band == pytest.approx(
        inside.loc["requested_60km", "area_km2"] - inside.loc["granted_5km", "area_km2"], rel=1e-4
    )
    # 5 km along an ~80 km line: roughly 5 × 80 km² (plus the ends' curvature)
    assert 350 < inside.loc["granted_5km", "area_km2"] < 450
    # population inside the 5 km zone includes Quneitra (36,143)
    assert inside.loc["granted_5km", "population"] >= 36_143


def test_zone_lies_in_territory_and_on_its_side(computed):
    for _, row in computed[computed["part"] == "inside"].iterrows():
        terr = zones.territory_geometry(row["territory"])
        outside = row.geometry.difference(terr)
        assert abs(geodesy.geodesic_area(outside)) < 1e4, row["id"]  # < 0.01 km²
    israel = zones.territory_geometry("israel")
    outer = computed[(computed["id"] == "requested_60km") & (computed["part"] == "outside")]
    assert set(outer["countries"].iloc[0].split("; ")) <= {"Jordan", "Lebanon"}
    assert abs(geodesy.geodesic_area(outer.geometry.iloc[0].intersection(israel))) < 1e5


def test_web_mercator_buffer_would_be_short():
    """Why we never buffer in EPSG:3857: at 33°N a '60 km' buffer is ~50 km."""
    import pyproj

    def transform(func, geom):
        return shapely.transform(geom, lambda xy: np.column_stack(func(xy[:, 0], xy[:, 1])))

    a = shapely.line_merge(layers.load("golan_line_a").geometry.union_all())
    to3857 = pyproj.Transformer.from_crs(4326, 3857, always_xy=True).transform
    back = pyproj.Transformer.from_crs(3857, 4326, always_xy=True).transform
    merc = transform(back, transform(to3857, a).buffer(60_000))
    exact = ExactLine(np.asarray(a.coords), step_m=200.0)
    x, y = np.asarray(merc.exterior.coords)[::50].T
    d = np.array([exact.distance(i, j) for i, j in zip(x, y, strict=False)])
    assert 48_000 < np.median(d) < 52_000


def test_bad_spec_rows_name_file_and_line(tmp_path):
    good = (layers.layers_dir() / zones.SPECS_FILE).read_text().splitlines()
    cases = {
        "distance_km": (
            good[1].replace(",0,5,", ",0,five,"),
            r"line 2: distance_km 'five' is not a number",
        ),
        "reference": (
            good[1].replace("golan_line_a", "golan"),
            r"line 2: unknown reference line 'golan'; available: .*golan_line_a",
        ),
        "territory": (good[1].replace(",syria,", ",mars,"), r"line 2: unknown territory 'mars'"),
        "inner": (
            good[1].replace(",0,5,", ",7,5,"),
            r"line 2: .*inner_km must be in \[0, distance_km\)",
        ),
    }
    for bad_line, pattern in cases.values():
        f = tmp_path / "zones.csv"
        f.write_text("\n".join([good[0], bad_line, *good[2:]]) + "\n")
        with pytest.raises(InputError, match=pattern):
            zones.read_specs(f)
    f.write_text(good[0] + "\n" + good[1] + "\n" + good[1] + "\n")
    with pytest.raises(InputError, match="listed twice"):
        zones.read_specs(f)


@pytest.mark.slow  # computes every zone afresh (~10 s)
def test_user_adds_an_85km_zone_without_code(tmp_path, monkeypatch):
    src = layers.layers_dir()
    for f in src.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    with open(tmp_path / zones.SPECS_FILE, "a", encoding="utf-8") as fh:
        fh.write(
            'buffer_85km,"85 km from Line A",user,golan_line_a,0,85,syria,east,"a user, 2026"\n'
        )
    monkeypatch.setenv("BORDER_ZONES_LAYERS", str(tmp_path))
    zones.territory_geometry.cache_clear()
    with pytest.warns(UserWarning, match="changed since the zones layer was built"):
        z = zones.zones()
    row = z[(z["id"] == "buffer_85km") & (z["part"] == "inside")].iloc[0]
    z60 = z[(z["id"] == "requested_60km") & (z["part"] == "inside")].iloc[0]
    assert row["area_km2"] > z60["area_km2"]
    # and the classification sees it
    from geo.classification import classify

    damascus = classify(([36.29128], [33.5102]))  # ~61 km east of Quneitra, ~70 km from Line A
    assert "buffer_85km" in damascus["zones"].iloc[0]
    # write it as a layer: the stale warning goes away
    zones.write_zone_layer()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert "buffer_85km" in set(zones.zones()["id"])
    zones.territory_geometry.cache_clear()
    assert os.environ["BORDER_ZONES_LAYERS"] == str(tmp_path)


@pytest.mark.slow  # 15 pairs of geodesic zones (~10 s)
@settings(max_examples=15, deadline=None)
@given(d1=st.floats(1.0, 100.0), d2=st.floats(1.0, 100.0))
def test_property_nested_and_growing(d1, d2):
    lo, hi = sorted((d1, d2))
    if hi - lo < 0.01:
        return
    a = zones.ZoneSpec("a", "a", "t", "golan_line_a", lo)
    b = zones.ZoneSpec("b", "b", "t", "golan_line_a", hi)
    za, _ = zones.zone_parts(a)
    zb, _ = zones.zone_parts(b)
    assert geodesy.geodesic_area(za) < geodesy.geodesic_area(zb)
    assert geodesy.geodesic_area(za.difference(zb)) < 1e3  # < 0.001 km² of rounding


def test_places_in_zone(computed):
    row = computed[(computed["id"] == "granted_5km") & (computed["part"] == "inside")].iloc[0]
    inside = zones.places_in("granted_5km")
    assert inside["name"].iloc[0] == "Al Qunayţirah"  # the largest first
    assert int(inside["population"].sum()) == row["population"]
    assert len(inside) == row["places"]
    # each of them really is within 5 km of Line A (GeographicLib)
    exact = ExactLine(line_coords("golan_line_a"), step_m=100.0)
    for g in inside.geometry:
        assert exact.distance(g.x, g.y) <= 5000
    with pytest.raises(Exception, match="unknown zone 'nope'"):
        zones.places_in("nope")
