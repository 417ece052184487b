"""The map page in headless Chromium: loads clean, layers toggle, probe and measure agree."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from browser_support import open_page
from map_support import REFERENCE
from pyproj import Geod

from geo import layers
from geo.render import assets, display, webmap

pytestmark = pytest.mark.browser
pytest_plugins = ("map_support",)  # its fixtures: cache, map_file, offline_file, loaded

GEOD = Geod(ellps="WGS84")
PAYLOADS = ("<img src=x onerror=alert(1)>", "<script>alert(1)</script>")


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
    page.evaluate("void BorderZones.layerControl.expand()")
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
    page.evaluate("void BorderZones.layerControl.collapse()")


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


QUNEITRA = (33.126, 35.825)
DAMASCUS = (33.513, 36.292)


def all_layers_on(page) -> None:
    page.evaluate(
        "void Object.values(BorderZones.layers).forEach(v => {"
        " if (!BorderZones.map.hasLayer(v.layer)) v.layer.addTo(BorderZones.map); })"
    )
    page.evaluate("void BorderZones.restack()")


def screen_point(page, lat: float, lon: float) -> tuple[float, float, str]:
    """Page coordinates of (lat, lon) and the class of what is drawn on top there."""
    return tuple(
        page.evaluate(
            """([lat, lon]) => {
                const p = BorderZones.map.latLngToContainerPoint([lat, lon]);
                const r = BorderZones.map.getContainer().getBoundingClientRect();
                const x = Math.round(r.left + p.x), y = Math.round(r.top + p.y);
                const hit = document.elementFromPoint(x, y);
                const pane = hit && hit.closest('.leaflet-pane:not(.leaflet-map-pane)');
                const ctl = hit && hit.closest('.leaflet-control, .leaflet-popup');
                return [x, y, ctl ? 'control' : (pane ? pane.className : 'none')];
            }""",
            [lat, lon],
        )
    )


def latlng_at(page, x: float, y: float) -> tuple[float, float]:
    ll = page.evaluate(
        """([x, y]) => {
            const r = BorderZones.map.getContainer().getBoundingClientRect();
            const ll = BorderZones.map.containerPointToLatLng([x - r.left, y - r.top]);
            return [ll.lat, ll.lng];
        }""",
        [x, y],
    )
    return float(ll[0]), float(ll[1])


def probe_targets() -> list[tuple[float, float, str]]:
    """Quneitra, place markers (just off their centres) and random points."""
    places = layers.load("places")
    landmarks = places[places["kind"] == "landmark"]
    out = [(*QUNEITRA, "quneitra")]
    for geom in landmarks.geometry.iloc[:6]:
        out.append((geom.y + 0.002, geom.x + 0.002, "marker"))
    towns = places[pd.to_numeric(places["population"], errors="coerce").fillna(0) > 20_000]
    for geom in towns.geometry.iloc[:6]:
        out.append((geom.y - 0.002, geom.x + 0.001, "marker"))
    rng = np.random.default_rng(4)
    lats, lons = rng.uniform(32.75, 33.6, 24), rng.uniform(35.2, 36.3, 24)
    out += [(float(a), float(b), "random") for a, b in zip(lats, lons, strict=True)]
    return out


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_probe_measures_the_clicked_point_never_a_marker(
    browser,
    map_file: Path,
    cache: Path,
    device: str,
) -> None:
    """At the opening zoom, every layer on: the probe gives geo.distance/classify there."""
    from geo import classify, distance

    # the reference view: the zones classify() gives without a date (the page opens on
    # today; tests/test_timeline_slider.py probes that against classify(as_of=today))
    page, log = open_page(
        browser, map_file.as_uri() + REFERENCE, cache=cache, phone=device == "phone"
    )
    try:
        fades(page, False)
        all_layers_on(page)
        zones = layers.load("zones")
        titles = dict(zip(zones["id"], zones["title"], strict=False))
        aos = layers.load("undof_area_of_separation").geometry.iloc[0]
        edges = [*zones.geometry, aos, *layers.load("countries").geometry]
        checked, on_markers = 0, 0
        for lat, lon, what in probe_targets():
            page.evaluate("void BorderZones.closePopup()")
            settled(page)  # Leaflet fades a closed popup out for 200 ms
            x, y, top = screen_point(page, lat, lon)
            size = page.viewport_size
            if top == "control" or not (0 < x < size["width"] and 0 < y < size["height"]):
                # on a loaded machine the panels may still be laying out after the last
                # probe, and the view was framed around them: frame again, then decide
                page.wait_for_timeout(250)
                page.evaluate("void BorderZones.frame()")
                settled(page)
                x, y, top = screen_point(page, lat, lon)
            if top == "control":
                continue  # a panel covers that spot
            if not (0 < x < size["width"] and 0 < y < size["height"]):
                continue
            clat, clon = latlng_at(page, x, y)
            px = abs(latlng_at(page, x + 1, y)[1] - clon)
            if device == "phone":
                page.touchscreen.tap(x, y)
            else:
                page.mouse.click(x, y)
            raw = page.get_attribute("#bz-probe", "data-result")
            result = json.loads(raw)
            plat, plon = result["lat"], result["lon"]
            # the clicked point (to a pixel), not a marker's centre
            assert abs(plat - clat) < 1.5 * px and abs(plon - clon) < 1.5 * px, (what, lat, lon)
            on_markers += "points" in top or "markers" in top
            for key, name in (
                ("line_a_m", "golan_line_a"),
                ("line_b_m", "golan_line_b"),
                ("blue_line_m", "blue_line"),
            ):
                ours = distance([(plon, plat)], name)[0]
                assert abs(result[key] - ours) < 1.0, (key, plat, plon, result[key], ours)
            got = classify(gpd.GeoDataFrame(geometry=[shapely.Point(plon, plat)], crs=4326))
            row = got.iloc[0]
            pt = shapely.Point(plon, plat)
            near_edge = any(
                g.boundary.distance(pt) < 0.004 for g in edges
            )  # display simplification
            if not near_edge:
                expected_country = row["country"] if isinstance(row["country"], str) else None
                assert result["country"] == expected_country, (plat, plon)
                ids = [z for z in str(row["zones"] or "").split(";") if z and z != "nan"]
                expected = {titles[z] for z in ids} | (
                    {"UNDOF Area of Separation"} if bool(row["in_area_of_separation"]) else set()
                )
                # classify names the zones within their territory; the probe adds parts beyond it
                inside = {z for z in result["zones"] if " (beyond the territory" not in z}
                assert inside == expected, (plat, plon)
            if what == "quneitra":
                assert result["country"] == "Syria" and 500 < result["line_a_m"] < 800
                text = page.locator("#bz-probe").inner_text()
                assert "Syria" in text and "(line ±1.1 km)" in text
            checked += 1
            page.evaluate("void BorderZones.frame()")  # back to the opening view
        assert checked >= 20 and on_markers >= 3
        assert log.console_errors == [] and log.page_errors == []
    finally:
        page.context.close()


def open_popup_title(page) -> str:
    title = page.locator(".leaflet-popup-content .bz-popup-title")
    title.first.wait_for(timeout=3000)
    return title.first.inner_text()


def fades(page, on: bool) -> None:
    """Turn Leaflet's fade animations on or off (``fadeAnimation``, read at start-up).

    Off, a closed popup is removed at once instead of 200 ms later, so the tests
    that click a point after another do not wait out each fade; what opens and
    what it says are the same.
    """
    page.evaluate("(on) => { BorderZones.map._fadeAnimated = on; }", on)


def settled(page) -> None:
    """Wait until no popup is left (Leaflet removes a closed one after its 200 ms fade) and
    two frames have been drawn since the last change of view."""
    page.wait_for_function("() => !document.querySelector('.leaflet-popup')", timeout=3000)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def click_for_popup(page, lat: float, lon: float, zoom: float, pane: str) -> str | None:
    """Click (lat, lon) at ``zoom``; the popup's title, or None if something else is on top."""
    page.evaluate(
        "([lat, lon, z]) => { BorderZones.closePopup();"
        " BorderZones.map.setView([lat, lon], z, {animate: false}); }",
        [lat, lon, zoom],
    )
    settled(page)
    x, y, top = screen_point(page, lat, lon)
    if top != "control" and "points" not in top and pane not in top:
        page.wait_for_timeout(250)  # the fixed wait this used to take, before the verdict
        x, y, top = screen_point(page, lat, lon)
    if top == "control" or "points" in top:
        return None  # a panel, or a place's marker, which is meant to be on top
    assert pane in top, (lat, lon, top)
    page.mouse.click(x, y)
    return open_popup_title(page)


