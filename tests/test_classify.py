"""Classification of points against lines, countries and zones."""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely import Point

from geo import classification as classify_mod
from geo import layers, zones
from geo.classification import COLUMNS, classify
from geo.errors import InputError, MissingCRSError, UnknownLayerError
from tests.geodesy_cases import GEOD, truth_distance
from tests.truth import ExactLine

KNOWN = {  # name: (lon, lat, country, in AoS)
    "Quneitra": (35.825, 33.126, "Syria", True),
    "Majdal Shams": (35.772, 33.270, "Israel", False),
    "Buq'ata": (35.779, 33.201, "Israel", False),
    "Katzrin": (35.691, 32.992, "Israel", False),
    "Metula": (35.579, 33.279, "Israel", False),
    "Damascus": (36.291, 33.510, "Syria", False),
    "Beirut": (35.50, 33.89, "Lebanon", False),
    "Amman": (35.93, 31.95, "Jordan", False),
    "sea off Haifa": (34.80, 32.90, "", False),
}


def line(name):
    return np.asarray(shapely.line_merge(layers.load(name).geometry.union_all()).coords)


@pytest.fixture(scope="module")
def known():
    lon = [v[0] for v in KNOWN.values()]
    lat = [v[1] for v in KNOWN.values()]
    return classify((lon, lat)).set_index(np.array(list(KNOWN)))


def test_columns_and_order(known):
    assert list(known.columns) == ["lon", "lat", *COLUMNS]


@pytest.mark.parametrize("name", list(KNOWN))
def test_known_places(known, name):
    _lon, _lat, country, in_aos = KNOWN[name]
    row = known.loc[name]
    assert row["country"] == country
    assert bool(row["in_area_of_separation"]) is in_aos


def test_known_zones(known):
    assert known.loc["Quneitra", "zone"] == "granted_5km"
    assert known.loc["Majdal Shams", "zone"].startswith("limitation_israel")
    assert "requested_60km" not in known.loc["Majdal Shams", "zones"]  # Israeli side
    assert known.loc["Beirut", "zone"] == ""  # zones hold their territory only
    assert known.loc["sea off Haifa", "zone"] == ""


def test_distances_against_geographiclib():
    exact_a = ExactLine(line("golan_line_a"), step_m=100)
    exact_b = ExactLine(line("blue_line"), step_m=100)
    rng = np.random.default_rng(7)
    lon = rng.uniform(34.8, 37.0, 40)
    lat = rng.uniform(32.0, 34.3, 40)
    got = classify((lon, lat))
    ta, tb = exact_a.distances(lon, lat), exact_b.distances(lon, lat)
    assert np.max(np.abs(got["distance_line_a_m"] - ta)) <= 0.01
    assert np.max(np.abs(got["distance_blue_line_m"] - tb)) <= 0.01


def test_distance_and_nearest_points_by_layer_name():
    # geo.classification resolves layer names; the truth never calls geo
    rng = np.random.default_rng(8)
    lon = rng.uniform(35.3, 36.8, 12)
    lat = rng.uniform(32.4, 33.9, 12)
    want = truth_distance(line("golan_line_a"), lon, lat)
    got = classify_mod.distance((lon, lat), "golan_line_a")
    assert np.max(np.abs(got - want)) <= 0.01
    near = classify_mod.nearest_points((lon, lat), "blue_line")
    assert np.max(np.abs(near["distance_m"] - truth_distance(line("blue_line"), lon, lat))) <= 0.01
    _, _, back = GEOD.inv(lon, lat, near["nearest_lon"], near["nearest_lat"])
    assert np.max(np.abs(back - near["distance_m"])) <= 0.01
    assert classify_mod.prepare("blue_line") is classify_mod.prepare("blue_line")
    with pytest.raises(UnknownLayerError, match="golan"):
        classify_mod.distance((lon, lat), "golan")


def test_zone_membership_agrees_with_zone_polygons():
    z = zones.zones()
    inside = z[z["part"] == "inside"]
    rng = np.random.default_rng(3)
    lon = rng.uniform(35.3, 36.8, 4000)
    lat = rng.uniform(32.4, 33.9, 4000)
    got = classify((lon, lat))
    for _, row in inside.iterrows():
        geom = row.geometry
        in_poly = shapely.contains_xy(geom, lon, lat)
        edge = shapely.distance(shapely.points(lon, lat), geom.boundary) < 2e-5  # ~2 m
        in_class = got["zones"].str.split(";").apply(lambda zs, i=row["id"]: i in zs).to_numpy()
        assert np.array_equal(in_poly[~edge], in_class[~edge]), row["id"]
        # the distance of any point in a zone is at most its distance
        if row["reference"] == "golan_line_a":
            assert (got.loc[in_class, "distance_line_a_m"] <= row["distance_km"] * 1000).all()


