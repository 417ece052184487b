"""The timeline (layers/timeline.csv): data, validation, dates, geometry and figures.

Geometry is checked against GeographicLib (tests/truth.py), never the code under test.
"""

from __future__ import annotations

import csv
import datetime as dt
import warnings

import numpy as np
import pytest
import shapely

from geo import classification, layers, report, timeline, zones
from geo.errors import InputError
from tests.conftest import ROOT
from tests.truth import GEOD, ExactLine, densify, min_distance

KINDS = {"agreed", "demanded", "offered", "claimed", "reported", "observed"}
CONFIDENCES = {"exact", "as described", "schematic"}


def raw_rows() -> list[dict[str, str]]:
    with open(ROOT / "layers" / "timeline.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def line_coords(name):
    return np.asarray(shapely.line_merge(layers.load(name).geometry.union_all()).coords)


@pytest.fixture(scope="module")
def areas():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the committed layer matches timeline.csv
        return zones.timeline_areas().set_index("id")


# --------------------------------------------------------------------------
# the data
# --------------------------------------------------------------------------
def test_every_item_has_a_dated_source_and_a_confidence():
    rows = raw_rows()
    assert len(rows) >= 40
    for r in rows:
        assert r["source_outlet"].strip() and r["source_title"].strip(), r["id"]
        assert r["source_date"][:4].isdigit() and 1974 <= int(r["source_date"][:4]) <= 2026
        assert r["confidence"] in CONFIDENCES, r["id"]
        assert r["kind"] in KINDS, r["id"]
        dt.date.fromisoformat((r["date_start"] + "-01-01")[:10])  # an ISO date, month or year


def test_items_read_and_validate():
    items = timeline.read_items()
    assert [i.id for i in items] == [r["id"] for r in raw_rows()]
    assert {i.kind for i in items} == KINDS


def test_what_reporting_does_not_locate_is_said_in_the_data():
    items = timeline.read_items()
    undrawn = [i for i in items if i.rule.kind == "none"]
    assert {"2024_tank_hill", "2025_09_three_zones", "2006_1701_zone"} <= {i.id for i in undrawn}
    assert all(i.not_located for i in undrawn)
    posts = timeline.item("2024_posts7")
    assert "Beit Jinn" in posts.not_located and "74th" in posts.not_located


def test_the_issue_s_milestones_are_there():
    by = {i.id: i for i in timeline.read_items()}
    assert by["2018_offer_100km"].rule.outer_m == 100_000
    assert by["2018_offer_100km"].start == dt.date(2018, 7, 23)
    assert by["2018_claim_85km"].rule.outer_m == 85_000
    assert by["2018_claim_85km"].start == dt.date(2018, 8, 1)
    assert {by["2019_claim_75km"].rule.outer_m, by["2019_claim_80km"].rule.outer_m} == {
        75_000,
        80_000,
    }
    assert by["2025_demilitarise_south"].rule.names == ("Quneitra", "Dar`a", "As Suwayda'")
    assert by["2025_demilitarise_south"].confidence == "exact"
    assert by["2025_lb5"].start == dt.date(2025, 2, 18)


# --------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------
GOOD = {
    "id": "x_1",
    "title": "X",
    "kind": "claimed",
    "date_start": "2018-08-01",
    "date_end": "",
    "geometry": "band:golan_line_a:0:85000",
    "territory": "syria",
    "side": "east",
    "source_outlet": "Outlet",
    "source_title": "Title",
    "source_date": "2018-08-01",
    "source_url": "",
    "confidence": "as described",
    "not_located": "",
    "note": "",
}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("kind", "rumoured", r"unknown kind 'rumoured'"),
        ("confidence", "sure", r"unknown confidence 'sure'"),
        ("date_start", "2018-02-30", r"date_start: date '2018-02-30': not a date"),
        ("date_end", "2017-01-01", r"date_end 2017-01-01 is before date_start"),
        ("source_date", "", r"source_date: date '': not a date"),
        ("source_outlet", "", r"source_outlet is empty"),
        ("geometry", "band:nowhere:0:5", r"unknown reference line 'nowhere'"),
        ("geometry", "band:golan_line_a:9:5", r"need 0 ≤ inner < outer"),
        ("geometry", "governorates:Atlantis", r"unknown governorate 'Atlantis'"),
        ("geometry", "circle:x", r"unknown rule"),
        ("geometry", "none", r"an item that is not drawn must say in not_located"),
        ("territory", "mars", r"unknown territory 'mars'"),
    ],
)
def test_bad_rows_name_file_line_and_field(tmp_path, field, value, message):
    row = dict(GOOD)
    row[field] = value
    if field == "geometry" and not value.startswith("band"):
        row["territory"] = row["side"] = ""
    f = tmp_path / "t.csv"
    with open(f, "w", encoding="utf-8", newline="") as out:
        w = csv.DictWriter(out, timeline.COLUMNS)
        w.writeheader()
        w.writerow(GOOD | {"id": "ok"})
        w.writerow(row)
    with pytest.raises(InputError, match=r"t\.csv, line 3 \(id 'x_1'\): (.*: )?" + message):
        timeline.read_items(f)


