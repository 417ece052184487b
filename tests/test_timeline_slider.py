"""The map's time slider (issue 14) in headless Chromium: what is drawn on a date.

At three dates the features drawn, the legend rows shown and the probe's zones
are compared with what the timeline (``geo.timeline.in_force``) and
``geo.classify(as_of=…)`` give, worked out here from the layer files and
``timeline.csv``, not from the page's data.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import shutil
import subprocess
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from browser_support import open_page
from colorspacious import cspace_convert
from pyproj import Geod

from geo import classify, layers, specs, timeline
from geo.render import style, webmap

GEOD = Geod(ellps="WGS84")
DATES = ("1990-01-01", "2018-08-15", "2025-03-01")
#: Inside the Area of Separation (by Quneitra).
IN_AOS = (33.126, 35.825)


@pytest.fixture(scope="module")
def cache() -> Path:
    from browser_support import asset_cache, have_browser

    if not have_browser():
        pytest.fail(  # a skipped browser test in CI would hide a failure
            "the browser tests need playwright, Debian's chromium and npm; "
            "deselect them with -m 'not browser'"
        )
    return asset_cache()


@pytest.fixture(scope="module")
def map_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return webmap.save_map(tmp_path_factory.mktemp("slider") / "map.html")


TOOLS_CLEAR = """() => {
    const t = document.getElementById('bz-timeline').getBoundingClientRect();
    return [...document.querySelectorAll('.leaflet-top.leaflet-left > .leaflet-control')]
        .map(e => e.getBoundingClientRect())
        .every(r => r.bottom <= t.top || r.right <= t.left || t.right <= r.left); }"""


def open_slider(page) -> None:
    """Open the Date panel (it starts collapsed to its button); the tools stay clear of it."""
    assert not page.locator("#bz-date").is_visible()
    page.locator("#bz-timeline .bz-toggle").click()
    assert page.locator("#bz-date").is_visible()
    assert page.evaluate(TOOLS_CLEAR)


@pytest.fixture(scope="module")
def loaded(browser, map_file: Path, cache: Path):
    page, log = open_page(browser, map_file.as_uri(), cache=cache)
    open_slider(page)
    yield page, log
    page.context.close()


# --------------------------------------------------------------------------
# what the page should draw, from the layer files and the timeline
# --------------------------------------------------------------------------
def _zone_of_band(item: timeline.TimelineItem) -> str | None:
    """The zones.csv zone that is the same band as ``item``, if any."""
    r = item.rule
    for s in specs.read_specs():
        same = (s.reference, s.inner_km * 1000, s.distance_km * 1000, s.territory, str(s.side))
        if same == (r.layer, r.inner_m, r.outer_m, item.territory, item.side):
            return s.id
    return None


def _targets(item: timeline.TimelineItem) -> set[tuple[str, str]]:
    """What ``item`` is drawn as: (layer, zone id / feature id / "*" for the whole layer)."""
    r = item.rule
    if r.kind == "band":
        zone = _zone_of_band(item)
        return {("zones", zone)} if zone else set()
    if r.kind == "layer":
        return {(r.layer, "*")}
    if r.kind == "line":
        return {(r.layer, n) for n in r.names} if r.names else {(r.layer, "*")}
    if r.kind == "points":
        pos = layers.load(r.layer)
        return {(r.layer, str(i)) for i in pos.loc[pos["item"] == item.id, "id"]}
    return set()  # governorates, none: not drawn on the map


def _feature_key(spec: dict, feature: dict, zone_titles: dict[str, str]) -> tuple[str, str]:
    """(layer, id) of a page feature in the terms of :func:`_targets`."""
    key = spec["key"]
    if key.startswith("zone:"):
        tip = str(feature["properties"]["_tooltip"]).split(" (beyond the territory")[0]
        return ("zones", zone_titles[tip])
    if key in ("lebanon_border_barrier", "timeline_positions"):
        ids = [str(v) for v in layers.load(key)["id"]]
        return (key, ids[int(feature["id"])])
    return (key, "")


def expected_drawn(date: str | None, config: dict) -> dict[str, set[str]]:
    """Layer key -> ids of the features the page should draw on ``date`` (None: reference)."""
    zones = specs.read_specs()
    zone_titles = {s.title: s.id for s in zones}
    family = {s.id: s.family for s in zones}
    every = {t for i in timeline.items() for t in _targets(i)}
    now = set() if date is None else {t for i in timeline.in_force(date) for t in _targets(i)}
    out: dict[str, set[str]] = {}
    for spec in config["layers"]:
        drawn = set()
        for f in spec["geojson"]["features"]:
            layer, fid = _feature_key(spec, f, zone_titles)
            if date is None:  # the reference view: everything but the positions
                on = layer != "timeline_positions"
            elif layer == "zones" and ("zones", fid) not in every:
                # a zone no item names: in force while every dated zone of its family is
                dated = [
                    z for z, fam in family.items() if fam == family[fid] and ("zones", z) in every
                ]
                on = bool(dated) and all(("zones", z) in now for z in dated)
            elif (layer, fid) in every or (layer, "*") in every:
                on = (layer, fid) in now or (layer, "*") in now
            else:
                on = True  # never dated: always drawn
            if on:
                drawn.add(str(f["id"]))
        out[spec["key"]] = drawn
    return out


def drawn_on_page(page) -> dict[str, set[str]]:
    got = page.evaluate(
        """() => Object.fromEntries(Object.entries(BorderZones.layers).map(([k, info]) =>
            [k, info.shapes.getLayers().map(l => String(l.feature.id))]))"""
    )
    return {k: set(v) for k, v in got.items()}


def legend_shown(page) -> dict[str, bool]:
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('#bz-legend .bz-legend-row')]
            .map(r => [r.querySelector('.bz-legend-label').textContent,
                       r.style.display !== 'none']))"""
    )


