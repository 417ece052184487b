"""Your points on the map (issue 11, section 5): encoding, zones, colours, filters, download.

The page's JSON is checked against the classified file (``border-zones classify``
output) and the zones against an independent truth (pyproj.Geod distances to the
densified lines); in Chromium, on a desktop and a phone: the view holds every
point clear of the panels, each point's pixels have its zone's colour, the
legend has a row per zone present, the filters count right, the layer control
has one entry, popups read as labels with units, and the CSV download is the
CLI's output row for row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from colorspacious import cspace_convert
from truth import GEOD, densify, min_distance

from geo import classify, layers, workflows
from geo.render import display, style, webmap
from tests.cli_support import run_cli

# --------------------------------------------------------------------------
# a file of points: every zone a point can be innermost in, a sea point, a bad row
# --------------------------------------------------------------------------
HOSTILE = [
    "</script><img src=x onerror=alert(1)>",
    "{{7*7}}",
    'a, "quoted" note\nwith a line break',
    "שלום دمشق",
]


def _line(name: str) -> list[np.ndarray]:
    geom = layers.load(name).geometry.union_all()
    return [np.asarray(p.coords)[:, :2] for p in shapely.get_parts(geom)]


def _truth_distance(lon: float, lat: float, name: str) -> float:
    return min(min_distance(lon, lat, densify(part, 50.0)) for part in _line(name))


def transect_points() -> list[tuple[float, float]]:
    """Points east and west of Line A, at distances across every zone's range."""
    line_a = _line("golan_line_a")[0]
    out = []
    for k, azimuth in ((30, 90.0), (55, 90.0), (70, 80.0), (30, 270.0), (55, 260.0)):
        lon0, lat0 = line_a[k]
        for km in (2, 4, 7, 9, 12, 16, 22, 24, 30, 45, 58, 75):
            lon, lat, _ = GEOD.fwd(lon0, lat0, azimuth, km * 1000.0)
            out.append((float(lon), float(lat)))
    return out


def expected_zone(country: str, in_aos: bool, d_a: float, d_b: float) -> str | None:
    """The innermost zone by zones.csv's definitions, or None too near an edge (< 1 km)."""
    edges_a = (5e3, 10e3, 20e3, 25e3, 60e3)
    edges_b = (10e3, 20e3, 25e3)
    if min(abs(d_a - e) for e in edges_a) < 1000 or min(abs(d_b - e) for e in edges_b) < 1000:
        return None
    if country == "Syria":
        if d_a <= 5e3:
            return "granted_5km"
        if not in_aos:
            for lo, hi, zid in ((0, 10e3, "0_10"), (10e3, 20e3, "10_20"), (20e3, 25e3, "20_25")):
                if lo < d_b <= hi or (lo == 0 and d_b <= hi):
                    return f"limitation_syria_{zid}"
        return "requested_not_granted" if d_a <= 60e3 else ""
    if country == "Israel":
        for lo, hi, zid in ((0, 10e3, "0_10"), (10e3, 20e3, "10_20"), (20e3, 25e3, "20_25")):
            if lo < d_a <= hi or (lo == 0 and d_a <= hi):
                return f"limitation_israel_{zid}"
        return ""
    return None


def test_zones_of_the_points_agree_with_geodesic_truth() -> None:
    pts = transect_points()
    lon, lat = np.array([p[0] for p in pts]), np.array([p[1] for p in pts])
    got = classify((lon, lat))
    checked = set()
    for i, (x, y) in enumerate(pts):
        d_a = _truth_distance(x, y, "golan_line_a")
        d_b = _truth_distance(x, y, "golan_line_b")
        assert abs(got["distance_line_a_m"][i] - d_a) < 2.0
        want = expected_zone(got["country"][i], bool(got["in_area_of_separation"][i]), d_a, d_b)
        if want is None:
            continue
        assert got["zone"][i] == want, (x, y, d_a, d_b)
        checked.add(want)
    # every zone a point can be innermost in, and "no zone", on both sides
    assert {
        "granted_5km",
        "requested_not_granted",
        "limitation_syria_0_10",
        "limitation_syria_10_20",
        "limitation_israel_0_10",
        "limitation_israel_10_20",
        "limitation_israel_20_25",
        "",
    } <= checked, checked


