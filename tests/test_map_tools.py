"""Rings (rings.js) and downloads (download.js) on the map, in Chromium.

Ring vertices are checked against GeographicLib through pyproj.Geod: each within
1 m of the radius from the probe point, and the chords between them no more
than 1 m inside it. Downloaded files are parsed and held to the manifest.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from browser_support import open_page
from pyproj import Geod

from geo import layers

pytestmark = pytest.mark.browser

pytest_plugins = ("map_support",)  # its fixtures: cache, map_file, offline_file, loaded, phone
GEOD = Geod(ellps="WGS84")
CENTRE = (33.1, 35.8)  # lat, lon


def probe(page, lat: float, lon: float) -> dict:
    page.evaluate("([lat, lon]) => BorderZones.probeAt(L.latLng(lat, lon), false)", [lat, lon])
    return json.loads(page.get_attribute("#bz-probe", "data-result"))


def ring_vertices(page, radius_m: float) -> np.ndarray:
    pts = page.evaluate("r => BorderZones.rings.vertices(r)", radius_m)
    assert pts is not None, f"no ring of {radius_m} m drawn"
    return np.asarray(pts, dtype=float)


def check_ring(pts: np.ndarray, lat: float, lon: float, radius_m: float) -> None:
    n = len(pts)
    # vertices: on the circle
    _, _, d = GEOD.inv(np.full(n, lon), np.full(n, lat), pts[:, 1], pts[:, 0])
    assert np.abs(d - radius_m).max() < 1.0
    # chords: the geodesic midpoint of each pair of neighbours, at most 1 m inside
    a, b = pts, np.roll(pts, -1, axis=0)
    az, _, s = GEOD.inv(a[:, 1], a[:, 0], b[:, 1], b[:, 0])
    mlon, mlat, _ = GEOD.fwd(a[:, 1], a[:, 0], az, s / 2)
    _, _, dm = GEOD.inv(np.full(n, lon), np.full(n, lat), mlon, mlat)
    assert (radius_m - dm).max() < 1.0
    # all the way round, evenly (the closing vertex is the first one)
    az_c, _, _ = GEOD.inv(np.full(n, lon), np.full(n, lat), pts[:, 1], pts[:, 0])
    steps = (np.roll(az_c, -1) - az_c) % 360.0
    assert np.allclose(steps, 360.0 / n, atol=1e-6) and n >= 72


def test_preset_and_typed_rings_are_geodesic_circles(loaded) -> None:
    page, log = loaded
    probe(page, *CENTRE)
    page.evaluate("document.getElementById('bz-rings').open = true")
    page.locator(".bz-ring-preset[data-km='5']").click()
    page.locator(".bz-ring-preset[data-km='60']").click()
    page.fill("#bz-rings-input", "23.5")
    page.locator(".bz-rings-form button[type=submit]").click()
    assert page.evaluate("BorderZones.rings.radii()") == [5000, 60000, 23500]
    for r in (5000, 60000, 23500):
        check_ring(ring_vertices(page, r), *CENTRE, r)
    # a redrawn ring's old label fades out over Leaflet's 200 ms before it is removed
    page.wait_for_function(
        "document.querySelectorAll('.bz-ring-label').length === 3", timeout=2_000
    )
    assert page.locator(".bz-ring-label").count() == 3
    assert page.get_attribute(".bz-ring-preset[data-km='60']", "aria-pressed") == "true"
    assert not log.console_errors and not log.page_errors


def test_rings_follow_the_probe_and_can_be_removed(loaded) -> None:
    page, _ = loaded
    page.evaluate("BorderZones.rings.set([5000, 60000])")
    probe(page, 33.3, 35.6)
    check_ring(ring_vertices(page, 60000), 33.3, 35.6, 60000)
    page.evaluate("document.getElementById('bz-rings').open = true")
    page.locator(".bz-ring-remove").first.click()  # the 5 km ring
    assert page.evaluate("BorderZones.rings.radii()") == [60000]
    assert page.evaluate("BorderZones.rings.vertices(5000)") is None
    page.locator("#bz-rings-clear").click()
    assert page.evaluate("BorderZones.rings.radii()") == []
    assert page.locator("path.bz-ring").count() == 0


def test_a_large_typed_ring_still_meets_the_chord_bound(loaded) -> None:
    page, _ = loaded
    probe(page, *CENTRE)
    page.evaluate("BorderZones.rings.set([])")
    page.evaluate("document.getElementById('bz-rings').open = true")
    page.fill("#bz-rings-input", "1500")
    page.locator(".bz-rings-form button[type=submit]").click()
    check_ring(ring_vertices(page, 1_500_000), *CENTRE, 1_500_000)
    page.evaluate("BorderZones.rings.clear()")


@pytest.mark.parametrize("typed", ["-5", "0", "abc", "5000", "1e9"])
def test_bad_ring_distances_are_refused_with_a_message(loaded, typed: str) -> None:
    page, _ = loaded
    probe(page, *CENTRE)
    page.evaluate("BorderZones.rings.clear()")
    page.evaluate("document.getElementById('bz-rings').open = true")
    page.fill("#bz-rings-input", typed)
    page.locator(".bz-rings-form button[type=submit]").click()
    assert page.evaluate("BorderZones.rings.radii()") == []
    assert "distance in km" in page.inner_text(".bz-rings-message")


def manifest_fields(name: str) -> dict:
    info = dict(layers.info(name))
    return {
        "licence": info["licence"],
        "attribution": info["attribution"],
        "accuracy_m": info.get("accuracy_m"),
    }


def download(page, action) -> Path:
    with page.expect_download() as info:
        action()
    return Path(info.value.path())


def test_each_visible_layer_downloads_as_geojson_with_provenance(loaded) -> None:
    page, _ = loaded
    page.evaluate("document.getElementById('bz-rings').open = false")
    page.locator("#bz-download-button").click()
    buttons = page.locator(".bz-download-layer")
    keys = [buttons.nth(i).get_attribute("data-layer") for i in range(buttons.count())]
    shown = page.evaluate(
        "BorderZones.config.layers.filter(s => BorderZones.map.hasLayer("
        "BorderZones.layers[s.key].layer)).map(s => s.key)"
    )
    assert keys == shown and "golan_line_a" in keys and "places" in keys
    panel = page.locator("#bz-download-panel").bounding_box()
    probe_box = page.locator("#bz-probe").bounding_box()
    assert panel and probe_box and panel["y"] + panel["height"] <= probe_box["y"]  # clear of it
    for key in ("golan_line_a", "places", "zone:granted_5km", "countries"):
        path = download(page, page.locator(f".bz-download-layer[data-layer='{key}']").click)
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["type"] == "FeatureCollection" and data["name"] == key
        source = "zones" if key.startswith("zone:") else key
        want = manifest_fields(source)
        meta = data["metadata"]
        assert meta["licence"] == want["licence"]
        assert meta["attribution"] == want["attribution"]
        if want["accuracy_m"] is not None:
            assert meta["stated_accuracy"].startswith(f"± {want['accuracy_m']:,.0f} m")
        spec = page.evaluate("k => BorderZones.specs[k].geojson.features.length", key)
        assert len(data["features"]) == spec
        for f in data["features"]:
            assert f["type"] == "Feature" and f["geometry"]["type"]
            assert f["properties"]["name"]
    # the places file: each place where the layer has it, with its figures as columns
    places = layers.load("places")
    path = download(page, page.locator(".bz-download-layer[data-layer='places']").click)
    feats = json.loads(path.read_text(encoding="utf-8"))["features"]
    by_name: dict[str, list] = {}
    for n, g in zip(places["name"], places.geometry, strict=True):
        by_name.setdefault(str(n), []).append(g)
    for f in feats:
        name = f["properties"]["name"].split(" · ")[0]
        lon, lat = f["geometry"]["coordinates"]
        near = min(GEOD.inv(lon, lat, g.x, g.y)[2] for g in by_name[name])
        assert near < 0.2  # rounded to 1e-6°
        assert "Distance to Line A" in f["properties"]
    page.keyboard.press("Escape")
    assert page.locator("#bz-download-panel").is_hidden()


def test_hidden_layers_are_not_offered(loaded) -> None:
    page, _ = loaded
    page.evaluate("void BorderZones.map.removeLayer(BorderZones.layers.blue_line.layer)")
    try:
        page.evaluate("document.getElementById('bz-download-panel').hidden = true")
        page.locator("#bz-download-button").click()
        assert page.locator(".bz-download-layer[data-layer='blue_line']").count() == 0
        page.mouse.click(700, 400)  # a click elsewhere closes the list
        assert page.locator("#bz-download-panel").is_hidden()
    finally:
        page.evaluate("void BorderZones.map.addLayer(BorderZones.layers.blue_line.layer)")


def test_probe_result_downloads_as_text_and_json(loaded) -> None:
    page, _ = loaded
    result = probe(page, *CENTRE)
    panel_rows = page.eval_on_selector_all(
        "#bz-probe .bz-figures tr",
        "trs => trs.map(t => [t.cells[0].textContent, t.cells[1].textContent])",
    )
    txt = download(page, page.locator("#bz-probe-download-txt").click).read_text(encoding="utf-8")
    for label, value in panel_rows:
        assert f"{label}: {value}\n" in txt
    assert "33.10000° N, 35.80000° E" in txt and "WGS84" in txt
    data = json.loads(download(page, page.locator("#bz-probe-download-json").click).read_text())
    assert data["result"] == result
    assert data["point"] == {"lat": CENTRE[0], "lon": CENTRE[1], "crs": "EPSG:4326"}
    assert [list(r) for r in data["rows"]] == panel_rows
    assert {line["role"] for line in data["lines"]} == {"line_a", "line_b", "blue_line"}
    # the distance to Line A, bracketed by GeographicLib over the layer's vertices
    line = layers.load("golan_line_a").geometry.iloc[0]
    coords = np.asarray(line.coords)
    _, _, d = GEOD.inv(
        np.full(len(coords), CENTRE[1]), np.full(len(coords), CENTRE[0]), coords[:, 0], coords[:, 1]
    )
    _, _, seg = GEOD.inv(coords[:-1, 0], coords[:-1, 1], coords[1:, 0], coords[1:, 1])
    assert d.min() - seg.max() <= data["result"]["line_a_m"] <= d.min() + 1e-6


def test_tools_on_a_phone(phone) -> None:
    page, log = phone
    for sel in ("#bz-search-toggle", "#bz-copy-link", "#bz-download-button"):
        box = page.locator(sel).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, sel
        assert box["y"] >= 0 and box["y"] + box["height"] <= 844, sel
    page.locator("#bz-download-button").tap()
    path = download(page, page.locator(".bz-download-layer[data-layer='golan_line_a']").tap)
    assert json.loads(path.read_text())["metadata"]["licence"]
    page.locator("#bz-download-button").tap()  # closes it
    probe(page, *CENTRE)
    page.evaluate("BorderZones.rings.set([5000])")
    check_ring(ring_vertices(page, 5000), *CENTRE, 5000)
    path = download(page, page.locator("#bz-probe-download-json").tap)
    assert json.loads(path.read_text())["point"]["lat"] == CENTRE[0]
    assert not log.console_errors and not log.page_errors


@pytest.mark.slow
def test_offline_page_has_the_tools_and_no_errors(browser, offline_file: Path) -> None:
    page, log = open_page(browser, offline_file.as_uri(), offline=True)
    try:
        for sel in ("#bz-search", "#bz-copy-link", "#bz-download-button", "#bz-rings"):
            assert page.locator(sel).count() == 1, sel
        probe(page, *CENTRE)
        page.evaluate("BorderZones.rings.set([60000])")
        check_ring(ring_vertices(page, 60000), *CENTRE, 60000)
        path = download(page, page.locator("#bz-probe-download-txt").click)
        assert "Line A" in path.read_text()
        page.locator("#bz-download-button").click()
        path = download(page, page.locator(".bz-download-layer[data-layer='blue_line']").click)
        assert json.loads(path.read_text())["metadata"]["attribution"]
        assert not log.console_errors and not log.page_errors
        assert not log.refused and not log.failed
    finally:
        page.context.close()
