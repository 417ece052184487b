"""The zones report (geo.report): its numbers against independent recomputation."""

from __future__ import annotations

import csv
import io
import json

import pyproj
import pytest
import shapely

from geo import layers, report, zones

GEOD = pyproj.Geod(ellps="WGS84")  # independent of geo.geodesy


def area_km2(geom):
    return sum(abs(GEOD.geometry_area_perimeter(p)[0]) for p in shapely.get_parts(geom)) / 1e6


def length_km(geom):
    return GEOD.geometry_length(geom) / 1000.0


@pytest.fixture(scope="module")
def rep():
    return report.build_report()


def rows(rep, key):
    return list(rep.section(key).rows)


def test_zone_rows_equal_api(rep):
    z = zones.zones()
    inside = z[z["part"] == "inside"].set_index("id")
    by_id = {r["zone"]: r for r in rows(rep, "zones")}
    assert list(by_id) == [s.id for s in zones.read_specs()]
    for zid, r in by_id.items():
        assert r["population"] == inside.loc[zid, "population"]
        assert r["places"] == inside.loc[zid, "places"]
        assert r["area_km2"] == pytest.approx(area_km2(inside.loc[zid, "geometry"]), abs=1e-3)
        assert r["area_km2"] == pytest.approx(inside.loc[zid, "area_km2"], abs=2e-3)


def test_overlap_with_area_of_separation(rep):
    z = zones.zones()
    g = z[(z["id"] == "granted_5km") & (z["part"] == "inside")].geometry.iloc[0]
    aos = layers.load("undof_area_of_separation").geometry.union_all()
    expected = area_km2(g.intersection(aos))
    r = next(r for r in rows(rep, "zones") if r["zone"] == "granted_5km")
    assert r["in_area_of_separation_km2"] == pytest.approx(expected, abs=1e-3)
    assert r["in_area_of_separation_pct"] == pytest.approx(100 * expected / area_km2(g), abs=0.01)
    assert 0 < r["in_area_of_separation_pct"] < 100


def test_requested_vs_granted(rep):
    by_id = {r["zone"]: r for r in rows(rep, "zones")}
    area = next(r for r in rows(rep, "requested_vs_granted") if r["measure"] == "area")
    assert area["requested_60km"] == by_id["requested_60km"]["area_km2"]
    assert area["granted_5km"] == by_id["granted_5km"]["area_km2"]
    # the 5–60 band is the 60 km zone minus the 5 km zone
    assert area["requested_not_granted"] == pytest.approx(
        area["requested_60km"] - area["granted_5km"], rel=1e-3
    )


def test_line_lengths(rep):
    lines = rows(rep, "lines")
    for name in ("golan_line_a", "golan_line_b", "blue_line"):
        r = next(r for r in lines if r["line"] == name)
        assert r["length_km"] == pytest.approx(
            length_km(layers.load(name).geometry.union_all()), abs=1e-3
        )
    blue = next(r for r in lines if r["line"] == "blue_line")["length_km"]
    assert 100 < blue < 140  # "about 120 km"
    barrier = layers.load("lebanon_border_barrier")
    segs = [r for r in lines if r["line"] == "lebanon_border_barrier" and r["kind"] != "total"]
    assert [r["title"] for r in segs] == barrier["name"].tolist()
    for r, geom in zip(segs, barrier.geometry, strict=True):
        assert r["length_km"] == pytest.approx(length_km(geom), abs=1e-3)


def test_barrier_coverage():
    cov = report.barrier_coverage()
    barrier = layers.load("lebanon_border_barrier")
    total = sum(length_km(g) for g in barrier.geometry)
    assert cov["barrier_km"] == pytest.approx(total, abs=1e-3)
    # the barrier runs beside the line: what it covers is close to its own length
    assert cov["covered_km"] == pytest.approx(total, rel=0.1)
    assert cov["covered_pct"] == pytest.approx(
        100 * cov["covered_km"] / cov["blue_line_km"], abs=0.01
    )


def test_governorate_areas_sum_to_zone(rep):
    by_id = {r["zone"]: r for r in rows(rep, "zones")}
    govs = rows(rep, "governorates")
    for zid in ("granted_5km", "requested_60km"):
        total = sum(r["area_km2"] for r in govs if r["zone"] == zid)
        assert total == pytest.approx(by_id[zid]["area_km2"], rel=0.03)
    govs_layer = layers.load("syria_governorates")
    z = zones.zones()
    g = z[(z["id"] == "granted_5km") & (z["part"] == "inside")].geometry.iloc[0]
    q = govs_layer[govs_layer["name"] == "Quneitra"].geometry.iloc[0]
    r = next(r for r in govs if r["zone"] == "granted_5km" and r["governorate"] == "Quneitra")
    assert r["area_km2"] == pytest.approx(area_km2(shapely.make_valid(g.intersection(q))), abs=1e-3)


def test_sensitivity_equals_api(rep):
    r = next(r for r in rows(rep, "sensitivity") if r["zone"] == "granted_5km")
    s = zones.sensitivity("granted_5km")
    assert r["area_from_natural_earth_line_km2"] == s["alternative_area_km2"]
    assert r["max_edge_displacement_m"] == s["max_edge_displacement_m"]


def test_formats(rep, tmp_path):
    md = report.render(rep, "md")
    assert "| granted_5km |" in md and "## Sources" in md and "ODbL" in md
    doc = json.loads(report.render(rep, "json"))
    assert doc["sections"]["zones"]["rows"][0]["zone"] == "granted_5km"
    table = list(csv.DictReader(io.StringIO(report.render(rep, "csv"))))
    hit = [
        t
        for t in table
        if t["section"] == "zones" and t["key"] == "granted_5km" and t["column"] == "area_km2"
    ]
    assert float(hit[0]["value"]) == rows(rep, "zones")[0]["area_km2"]
    for ext in ("md", "csv", "json"):
        p = report.write_report(rep, tmp_path / f"r.{ext}")
        assert p.read_text(encoding="utf-8") == report.render(rep, ext)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv", "r.json", "r.md"]


def test_requested_vs_granted_rows_fill_only_their_columns(rep):
    """Counts are integers; a share or overlap sits only under the zone it is about."""
    by_id = {r["zone"]: r for r in rows(rep, "zones")}
    table = {r["measure"]: r for r in rows(rep, "requested_vs_granted")}
    cols = ("requested_60km", "granted_5km", "requested_not_granted")
    for measure, key in (("population", "population"), ("populated places", "places")):
        for col in cols:
            value = table[measure][col]
            assert type(value) is int and value == by_id[col][key], (measure, col)
    aos = table["granted zone inside the UNDOF Area of Separation"]
    assert aos["requested_60km"] is None and aos["requested_not_granted"] is None
    assert aos["granted_5km"] == by_id["granted_5km"]["in_area_of_separation_pct"]
    share = table["granted as a share of requested (area)"]
    assert share["requested_60km"] is None and share["requested_not_granted"] is None
    req, gra = (by_id[k]["area_km2"] for k in ("requested_60km", "granted_5km"))
    assert share["granted_5km"] == pytest.approx(100 * gra / req, abs=0.005)
    assert 0 < share["granted_5km"] < 10
    rest = table["not granted as a share of requested (area)"]
    assert rest["requested_60km"] is None and rest["granted_5km"] is None
    assert rest["requested_not_granted"] + share["granted_5km"] == pytest.approx(100, abs=0.05)
    csv_text = report.render(rep, "csv")
    assert "2598443.0" not in csv_text and "53.0," not in csv_text
