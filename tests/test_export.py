"""`border-zones export`: the GeoPackage for QGIS, opened with GDAL and sqlite3."""

from __future__ import annotations

import json
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely

from geo.render import style
from tests.cli_support import run_cli

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = json.loads((ROOT / "layers" / "manifest.json").read_text(encoding="utf-8"))
LAYERS = sorted(k for k, v in MANIFEST.items() if isinstance(v, dict) and "file" in v)

#: The columns QGIS creates in layer_styles, in its order.
QGIS_STYLE_COLUMNS = [
    "id",
    "f_table_catalog",
    "f_table_schema",
    "f_table_name",
    "f_geometry_column",
    "styleName",
    "styleQML",
    "styleSLD",
    "useAsDefault",
    "description",
    "owner",
    "ui",
    "update_time",
]


@pytest.fixture(scope="module")
def gpkg(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export") / "frontier.gpkg"
    res = run_cli("export", "-o", out)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == f"wrote {out}"
    assert sorted(p.name for p in out.parent.iterdir()) == ["frontier.gpkg"]  # nothing beside
    return out


def _rgb(hex_colour: str) -> str:
    h = hex_colour.lstrip("#")
    return ",".join(str(int(h[i : i + 2], 16)) for i in (0, 2, 4))


def _styles(gpkg: Path) -> dict[str, dict]:
    con = sqlite3.connect(gpkg)
    con.row_factory = sqlite3.Row
    try:
        return {r["f_table_name"]: dict(r) for r in con.execute("SELECT * FROM layer_styles")}
    finally:
        con.close()


def _symbol_props(qml_root: ET.Element) -> dict[str, list[dict[str, str]]]:
    """Symbol name → the properties of each of its symbol layers (from <Option>)."""
    out = {}
    for sym in qml_root.iter("symbol"):
        out[sym.get("name")] = [
            {o.get("name"): o.get("value") for o in lay.find("Option") if o.get("name")}
            for lay in sym.findall("layer")
        ]
    return out


def test_every_layer_with_its_crs_and_count(gpkg):
    listed = {str(name): geom for name, geom in pyogrio.list_layers(gpkg)}
    spatial = sorted(n for n, g in listed.items() if g is not None)
    assert spatial == LAYERS
    assert {n for n, g in listed.items() if g is None} == {"layer_styles", "provenance"}
    for name in LAYERS:
        info = pyogrio.read_info(gpkg, layer=name)
        assert info["crs"] == "EPSG:4326", name
        assert info["features"] == MANIFEST[name]["feature_count"], name
        df = pyogrio.read_dataframe(gpkg, layer=name)
        assert len(df) == MANIFEST[name]["feature_count"]
        assert list(df.columns[:-1]) == MANIFEST[name]["fields"], name


def test_geometry_and_attributes_as_in_the_layer_files(gpkg):
    for name in LAYERS:
        ours = pyogrio.read_dataframe(gpkg, layer=name)
        theirs = pyogrio.read_dataframe(ROOT / "layers" / MANIFEST[name]["file"])
        for a, b in zip(ours.geometry, theirs.geometry, strict=True):
            # a Polygon among MultiPolygons comes back as a one-part MultiPolygon
            np.testing.assert_array_equal(shapely.get_coordinates(a), shapely.get_coordinates(b))
            assert a.equals(b), name
        for col in MANIFEST[name]["fields"]:
            x, y = ours[col].to_numpy(), theirs[col].to_numpy()
            if x.dtype.kind == "f":
                np.testing.assert_allclose(x, y)
            else:
                assert [str(v) for v in x] == [str(v) for v in y], (name, col)


def test_layer_styles_table_as_qgis_creates_it(gpkg):
    con = sqlite3.connect(gpkg)
    try:
        cols = [r[1] for r in con.execute("PRAGMA table_info(layer_styles)")]
        defaults = con.execute(
            "SELECT f_table_name, count(*) FROM layer_styles WHERE useAsDefault GROUP BY 1"
        ).fetchall()
        total = con.execute("SELECT count(*) FROM layer_styles").fetchone()[0]
    finally:
        con.close()
    assert cols == QGIS_STYLE_COLUMNS
    assert dict(defaults) == dict.fromkeys(LAYERS, 1)  # one default style per layer
    assert total == len(LAYERS)
    for name, row in _styles(gpkg).items():
        assert row["f_geometry_column"] == pyogrio.read_info(gpkg, layer=name)["geometry_name"]
        assert row["styleName"] and row["update_time"]


def test_every_style_parses_and_uses_the_map_colours(gpkg):
    expected = {
        "golan_line_a": [style.LINE_STYLES["golan_line_a"]["color"]],
        "golan_line_b": [style.LINE_STYLES["golan_line_b"]["color"]],
        "blue_line": [style.LINE_STYLES["blue_line"]["color"]],
        **{
            name: [style.LINE_STYLES[style.line_family(name)]["color"]]
            for name in LAYERS
            if style.derived_style(name) is not None
        },
        "undof_area_of_separation": [
            style.AREA_STYLES["undof_area_of_separation"]["color"],
            style.AREA_STYLES["undof_area_of_separation"]["fillColor"],
        ],
        "countries": [style.AREA_STYLES["countries"]["color"]],
        "syria_governorates": [style.AREA_STYLES["syria_governorates"]["color"]],
        "lebanon_border_barrier": [s["color"] for s in style.BARRIER_STYLES.values()],
        "places": [style.PLACE_STYLE["color"], style.LANDMARK_STYLE["fillColor"]],
        "zones": [
            style.AREA_STYLES["zone:granted_5km"]["fillColor"],
            style.AREA_STYLES["zone:requested_not_granted"]["fillColor"],
            style.AREA_STYLES["zone:requested_60km"]["color"],
            style.band_style(0)["fillColor"],
        ],
        "timeline": [style.ZONE_COLOURS[0]],  # the fallback style (qgis.style_rules)
        "timeline_positions": [style.ZONE_COLOURS[0]],
    }
    assert set(expected) == set(LAYERS)
    for name, row in _styles(gpkg).items():
        root = ET.fromstring(row["styleQML"])
        assert root.tag == "qgis" and root.find("renderer-v2") is not None
        values = " ".join(
            o.get("value", "") for o in root.iter("Option") if o.get("name", "").endswith("color")
        )
        for colour in expected[name]:
            assert _rgb(colour) + "," in values, (name, colour)
        sld = ET.fromstring(row["styleSLD"])
        assert sld.tag.endswith("StyledLayerDescriptor")
        sld_text = row["styleSLD"]
        for colour in expected[name]:
            assert colour.upper() in sld_text, (name, colour)


def test_line_widths_and_dashes_as_on_the_map(gpkg):
    for name in ("golan_line_a", "golan_line_b", "blue_line"):
        root = ET.fromstring(_styles(gpkg)[name]["styleQML"])
        assert root.find("renderer-v2").get("type") == "singleSymbol"
        (props,) = _symbol_props(root)["0"]
        want = style.LINE_STYLES[name]
        assert float(props["line_width"]) == want["weight"]
        assert props["line_width_unit"] == "Pixel"
        assert props["capstyle"] == "round" and props["joinstyle"] == "round"  # Leaflet's
        dash = want.get("dashArray")
        assert props["use_custom_dash"] == ("1" if dash else "0")
        if dash:
            assert [float(v) for v in props["customdash"].split(";")] == [
                float(v) for v in dash.split()
            ]


def test_barrier_by_kind(gpkg):
    root = ET.fromstring(_styles(gpkg)["lebanon_border_barrier"]["styleQML"])
    renderer = root.find("renderer-v2")
    assert renderer.get("type") == "categorizedSymbol" and renderer.get("attr") == "kind"
    kinds = {str(k) for k in pyogrio.read_dataframe(gpkg, layer="lebanon_border_barrier")["kind"]}
    cats = {c.get("value"): c.get("symbol") for c in renderer.iter("category")}
    assert kinds | {""} == set(cats)  # every kind in the data, and one for any other
    symbols = _symbol_props(root)
    for kind in kinds:
        (props,) = symbols[cats[kind]]
        want = style.BARRIER_STYLES[kind]
        assert props["line_color"] == _rgb(want["color"]) + ",255"
        assert float(props["line_width"]) == want["weight"]


def test_zones_by_id_and_bands_by_inner_distance(gpkg):
    root = ET.fromstring(_styles(gpkg)["zones"]["styleQML"])
    renderer = root.find("renderer-v2")
    assert renderer.get("type") == "RuleRenderer"
    rules = {r.get("filter"): r.get("symbol") for r in renderer.iter("rule")}
    symbols = _symbol_props(root)
    zones = pyogrio.read_dataframe(gpkg, layer="zones")
    for zid, part, family, inner in zip(
        zones["id"], zones["part"], zones["family"], zones["inner_km"], strict=True
    ):
        key = f"\"id\" = '{zid}' AND \"part\" = '{part}'"
        assert key in rules, key  # every feature has its rule
        fill, outline = symbols[rules[key]]
        if f"zone:{zid}" in style.AREA_STYLES:
            want = style.AREA_STYLES[f"zone:{zid}"]
        else:
            assert family == "1974"
            want = {**style.band_style(inner)}
        opacity = want.get("fillOpacity", 0)
        if part == "outside":
            opacity *= style.BEYOND_TERRITORY_FACTOR
        colour = want.get("fillColor", want["color"])
        assert fill["color"] == f"{_rgb(colour)},{round(255 * round(opacity, 3))}", key
        assert fill["style"] == ("solid" if opacity > 0 else "no")
        assert outline["line_color"].startswith(_rgb(want["color"]) + ","), key
    bands = {
        float(i): symbols[rules[f"\"id\" = '{z}' AND \"part\" = 'inside'"]][0]["color"]
        for z, i, f in zip(zones["id"], zones["inner_km"], zones["family"], strict=True)
        if f == "1974"
    }
    alphas = {k: int(v.split(",")[3]) for k, v in bands.items()}
    assert alphas[0.0] > alphas[10.0] > alphas[20.0]  # paler further out, as on the map


def test_provenance_in_the_metadata(gpkg):
    con = sqlite3.connect(gpkg)
    try:
        meta = con.execute(
            "SELECT r.table_name, m.metadata, m.mime_type FROM gpkg_metadata_reference r "
            "JOIN gpkg_metadata m ON m.id = r.md_file_id WHERE r.reference_scope = 'table'"
        ).fetchall()
        contents = dict(con.execute("SELECT table_name, description FROM gpkg_contents"))
        ext = {r[0] for r in con.execute("SELECT table_name FROM gpkg_extensions")}
    finally:
        con.close()
    assert {"gpkg_metadata", "gpkg_metadata_reference"} <= ext
    by_layer = {}
    for table, xml, mime in meta:
        assert mime == "text/xml"
        by_layer[table] = {m.get("key"): m.text for m in ET.fromstring(xml).iter("MDI")}
    for name in LAYERS:
        entry = MANIFEST[name]
        md = by_layer[name]
        assert md["licence"] == entry["licence"], name
        assert md["attribution"] == entry["attribution"], name
        assert md["method"] == entry["method"], name
        assert float(md["accuracy_m"]) == entry["accuracy_m"], name
        for upstream in entry["upstream"]:
            assert f"{upstream['package']} {upstream['version']}" in md["source"]
        assert contents[name] == entry["description"]
        # GDAL reads the same back
        assert pyogrio.read_info(gpkg, layer=name)["layer_metadata"]["licence"] == entry["licence"]
    table = pyogrio.read_dataframe(gpkg, layer="provenance", read_geometry=False)
    assert sorted(table["layer"]) == LAYERS
    for row in table.itertuples():
        assert row.licence == MANIFEST[row.layer]["licence"]
        assert row.attribution == MANIFEST[row.layer]["attribution"]


def test_deterministic(gpkg, tmp_path):
    from geo import workflows

    again = workflows.export_geopackage(tmp_path / "again.gpkg")
    assert again.read_bytes() == gpkg.read_bytes()


def test_bad_output_leaves_nothing(tmp_path):
    (tmp_path / "frontier.gpkg").write_bytes(b"old")
    res = run_cli("export", "-o", tmp_path / "frontier.txt")
    assert res.returncode == 1
    assert res.stderr.strip() == (
        f"border-zones export: error: {tmp_path / 'frontier.txt'}: a GeoPackage must end in .gpkg"
    )
    res = run_cli("export", "-o", tmp_path / "missing" / "f.gpkg")
    assert res.returncode == 1 and "does not exist" in res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["frontier.gpkg"]
    assert (tmp_path / "frontier.gpkg").read_bytes() == b"old"


def test_help():
    res = run_cli("export", "--help")
    assert res.returncode == 0 and "layer_styles" in res.stdout