def barrier_midpoints() -> list[tuple[float, float, str]]:
    out = []
    for row in layers.load("lebanon_border_barrier").itertuples():
        for part in getattr(row.geometry, "geoms", [row.geometry]):
            coords = list(part.coords)
            for a, b in itertools.pairwise(coords[:: max(1, len(coords) // 4)]):
                out.append(((a[1] + b[1]) / 2, (a[0] + b[0]) / 2, str(row.name)))
    return out


def test_random_toggles_keep_every_layer_clickable(loaded) -> None:
    """After random toggles, Line A, the barrier and a zone each open their own popup."""
    page, _ = loaded
    fades(page, False)
    rng = np.random.default_rng(10)
    page.evaluate("void BorderZones.layerControl.expand()")
    boxes = page.locator(".leaflet-control-layers-overlays input[type=checkbox]")
    n = boxes.count()
    # two rounds of random toggles; the barrier is clicked at one zoom per round, so
    # every midpoint is checked once at each zoom, each time after its own toggles
    for zoom in (10, 13):
        for i in rng.integers(0, n, 12):
            boxes.nth(int(i)).click()
        for i in range(n):  # then everything on
            if not boxes.nth(i).is_checked():
                boxes.nth(i).click()
        page.evaluate("void BorderZones.layerControl.collapse()")
        line_a = layers.load("golan_line_a").geometry.iloc[0]
        opened = []
        for lon, lat in list(line_a.coords)[2:-2][:: max(1, len(line_a.coords) // 6)]:
            title = click_for_popup(page, lat, lon, 11, "bz-lines")
            if title is not None:
                opened.append(title)
        line_a_names = set(layers.load("golan_line_a")["name"].dropna())
        assert len(opened) >= 3 and set(opened) <= line_a_names, opened
        barrier_title = layers.info("lebanon_border_barrier")["title"]
        names = set(layers.load("lebanon_border_barrier").get("name", pd.Series()).dropna())
        got = [
            click_for_popup(page, lat, lon, zoom, "bz-barrier")
            for lat, lon, _ in barrier_midpoints()
        ]
        got = [g for g in got if g is not None]
        assert len(got) >= 5 and all(g in names | {barrier_title} for g in got), (zoom, got)
        granted = layers.load("zones").query("id == 'granted_5km' and part == 'inside'")
        spot = granted.geometry.iloc[0].representative_point()
        assert click_for_popup(page, spot.y, spot.x, 11, "bz-zones").startswith("Granted")
        page.evaluate("void BorderZones.layerControl.expand()")
    page.evaluate("void BorderZones.layerControl.collapse(); BorderZones.closePopup()")
    fades(page, True)  # the page is shared with the module's other tests


def overlap(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def test_first_view_desktop(browser, map_file: Path, cache: Path) -> None:
    page, log = open_page(browser, map_file.as_uri(), cache=cache)  # 1280×800
    try:
        assert page.title() == webmap.PAGE_TITLE
        assert page.evaluate("document.documentElement.lang") == "en"
        assert page.locator("#bz-title h1").inner_text() == webmap.PAGE_TITLE
        assert "stand-ins" in page.locator("#bz-title").inner_text()
        # the lines, the 60 km zone and Damascus are in view, under no panel
        for lat, lon in (DAMASCUS, QUNEITRA, (33.30, 35.15), (32.5, 36.3)):
            x, y, top = screen_point(page, lat, lon)
            assert 0 < x < 1280 and 0 < y < 800 and top != "control", (lat, lon, top)
        # scale bar clear of the credits; coordinates box clear of the legend
        scale = page.locator(".leaflet-control-scale").bounding_box()
        credits = page.locator(".leaflet-control-attribution").bounding_box()
        assert not overlap(scale, credits)
        page.mouse.move(700, 400)
        legend = page.locator("#bz-legend").bounding_box()
        assert not overlap(page.locator("#bz-coords").bounding_box(), legend)
        # the legend shows every row, without scrolling
        body = page.locator("#bz-legend .bz-collapsible")
        assert page.evaluate("(e) => e.scrollHeight <= e.clientHeight + 1", body.element_handle())
        for row in page.locator("#bz-legend .bz-legend-row").all():
            shown = row.evaluate("e => e.style.display !== 'none'")  # its layer is on
            assert row.is_visible() is shown
        # credits compact, each source once
        text = page.locator(".leaflet-control-attribution").inner_text()
        assert text.count("OpenStreetMap") == 1 and credits["height"] < 24
        # the sources panel lists each layer's source, licence and stated accuracy
        page.locator("#bz-sources-link").click()
        panel = page.locator("#bz-sources")
        assert panel.is_visible()
        for layer in display.prepare().layers:
            prov = dict(layer.provenance)
            assert layer.title in panel.inner_text()
            if "Stated accuracy" in prov:
                assert prov["Stated accuracy"] in panel.inner_text()
        page.locator("#bz-sources .bz-close").click()
        assert not panel.is_visible()
        assert log.console_errors == [] and log.page_errors == []
    finally:
        page.context.close()


def test_keyboard_reaches_controls_and_probe(browser, map_file: Path, cache: Path) -> None:
    page, _ = open_page(browser, map_file.as_uri(), cache=cache)
    try:
        # a clicked shape shows no focus ring
        x, y, _ = screen_point(page, 33.0, 35.95)
        page.mouse.click(x, y)
        ring = page.evaluate(
            "() => { const a = document.activeElement;"
            " return a && a.tagName === 'path' ? getComputedStyle(a).outlineStyle : 'none'; }"
        )
        assert ring == "none"
        page.evaluate("void BorderZones.closePopup()")
        page.evaluate("document.activeElement && document.activeElement.blur()")
        seen = []
        for _ in range(40):
            page.keyboard.press("Tab")
            seen.append(
                page.evaluate(
                    "() => { const a = document.activeElement;"
                    " return [a.tagName, a.className && String(a.className.baseVal ?? a.className),"
                    " a.textContent.trim().slice(0, 30)]; }"
                )
            )
            if seen[-1][2] == "Probe by keyboard":
                break
        assert not any(tag.lower() in ("path", "svg") for tag, _, _ in seen), seen
        classes = " ".join(c for _, c, _ in seen)
        assert "leaflet-control-zoom-in" in classes and "leaflet-control-layers-toggle" in classes
        assert seen[-1][2] == "Probe by keyboard", seen
        page.keyboard.press("Enter")  # opens the form
        page.keyboard.press("Tab")
        page.keyboard.type("33.126, 35.825")
        page.keyboard.press("Enter")
        result = json.loads(page.get_attribute("#bz-probe", "data-result"))
        assert (result["lat"], result["lon"]) == QUNEITRA
        from geo import distance

        assert abs(result["line_a_m"] - distance([QUNEITRA[::-1]], "golan_line_a")[0]) < 1.0
        page.locator("#bz-probe-centre").click()
        result = json.loads(page.get_attribute("#bz-probe", "data-result"))
        centre = page.evaluate(
            "(() => { const c = BorderZones.map.getCenter(); return [c.lat, c.lng]; })()"
        )
        assert (result["lat"], result["lon"]) == tuple(centre)
    finally:
        page.context.close()


def test_phone_layout(browser, map_file: Path, cache: Path) -> None:
    page, log = open_page(browser, map_file.as_uri(), cache=cache, phone=True)
    try:
        # layer list and legend start collapsed behind buttons
        assert not page.locator(".leaflet-control-layers-list").is_visible()
        assert not page.locator("#bz-legend .bz-legend-row").first.is_visible()
        # the map shows at least 80 % of the screen
        free = page.evaluate(
            """() => { let free = 0, n = 0;
                for (let x = 2; x < innerWidth; x += 8) for (let y = 2; y < innerHeight; y += 8) {
                    const e = document.elementFromPoint(x, y); n++;
                    if (e && !e.closest('.leaflet-control')) free++; }
                return free / n; }"""
        )
        assert free >= 0.8, free
        # the scale bar and the probe clear of the credits
        credits = page.locator(".leaflet-control-attribution").bounding_box()
        for sel in (".leaflet-control-scale", "#bz-probe"):
            assert not overlap(page.locator(sel).bounding_box(), credits), sel
        # controls are reachable and a finger's size
        for sel in (
            ".leaflet-control-zoom-in",
            ".leaflet-control-zoom-out",
            ".leaflet-control-layers-toggle",
            ".bz-measure-button",
            "#bz-legend .bz-toggle",
            ".leaflet-control-zoom-fullscreen",
        ):
            box = page.locator(sel).bounding_box()
            assert box["width"] >= 44 and box["height"] >= 44, (sel, box)
            hit = page.evaluate(
                "([s, x, y]) =>"
                " document.querySelector(s).contains(document.elementFromPoint(x, y))",
                [sel, box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
            )
            assert hit, sel
        # a tap at Quneitra lands on the map and the result does not hide the point
        x, y, top = screen_point(page, *QUNEITRA)
        assert top != "control"
        page.touchscreen.tap(x, y)
        result = json.loads(page.get_attribute("#bz-probe", "data-result"))
        assert result["country"] == "Syria"
        page.evaluate("void BorderZones.closePopup()")
        page.wait_for_timeout(250)
        mark = page.evaluate(
            """() => { const m = BorderZones.map, ll = BorderZones._probeMark.getLatLng();
                const p = m.latLngToContainerPoint(ll);
                const r = m.getContainer().getBoundingClientRect();
                const e = document.elementFromPoint(r.left + p.x, r.top + p.y);
                return [p.x, p.y, !!(e && e.closest('.leaflet-control'))]; }"""
        )
        assert 0 < mark[0] < 390 and 0 < mark[1] < 844 and not mark[2], mark
        probe = page.locator("#bz-probe").bounding_box()
        assert not (probe["y"] - 8 < mark[1] < probe["y"] + probe["height"] + 8)
        # the legend opens with a tap, and its rows fit the screen
        page.locator("#bz-legend .bz-toggle").tap()
        assert page.locator("#bz-legend .bz-legend-row").first.is_visible()
        legend = page.locator("#bz-legend").bounding_box()
        assert legend["y"] + legend["height"] <= 844
        assert log.console_errors == [] and log.page_errors == []
    finally:
        page.context.close()


def test_measure_tool_finishes_clears_and_restarts(loaded) -> None:
    page, _ = loaded
    page.evaluate("void BorderZones.closePopup()")
    page.wait_for_timeout(250)
    button = page.locator(".bz-measure-button")
    out = page.locator("#bz-measure-result")
    dashed = (
        "() => document.querySelectorAll('.leaflet-bz-tools-pane path[stroke-dasharray]').length"
    )
    page.evaluate("void BorderZones.map.setView([33.32, 36.05], 9, {animate: false})")
    page.wait_for_timeout(300)
    for _ in range(2):  # measure, finish, clear; then again from a clean start
        button.click()  # starting closes any popup (which fades out for 200 ms)
        page.wait_for_timeout(250)
        assert click_at(page, *QUNEITRA) and click_at(page, *DAMASCUS)
        assert page.locator(".leaflet-popup").count() == 0  # no feature popups while measuring
        metres = float(out.get_attribute("data-metres"))
        bearing = float(out.get_attribute("data-bearing"))
        (lat1, lon1), (lat2, lon2) = json.loads(out.get_attribute("data-points"))
        az, _, expected = GEOD.inv(lon1, lat1, lon2, lat2)
        assert abs(metres - expected) < 0.01 and abs(bearing - az % 360) < 1e-6
        assert 60_000 < metres < 62_500  # Quneitra–Damascus is about 61 km
        text = out.inner_text()
        assert "km" in text and f"initial bearing {az % 360:.1f}°" in text
        button.click()  # finish: the total stays, clicks probe again
        assert out.is_visible() and f"{metres / 1000:.3f} km" in out.inner_text()
        assert click_at(page, 33.0, 35.9)
        assert json.loads(out.get_attribute("data-points")) == [[lat1, lon1], [lat2, lon2]]
        assert page.evaluate(dashed) == 1  # the measured line stays until cleared
        page.locator(".bz-measure-clear").click()
        assert not out.is_visible()
        assert page.evaluate(dashed) == 0  # no leftover dashed line
        assert json.loads(out.get_attribute("data-points")) == []


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
        # the vector context stands in for tiles, and no basemap that needs a network is offered
        assert page.locator(".bz-country").count() >= 5
        bases = page.eval_on_selector_all(
            ".leaflet-control-layers-base label", "els => els.map(e => e.textContent.trim())"
        )
        assert bases == ["None (vector context only)"]
        # using it, every request blocked, still gives no error
        for lat, lon in ((33.126, 35.825), (33.05, 35.40), (33.3, 36.1)):
            assert click_at(page, lat, lon)
        page.evaluate("void BorderZones.layerControl.expand()")
        for box in page.locator("input.leaflet-control-layers-selector").all():
            box.click()
            box.click()
        page.wait_for_timeout(300)
        assert log.console_errors == [] and log.page_errors == [] and log.refused == []
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
            const first = v.shapes.getLayers()[0];
            if (!first) return [k, [null, null]];  // nothing drawn (in force on no date shown)
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