def expected_legend(config: dict, drawn: dict[str, set[str]]) -> dict[str, bool]:
    specs_by_key = {s["key"]: s for s in config["layers"]}
    out = {}
    for row in config["legend"]:
        on = False
        for key in row["layers"]:
            spec = specs_by_key[key]
            if not spec["show"]:
                continue
            feats = [f for f in spec["geojson"]["features"] if str(f["id"]) in drawn[key]]
            match = row.get("match") or {}
            on |= any(all(f["properties"].get(k) == v for k, v in match.items()) for f in feats)
        out[row["label"]] = on
    return out


def east_of_line_a(km: float) -> tuple[float, float]:
    """A point ``km`` east (azimuth 90°) of a Line A vertex, placed with pyproj.Geod."""
    line = layers.load("golan_line_a").geometry.iloc[0]
    coords = (
        list(shapely.get_parts(line)[0].coords)
        if line.geom_type.startswith("Multi")
        else list(line.coords)
    )
    lon, lat = coords[len(coords) // 2]
    lon2, lat2, _ = GEOD.fwd(lon, lat, 90.0, km * 1000.0)
    return (lat2, lon2)


def expected_zones(lat: float, lon: float, date: str) -> set[str]:
    """The zones ``classify(as_of=date)`` gives at a point, for the items the page draws."""
    row = classify(gpd.GeoDataFrame(geometry=[shapely.Point(lon, lat)], crs=4326), as_of=date)
    ids = [z for z in str(row.iloc[0]["zones"] or "").split(";") if z and z != "nan"]
    titles = {s.id: s.title for s in specs.read_specs()}
    aos_title = str(layers.load("undof_area_of_separation")["name"].iloc[0])
    out = set()
    for item in map(timeline.item, ids):
        if item.rule.kind == "layer" and item.rule.layer == "undof_area_of_separation":
            out.add(aos_title)
        elif item.rule.kind == "band" and _zone_of_band(item):
            out.add(titles[_zone_of_band(item)])  # type: ignore[index]
    return out


def _clear_of_edges(lat: float, lon: float) -> None:
    """The probe point is not within display simplification (~400 m) of any zone edge."""
    pt = shapely.Point(lon, lat)
    edges = [*layers.load("zones").geometry, *layers.load("undof_area_of_separation").geometry]
    assert min(g.boundary.distance(pt) for g in edges) > 0.004, (lat, lon)


# --------------------------------------------------------------------------
# tests
# --------------------------------------------------------------------------
@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("date", [*DATES, "today"])
def test_a_date_draws_exactly_what_was_in_force(loaded, date: str) -> None:
    page, log = loaded
    if date == "today":  # the "Today" stop: the reader's clock
        page.locator("#bz-timeline .bz-date-stop", has_text="Today").click()
        date = str(page.evaluate("BorderZones.date"))
        assert date == dt.date.today().isoformat()
    config = page.evaluate("BorderZones.config")
    assert page.evaluate("d => BorderZones.setDate(d)", date)
    page.wait_for_timeout(50)  # the legend refreshes after the redraw
    drawn = drawn_on_page(page)
    want = expected_drawn(date, config)
    assert drawn == want
    # the dated things change with the date; something is dated on every layer that should be
    assert {s["key"] for s in config["layers"] if s["dated"]} >= {
        "zone:granted_5km",
        "undof_area_of_separation",
        "blue_line",
        "lebanon_border_barrier",
        "timeline_positions",
    }
    assert legend_shown(page) == expected_legend(config, drawn)
    # the panel counts and lists the items in force, and says which are not drawn
    in_force = [i.id for i in timeline.in_force(date)]
    items = page.eval_on_selector_all(
        "#bz-timeline .bz-date-item", "els => els.map(e => [e.dataset.item, e.dataset.drawn || ''])"
    )
    assert [i for i, _ in items] == sorted(
        in_force, key=lambda i: [x.id for x in timeline.items()].index(i)
    )
    not_drawn = {i for i, d in items if d == "no"}
    assert not_drawn == {i for i in in_force if not _targets(timeline.item(i))}
    assert page.evaluate(TOOLS_CLEAR)  # the list of items scrolls rather than cover them
    text = page.locator("#bz-timeline").evaluate("e => e.textContent")
    assert f"{len(in_force)} dated items in force" in text
    assert all(i.title in text for i in timeline.in_force(date))  # by title
    for i in timeline.in_force(date):  # and source: outlet, title, date, as timeline.csv has it
        assert i.source_outlet in text and i.source_title in text and i.source_date in text, i.id
    if not_drawn:
        assert f"not drawn here: border-zones figure --as-of {date}" in text
    # the probe follows: the zones it lists are those classify(as_of=…) gives, drawn here
    for lat, lon in (IN_AOS, east_of_line_a(3.0)):
        _clear_of_edges(lat, lon)
        r = page.evaluate("([a, b]) => BorderZones.probe(a, b)", [lat, lon])
        inside = {z for z in r["zones"] if " (beyond the territory" not in z}
        assert inside == expected_zones(lat, lon, date), (date, lat, lon)
    assert log.console_errors == [] and log.page_errors == []


@pytest.mark.browser
def test_specific_dates_in_the_data(loaded) -> None:
    """Facts of the timeline on the page: 2017 zones end in July 2018, the 60 km returns in 2025."""
    page, _ = loaded
    count = "k => BorderZones.layers[k].shapes.getLayers().length"
    page.evaluate("BorderZones.setDate('1990-01-01')")
    assert page.evaluate(count, "blue_line") == 0  # the Blue Line is of 2000
    assert page.evaluate(count, "zone:granted_5km") == 0
    page.evaluate("BorderZones.setDate('2018-01-15')")
    assert page.evaluate(count, "zone:granted_5km") > 0
    assert page.evaluate(count, "zone:requested_not_granted") > 0
    page.evaluate("BorderZones.setDate('2018-08-15')")  # after Israel rejected even 100 km
    assert page.evaluate(count, "zone:requested_60km") == 0
    page.evaluate("BorderZones.setDate('2025-03-01')")  # the reported 60 km plan (Ynet)
    assert page.evaluate(count, "zone:requested_60km") > 0
    assert page.evaluate(count, "zone:requested_not_granted") == 0
    page.evaluate("BorderZones.setDate(null)")
    assert page.evaluate(count, "timeline_positions") == 0


@pytest.mark.browser
def test_reference_view_on_its_stop_and_the_probe_panel_follows(loaded) -> None:
    page, _ = loaded
    page.locator("#bz-timeline .bz-date-stop[data-date='']").click()  # "Reference"
    config = page.evaluate("BorderZones.config")
    assert page.evaluate("BorderZones.date") is None
    assert drawn_on_page(page) == expected_drawn(None, config)
    # the reference view: classify() without a date (the 2017 zones at 3 km east of Line A)
    lat, lon = east_of_line_a(3.0)
    row = classify(gpd.GeoDataFrame(geometry=[shapely.Point(lon, lat)], crs=4326)).iloc[0]
    titles = {s.id: s.title for s in specs.read_specs()}
    want = {titles[z] for z in str(row["zones"]).split(";") if z}
    if bool(row["in_area_of_separation"]):
        want.add(str(layers.load("undof_area_of_separation")["name"].iloc[0]))
    r = page.evaluate("([a, b]) => BorderZones.probe(a, b)", [lat, lon])
    assert {z for z in r["zones"] if " (beyond" not in z} == want
    # a probe point stays, and its panel follows the date chosen with a stop button
    page.evaluate("([a, b]) => BorderZones.probeAt(L.latLng(a, b), false)", [lat, lon])
    page.locator("#bz-timeline .bz-date-stop[data-date='2000-06-30']").click()
    result = json.loads(page.get_attribute("#bz-probe", "data-result"))
    got = {z for z in result["zones"] if " (beyond" not in z}
    assert got == expected_zones(lat, lon, "2000-06-30")
    assert titles["granted_5km"] not in got
    page.locator("#bz-timeline .bz-date-stop[data-date='']").click()
    assert page.evaluate("BorderZones.date") is None


@pytest.mark.browser
def test_keyboard_moves_the_slider_and_presses_the_stops(loaded) -> None:
    page, _ = loaded
    page.evaluate("BorderZones.setDate(null)")
    tl = page.locator("#bz-timeline")
    page.locator("#bz-date").focus()
    page.keyboard.press("Home")  # the first month: the 1974 agreement
    assert tl.get_attribute("data-date") == "1974-05-31"
    page.keyboard.press("ArrowRight")
    assert tl.get_attribute("data-date") == "1974-06-30"
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")  # no month before the first
    assert tl.get_attribute("data-date") == "1974-05-31"
    aria = page.get_attribute("#bz-date", "aria-valuetext")
    assert aria == "31 May 1974"
    # Tab reaches the stop buttons; Enter presses one
    stop = page.locator("#bz-timeline .bz-date-stop[data-date='2025-02-28']")
    stop.focus()
    page.keyboard.press("Enter")
    assert tl.get_attribute("data-date") == "2025-02-28"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")  # the stop before it: Dec 2024
    assert tl.get_attribute("data-date") == "2024-12-31"
    today = page.evaluate(
        "() => { const d = new Date(), p = n => String(n).padStart(2, '0');"
        " return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()); }"
    )
    page.locator("#bz-timeline .bz-date-stop", has_text="Today").focus()
    page.keyboard.press("Space")
    assert tl.get_attribute("data-date") == today
    page.locator("#bz-date").focus()
    page.keyboard.press("End")  # the last month: today
    assert tl.get_attribute("data-date") == today
    page.evaluate("BorderZones.setDate(null)")


@pytest.mark.browser
def test_phone_slider_collapsed_and_clear_of_the_probe(
    browser, map_file: Path, cache: Path
) -> None:
    page, log = open_page(browser, map_file.as_uri(), cache=cache, phone=True)
    try:
        toggle = page.locator("#bz-timeline .bz-toggle")
        assert not page.locator("#bz-date").is_visible()  # collapsed behind its button
        box = toggle.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44
        toggle.tap()
        assert page.locator("#bz-date").is_visible()
        timeline_box = page.locator("#bz-timeline").bounding_box()
        assert timeline_box["y"] + timeline_box["height"] <= 844
        assert timeline_box["x"] + timeline_box["width"] <= 390
        page.locator("#bz-timeline .bz-date-stop[data-date='2018-08-01']").tap()
        assert page.evaluate("BorderZones.date") == "2018-08-01"
        # the stops fit in one row, the panel leaves the top half of the map free
        assert page.locator("#bz-timeline").bounding_box()["y"] > 844 / 2
        toggle.tap()  # collapsed again, the button still says the date
        assert toggle.inner_text().startswith("Date: 1 August 2018")
        assert not page.locator("#bz-date").is_visible()
        # a tap on the map probes; the slider does not cover the probe's panel
        page.evaluate("void BorderZones.frame()")
        x, y = page.evaluate(
            """([a, b]) => { const p = BorderZones.map.latLngToContainerPoint([a, b]);
                return [p.x, p.y]; }""",
            list(IN_AOS),
        )
        page.touchscreen.tap(x, y)
        page.wait_for_function(  # the tap is handled (a loaded machine may take a moment)
            """([a, b]) => { const p = BorderZones.lastProbe;
                return p && Math.abs(p.lat - a) < 0.01 && Math.abs(p.lon - b) < 0.01; }""",
            arg=list(IN_AOS),
            timeout=5_000,
        )
        probe = page.locator("#bz-probe").bounding_box()
        timeline_box = page.locator("#bz-timeline").bounding_box()
        apart = (
            probe["y"] + probe["height"] <= timeline_box["y"]
            or timeline_box["y"] + timeline_box["height"] <= probe["y"]
            or probe["x"] + probe["width"] <= timeline_box["x"]
            or timeline_box["x"] + timeline_box["width"] <= probe["x"]
        )
        assert apart, (probe, timeline_box)
        result = json.loads(page.get_attribute("#bz-probe", "data-result"))
        assert "UNDOF Area of Separation" in result["zones"]
        assert log.console_errors == [] and log.page_errors == []
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_offline_slider_every_request_blocked(browser, tmp_path: Path, cache: Path) -> None:
    offline = webmap.save_map(tmp_path / "offline.html", offline=True)
    page, log = open_page(browser, offline.as_uri(), offline=True)
    try:
        config = page.evaluate("BorderZones.config")
        open_slider(page)
        for date in DATES:
            page.locator("#bz-timeline .bz-date-stop").first.click()
            assert page.evaluate("d => BorderZones.setDate(d)", date)
            assert drawn_on_page(page) == expected_drawn(date, config)
        page.locator("#bz-date").focus()
        page.keyboard.press("Home")
        page.wait_for_timeout(200)
        assert log.console_errors == [] and log.page_errors == [] and log.refused == []
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_permalink_holds_the_date(browser, map_file: Path, cache: Path) -> None:
    """The date goes into the URL's hash (share.js) and a reload of that link shows it."""
    page, log = open_page(browser, map_file.as_uri(), cache=cache)
    try:
        # a link without a date opens on today (the reader's clock), as the slider's "Today"
        today = dt.date.today().isoformat()
        assert page.evaluate("BorderZones.date") == today
        assert f"date={today}" in page.evaluate("BorderZones.share.state()")
        config = page.evaluate("BorderZones.config")
        assert drawn_on_page(page) == expected_drawn(today, config)
        assert legend_shown(page) == expected_legend(config, drawn_on_page(page))
        lat, lon = east_of_line_a(3.0)
        r = page.evaluate("([a, b]) => BorderZones.probe(a, b)", [lat, lon])
        assert {z for z in r["zones"] if " (beyond" not in z} == expected_zones(lat, lon, today)
        assert page.locator("#bz-timeline .bz-toggle").inner_text() == "Date: Today"
        open_slider(page)
        page.locator("#bz-timeline .bz-date-stop[data-date='2018-08-01']").click()
        page.evaluate("([a, b]) => BorderZones.probeAt(L.latLng(a, b), false)", list(IN_AOS))
        page.wait_for_function(
            "() => location.hash === '#' + BorderZones.share.state()"
            " && location.hash.includes('date=2018-08-01')",
            timeout=5_000,
        )
        url = page.url
        drawn = drawn_on_page(page)
        probe = json.loads(page.get_attribute("#bz-probe", "data-result"))
    finally:
        page.context.close()
    again, log2 = open_page(browser, url, cache=cache)
    try:
        assert again.evaluate("BorderZones.date") == "2018-08-01"
        assert again.get_attribute("#bz-timeline", "data-date") == "2018-08-01"
        value = int(again.input_value("#bz-date"))
        assert value == (2018 * 12 + 7) - (1974 * 12 + 4)  # August 2018, months from May 1974
        assert drawn_on_page(again) == drawn
        assert (
            json.loads(again.get_attribute("#bz-probe", "data-result"))["zones"] == probe["zones"]
        )
        assert log.console_errors == log2.console_errors == []
    finally:
        again.context.close()
    bad, log3 = open_page(browser, map_file.as_uri() + "#date=2018-13-99", cache=cache)
    try:
        assert bad.evaluate("BorderZones.date") == today  # a malformed date: the default
        assert log3.console_errors == [] and log3.page_errors == []
    finally:
        bad.context.close()
    ref, log4 = open_page(browser, map_file.as_uri() + "#date=reference", cache=cache)
    try:
        assert ref.evaluate("BorderZones.date") is None  # the view of zones.csv
        assert drawn_on_page(ref) == expected_drawn(None, config)
        assert "date=reference" in ref.evaluate("BorderZones.share.state()")
        assert log4.console_errors == [] and log4.page_errors == []
    finally:
        ref.context.close()


@pytest.mark.parametrize("name", webmap.SCRIPTS)
def test_page_scripts_without_comments_still_parse(name: str, tmp_path: Path) -> None:
    """The page carries its scripts without comment lines (size budget): node still parses them."""
    node = shutil.which("node")
    assert node is not None, "node (installed with npm) checks the scripts' syntax"
    text = webmap._page_script(name)
    assert "\n//" not in "\n" + text and len(text) < len(webmap._static(name))
    (tmp_path / name).write_text(text, encoding="utf-8")
    proc = subprocess.run([node, "--check", str(tmp_path / name)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


VISIONS = ("normal", "deuteranomaly", "protanomaly")


def _seen(colour: str, vision: str) -> np.ndarray:
    arr = np.asarray(style.blend_over_white(colour, 1.0), dtype=float)
    if vision != "normal":
        cvd = {"name": "sRGB1+CVD", "cvd_type": vision, "severity": 100}
        arr = np.clip(cspace_convert(arr, cvd, "sRGB1"), 0, 1)
    return np.asarray(cspace_convert(arr, "sRGB1", "CAM02-UCS"))


@pytest.mark.parametrize("vision", VISIONS)
def test_position_kinds_stay_apart_from_each_other_and_the_places(vision: str) -> None:
    kinds = {str(i.kind) for i in timeline.items() if i.rule.kind == "points"}
    assert kinds <= set(style.POSITION_STYLES)  # every kind drawn has its own style
    fills = {k: style.POSITION_STYLES[k]["fillColor"] for k in kinds}
    fills |= {
        "place": style.PLACE_STYLE["fillColor"],
        "landmark": style.LANDMARK_STYLE["fillColor"],
    }
    worst = min(
        (float(np.linalg.norm(_seen(x, vision) - _seen(y, vision))), a, b)
        for (a, x), (b, y) in itertools.combinations(fills.items(), 2)
    )
    assert worst[0] >= style.MIN_DELTA_E, worst
