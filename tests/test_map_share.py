"""Permalinks (share.js): the URL's hash holds the view, layers, basemap and probe point.

Set a state in Chromium through the page's own controls, take the URL, open it in
a fresh page and compare what that page shows: the same layers, the same view,
the same basemap and the same probe text.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from browser_support import open_page
from pyproj import Geod

pytestmark = [pytest.mark.browser, pytest.mark.slow]
pytest_plugins = ("map_support",)  # its fixtures: cache, map_file, offline_file, loaded, phone
GEOD = Geod(ellps="WGS84")

SNAPSHOT = """() => {
    const BZ = BorderZones, map = BZ.map, c = map.getCenter();
    const shown = BZ.config.layers.filter(s => map.hasLayer(BZ.layers[s.key].layer))
        .map(s => s.key);
    const bases = Object.keys(BZ.bases).filter(n => map.hasLayer(BZ.bases[n]));
    const checked = [...document.querySelectorAll('.leaflet-control-layers-selector')]
        .filter(i => i.checked).length;
    const probe = document.getElementById('bz-probe');
    return {shown, bases, checked, zoom: map.getZoom(), lat: c.lat, lon: c.lng,
            probe: probe.querySelector('.bz-probe-body').textContent,
            result: probe.getAttribute('data-result'),
            rings: BZ.rings.radii(),
            legend: [...document.querySelectorAll('#bz-legend .bz-legend-row')]
                .filter(r => r.style.display !== 'none').length};
}"""


def wait_for_hash(page) -> str:
    """The page's URL once the debounced hash has caught up with the map."""
    page.wait_for_function("() => location.hash === '#' + BorderZones.share.state()", timeout=5_000)
    return page.url


def set_state(page) -> None:
    page.evaluate("void BorderZones.layerControl.expand()")
    page.locator("label:has(input[type=checkbox])", has_text="Line B").first.locator(
        "input"
    ).click()
    page.locator("label:has(input[type=checkbox])", has_text="governorates").first.locator(
        "input"
    ).click()
    page.locator(".leaflet-control-layers-base label", has_text="Light").locator("input").click()
    page.evaluate("void BorderZones.layerControl.collapse()")
    if page.locator("#bz-search-toggle").is_visible():  # a phone: the box opens from a button
        page.locator("#bz-search-toggle").tap()
    page.fill("#bz-search-input", "33.0512, 35.7233")  # the probe point, by the search box
    page.wait_for_selector("#bz-search-list li", state="visible")
    page.keyboard.press("Enter")
    page.evaluate("void BorderZones.map.setView([33.05, 35.71], 12.25, {animate: false})")
    page.evaluate("document.getElementById('bz-rings').open = true")
    page.locator(".bz-ring-preset[data-km='5']").click()


@pytest.mark.parametrize("is_phone", [False, True], ids=["desktop", "phone"])
def test_reloading_the_link_shows_the_same_map(
    browser, map_file: Path, cache: Path, is_phone: bool
) -> None:
    page, log = open_page(browser, map_file.as_uri(), cache=cache, phone=is_phone)
    try:
        set_state(page)
        url = wait_for_hash(page)
        before = page.evaluate(SNAPSHOT)
        assert "golan_line_b" not in before["shown"] and "syria_governorates" in before["shown"]
        assert before["bases"] == ["Light"] and before["zoom"] == 12.25
        assert "33.05120° N" in before["probe"]
        assert before["rings"] == [5000]
    finally:
        page.context.close()
    again, log2 = open_page(browser, url, cache=cache, phone=is_phone)
    try:
        after = again.evaluate(SNAPSHOT)
        assert after["shown"] == before["shown"]
        assert after["bases"] == before["bases"] and after["checked"] == before["checked"]
        assert after["legend"] == before["legend"]
        assert after["zoom"] == before["zoom"]
        # the same centre, to within a screen pixel (Leaflet rounds pixel offsets)
        per_pixel = 156_543.03 * math.cos(math.radians(before["lat"])) / 2 ** before["zoom"]
        moved = GEOD.inv(before["lon"], before["lat"], after["lon"], after["lat"])[2]
        assert moved < per_pixel
        assert after["probe"] == before["probe"]
        assert json.loads(after["result"]) == json.loads(before["result"])
        assert after["rings"] == before["rings"]
        again.reload()
        again.wait_for_selector("[data-bz-ready]")
        assert again.evaluate(SNAPSHOT)["probe"] == before["probe"]
        assert not (log.console_errors + log.page_errors + log2.console_errors + log2.page_errors)
    finally:
        again.context.close()


