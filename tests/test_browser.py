"""The map page in headless Chromium: loads clean, layers toggle, probe and measure agree."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import shapely
from browser_support import open_page
from pyproj import Geod

from geo import layers
from geo.render import assets, display, webmap

pytestmark = pytest.mark.browser

GEOD = Geod(ellps="WGS84")
PAYLOADS = ("<img src=x onerror=alert(1)>", "<script>alert(1)</script>")


@pytest.fixture(scope="module")
def cache() -> Path:
    from browser_support import asset_cache, have_browser

    if not have_browser():
        pytest.fail(  # a skipped browser test in CI would hide a failure
            "the browser tests need playwright (pip install -e '.[test]'), Debian's chromium "
            "(apt-get install -y chromium) and npm; deselect them with -m 'not browser'"
        )
    return asset_cache()


@pytest.fixture(scope="module")
def map_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return webmap.save_map(tmp_path_factory.mktemp("map") / "map.html")


@pytest.fixture(scope="module")
def offline_file(tmp_path_factory: pytest.TempPathFactory, cache: Path) -> Path:
    return webmap.save_map(tmp_path_factory.mktemp("offline") / "map.html", offline=True)


@pytest.fixture(scope="module")
def loaded(browser, map_file: Path, cache: Path):
    page, log = open_page(browser, map_file.as_uri(), cache=cache)
    yield page, log
    page.context.close()


def click_at(page, lat: float, lon: float) -> bool:
    """Click the map at (lat, lon); False (no click) where a control covers that spot."""
    x, y, covered = page.evaluate(
        """([lat, lon]) => {
            const p = BorderZones.map.latLngToContainerPoint([lat, lon]);
            const r = BorderZones.map.getContainer().getBoundingClientRect();
            const x = r.left + p.x, y = r.top + p.y;
            const hit = document.elementFromPoint(x, y);
            return [x, y, !hit || !!hit.closest('.leaflet-control, .leaflet-popup')];
        }""",
        [lat, lon],
    )
    if covered:
        return False
    page.mouse.click(x, y)
    return True


def reference_distance(lat: float, lon: float, line: shapely.LineString) -> float:
    """Point-to-polyline geodesic distance by golden-section search with pyproj (GeographicLib)."""
    coords = np.asarray(line.coords)
    n = len(coords)
    _, _, d = GEOD.inv(np.full(n, lon), np.full(n, lat), coords[:, 0], coords[:, 1])
    best = float(d.min())
    _, _, seg = GEOD.inv(coords[:-1, 0], coords[:-1, 1], coords[1:, 0], coords[1:, 1])
    for i in np.argsort((d[:-1] + d[1:] - seg) / 2):
        if (d[i] + d[i + 1] - seg[i]) / 2 >= best:
            break
        az, _, length = GEOD.inv(coords[i, 0], coords[i, 1], coords[i + 1, 0], coords[i + 1, 1])

        def f(s: float, i: int = i, az: float = az) -> float:
            x, y, _ = GEOD.fwd(coords[i, 0], coords[i, 1], az, s)
            return float(GEOD.inv(x, y, lon, lat)[2])

        a, b = 0.0, float(length)
        g = (5**0.5 - 1) / 2
        while b - a > 1e-3:
            c, e = b - g * (b - a), a + g * (b - a)
            if f(c) < f(e):
                b = e
            else:
                a = c
        best = min(best, f((a + b) / 2))
    return best


def test_loads_clean(loaded) -> None:
    page, log = loaded
    page.wait_for_timeout(300)
    assert log.console_errors == [] and log.page_errors == []
    assert log.refused == []
    assert [u for u in log.failed if u not in log.tiles] == []
    assert log.served, "CDN assets should have been requested and answered from npm"
    # every external asset was checked against its integrity hash, and passed
    tags = page.eval_on_selector_all(
        "script[src], link[rel=stylesheet]",
        "els => els.map(e => [e.src || e.href, e.integrity, e.crossOrigin])",
    )
    assert sorted(url for url, _, _ in tags) == sorted(assets.required_urls())
    assert all(sri == assets.INTEGRITY[url] and co == "anonymous" for url, sri, co in tags)
    assert all(url in log.served for url in assets.required_urls())


def test_every_layer_listed_and_toggles(loaded) -> None:
    page, _ = loaded
    data = display.prepare()
    labels = page.eval_on_selector_all(
        "label:has(input.leaflet-control-layers-selector[type=checkbox])",
        "els => els.map(e => e.textContent.trim())",
    )
    assert sorted(labels) == sorted(layer.title for layer in data.layers)
    for layer in data.layers:
        label = page.locator("label:has(input[type=checkbox])", has_text=layer.title)
        box = label.first.locator("input")
        on = f"BorderZones.map.hasLayer(BorderZones.layers[{json.dumps(layer.key)}].layer)"
        before = page.evaluate(on)
        assert box.is_checked() == before == layer.show
        box.click()
        assert page.evaluate(on) is (not before)
        row = page.locator(f'#bz-legend .bz-legend-row[data-layer="{layer.key}"]').first
        assert row.is_visible() is (not before)  # legend follows the layer
        box.click()
        assert page.evaluate(on) is before
    bases = page.eval_on_selector_all(
        ".leaflet-control-layers-base label", "els => els.map(e => e.textContent.trim())"
    )
    assert bases == ["Streets", "Satellite", "Light", "Dark", "None (vector context only)"]


def test_legend_visible(loaded) -> None:
    page, _ = loaded
    legend = page.locator("#bz-legend")
    assert legend.is_visible()
    text = legend.inner_text()
    for word in ("Line A", "Line B", "Blue Line", "Requested", "Granted", "1974 limitation band"):
        assert word in text
    # it fits the window above the attribution line, scrolling inside if need be
    box = legend.bounding_box()
    attribution = page.locator(".leaflet-control-attribution").bounding_box()
    assert box is not None and attribution is not None
    assert box["y"] + box["height"] <= attribution["y"] + 1


def test_probe_clicks_agree_with_geodesy(loaded) -> None:
    page, _ = loaded
    from geo import distance

    lines = {
        "line_a_m": layers.load("golan_line_a").geometry.iloc[0],
        "line_b_m": layers.load("golan_line_b").geometry.iloc[0],
        "blue_line_m": layers.load("blue_line").geometry.iloc[0],
    }
    names = {"line_a_m": "golan_line_a", "line_b_m": "golan_line_b", "blue_line_m": "blue_line"}
    zones = layers.load("zones")
    aos = layers.load("undof_area_of_separation").geometry.iloc[0]
    rng = np.random.default_rng(4)
    targets = [(33.126, 35.825), (33.270, 35.772), (33.279, 35.579), (32.992, 35.691)]
    lats, lons = rng.uniform(32.75, 33.45, 30), rng.uniform(35.3, 36.2, 30)
    targets += [(float(a), float(b)) for a, b in zip(lats, lons, strict=True)]
    page.evaluate("void BorderZones.map.setView([33.1, 35.75], 9, {animate: false})")
    page.wait_for_timeout(300)
    checked = 0
    for lat, lon in targets:
        page.evaluate("void BorderZones.closePopup()")
        page.wait_for_timeout(250)  # Leaflet fades a closed popup out for 200 ms
        if not click_at(page, lat, lon):
            continue
        result = json.loads(page.get_attribute("#bz-probe", "data-result"))
        plat, plon = result["lat"], result["lon"]
        assert abs(plat - lat) < 0.01 and abs(plon - lon) < 0.01
        for key, line in lines.items():
            ours = distance([(plon, plat)], names[key])[0]
            assert abs(result[key] - ours) < 1.0, (key, plat, plon, result[key], ours)
            if checked < 6:  # and against an independent GeographicLib search
                assert abs(result[key] - reference_distance(plat, plon, line)) < 0.05
        pt = shapely.Point(plon, plat)
        expected = {str(row.title) for row in zones.itertuples() if row.geometry.contains(pt)} | (
            {"UNDOF Area of Separation"} if aos.contains(pt) else set()
        )
        got = {z.split(" (beyond")[0] for z in result["zones"]}
        near_edge = any(
            g.boundary.distance(pt) < 0.0003 for g in [*zones.geometry, aos]
        )  # display simplification is 10 m
        if not near_edge:
            assert got == expected, (plat, plon)
        checked += 1
    page.evaluate("void BorderZones.closePopup()")
    assert checked >= 20


def test_measure_tool_measures_a_known_distance(loaded) -> None:
    page, _ = loaded
    page.evaluate("void BorderZones.closePopup()")
    page.wait_for_timeout(250)
    page.locator(".bz-measure-button").click()
    quneitra, damascus = (33.126, 35.825), (33.510, 36.291)
    page.evaluate("void BorderZones.map.setView([33.32, 36.05], 9, {animate: false})")
    page.wait_for_timeout(300)
    assert click_at(page, *quneitra) and click_at(page, *damascus)
    assert page.locator(".leaflet-popup").count() == 0  # no feature popups while measuring
    out = page.locator("#bz-measure-result")
    metres = float(out.get_attribute("data-metres"))
    (lat1, lon1), (lat2, lon2) = json.loads(out.get_attribute("data-points"))
    expected = GEOD.inv(lon1, lat1, lon2, lat2)[2]
    assert abs(metres - expected) < 0.01
    assert 60_000 < metres < 62_500  # Quneitra–Damascus is about 61 km
    assert "km" in out.inner_text()
    page.locator(".bz-measure-button").click()  # finish


def test_offline_file_works_with_every_request_blocked(browser, offline_file: Path) -> None:
    page, log = open_page(browser, offline_file.as_uri(), offline=True)
    try:
        page.wait_for_timeout(300)
        assert log.console_errors == [] and log.page_errors == [] and log.refused == []
        assert page.locator("#bz-legend").is_visible()
        n = page.evaluate("Object.keys(BorderZones.layers).length")
        assert n == len(display.prepare().layers)
        r = page.evaluate("BorderZones.probe(33.126, 35.825)")
        assert 0 < r["line_a_m"] < 2000 and "UNDOF Area of Separation" in r["zones"]
        # the vector context stands in for tiles
        assert page.locator(".bz-country").count() >= 5
    finally:
        page.context.close()


def test_payloads_show_as_text(browser, cache: Path, tmp_path: Path) -> None:
    import geopandas as gpd

    pts = gpd.GeoDataFrame(
        {"name": list(PAYLOADS), "note": ["</script><script>alert(2)</script>", "x"]},
        geometry=[shapely.Point(35.70, 33.05), shapely.Point(35.60, 33.20)],
        crs=4326,
    )
    out = webmap.save_map(tmp_path / "xss.html", points=pts)
    page, log = open_page(browser, out.as_uri(), cache=cache)
    try:
        spots = [(33.05, 35.70), (33.20, 35.60)]
        for (lat, lon), name, note in zip(spots, PAYLOADS, pts["note"], strict=True):
            page.evaluate(
                "([lat, lon]) => { BorderZones.closePopup();"
                " BorderZones.map.setView([lat, lon], 11, {animate: false}); }",
                [lat, lon],
            )
            page.wait_for_timeout(250)
            assert click_at(page, lat, lon)
            title = page.locator(".leaflet-popup-content .bz-popup-title")
            title.wait_for()
            assert title.inner_text() == name
            assert note in page.locator(".leaflet-popup-content").inner_text()
        page.wait_for_timeout(300)
        assert log.dialogs == []
        assert page.locator(".leaflet-popup-content img").count() == 0
        assert log.console_errors == [] and log.page_errors == []
        assert not any(u.endswith("/x") for u in log.refused + log.failed)
    finally:
        page.context.close()


@pytest.mark.parametrize("changed", ["leaflet.js", "leaflet.groupedlayercontrol.min.css"])
def test_a_changed_cdn_file_is_refused(browser, map_file: Path, cache: Path, changed: str) -> None:
    """Subresource Integrity is enforced: one byte more and Chromium refuses the file."""

    def tamper(url: str, body: bytes) -> bytes:
        return body + b"\n/* changed */" if url.endswith("/" + changed) else body

    page, log = open_page(browser, map_file.as_uri(), cache=cache, tamper=tamper, ready=False)
    try:
        page.wait_for_timeout(1500)
        assert any(changed in u for u in log.served)
        assert any("integrity" in msg.lower() for msg in log.console_errors), log.console_errors
        if changed == "leaflet.js":
            assert page.evaluate("typeof window.L") == "undefined"
            assert page.locator("[data-bz-ready]").count() == 0
        else:
            sheets = page.evaluate("Array.from(document.styleSheets, s => s.href).filter(Boolean)")
            assert not any(changed in href for href in sheets)
    finally:
        page.context.close()


def test_layers_drawn_in_panes_by_kind(loaded) -> None:
    """Draw order fixed by kind: context < zones < lines < barrier < points < markers."""
    page, _ = loaded
    order = ["context", "zones", "lines", "barrier", "points", "markers", "tools"]
    z = page.evaluate(
        "(names) => names.map(n => Number(BorderZones.map.getPane('bz-' + n).style.zIndex))",
        order,
    )
    assert z == sorted(z) and len(set(z)) == len(z) and z[-1] < 600  # under markers, popups
    where = page.evaluate(
        """() => Object.fromEntries(Object.entries(BorderZones.layers).map(([k, v]) => {
            const first = v.layer.getLayers()[0];
            const node = first.getElement ? first.getElement() : null;
            const pane = node ? node.closest('.leaflet-pane:not(.leaflet-overlay-pane)') : null;
            return [k, [first.options.pane, pane ? pane.className : null]];
        }))"""
    )
    expected = {
        "countries": "bz-context",
        "zone:granted_5km": "bz-zones",
        "undof_area_of_separation": "bz-zones",
        "golan_line_a": "bz-lines",
        "blue_line": "bz-lines",
        "lebanon_border_barrier": "bz-barrier",
        "places": "bz-points",
    }
    for key, pane in expected.items():
        assert where[key][0] == pane
        assert where[key][1] is not None and f"leaflet-{pane}-pane" in where[key][1]