def test_points_rule_needs_features_of_the_item(tmp_path):
    f = tmp_path / "t.csv"
    row = GOOD | {"geometry": "points:timeline_positions", "territory": "", "side": ""}
    with open(f, "w", encoding="utf-8", newline="") as out:
        w = csv.DictWriter(out, timeline.COLUMNS)
        w.writeheader()
        w.writerow(row)
    with pytest.raises(InputError, match=r"line 2 .*no feature with item 'x_1'"):
        timeline.read_items(f)


def test_an_edited_file_is_read_again(tmp_path):
    f = tmp_path / "t.csv"

    def write(title):
        with open(f, "w", encoding="utf-8", newline="") as out:
            w = csv.DictWriter(out, timeline.COLUMNS)
            w.writeheader()
            w.writerow(GOOD | {"title": title})

    write("First")
    assert [i.title for i in timeline.read_items(f)] == ["First"]
    write("Other")  # the same size: the bytes tell, not the time
    assert [i.title for i in timeline.read_items(f)] == ["Other"]
    got = timeline.read_items(f)
    got.clear()  # the caller's list: the next read is whole
    assert [i.title for i in timeline.read_items(f)] == ["Other"]
    write("x_2, bad")
    f.write_text(f.read_text(encoding="utf-8").replace("as described", "sure"), encoding="utf-8")
    with pytest.raises(InputError, match="unknown confidence 'sure'"):
        timeline.read_items(f)