def test_hash_is_written_as_the_map_changes_and_read_when_it_changes(
    browser, map_file: Path, cache: Path
) -> None:
    page, _ = open_page(browser, map_file.as_uri(), cache=cache)
    try:
        first = wait_for_hash(page)
        assert "#map=" in first and "layers=" in first and "base=streets" in first
        history = page.evaluate("history.length")
        page.evaluate("void BorderZones.map.setView([33.2, 35.8], 10, {animate: false})")
        url = wait_for_hash(page)
        assert "map=10/33.20000/35.80000" in url
        assert (
            page.evaluate("history.length") == history
        )  # replaceState: no history entry each move
        # pasting another link into the same tab moves the map there
        page.evaluate("location.hash = '#map=9/32.9/35.6&layers=golan_line_a&base=none'")
        page.wait_for_function("() => BorderZones.map.getZoom() === 9")
        snap = page.evaluate(SNAPSHOT)
        assert snap["shown"] == ["golan_line_a"] and snap["bases"] == ["None (vector context only)"]
    finally:
        page.context.close()


@pytest.mark.parametrize(
    "junk",
    ["#map=abc/x/y", "#layers=nonsense,%ZZ", "#probe=999,999", "#bz-sources", "#base=nope"],
)
def test_bad_hashes_are_ignored(browser, map_file: Path, cache: Path, junk: str) -> None:
    page, log = open_page(browser, map_file.as_uri() + junk, cache=cache)
    try:
        assert page.evaluate("BorderZones.map.getZoom()") > 5
        shown = page.evaluate(SNAPSHOT)["shown"]
        defaults = page.evaluate("BorderZones.config.layers.filter(s => s.show).map(s => s.key)")
        assert shown == defaults  # what the link cannot say is left as the page opens
        assert not page.evaluate("document.getElementById('bz-probe').getAttribute('data-result')")
        assert not log.page_errors and not log.console_errors
    finally:
        page.context.close()


def test_copy_link_button(browser, map_file: Path, cache: Path) -> None:
    page, _ = open_page(browser, map_file.as_uri(), cache=cache)
    try:
        page.evaluate("void BorderZones.map.setView([33.1, 35.7], 11, {animate: false})")
        page.locator("#bz-copy-link").click()
        field = page.locator("#bz-share-field")
        assert field.is_visible()
        value = field.input_value()
        assert value == wait_for_hash(page)
        # the text is selected, for Ctrl+C where the clipboard is not allowed
        selected = page.evaluate(
            "(() => { const f = document.getElementById('bz-share-field');"
            " return f.value.slice(f.selectionStart, f.selectionEnd); })()"
        )
        assert selected == value
        assert page.inner_text("#bz-share-status").strip()
    finally:
        page.context.close()


def test_offline_permalink(browser, offline_file: Path) -> None:
    page, log = open_page(browser, offline_file.as_uri(), offline=True)
    try:
        page.evaluate("BorderZones.probeAt(L.latLng(33.0, 35.75), false)")
        url = wait_for_hash(page)
        assert "base=none" in url
        probe = page.evaluate(SNAPSHOT)["probe"]
    finally:
        page.context.close()
    again, log2 = open_page(browser, url, offline=True)
    try:
        assert again.evaluate(SNAPSHOT)["probe"] == probe
        assert not (log.console_errors + log2.console_errors + log.refused + log2.refused)
    finally:
        again.context.close()
