"""The layers against their manifest and against public facts (DATA_SOURCES.md)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely import Point

from geo import layers
from geo.errors import LayerIntegrityError, UnknownLayerError
from tests.truth import GEOD, ExactLine, densify, line_length_m, min_distance

EXPECTED = {
    "golan_line_a",
    "golan_line_b",
    "undof_area_of_separation",
    "blue_line",
    "lebanon_border_barrier",
    "countries",
    "syria_governorates",
    "places",
    "blue_line_parts",
    "blue_line_geo_maps",
    "golan_line_a_geo_maps",
    "golan_line_a_corridor",
    "blue_line_corridor",
}
MANIFEST_KEYS = {
    "title",
    "description",
    "file",
    "sha256",
    "crs",
    "geometry_type",
    "feature_count",
    "fields",
    "retrieved",
    "upstream",
    "licence",
    "attribution",
    "method",
    "accuracy_m",
    "accuracy_note",
    "schematic",
}

# Public facts (lat, lon), from ../shared/DATA_SOURCES.md
QUNEITRA = (33.126, 35.825)
ISRAELI_HELD = {
    "Majdal Shams": (33.270, 35.772),
    "Buq'ata": (33.201, 35.779),
    "Katzrin": (32.992, 35.691),
}
METULA = (33.279, 35.579)
GHAJAR = (33.271, 35.623)
ROSH_HANIKRA = (33.09, 35.10)
HERMON = (33.410, 35.860)


def geom(name: str):
    return shapely.union_all(layers.load(name).geometry.values)


def country(name: str):
    c = layers.load("countries")
    return c.loc[c["name"] == name, "geometry"].iloc[0]


def test_all_layers_listed():
    assert EXPECTED <= set(layers.names())


@pytest.mark.parametrize("name", layers.names())
def test_manifest_matches_file(name):
    meta = layers.info(name)
    assert MANIFEST_KEYS <= set(meta), MANIFEST_KEYS - set(meta)
    path = layers.path(name)
    assert layers.file_sha256(path) == meta["sha256"]
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    assert "crs" not in doc  # RFC 7946: WGS84 implied
    feats = doc["features"]
    assert len(feats) == meta["feature_count"]
    assert sorted({f["geometry"]["type"] for f in feats}) == meta["geometry_type"]
    for f in feats:
        assert list(f["properties"]) == meta["fields"]
    gdf = layers.load(name)
    assert gdf.crs.to_epsg() == 4326
    assert list(gdf.columns) == [*meta["fields"], "geometry"]
    assert meta["accuracy_m"] > 0 and meta["accuracy_note"]
    for up in meta["upstream"]:
        assert up["package"] and up["version"] and up["licence"]


@pytest.mark.parametrize("name", layers.names())
def test_geometries_valid_lonlat_and_rounded(name):
    gdf = layers.load(name)
    assert gdf.geometry.is_valid.all()
    assert not gdf.geometry.is_empty.any()
    xy = shapely.get_coordinates(gdf.geometry.values)
    assert np.all((xy[:, 0] > 32) & (xy[:, 0] < 43) & (xy[:, 1] > 29) & (xy[:, 1] < 38))
    doc = json.loads(layers.path(name).read_text(encoding="utf-8"))
    coords = np.array(
        [
            c
            for f in doc["features"]
            for c in shapely.get_coordinates(shapely.from_geojson(json.dumps(f["geometry"])))
        ]
    )
    assert np.array_equal(np.round(coords, 6), coords)  # at most 6 decimals in the file


def test_unknown_layer_lists_available():
    with pytest.raises(UnknownLayerError) as exc:
        layers.load("golan")
    msg = str(exc.value)
    assert "'golan'" in msg and "golan_line_a" in msg and "blue_line" in msg


def test_tampered_layer_named_in_error(tmp_path, monkeypatch):
    src = layers.layers_dir()
    for f in src.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    target = tmp_path / "golan_line_b.geojson"
    target.write_text(target.read_text().replace("35.", "36.", 1))
    monkeypatch.setattr(layers, "layers_dir", lambda: tmp_path)
    with pytest.raises(LayerIntegrityError, match=r"golan_line_b\.geojson.*sha256"):
        layers.load("golan_line_b")


def test_file_sha256_is_read_again_after_an_edit(tmp_path, monkeypatch):
    import hashlib
    import os

    f = tmp_path / "a.geojson"
    f.write_bytes(b"first")
    assert layers.file_sha256(f) == hashlib.sha256(b"first").hexdigest()
    # just written: not kept (an edit within the clock's granularity could look the same)
    assert str(f) not in layers._SHA256
    monkeypatch.setattr(layers, "_SETTLED_NS", -(10**18))  # keep every file's sha256
    assert layers.file_sha256(f) == hashlib.sha256(b"first").hexdigest()
    assert str(f) in layers._SHA256
    # the same size, the modification time put back: the change time still differs
    before = f.stat()
    f.write_bytes(b"other")
    os.utime(f, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert layers.file_sha256(f) == hashlib.sha256(b"other").hexdigest()
    # replaced by another file under the same name (another inode)
    g = tmp_path / "b.geojson"
    g.write_bytes(b"third")
    os.replace(g, f)
    assert layers.file_sha256(f) == hashlib.sha256(b"third").hexdigest()


def test_state_changes_with_any_file_and_not_with_a_touch(tmp_path, monkeypatch):
    import os

    for src in layers.layers_dir().iterdir():
        (tmp_path / src.name).write_bytes(src.read_bytes())
    monkeypatch.setattr(layers, "layers_dir", lambda: tmp_path)
    monkeypatch.setattr(layers, "_SETTLED_NS", -(10**18))
    first = layers.state()
    os.utime(tmp_path / "golan_line_b.geojson")  # touched, not changed
    assert layers.state() == first
    target = tmp_path / "golan_line_b.geojson"
    target.write_text(target.read_text().replace("35.", "36.", 1))
    assert layers.state() != first


def test_quneitra_inside_area_of_separation_east_of_line_a():
    aos = geom("undof_area_of_separation")
    lat, lon = QUNEITRA
    assert aos.contains(Point(lon, lat))
    assert not country("Israel").contains(Point(lon, lat))


@pytest.mark.parametrize("place", sorted(ISRAELI_HELD))
def test_israeli_held_side_of_line_a(place):
    lat, lon = ISRAELI_HELD[place]
    p = Point(lon, lat)
    assert country("Israel").contains(p)
    assert not geom("undof_area_of_separation").contains(p)
    assert not country("Syria").contains(p)


def test_metula_in_israel_south_of_blue_line():
    lat, lon = METULA
    assert country("Israel").contains(Point(lon, lat))
    assert not country("Lebanon").contains(Point(lon, lat))
    blue = geom("blue_line")
    crossings = shapely.get_coordinates(
        blue.intersection(shapely.LineString([(lon, 32.5), (lon, 34.0)]))
    )
    assert len(crossings) and lat < crossings[:, 1].max()


def test_ghajar_straddles_blue_line():
    lat, lon = GHAJAR
    dense = densify(geom("blue_line").coords, 20)
    assert min_distance(lon, lat, dense) < 1000  # GeoNames point ~ village centre


def test_blue_line_reaches_coast_at_rosh_hanikra():
    blue = geom("blue_line")
    lon, lat = blue.coords[0]
    _, _, d = GEOD.inv(lon, lat, ROSH_HANIKRA[1], ROSH_HANIKRA[0])
    assert d < 2000
    # the western end is on the coast: a point 1 km further west is not in any country
    countries = shapely.union_all(layers.load("countries").geometry.values)
    assert not countries.contains(Point(lon - 0.011, lat))


def test_blue_line_about_120_km():
    assert 110_000 < line_length_m(geom("blue_line").coords) < 130_000


def test_blue_line_meets_line_a():
    a, b = geom("golan_line_a"), geom("blue_line")
    _, _, d = GEOD.inv(*a.coords[0], *b.coords[-1])
    assert d < 50


def test_area_of_separation_length_and_width():
    aos = geom("undof_area_of_separation")
    a, b = geom("golan_line_a"), geom("golan_line_b")
    # over 75 km long (north-south extent along the lines)
    assert line_length_m(a.coords) > 75_000 and line_length_m(b.coords) > 75_000
    _, _, extent = GEOD.inv(35.8, aos.bounds[1], 35.8, aos.bounds[3])
    assert extent > 75_000
    # width: geodesic distance from points along Line B to Line A
    dense_a = densify(a.coords, 50)
    widths = np.array([min_distance(x, y, dense_a) for x, y in densify(b.coords, 1000)[5:-5]])
    assert 100 < widths.min() < 1000, widths.min()  # "about 200 m in the south"
    assert 7_000 < widths.max() < 11_000, widths.max()  # "about 10 km"
    assert aos.is_valid and aos.geom_type == "Polygon"


def test_hermon_and_places():
    places = layers.load("places")
    by = places.set_index("name")
    assert {"Mount Hermon summit", "Quneitra crossing", "Rosh HaNikra"} <= set(by.index)
    h = by.loc["Mount Hermon summit", "geometry"]
    assert abs(h.y - HERMON[0]) < 0.01 and abs(h.x - HERMON[1]) < 0.01
    assert by.loc["Majdal Shams", "population"] == 11180
    assert by.loc["Majdal Shams", "country_code_de_jure"] == "SY"  # de jure; geometry says Israel
    q, d = by.loc["Al Qunayţirah", "geometry"], by.loc["Damascus", "geometry"]
    _, _, dist = GEOD.inv(q.x, q.y, d.x, d.y)
    assert abs(dist - 61_000) < 1_500
    crossing = by.loc["Quneitra crossing", "geometry"]  # on Line A, cited to ~50 m
    assert ExactLine(geom("golan_line_a").coords).distance(crossing.x, crossing.y) < 200
    assert 800 <= len(places) <= 1000


@pytest.mark.slow  # ~3 s
def test_barrier_segments_near_blue_line_on_israeli_side():
    barrier = layers.load("lebanon_border_barrier")
    assert set(barrier["confidence"]) == {"schematic"}
    kinds = barrier["kind"].tolist()
    assert kinds.count("smart fence") >= 2 and "concrete wall" in kinds
    assert (barrier.loc[barrier["kind"] == "smart fence", "height_m"] == 6).all()
    dense_blue = densify(geom("blue_line").coords, 10)
    israel, lebanon = country("Israel"), country("Lebanon")
    for _, row in barrier.iterrows():
        pts = densify(row.geometry.coords, 100)
        d = [min_distance(x, y, dense_blue) for x, y in pts]
        assert max(d) <= 100, (row["name"], max(d))
        inside = shapely.contains_xy(israel, pts[:, 0], pts[:, 1])
        assert inside.mean() > 0.95, row["name"]
        assert not shapely.contains_xy(lebanon, pts[:, 0], pts[:, 1]).any()
        assert row["source"] and row["year"] >= 2012


def test_governorates():
    govs = layers.load("syria_governorates")
    assert len(govs) == 14
    assert {"Quneitra", "Damascus", "Rif Dimashq", "Dar`a"} <= set(govs["name"])
    q = govs.loc[govs["name"] == "Quneitra", "geometry"].iloc[0]
    assert q.contains(Point(QUNEITRA[1], QUNEITRA[0]))


def test_countries_de_facto():
    c = layers.load("countries")
    assert set(c["name"]) == {"Israel", "Syria", "Lebanon", "Jordan", "Palestine"}
    # de facto: the Golan is in Israel's polygon, Damascus in Syria's
    assert country("Israel").contains(Point(35.691, 32.992))
    assert country("Syria").contains(Point(36.291, 33.510))
    # polygons do not overlap (beyond rounding)
    for i, a in c.iterrows():
        for j, b in c.iterrows():
            if i < j:
                ov = a.geometry.intersection(b.geometry)
                assert abs(GEOD.geometry_area_perimeter(ov)[0]) < 1e5, (a["name"], b["name"])


# --- issue 12: lines you can defend ----------------------------------------
DATA = Path(__file__).resolve().parents[1] / "recipes" / "data"


def truth_profile(line, other, step=50.0):
    """Samples every ``step`` m along ``line`` (GeographicLib), distances to ``other``."""
    pts = densify(line.coords, 1.0)  # ≤ 1 m apart along the geodesics
    _, _, seg = GEOD.inv(pts[:-1, 0], pts[:-1, 1], pts[1:, 0], pts[1:, 1])
    s = np.concatenate([[0.0], np.cumsum(seg)])
    idx = np.searchsorted(s, np.arange(0.0, s[-1], step))
    exact = ExactLine(other.coords, step_m=25.0)
    return exact.distances(pts[idx, 0], pts[idx, 1])


def test_blue_line_parts_cover_the_line_and_say_which_is_which():
    parts = layers.load("blue_line_parts")
    blue = geom("blue_line")
    assert list(parts["part"]) == ["blue_line_1923", "blue_line_hasbani", "shebaa_farms_sector"]
    coords = [c for g in parts.geometry for c in g.coords]
    assert shapely.LineString(coords).equals(blue)
    km = {
        p: line_length_m(g.coords) / 1000
        for p, g in zip(parts["part"], parts.geometry, strict=False)
    }
    # the UN's Blue Line: the sea to the Hasbani near Ghajar, about 100 km on a detailed line
    assert 95 < km["blue_line_1923"] + km["blue_line_hasbani"] < 105
    assert 15 < km["shebaa_farms_sector"] < 21
    assert sum(km.values()) == pytest.approx(line_length_m(blue.coords) / 1000, abs=0.01)
    # the Shebaa Farms part starts at Ghajar and is marked disputed
    shebaa = parts.set_index("part").loc["shebaa_farms_sector"]
    x, y = shebaa.geometry.coords[0]
    _, _, d = GEOD.inv(x, y, GHAJAR[1], GHAJAR[0])
    assert d < 500
    assert "disputed" in shebaa["status"] and "Lebanon" in shebaa["status"]
    for _, p in parts.iterrows():
        assert (
            p["source"] and p["name"] and p["length_km"] == pytest.approx(km[p["part"]], abs=0.01)
        )


@pytest.mark.slow  # profile every 50 m (~5 s)
def test_blue_line_proper_within_100_m_of_the_second_source():
    """Sea to Ghajar: two OpenStreetMap processings agree to within 100 m everywhere."""
    parts = layers.load("blue_line_parts").set_index("part")
    other = geom("blue_line_geo_maps")
    proper = shapely.LineString(
        [
            *parts.loc["blue_line_1923"].geometry.coords,
            *parts.loc["blue_line_hasbani"].geometry.coords[1:],
        ]
    )
    d = truth_profile(proper, other, step=250.0)
    assert d.max() < 100, d.max()


@pytest.mark.slow  # a profile every 50 m (~8-11 s)
@pytest.mark.parametrize(
    ("line", "other"),
    [("golan_line_a", "golan_line_a_geo_maps"), ("blue_line", "blue_line_geo_maps")],
)
def test_accuracy_profile_matches_geographiclib(line, other):
    prof = layers.info(line)["accuracy_profile"]["comparisons"][0]
    assert prof["against"] == other and "OpenStreetMap" in prof["what_it_can_show"]
    p = prof["this_to_other"]
    d = truth_profile(geom(line), geom(other))
    assert p["samples"] == pytest.approx(len(d), abs=1)
    assert p["median_m"] == pytest.approx(np.median(d), abs=0.5)
    assert p["p90_m"] == pytest.approx(np.percentile(d, 90), abs=1.0)
    assert p["max_m"] == pytest.approx(d.max(), abs=1.0)
    big = [s for s in p["stretches"] if s["max_m"] > 100]
    assert big, "the runs over 100 m are listed"
    for r in p["runs"]:
        assert r["max_m"] > 100 and r["end_km"] > r["start_km"]
    assert layers.info(line)["accuracy_m"] == pytest.approx(prof["max_either_way_m"])


def test_issue_figures_for_the_second_source():
    a = layers.info("golan_line_a")["accuracy_profile"]["comparisons"]
    gm, ne = a[0]["this_to_other"], a[1]["this_to_other"]
    assert gm["median_m"] < 5 and gm["p90_m"] < 30 and 300 < gm["max_m"] < 500
    assert (round(gm["max_lat"], 2), round(gm["max_lon"], 2)) == (33.22, 35.81)
    assert 400 < ne["median_m"] < 700 and ne["max_m"] > 900
    blue = layers.info("blue_line")["accuracy_profile"]["comparisons"][0]["this_to_other"]
    assert blue["median_m"] < 5 and 1000 < blue["max_m"] < 2000
    for r in blue["runs"]:  # every large difference east of Ghajar (33.28–33.34 N)
        assert 33.27 < r["max_lat"] < 33.34, r


@pytest.mark.parametrize("name", ["golan_line_a_corridor", "blue_line_corridor"])
def test_corridors_are_bands_between_the_sources(name):
    c = layers.load(name)
    meta = layers.info(name)
    for against, km2 in meta["corridor_km2"].items():
        sel = c[c["against"] == against]
        area = sum(abs(GEOD.geometry_area_perimeter(g)[0]) for g in sel.geometry) / 1e6
        assert area == pytest.approx(km2, abs=0.002)
    assert (c["max_separation_m"] > 100).all()
    line = geom(name.removesuffix("_corridor"))
    for against, g in zip(
        c["against"], c.geometry, strict=False
    ):  # each face is bounded by the two versions
        other = geom(against) if against in layers.names() else line
        assert g.distance(line) < 1e-9 or g.distance(other) < 1e-9


def test_area_of_separation_ends_against_public_descriptions():
    ends = layers.info("undof_area_of_separation")["ends"]
    a, b = geom("golan_line_a"), geom("golan_line_b")
    exact_a = ExactLine(a.coords, step_m=25.0)
    # south: "about 200 m in the extreme south" (UNDOF), "a few hundred metres"
    south = b.coords[-1]
    w_south = exact_a.distance(*south)
    assert 100 < w_south < 400, w_south
    assert ends["widths_m"]["south"]["0_km"] == pytest.approx(w_south, abs=1.0)
    # Line B reaches the Jordanian border there
    jordan = country("Jordan")
    assert min_distance(*south, densify(np.asarray(jordan.exterior.coords), 20)) < 100
    # north: Line B ends on the Lebanese border on the Hermon massif; the summit is inside
    lebanon = country("Lebanon")
    north = b.coords[0]
    dense_lb = densify(
        np.asarray(max(getattr(lebanon, "geoms", [lebanon]), key=lambda g: g.area).exterior.coords),
        20,
    )
    assert min_distance(*north, dense_lb) < 100
    assert geom("undof_area_of_separation").contains(Point(HERMON[1], HERMON[0]))


def test_barrier_segments_within_their_uncertainty_of_their_anchors():
    barrier = layers.load("lebanon_border_barrier")
    anchors = {
        r["name"]: (float(r["lon"]), float(r["lat"]))
        for r in csv.DictReader(open(DATA / "anchors.csv", encoding="utf-8"))
    }
    blue = densify(geom("blue_line").coords, 5)
    for _, seg in barrier.iterrows():
        dense = densify(seg.geometry.coords, 10)
        for name in seg["anchors"].split("; "):
            lon, lat = anchors[name]
            n = len(blue)
            _, _, d = GEOD.inv(np.full(n, lon), np.full(n, lat), blue[:, 0], blue[:, 1])
            foot = blue[int(np.argmin(d))]  # the anchor's nearest point on the Blue Line
            to_seg = min_distance(*foot, dense)
            assert to_seg <= seg["uncertainty_along_m"], (seg["id"], name, to_seg)
        assert seg["source"] and seg["uncertainty_along_m"] > 0


def test_2012_wall_between_kfar_kila_and_metula():
    barrier = layers.load("lebanon_border_barrier").set_index("id")
    wall = barrier.loc["wall_metula_kfar_kila_2012"]
    assert wall["height_m"] == 7 and "Fatima Gate" in wall["name"]
    blue = densify(geom("blue_line").coords, 5)
    _, _, step = GEOD.inv(blue[:-1, 0], blue[:-1, 1], blue[1:, 0], blue[1:, 1])
    s = np.concatenate([[0.0], np.cumsum(step)])

    def km(lon, lat):
        _, _, d = GEOD.inv(np.full(len(blue), lon), np.full(len(blue), lat), blue[:, 0], blue[:, 1])
        return s[int(np.argmin(d))]

    lo, hi = sorted((km(35.55197, 33.27734), km(35.5787, 33.27929)))  # Kfar Kila, Metula
    mid = wall.geometry.interpolate(0.5, normalized=True)
    assert lo < km(mid.x, mid.y) < hi


def test_landmarks_at_full_precision_with_names():
    by = layers.load("places").set_index("name")
    hermon = by.loc["Mount Hermon summit"]
    assert "Wikipedia" in hermon["source"] and hermon["name_ar"] == "جبل الشيخ"
    _, _, d = GEOD.inv(hermon.geometry.x, hermon.geometry.y, HERMON[1], HERMON[0])
    assert d < 1000  # "about 33.410 N, 35.860 E"
    crossing = by.loc["Quneitra crossing"].geometry
    assert ExactLine(geom("golan_line_a").coords).distance(crossing.x, crossing.y) < 200
    assert not geom("undof_area_of_separation").contains(crossing)


def test_places_carry_arabic_and_hebrew_names():
    by = layers.load("places").set_index("name")
    assert by.loc["Al Qunayţirah", "name_ar"] == "القنيطرة"
    assert by.loc["Al Qunayţirah", "name_he"] == "קוניטרה"
    assert by.loc["Metula", "name_he"] == "מטולה"
    assert by.loc["Damascus", "name_ar"] == "دمشق"
    assert by.loc["Majdal Shams", "name_he"] == "מג'דל שמס"
    places = layers.load("places")
    assert places["name_ar"].notna().sum() > 500 and places["name_he"].notna().sum() > 450