def test_missing_column_and_duplicate_id(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("id,title\nx,X\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"t\.csv: missing column\(s\) kind"):
        timeline.read_items(f)
    with open(f, "w", encoding="utf-8", newline="") as out:
        w = csv.DictWriter(out, timeline.COLUMNS)
        w.writeheader()
        w.writerow(GOOD)
        w.writerow(GOOD)
    with pytest.raises(InputError, match=r"line 3: id 'x_1' is listed twice"):
        timeline.read_items(f)


@pytest.mark.parametrize("bad", ["2018-13", "18-08-01", "yesterday", "2018/08/01", ""])
def test_bad_as_of_is_refused(bad):
    with pytest.raises(InputError, match="not a date"):
        timeline.as_of_date(bad)


# --------------------------------------------------------------------------
# dates
# --------------------------------------------------------------------------
def ids_in_force(on):
    return {i.id for i in timeline.in_force(on)}


def test_in_force_follows_the_dates():
    assert "2018_offer_100km" in ids_in_force("2018-07-23")
    assert "2018_offer_100km" not in ids_in_force("2018-07-24")
    assert "2018_claim_85km" in ids_in_force("2018-08-01")
    assert "2018_claim_85km" not in ids_in_force("2019-04-28")
    # a month as end date: in force to its last day
    assert "2017_sw_deescalation" in ids_in_force("2018-07-31")
    assert "2017_sw_deescalation" not in ids_in_force("2018-08-01")
    # open items stay, the 1974 agreement among them
    assert {"1974_aos", "1974_line_a", "2025_lb5"} <= ids_in_force("2025-06-01")
    assert ids_in_force("1974-05-30") == set()
    # items(as_of) is the history so far: ended items included
    assert "2018_offer_100km" in {i.id for i in timeline.items("2019")}
    assert "2025_lb5" not in {i.id for i in timeline.items("2019")}


def test_as_of_month_or_year_means_its_last_day():
    assert timeline.as_of_date("2018-02") == dt.date(2018, 2, 28)
    assert timeline.as_of_date(dt.date(2020, 1, 2)) == dt.date(2020, 1, 2)
    assert timeline.as_of_date(None) == dt.date.today()


# --------------------------------------------------------------------------
# geometry against GeographicLib
# --------------------------------------------------------------------------
@pytest.mark.parametrize("item_id", ["2018_claim_85km", "2025_ynet_15km", "2025_09_aos_plus_2km"])
def test_band_outer_edge_at_distance_as_the_2017_zones(areas, item_id):
    item = timeline.item(item_id)
    exact = ExactLine(line_coords(item.rule.layer), step_m=100.0)
    geom = areas.loc[item_id].geometry
    territory = zones.territory_geometry(item.territory)
    xy = shapely.get_coordinates(geom.boundary)
    xy = xy[shapely.distance(shapely.points(xy), territory.boundary) > 2e-5]
    rng = np.random.default_rng(14)
    sample = xy[rng.choice(len(xy), size=min(50, len(xy)), replace=False)]
    d = np.array([exact.distance(x, y) for x, y in sample])
    D = item.rule.outer_m
    outer = np.abs(d - D) < 100
    assert outer.sum() > 10
    assert np.abs(d[outer] - D).max() <= 0.1  # the 2017 zones' accuracy (tests/test_zones.py)
    # and every vertex within the band's reach
    assert d.max() <= D + 0.1


def test_band_edges_between_vertices_within_1m(areas):
    item = timeline.item("2018_claim_85km")
    exact = ExactLine(line_coords(item.rule.layer), step_m=100.0)
    geom = areas.loc[item.id].geometry
    parts = getattr(geom, "geoms", [geom])
    ring = np.asarray(max(parts, key=lambda p: p.area).exterior.coords)
    D, checked = item.rule.outer_m, 0
    for i in np.random.default_rng(3).permutation(len(ring) - 1):
        (x0, y0), (x1, y1) = ring[i], ring[i + 1]
        if abs(exact.distance(x0, y0) - D) < 0.2 and abs(exact.distance(x1, y1) - D) < 0.2:
            assert abs(exact.distance((x0 + x1) / 2, (y0 + y1) / 2) - D) <= 1.0
            checked += 1
        if checked >= 20:
            break
    assert checked >= 20


def test_areas_are_geodesic_and_the_85km_covers_the_60km_request(areas):
    for item_id, row in areas.iterrows():
        truth = abs(GEOD.geometry_area_perimeter(row.geometry)[0]) / 1e6
        assert row["area_km2"] == pytest.approx(truth, abs=0.001), item_id
    a85, a60 = areas.loc["2018_claim_85km"], areas.loc["2017_requested_60km"]
    assert a85.geometry.buffer(1e-7).contains(a60.geometry)
    # the same band as the zone list's 60 km zone
    z = zones.zones()
    z60 = z[(z["id"] == "requested_60km") & (z["part"] == "inside")].iloc[0]
    assert a60["area_km2"] == pytest.approx(z60["area_km2"], abs=0.01)
    sec = report.timeline_section("2018-08-01")
    row = next(r for r in sec.rows if r["item"] == "2018_claim_85km")
    assert row["covers_request_60km_pct"] == pytest.approx(100.0, abs=0.01)
    assert row["covers_grant_5km_pct"] == pytest.approx(100.0, abs=0.01)
    assert row["within_request_60km_pct"] == pytest.approx(
        100 * a60["area_km2"] / a85["area_km2"], abs=0.01
    )
    # GeoNames population inside, Quneitra (36,143) among it
    assert row["population"] >= 36_143


def test_report_aos_overlap_and_points(areas):
    sec = report.timeline_section()
    by = {r["item"]: r for r in sec.rows}
    aos = layers.load("undof_area_of_separation").geometry.union_all()
    truth = abs(GEOD.geometry_area_perimeter(aos)[0]) / 1e6
    assert by["1974_aos"]["aos_overlap_km2"] == pytest.approx(truth, abs=0.01)
    assert by["1974_aos"]["aos_overlap_pct"] == pytest.approx(100.0, abs=0.01)
    assert by["2025_lb5"]["points"] == 5 and by["2025_lb5"]["points_in_aos"] == 0
    assert by["2024_tank_hill"]["area_km2"] is None  # not located, no figures


def test_lebanese_hills_are_in_lebanon_near_the_blue_line():
    pos = layers.load("timeline_positions")
    lebanon = zones.territory_geometry("lebanon")
    dense = densify(line_coords("blue_line"), 50.0)
    hills = pos[pos["item"].isin(["2025_lb5", "2025_lb5_alt_awaida"])]
    assert len(hills) == 6
    for _, row in hills.iterrows():
        assert lebanon.contains(row.geometry), row["id"]
        d = min_distance(row.geometry.x, row.geometry.y, dense)
        assert 100 < d < 2_500, (row["id"], d)  # "about 1 km from the Blue Line"
        assert row["uncertainty_m"] >= 1000


def test_posts_in_the_area_of_separation_are_inside_it():
    pos = layers.load("timeline_positions").set_index("id")
    aos = layers.load("undof_area_of_separation").geometry.union_all()
    for pid in ("posts7_qurs_al_nafal", "posts7_jubata_al_khashab", "undof_hermon_summit"):
        assert aos.contains(pos.loc[pid].geometry), pid
    assert layers.info("timeline_positions")["schematic"] is True


def test_timeline_zones_at_a_date():
    z = zones.zones(as_of="2018-08-01")
    ids = set(z["id"])
    assert {"2018_claim_85km", "1974_aos", "2000_blue_line"} <= ids
    assert not ids & {"2018_offer_100km", "2017_requested_60km", "2025_lb5", "2024_tank_hill"}
    assert set(z.geom_type) >= {"Point", "Polygon"}


# --------------------------------------------------------------------------
# classify at two dates, against GeographicLib
# --------------------------------------------------------------------------
def _point_east_of_line_a(distance_m: float, lat: float = 33.1) -> tuple[float, float, float]:
    """A point in Syria east of Line A and its exact distance to Line A (GeographicLib)."""
    coords = line_coords("golan_line_a")
    k = int(np.argmin(np.abs(coords[:, 1] - lat)))
    lon, la, _ = GEOD.fwd(coords[k, 0], coords[k, 1], 90.0, distance_m)
    return lon, la, ExactLine(coords, step_m=100.0).distance(lon, la)


@pytest.mark.parametrize("target_km", [3.0, 40.0, 70.0, 82.0, 90.0])
def test_classify_as_of_two_dates(target_km):
    lon, lat, d = _point_east_of_line_a(target_km * 1000)
    syria = zones.territory_geometry("syria")
    assert syria.contains(shapely.Point(lon, lat))
    expect = {}
    for on in ("2017-10-01", "2018-07-23", "2018-08-01"):
        want = set()
        for item in timeline.in_force(on):
            r = item.rule
            if r.kind == "band" and r.layer == "golan_line_a" and item.territory == "syria":
                if r.inner_m < d <= r.outer_m:
                    want.add(item.id)
        expect[on] = want
    assert len({frozenset(v) for v in expect.values()}) > 1  # the dates differ here
    for on, want in expect.items():
        t = classification.classify(([lon], [lat]), as_of=on)
        got = {z for z in t["zones"].iloc[0].split(";") if z}
        assert {z for z in got if z.startswith(("2017", "2018", "2019"))} == want, (on, d)
    t = classification.classify(([lon], [lat]), as_of="2018-08-01")
    assert t["distance_line_a_m"].iloc[0] == pytest.approx(d, abs=0.01)


def test_classify_as_of_area_of_separation():
    # Quneitra's centre lies in the Area of Separation (tests/test_classify.py)
    t = classification.classify(([35.825], [33.126]), as_of="2024-12-31")
    zs = set(t["zones"].iloc[0].split(";"))
    assert {"1974_aos", "2024_aos_entry"} <= zs
    t = classification.classify(([35.825], [33.126]), as_of="2000-01-01")
    assert "2024_aos_entry" not in set(t["zones"].iloc[0].split(";"))
    # without as_of the zone list is used, as before
    assert classification.classify(([35.825], [33.126]))["zone"].iloc[0] == "granted_5km"


# --------------------------------------------------------------------------
# figure
# --------------------------------------------------------------------------
@pytest.mark.slow
def test_figure_at_a_date_renders(tmp_path):
    import matplotlib.image as mpimg

    from geo import workflows
    from geo.render import figure

    panels = workflows.timeline_panels(["2025-03-01"])
    assert panels[0][0] == "2025-03-01"
    path = figure.save_timeline_figure(tmp_path / "t.png", panels, dpi=60, date="2026-01-01")
    img = mpimg.imread(path)
    w, h = figure.PAGE_INCHES
    assert img.shape[:2] == (int(h * 60), int(w * 60))
    rgb = (img[..., :3] * 255).astype(np.uint8).reshape(-1, 3)
    assert len(np.unique(rgb, axis=0)) > 100
    # the kind colour of the Lebanese hills (observed: black) is on the page
    fig = figure.make_timeline_figure(panels, date="2026-01-01")
    texts = " ".join(t.get_text() for t in fig.texts)
    assert "2025_lb5 (observed)" in texts and "2026-01-01" in texts


@pytest.mark.slow  # renders the doc tables (~4 s)
def test_timeline_doc_tables_up_to_date():
    import subprocess
    import sys

    res = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "timeline_doc.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert res.returncode == 0, res.stdout + res.stderr