def write_points(path: Path) -> list[dict]:
    """The test file: transect points, a sea point and a bad row, with dates and hostile text."""
    rows = []
    pts = [*transect_points()[::3], (34.6, 32.9)]
    for i, (lon, lat) in enumerate(pts):
        day = dt.date(2015, 1, 1) + dt.timedelta(days=97 * i)
        rows.append(
            {
                "id": str(i + 1),
                "name": f"site {i + 1}" if i % 5 else HOSTILE[i // 5 % len(HOSTILE)],
                "event_date": day.isoformat() if i % 7 != 3 else "31 May 2017",
                "latitude": f"{lat:.6f}",
                "longitude": f"{lon:.6f}",
                "notes": HOSTILE[i % len(HOSTILE)],
            }
        )
    rows.insert(4, {**rows[0], "id": "bad", "latitude": "95", "name": "bad row"})
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return rows


@pytest.fixture(scope="module")
def points_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("points") / "events.csv"
    write_points(path)
    return path


@pytest.fixture(scope="module")
def cli_rows(points_file: Path, tmp_path_factory: pytest.TempPathFactory) -> list[list[str]]:
    out = tmp_path_factory.mktemp("cli") / "classified.csv"
    res = run_cli("classify", points_file, "-o", out)
    assert res.returncode == 0, res.stderr
    with open(out, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


@pytest.fixture(scope="module")
def page_data(points_file: Path) -> dict:
    mp = workflows.points_for_map(points_file)
    return display.prepare(mp.points).points


def decode(col: dict, n: int | None = None) -> list[str]:
    if "values" in col:
        return col["values"]
    if col["codes"] is None:
        return [col["dict"][0]] * (n if n is not None else 1)
    return [col["dict"][c] for c in col["codes"]]


def row_days(data: dict) -> list[int | None]:
    """Each row's day, from ``days`` or from the date column's dict (``dictDays``)."""
    date = data["date"]
    if "days" in date:
        return date["days"]
    col = data["columns"][date["index"]]
    codes = col["codes"] if col["codes"] is not None else [0] * data["rows"]
    return [date["dictDays"][c] for c in codes]


# --------------------------------------------------------------------------
# the page's JSON
# --------------------------------------------------------------------------
def test_columns_are_the_cli_output_as_text(page_data: dict, cli_rows: list[list[str]]) -> None:
    header, *body = cli_rows
    assert [c["name"] for c in page_data["columns"]] == header
    assert [
        list(r)
        for r in zip(*(decode(c, page_data["rows"]) for c in page_data["columns"]), strict=True)
    ] == body
    assert page_data["rows"] == len(body) and page_data["readable"] == len(body) - 1


def test_coordinates_are_flat_arrays_and_zones_small_ints(
    page_data: dict, cli_rows: list[list[str]]
) -> None:
    header, *body = cli_rows
    lat_i, lon_i, zone_i = header.index("latitude"), header.index("longitude"), header.index("zone")
    ids = [z["id"] for z in page_data["zoneList"]]
    for k, row in enumerate(body):
        if row[header.index("error")]:
            assert page_data["lon"][k] is None and page_data["lat"][k] is None
            assert page_data["zone"][k] == -1
            continue
        assert page_data["lon"][k] == pytest.approx(float(row[lon_i]), abs=5e-7)
        assert page_data["lat"][k] == pytest.approx(float(row[lat_i]), abs=5e-7)
        assert ids[page_data["zone"][k]] == row[zone_i]
    # one entry per zone present, counted; "no zone" last; colours from the palette
    counts = pd.Series([r[zone_i] for r in body if not r[header.index("error")]]).value_counts()
    assert {z["id"]: z["count"] for z in page_data["zoneList"]} == counts.to_dict()
    assert ids[-1] == "" and len(set(ids)) == len(ids)
    assert all(z["colour"] == style.point_colour(z["id"]) for z in page_data["zoneList"])
    assert page_data["roles"]["zone"] == zone_i
    assert page_data["title"] == header.index("name")


def test_repetitive_text_is_dictionary_encoded() -> None:
    pts = pd.DataFrame(
        {"kind": ["a", "b"] * 50, "lat": [33.0 + i / 1000 for i in range(100)], "lon": 35.9}
    )
    import geopandas as gpd

    frame = gpd.GeoDataFrame(pts, geometry=gpd.points_from_xy(pts.lon, pts.lat), crs=4326)
    enc = display.encode_points(display.point_table(frame), {})
    kind = next(c for c in enc["columns"] if c["name"] == "kind")
    assert kind["dict"] == ["a", "b"] and kind["codes"] == [0, 1] * 50
    lat = next(c for c in enc["columns"] if c["name"] == "lat")
    assert "values" in lat
    json.dumps(enc, allow_nan=False)  # strict JSON: no NaN anywhere


def test_date_column_detected_and_iso_days(page_data: dict, points_file: Path) -> None:
    rows = list(csv.DictReader(open(points_file, encoding="utf-8")))
    date = page_data["date"]
    assert date["column"] == "event_date"
    assert page_data["columns"][date["index"]]["name"] == "event_date"
    days = row_days(page_data)
    epoch = dt.date(1970, 1, 1)
    for k, row in enumerate(rows):
        try:
            want = (dt.date.fromisoformat(row["event_date"]) - epoch).days
        except ValueError:
            want = None
        assert days[k] == want
    readable = [r for r in rows if r["latitude"] != "95"]
    bad = sum(1 for r in readable if not re.match(r"^\d{4}-\d{2}-\d{2}$", r["event_date"]))
    assert date["unreadable"] == bad > 0
    assert date["min"] == min(r["event_date"] for r in readable if r["event_date"][0] == "2")


@pytest.mark.parametrize("name", ["timestamp", "Date", "EVENT_DATE"])
def test_other_date_names(name: str, tmp_path: Path) -> None:
    src = tmp_path / "p.csv"
    src.write_text(f"lat,lon,{name}\n33.1,35.9,2020-01-02T10:00:00Z\n33.2,35.9,2020-01-03\n")
    enc = display.prepare(workflows.points_for_map(src).points).points
    assert enc["date"]["column"] == name
    assert enc["date"]["min"] == "2020-01-02" and enc["date"]["max"] == "2020-01-03"


def test_no_date_column(tmp_path: Path) -> None:
    src = tmp_path / "p.csv"
    src.write_text("lat,lon,label\n33.1,35.9,x\n")
    assert display.prepare(workflows.points_for_map(src).points).points["date"] is None


def test_beyond_the_limit_points_are_aggregated(monkeypatch: pytest.MonkeyPatch) -> None:
    import geopandas as gpd

    monkeypatch.setattr(display, "MAX_MAP_POINTS", 50)
    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(35.6, 36.2, 400), rng.uniform(32.8, 33.3, 400)
    frame = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=4326)
    table = display.point_table(frame)
    enc = display.encode_points(table, {})
    agg = enc["aggregated"]
    assert agg is not None and enc["columns"] == []
    counts = np.asarray(agg["counts"])
    assert counts.sum() == 400 and len(enc["lon"]) == agg["cells"] == len(counts)
    # each zone's total over the cells is its count of points
    for k, z in enumerate(enc["zoneList"]):
        assert counts[:, k].sum() == z["count"]
    zone_ids = table.text[table.roles["zone"]].to_numpy()
    assert {z["id"] for z in enc["zoneList"]} == set(zone_ids)


def test_one_layer_entry_and_legend_per_zone(page_data: dict, points_file: Path) -> None:
    m = webmap.build_map(points=workflows.points_for_map(points_file).points)
    page = webmap.render_html(m)
    found = re.findall(r'<script type="application/json" id="bz-data">(.*?)</script>', page, re.S)
    data = json.loads(found[0])
    entries = [x for x in data["layers"] if x["group"] == "Your points"]
    assert len(entries) == 1 and entries[0]["title"] != "Your points"
    assert entries[0]["title"] == f"{page_data['readable']} points from events.csv"
    rows = [r for r in data["legend"] if r["layer"] == "points"]
    assert [r["zone"] for r in rows] == [z["id"] for z in page_data["zoneList"]]
    assert rows[-1]["label"].startswith("Your points in no zone")
    assert "points.js" in webmap.SCRIPTS


# --------------------------------------------------------------------------
# the palette
# --------------------------------------------------------------------------
VISIONS = ("normal", "deuteranomaly", "protanomaly")


def _seen(colour: str, vision: str) -> np.ndarray:
    arr = np.asarray(style.blend_over_white(colour, 1.0))
    if vision != "normal":
        cvd = {"name": "sRGB1+CVD", "cvd_type": vision, "severity": 100}
        arr = np.clip(cspace_convert(arr, cvd, "sRGB1"), 0, 1)
    return np.asarray(cspace_convert(arr, "sRGB1", "CAM02-UCS"))


@pytest.mark.parametrize("vision", VISIONS)
def test_point_colours_stay_apart(vision: str) -> None:
    ids = [*style.POINT_ZONE_COLOURS, ""]
    worst_apart, worst_family = np.inf, np.inf
    for a, b in itertools.combinations(ids, 2):
        d = float(
            np.linalg.norm(
                _seen(style.point_colour(a), vision) - _seen(style.point_colour(b), vision)
            )
        )
        if style.point_family(a) == style.point_family(b):
            worst_family = min(worst_family, d)
        else:
            worst_apart = min(worst_apart, d)
    assert worst_apart >= style.MIN_DELTA_E
    assert worst_family >= 10.0


# --------------------------------------------------------------------------
# in Chromium
# --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def map_file(points_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("map") / "points.html"
    res = run_cli("build", "--points", points_file, "-o", out)
    assert res.returncode == 0, res.stderr
    assert "1 row(s)" in res.stderr  # the bad row is said, and left off the map
    return out


@pytest.fixture(scope="module")
def cache() -> Path:
    from browser_support import asset_cache

    return asset_cache()


SCREEN = """() => {
  const P = BorderZones.points, m = BorderZones.map, r = m.getContainer().getBoundingClientRect();
  const panels = Array.from(document.querySelectorAll('.leaflet-control'))
    .map((e) => e.getBoundingClientRect()).filter((b) => b.width > 0);
  const out = [];
  for (let i = 0; i < P.data.lon.length; i++) {
    if (P.data.lon[i] === null) continue;
    const p = m.latLngToContainerPoint([P.data.lat[i], P.data.lon[i]]);
    const x = r.left + p.x, y = r.top + p.y;
    out.push({i, x, y, inView: m.getBounds().contains([P.data.lat[i], P.data.lon[i]]),
              under: panels.some((b) => x >= b.left && x <= b.right
                                         && y >= b.top && y <= b.bottom)});
  }
  return out;
}"""

PIXELS = """() => {
  const P = BorderZones.points, m = BorderZones.map, R = P.renderer, c = R._container;
  const g = c.getContext('2d'), b = R._bounds, dpr = c.width / (b.max.x - b.min.x);
  const out = [];
  for (let i = 0; i < P.data.lon.length; i++) {
    if (P.data.lon[i] === null) continue;
    const lp = m.latLngToLayerPoint([P.data.lat[i], P.data.lon[i]]);
    const X = Math.round((lp.x - b.min.x) * dpr), Y = Math.round((lp.y - b.min.y) * dpr);
    out.push({i, rgba: Array.from(g.getImageData(X, Y, 1, 1).data)});
  }
  return out;
}"""


def _open(browser, path: Path, cache: Path, device: str):
    from browser_support import open_page

    return open_page(browser, path.as_uri(), cache=cache, phone=device == "phone")


def _rgb(colour: str) -> list[int]:
    return [int(colour[k : k + 2], 16) for k in (1, 3, 5)]


@pytest.mark.browser
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_view_colours_and_legend(browser, map_file: Path, cache: Path, device: str) -> None:
    page, log = _open(browser, map_file, cache, device)
    try:
        data = page.evaluate("BorderZones.points.data")
        shown = page.evaluate(SCREEN)
        assert len(shown) == data["readable"]
        assert all(s["inView"] for s in shown), [s for s in shown if not s["inView"]]
        if device == "desktop":  # clear of every panel (on a phone the panels are folded)
            assert not [s for s in shown if s["under"]]
        else:
            assert sum(s["under"] for s in shown) <= 1
        # each point's centre pixel has its zone's colour, and the zone is classify's
        idx = [i for i, x in enumerate(data["lon"]) if x is not None]
        lon = np.array([data["lon"][i] for i in idx])
        lat = np.array([data["lat"][i] for i in idx])
        zone_of = dict(zip(idx, classify((lon, lat))["zone"], strict=True))
        ids = [z["id"] for z in data["zoneList"]]
        for view in ("opening", "zoomed and panned"):
            if view != "opening":  # redrawn where they now are after the map moves
                page.evaluate(
                    "() => { const m = BorderZones.map; m.setZoom(m.getZoom() + 1,"
                    " {animate: false}); m.panBy([40, -30], {animate: false}); }"
                )
                page.wait_for_timeout(300)
            pixels = page.evaluate(PIXELS)
            assert len(pixels) == data["readable"]
            checked = 0
            for px in pixels:
                zone = zone_of[px["i"]]
                assert ids[data["zone"][px["i"]]] == zone
                if view != "opening" and px["rgba"][3] == 0:
                    continue  # off the canvas after zooming in
                # (to ±2 per channel: the canvas keeps its pixels premultiplied by alpha)
                want = _rgb(style.point_colour(zone))
                diff = max(abs(a - b) for a, b in zip(px["rgba"][:3], want, strict=True))
                assert diff <= 2, (view, px, zone)
                assert px["rgba"][3] == round(255 * style.POINT_STYLE["fillOpacity"])
                checked += 1
            assert checked >= data["readable"] // 2, view
        # one legend row per zone present, with its title, shown while the layer is on
        legend = page.evaluate(
            """() => Array.from(
                document.querySelectorAll('#bz-legend .bz-legend-row[data-layer=points]'),
                (e) => [e.textContent, e.style.display])"""
        )
        assert len(legend) == len(data["zoneList"])
        for (text, display_), z in zip(legend, data["zoneList"], strict=True):
            assert display_ != "none"
            assert (z["title"] if z["id"] else "no zone") in text and f"({z['count']})" in text
        assert log.console_errors == [] and log.page_errors == []
    finally:
        page.context.close()


@pytest.mark.browser
def test_filters_count_and_one_layer_entry(browser, map_file: Path, cache: Path) -> None:
    page, log = _open(browser, map_file, cache, "desktop")
    try:
        data = page.evaluate("BorderZones.points.data")
        total = data["readable"]
        status = page.locator("#bz-points-status")
        assert status.get_attribute("data-shown") == str(total)
        assert page.evaluate("BorderZones.points.state.drawn") == total
        # by zone
        first = data["zoneList"][0]
        page.locator(f'#bz-points input[data-zone="{first["id"]}"]').uncheck()
        assert status.get_attribute("data-shown") == str(total - first["count"])
        assert page.evaluate("BorderZones.points.state.drawn") == total - first["count"]
        page.locator(f'#bz-points input[data-zone="{first["id"]}"]').check()
        # by period: the ISO dates within [from, to], counted here from the days
        days = data["date"]["days"]
        lo, hi = "2016-01-01", "2018-06-30"
        epoch = dt.date(1970, 1, 1)
        d0 = (dt.date.fromisoformat(lo) - epoch).days
        d1 = (dt.date.fromisoformat(hi) - epoch).days
        want = sum(
            1
            for k, d in enumerate(days)
            if data["lon"][k] is not None and d is not None and d0 <= d <= d1
        )
        page.fill("#bz-points-from", lo)
        page.fill("#bz-points-to", hi)
        assert 0 < want < total
        assert status.get_attribute("data-shown") == str(want)
        note = page.locator("#bz-points .bz-points-period").inner_text()
        assert "event_date" in note and "without a readable date" in note
        page.fill("#bz-points-from", "")
        page.fill("#bz-points-to", "")
        assert status.get_attribute("data-shown") == str(total)
        # one entry in the layer control for the points; off, nothing is drawn
        labels = page.evaluate(
            """() => Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'),
                (e) => e.textContent.trim())"""
        )
        assert sum("Your points" in t for t in labels) == 1  # the group's name, once
        assert sum("points from events.csv" in t for t in labels) == 1
        page.evaluate("void BorderZones.layers.points.layer.remove()")
        assert page.evaluate("BorderZones.map.hasLayer(BorderZones.points.renderer)") is False
        assert page.evaluate("BorderZones.points.hit(L.point(0, 0))") == -1
        assert log.console_errors == [] and log.page_errors == []
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_popup_labels_and_units(
    browser, map_file: Path, cache: Path, device: str, cli_rows: list[list[str]]
) -> None:
    header, *body = cli_rows
    zone_titles = dict(zip(layers.load("zones")["id"], layers.load("zones")["title"], strict=False))
    page, log = _open(browser, map_file, cache, device)
    try:
        shown = [s for s in page.evaluate(SCREEN) if not s["under"]]
        opened = 0
        for s in shown[:6]:
            page.evaluate("BorderZones.closePopup()")
            page.wait_for_timeout(220)
            # the point of the row, brought clear of any panel
            page.evaluate(
                "([i]) => { const d = BorderZones.points.data;"
                " BorderZones.map.setView([d.lat[i], d.lon[i]], 12, {animate: false}); }",
                [s["i"]],
            )
            page.wait_for_timeout(150)
            xy = page.evaluate(
                """([i]) => { const d = BorderZones.points.data, m = BorderZones.map;
                   const p = m.latLngToContainerPoint([d.lat[i], d.lon[i]]);
                   const r = m.getContainer().getBoundingClientRect();
                   return [r.left + p.x, r.top + p.y]; }""",
                [s["i"]],
            )
            if device == "phone":
                page.touchscreen.tap(*xy)
            else:
                page.mouse.click(*xy)
            box = page.locator(".leaflet-popup-content .bz-popup")
            box.wait_for()
            assert page.get_attribute(".leaflet-popup", "data-bz-point") == str(s["i"])
            row = dict(zip(header, body[s["i"]], strict=True))
            assert box.locator(".bz-popup-title").text_content() == row["name"]
            cells = dict(
                zip(
                    box.locator("th").all_text_contents(),
                    box.locator("td").all_text_contents(),
                    strict=True,
                )
            )
            metres = float(row["distance_line_a_m"])
            km = f"{metres / 1000:,.1f} km" if metres >= 10_000 else f"{metres / 1000:,.2f} km"
            assert cells["Distance to Line A"] == km
            assert cells["Zone (innermost)"] == (
                zone_titles[row["zone"]] if row["zone"] else "none"
            )
            assert cells["notes"] == row["notes"]  # the user's own text, as given
            assert not any(k in cells for k in ("distance_line_a_m", "zones", "zone"))
            assert (
                page.locator(".leaflet-popup-content img, .leaflet-popup-content script").count()
                == 0
            )
            opened += 1
        assert opened >= 4
        assert log.dialogs == [] and log.console_errors == [] and log.page_errors == []
    finally:
        page.context.close()


@pytest.mark.browser
def test_csv_download_is_the_cli_output(
    browser, map_file: Path, cache: Path, cli_rows: list[list[str]], tmp_path: Path
) -> None:
    from browser_support import open_page

    page, log = open_page(browser, map_file.as_uri(), cache=cache, offline=False)
    try:
        page.locator("#bz-points .bz-toggle").wait_for()
        with page.expect_download() as info:
            page.click("#bz-points-download")
        download = info.value
        assert download.suggested_filename == "events_classified.csv"
        target = tmp_path / "download.csv"
        download.save_as(target)
        with open(target, newline="", encoding="utf-8") as fh:
            got = list(csv.reader(fh))
        assert got == cli_rows  # every row (the unreadable one too), every column, in order
        assert log.refused == [] and log.failed == []
    finally:
        page.context.close()


@pytest.mark.browser
def test_offline_page_downloads_without_network(
    browser, points_file: Path, cache: Path, cli_rows: list[list[str]], tmp_path: Path
) -> None:
    from browser_support import open_page

    out = tmp_path / "offline.html"
    webmap.save_map(out, points=workflows.points_for_map(points_file).points, offline=True)
    page, log = open_page(browser, out.as_uri(), cache=cache, offline=True)
    try:
        with page.expect_download() as info:
            page.click("#bz-points-download")
        text = Path(info.value.path()).read_text(encoding="utf-8")
        assert list(csv.reader(io.StringIO(text, newline=""))) == cli_rows
        assert log.console_errors == [] and log.page_errors == []
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_ten_thousand_points_page_is_ready(browser, cache: Path, tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from bench_points_map import READY_CLOCK, write_events
    from browser_support import open_page

    src = tmp_path / "events.csv"
    write_events(src, 10_000)
    out = tmp_path / "map.html"
    res = run_cli("build", "--points", src, "-o", out)
    assert res.returncode == 0, res.stderr
    assert out.stat().st_size < 3_000_000
    real = browser.new_context

    def new_context(**kwargs):
        ctx = real(**kwargs)
        ctx.add_init_script(READY_CLOCK)
        return ctx

    def ready(path: Path, check=None) -> float:
        """Seconds from navigation to ready, the page's own clock."""
        browser.new_context = new_context
        try:
            page, log = open_page(browser, path.as_uri(), cache=cache)
        finally:
            browser.new_context = real
        try:
            if check is not None:
                check(page)
            assert log.console_errors == [] and log.page_errors == []
            return page.evaluate("window.__bzReadyAt") / 1000
        finally:
            page.context.close()

    def drawn(page) -> None:
        assert page.evaluate("BorderZones.points.state.drawn") == 10_000
        assert page.get_attribute("#bz-points-status", "data-shown") == "10000"

    # a guard against a gross regression (benchmarks/bench_points_map.py measures it):
    # the default map in the same run, as on a loaded machine both slow down alike; a
    # pair over the bound is measured twice more and judged by the medians
    default = webmap.save_map(tmp_path / "default.html")
    bases, with_points = [ready(default)], [ready(out, drawn)]
    if with_points[0] > max(3.0, 2.0 * bases[0]):
        for _ in range(2):
            bases.append(ready(default))
            with_points.append(ready(out, drawn))
    base, points = sorted(bases)[len(bases) // 2], sorted(with_points)[len(with_points) // 2]
    assert points <= max(3.0, 2.0 * base), (with_points, bases)


@pytest.mark.browser
def test_beyond_the_limit_the_page_says_it_aggregates(
    browser, cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import geopandas as gpd
    from browser_support import open_page

    monkeypatch.setattr(display, "MAX_MAP_POINTS", 50)
    rng = np.random.default_rng(5)
    lon, lat = rng.uniform(35.7, 36.0, 300), rng.uniform(32.9, 33.2, 300)
    frame = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=4326)
    out = webmap.save_map(tmp_path / "agg.html", points=frame)
    page, log = open_page(browser, out.as_uri(), cache=cache)
    try:
        data = page.evaluate("BorderZones.points.data")
        cells = data["aggregated"]["cells"]
        assert page.evaluate("BorderZones.points.state.drawn") == cells < 300
        note = page.locator("#bz-points-aggregated").inner_text()
        assert "300 points are more than the map draws one by one (50)" in note
        assert "2 km cells" in note
        assert page.locator("#bz-points-download").count() == 0
        assert page.get_attribute("#bz-points-status", "data-shown") == "300"
        # a cell's popup counts its points by zone
        page.evaluate("BorderZones.points.open(0)")
        cells_text = page.locator(".leaflet-popup-content td").all_text_contents()
        counts = data["aggregated"]["counts"][0]
        assert sorted(int(t) for t in cells_text) == sorted(c for c in counts if c)
        assert log.console_errors == [] and log.page_errors == []
    finally:
        page.context.close()


def test_a_geojson_file_carries_the_cli_csv_too(tmp_path: Path, points_file: Path) -> None:
    import geopandas as gpd

    rows = [r for r in csv.DictReader(open(points_file, encoding="utf-8")) if r["id"] != "bad"]
    frame = gpd.GeoDataFrame(
        {"name": [r["name"] for r in rows], "n": [float(r["id"]) for r in rows]},
        geometry=gpd.points_from_xy(
            [float(r["longitude"]) for r in rows], [float(r["latitude"]) for r in rows]
        ),
        crs=4326,
    )
    src = tmp_path / "events.geojson"
    frame.to_file(src, driver="GeoJSON")
    out = tmp_path / "classified.csv"
    res = run_cli("classify", src, "-o", out)
    assert res.returncode == 0, res.stderr
    with open(out, newline="", encoding="utf-8") as fh:
        header, *body = list(csv.reader(fh))
    enc = display.prepare(workflows.points_for_map(src).points).points
    assert [c["name"] for c in enc["columns"]] == header  # lon and lat added, as the CLI does
    assert [
        list(r) for r in zip(*(decode(c, enc["rows"]) for c in enc["columns"]), strict=True)
    ] == body