def test_geodataframe_any_crs_keeps_columns():
    pts = gpd.GeoDataFrame(
        {"name": ["Quneitra", "Metula"]},
        geometry=[Point(35.825, 33.126), Point(35.579, 33.279)],
        crs="EPSG:4326",
    ).to_crs("EPSG:2039")  # Israeli Transverse Mercator
    out = classify(pts)
    assert list(out.columns) == ["name", "geometry", *COLUMNS]
    assert out.crs.to_epsg() == 2039
    assert out["country"].tolist() == ["Syria", "Israel"]
    ref = classify(([35.825, 35.579], [33.126, 33.279]))
    assert np.allclose(out["distance_line_a_m"], ref["distance_line_a_m"], atol=1e-3)


def test_chunking_gives_same_result(monkeypatch):
    rng = np.random.default_rng(5)
    lon = rng.uniform(35, 37, 2500)
    lat = rng.uniform(32, 34, 2500)
    whole = classify((lon, lat))
    monkeypatch.setattr(classify_mod, "CHUNK", 333)
    chunked = classify((lon, lat))
    assert whole.equals(chunked)


@pytest.mark.parametrize("many_zones", [False, True])
def test_coded_text_columns_are_the_same_text(monkeypatch, many_zones):
    import dataclasses

    import pandas as pd
    import pyarrow as pa

    from geo import pointfiles

    rng = np.random.default_rng(8)
    lon = np.concatenate([rng.uniform(35.0, 37.0, 3000), [34.0, 35.82]])  # sea, Quneitra
    lat = np.concatenate([rng.uniform(32.0, 34.0, 3000), [32.0, 33.126]])
    if many_zones:
        # past 12 zones the distinct masks are found per part, so the parts' texts differ
        ctx = classify_mod._context(zones.specs_sha256(), None)
        specs = ctx["specs"]
        more = {**ctx, "specs": [*specs, *(dataclasses.replace(z, id=z.id + "_b") for z in specs)]}
        cuts = [0, 700, 1500, lon.size]

        def columns(coded):
            return classify_mod.join_columns(
                [
                    classify_mod._chunk(lon[a:b], lat[a:b], more, coded)
                    for a, b in itertools.pairwise(cuts)
                ]
            )

        plain, coded = columns(False), columns(True)
        assert len(more["specs"]) > 12 and any(";" in t for t in plain["zones"].tolist())
    else:
        monkeypatch.setattr(classify_mod, "CHUNK", 700)  # several parts joined
        plain = classify_mod.classify_columns(lon, lat)
        coded = classify_mod.classify_columns(lon, lat, coded=True)
    ok = rng.random(lon.size) < 0.9
    for col in ("country", "zone", "zones"):
        cat = coded[col]
        assert isinstance(cat, pd.Categorical)
        assert np.asarray(cat).tolist() == plain[col].tolist(), col
        # the Arrow column a file gets: the text of the rows ok, "" on the others
        got = pointfiles.text_column(cat.codes[ok], list(cat.categories), ok)
        expected = [v if k else "" for v, k in zip(plain[col].tolist(), ok.tolist(), strict=True)]
        assert got.equals(pa.array(expected, type=pa.string())), col
    assert "" in plain["zone"].tolist() and "" in plain["country"].tolist()  # blanks covered
    for col in ("distance_line_a_m", "distance_blue_line_m", "in_area_of_separation"):
        assert np.array_equal(coded[col], plain[col]), col


def test_empty_input():
    out = classify((np.array([]), np.array([])))
    assert len(out) == 0 and list(out.columns) == ["lon", "lat", *COLUMNS]


@pytest.mark.parametrize(
    "lon, lat, match",
    [
        ([35.8, np.nan], [33.1, 33.2], "NaN|finite"),
        ([35.8, 35.9], [33.1, 95.0], "latitude"),
        ([35.8, np.inf], [33.1, 33.2], "NaN|finite|infinite"),
    ],
)
def test_bad_coordinates(lon, lat, match):
    with pytest.raises(InputError, match=match):
        classify((np.array(lon), np.array(lat)))


def test_missing_crs():
    pts = gpd.GeoDataFrame(geometry=[Point(35.825, 33.126)])
    with pytest.raises(MissingCRSError):
        classify(pts)
    assert classify(pts, assume_lonlat=True)["country"].iloc[0] == "Syria"
