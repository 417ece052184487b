"""The layers against their manifest and against public facts (DATA_SOURCES.md)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import shapely
from shapely import Point

from geo import layers
from geo.errors import LayerIntegrityError, UnknownLayerError
from tests.truth import GEOD, densify, line_length_m, min_distance

EXPECTED = {
    "golan_line_a",
    "golan_line_b",
    "undof_area_of_separation",
    "blue_line",
    "lebanon_border_barrier",
    "countries",
    "syria_governorates",
    "places",
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
    text = layers.path(name).read_text(encoding="utf-8")
    decimals = [
        len(m) for m in __import__("re").findall(r"\d+\.(\d+)", text.split('"geometry"', 1)[1])
    ]
    assert max(decimals) <= 6


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
    crossing = by.loc["Quneitra crossing", "geometry"]
    assert crossing.distance(geom("golan_line_a")) < 1e-6
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
