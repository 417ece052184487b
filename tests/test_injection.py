"""No string from a file is ever template or HTML source: a corpus of payloads end to end.

Every payload goes in through the ways data reaches the products: ``border-zones
build --points`` (CSV and GeoJSON), :func:`geo.render.webmap.build_map` with points, a
user's zone title in ``zones.csv`` and strings of the layer manifest in a copy of
``layers/``, ``border-zones report`` (md, csv, json) and the figure. The page
carries each string unchanged in its JSON element; in Chromium each tooltip and
popup shows it code unit for code unit, no dialog opens, no element is added and
the file the payloads try to create never appears.
"""

from __future__ import annotations

import collections
import csv
import io
import json
import os
import re
import subprocess
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest
import shapely

from geo import layers
from geo import zones as zones_mod
from geo.render import display, webmap


def _chrs(text: str) -> str:
    """``text`` as a quote-free Jinja expression of ``chr()`` calls."""
    return "~".join(f"lipsum.__globals__.__builtins__.chr({ord(c)})" for c in text)


def corpus(canary: Path) -> list[str]:
    """Payloads: template syntax, sandbox escapes that would create ``canary``, HTML breakouts."""
    touch = f"touch {canary}"
    return [
        "{{7*7}}",
        "{{ 7*'7' }}",
        "Price {{total}} ILS",
        "Site {#3",
        "{% raw",
        "{% endraw %}",
        "{#- comment -#}kept",
        "{%- if true %}y{% else %}n{% endif %}",
        "{{ lipsum.__globals__.os.popen('" + touch + "').read() }}",
        "{{lipsum.__globals__.os.popen(" + _chrs(touch) + ").read()}}",
        "{{ cycler.__init__.__globals__.os.system('" + touch + "') }}",
        "{{ joiner.__init__.__globals__.os.system('" + touch + "') }}",
        "{{ namespace.__init__.__globals__.os.system('" + touch + "') }}",
        "{{ self.__init__.__globals__.__builtins__.__import__('os').system('" + touch + "') }}",
        "{{ self._TemplateReference__context.cycler.__init__.__globals__.os.system('"
        + touch
        + "') }}",
        "{% for c in [].__class__.__base__.__subclasses__() %}{% if c.__name__ == "
        "'catch_warnings' %}{{ c()._module.__builtins__['__import__']('os').system('"
        + touch
        + "') }}{% endif %}{% endfor %}",
        "{{" + _chrs("</script><img src=x onerror=alert(1)>") + "}}",
        "</script><img src=x onerror=alert(2)>",
        "<script>alert(3)</script>",
        "<img src=x onerror=alert(4)>",
        "<svg onload=alert(5)>",
        "<!--",
        "<!-- <script>",
        "-->",
        "]]>",
        "<![CDATA[x]]>",
        "a\u2028b\u2029c",
        "\"double\" 'single' `back` \\ back\\slash",
        "&amp; &lt;b&gt; &#x3c; &copy",
        "$\\alpha$ and $x^2$",
        "| pipe | cell",
        "*em* _u_ [link](javascript:alert(6)) # hash",
        "${7*7} #{7*7} <%= 7*7 %>",
        "שלום دمشق 🇮🇱",
    ]


# the same strings made harmless, for a page of the same shape to compare with
def benign(items: list[str]) -> list[str]:
    return [f"plain text {i}" for i in range(len(items))]


def page_data(page: str) -> dict:
    found = re.findall(r'<script type="application/json" id="bz-data">(.*?)</script>', page, re.S)
    assert len(found) == 1
    return json.loads(found[0])


def layer(data: dict, key: str) -> dict:
    return next(item for item in data["layers"] if item["key"] == key)


def points_frame(names: list[str], notes: list[str]) -> gpd.GeoDataFrame:
    n = len(names)
    geoms = [shapely.Point(35.55 + 0.04 * (i % 10), 32.95 + 0.04 * (i // 10)) for i in range(n)]
    # object columns: pandas keeps lone surrogates there (Arrow-backed strings cannot)
    frame = {"name": pd.Series(names, dtype=object), "note": pd.Series(notes, dtype=object)}
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=4326)


def write_points_csv(path: Path, names: list[str], notes: list[str]) -> None:
    pts = points_frame(names, notes)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "note", "lat", "lon"])
        for i, row in enumerate(pts.itertuples()):
            w.writerow([i + 1, row.name, row.note, row.geometry.y, row.geometry.x])


def write_points_geojson(path: Path, names: list[str], notes: list[str]) -> None:
    path.write_text(points_frame(names, notes).to_json(), encoding="utf-8")


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["border-zones", *args],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
    )


def point_columns(data: dict) -> dict[str, list[str]]:
    """The points' columns as the page carries them (text; values, or dict + codes)."""
    assert layer(data, "points")["group"] == "Your points"
    return {
        c["name"]: c["values"]
        if "values" in c
        else [c["dict"][k] for k in (c["codes"] or [0] * data["points"]["rows"])]
        for c in data["points"]["columns"]
    }


def assert_points(data: dict, names: list[str], notes: list[str]) -> None:
    cols = point_columns(data)
    assert cols["name"] == names and cols["note"] == notes
    assert data["points"]["title"] == list(cols).index("name")  # the name is the title


def assert_inert(page: str, items: list[str], canary: Path) -> None:
    assert not canary.exists()
    for item in items:
        if "<" in item or "\u2028" in item:
            assert item not in page  # only as JSON escapes
    assert "49" not in [f for f in re.findall(r'"_tooltip":"([^"]*)"', page)]


@pytest.fixture
def canary(tmp_path: Path) -> Path:
    return tmp_path / "canary-created-by-a-payload"


# --------------------------------------------------------------------------
# the page, as HTML
# --------------------------------------------------------------------------
def test_build_map_with_points_keeps_every_string(canary: Path) -> None:
    items = corpus(canary)
    # a lone surrogate (a JSON file can hold one) and a newline, through the API
    names = [*items, "lone \ud800 surrogate", "two\nlines"]
    notes = list(reversed(names))
    page = webmap.render_html(webmap.build_map(points=points_frame(names, notes)))
    page.encode("utf-8")  # valid UTF-8 throughout
    assert "\\ud800" in page
    assert_points(page_data(page), names, notes)
    assert_inert(page, names, canary)
    again = webmap.render_html(webmap.build_map(points=points_frame(names, notes)))
    assert again == page  # deterministic


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_cli_build_points_file(fmt: str, tmp_path: Path, canary: Path) -> None:
    items = corpus(canary)
    notes = list(reversed(items))
    src = tmp_path / f"points.{fmt}"
    (write_points_csv if fmt == "csv" else write_points_geojson)(src, items, notes)
    out = tmp_path / "map.html"
    res = cli("build", "--points", str(src), "-o", str(out))
    assert res.returncode == 0, res.stderr
    page = out.read_text(encoding="utf-8")
    assert_points(page_data(page), items, notes)
    assert_inert(page, items, canary)


def test_the_issue_example(tmp_path: Path) -> None:
    src = tmp_path / "t.csv"
    src.write_text("id,name,lat,lon\n1,{{7*7}},33.1,35.8\n", encoding="utf-8")
    out = tmp_path / "m.html"
    res = cli("build", "--points", str(src), "-o", str(out))
    assert res.returncode == 0, res.stderr
    assert point_columns(page_data(out.read_text()))["name"] == ["{{7*7}}"]
    for name in ("Site {#3", "{% raw", "Price {{total}} ILS"):
        src.write_text(f'id,name,lat,lon\n1,"{name}",33.1,35.8\n', encoding="utf-8")
        res = cli("build", "--points", str(src), "-o", str(out))
        assert res.returncode == 0, res.stderr
        assert point_columns(page_data(out.read_text()))["name"] == [name]


# --------------------------------------------------------------------------
# strings of the layers: zone titles, manifest fields
# --------------------------------------------------------------------------
ORIGINAL_LAYERS = layers.layers_dir()
ZONES = 3  # user zones added (each is computed on the fly: few, with several payloads each)
MANIFEST_LAYER = "golan_line_b"


def hostile_layers(folder: Path, items: list[str]) -> dict[str, object]:
    """Copy layers/ into ``folder`` with user zones and manifest strings taken from ``items``.

    Returns what was put where: zone id -> title, and the manifest fields.
    """
    for f in ORIGINAL_LAYERS.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    one_line = [s for s in items if not re.search("[\r\n\u2028\u2029]", s)]
    titles = {f"user_zone_{k}": " ".join(one_line[k::ZONES]) for k in range(ZONES)}
    with open(folder / "zones.csv", "a", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        for k, (zid, title) in enumerate(titles.items()):
            w.writerow([zid, title, "user", "golan_line_a", k, k + 2, "syria", "east", "test"])
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    fields = {
        "title": items[0] + " " + items[17],
        "attribution": "{{7*7}} </script><img src=x onerror=alert(7)> &copy $x$ {% raw",
        "method": items[9] + " " + items[-2],
        "licence": "{#- x -#} <!-- ]]>",
    }
    manifest[MANIFEST_LAYER].update(fields)
    (folder / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return {"zones": titles, "manifest": fields}


@pytest.fixture
def hostile(tmp_path: Path, canary: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict]:
    folder = tmp_path / "layers"
    folder.mkdir()
    put = hostile_layers(folder, corpus(canary))
    monkeypatch.setenv("BORDER_ZONES_LAYERS", str(folder))
    zones_mod.territory_geometry.cache_clear()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "changed since the zones layer was built")
        yield {**put, "folder": folder}
    zones_mod.territory_geometry.cache_clear()


def test_layer_strings_reach_the_page_unchanged(hostile: dict, tmp_path: Path, canary: Path):
    out = tmp_path / "map.html"
    res = cli("build", "-o", str(out))
    assert res.returncode == 0, res.stderr
    page = out.read_text(encoding="utf-8")
    data = page_data(page)
    for zid, title in hostile["zones"].items():
        item = layer(data, f"zone:{zid}")
        assert item["title"] == title
        tips = {f["properties"]["_tooltip"] for f in item["geojson"]["features"]}
        assert title in tips
        assert any(row["label"] == title for row in data["legend"])
    fields = hostile["manifest"]
    line_b = layer(data, MANIFEST_LAYER)
    assert line_b["title"] == fields["title"]
    prov = dict(line_b["provenance"])
    assert prov["Layer"] == fields["title"] and prov["Method"] == fields["method"]
    assert prov["Licence"] == fields["licence"] and prov["Source"] == fields["attribution"]
    assert_inert(page, [*hostile["zones"].values(), *fields.values()], canary)


def _md_cells(line: str) -> list[str]:
    """The cells of a Markdown table row, read as CommonMark does (backslash escapes)."""
    cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
    return [_md_unescape(c.strip()) for c in cells]


def _md_unescape(text: str) -> str:
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)
    return text.replace("<br>", "\n")


def test_report_shows_strings_as_text(hostile: dict, tmp_path: Path, canary: Path) -> None:
    titles: dict[str, str] = hostile["zones"]  # type: ignore[assignment]
    attribution = str(hostile["manifest"]["attribution"])  # type: ignore[index]
    for fmt in ("md", "csv", "json"):
        res = cli("report", "--format", fmt, "-o", str(tmp_path / f"r.{fmt}"))
        assert res.returncode == 0, res.stderr
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    rows = {r["zone"]: r["title"] for r in doc["sections"]["zones"]["rows"]}
    assert {z: rows[z] for z in titles} == titles
    assert attribution in doc["sources"]
    with open(tmp_path / "r.csv", newline="", encoding="utf-8") as fh:
        got = {r["key"]: r["value"] for r in csv.DictReader(fh) if r["column"] == "title"}
    assert {z: got[z] for z in titles} == titles
    md = (tmp_path / "r.md").read_text(encoding="utf-8")
    seen = {}
    for line in md.splitlines():
        if line.startswith("| user\\_zone") or line.startswith("| user_zone"):
            cells = _md_cells(line)
            seen.setdefault(cells[0], cells[1])
    assert seen == titles
    # nothing a Markdown renderer would take as markup is left bare
    for line in md.splitlines():
        if "user" in line and "zone" in line:
            assert not re.search(r"(?<!\\)[<>`*\[\]$&{}]", line)
    sources = [_md_unescape(line[2:]) for line in md.splitlines() if line.startswith("- ")]
    assert attribution in sources
    assert not canary.exists()


def test_figure_credits_are_literal(hostile: dict) -> None:
    from geo.render import figure

    attribution = str(hostile["manifest"]["attribution"])  # type: ignore[index]
    assert attribution in figure.credit_line("2026-01-01")
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "x"}):
        fig = figure.make_figure(date="2026-01-01")
        buf = io.StringIO()
        fig.savefig(buf, format="svg")
    plt.close("all")
    credit = next(t for t in fig.texts if "Sources:" in t.get_text())
    assert credit.get_parse_math() is False
    texts = [
        "".join(el.itertext())
        for el in ET.fromstring(buf.getvalue()).iter("{http://www.w3.org/2000/svg}text")
    ]
    shown = "\n".join(t for t in texts if t)
    for line in credit.get_text().split("\n"):
        assert line in texts  # each line one text element, as written: no mathtext
    assert "$x$" in shown and "{{7*7}}" in shown


# --------------------------------------------------------------------------
# the page in Chromium
# --------------------------------------------------------------------------
COLLECT = """
(keys) => {
  const units = (s) => Array.from({length: s.length}, (_, i) => s.charCodeAt(i));
  const out = {};
  for (const key of keys) {
    const rows = [];
    const info = BorderZones.layers[key];
    if (key === "points") {  // drawn on canvas by points.js: tooltips and popups by row
      const P = BorderZones.points;
      for (let i = 0; i < P.data.lon.length; i++) {
        if (P.data.lon[i] === null) continue;
        const tip = P.tooltip(i);
        P.open(i);
        const box = document.querySelector(".leaflet-popup-content .bz-popup");
        rows.push({
          tip: units(tip.textContent),
          title: units(box.querySelector(".bz-popup-title").textContent),
          cells: Array.from(box.querySelectorAll("td, th"), (c) => units(c.textContent)),
          tags: Array.from(box.querySelectorAll("*"), (e) => e.tagName.toLowerCase()),
        });
        P.tooltip(-1);
        BorderZones.closePopup();
      }
      out[key] = rows;
      continue;
    }
    if (!BorderZones.map.hasLayer(info.layer)) info.layer.addTo(BorderZones.map);
    // a thin line takes clicks through its wide invisible twin (info.hit)
    (info.hit || info.layer).eachLayer((l) => {
      const at = l.getLatLng ? l.getLatLng() : l.getBounds().getCenter();
      l.openTooltip(at);
      const tip = l.getTooltip().getElement();
      l.fire("click", {latlng: at});
      const box = document.querySelector(".leaflet-popup-content .bz-popup");
      rows.push({
        tip: units(tip.textContent),
        title: units(box.querySelector(".bz-popup-title").textContent),
        cells: Array.from(box.querySelectorAll("td, th"), (c) => units(c.textContent)),
        tags: Array.from(box.querySelectorAll("*"), (e) => e.tagName.toLowerCase()),
      });
      l.closeTooltip();
      BorderZones.closePopup();
    });
    out[key] = rows;
  }
  return out;
}
"""

COUNT_TAGS = """() => {
  const c = {};
  for (const e of document.querySelectorAll("*")) c[e.tagName] = (c[e.tagName] || 0) + 1;
  return c;
}"""

CONTROL_TEXT = """() => ({
  labels: Array.from(
    document.querySelectorAll(".leaflet-control-layers-overlays label:has(input[type=checkbox])"),
                     (e) => Array.from(e.textContent.trim(), (ch) => ch.codePointAt(0))),
  legend: Array.from(document.querySelectorAll("#bz-legend .bz-legend-label"),
                     (e) => Array.from(e.textContent, (ch) => ch.codePointAt(0))),
  attribution: document.querySelector(".leaflet-control-attribution").textContent,
})"""


def units(text: str) -> list[int]:
    """UTF-16 code units of ``text`` (what JavaScript's charCodeAt gives)."""
    raw = text.encode("utf-16-le", "surrogatepass")
    return [int.from_bytes(raw[i : i + 2], "little") for i in range(0, len(raw), 2)]


def code_points(text: str) -> list[int]:
    return [ord(c) for c in text]


@pytest.mark.browser
def test_payloads_in_chromium(
    browser,
    hostile: dict,
    tmp_path: Path,
    canary: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from browser_support import asset_cache, open_page

    cache = asset_cache()
    items = corpus(canary)
    names = [*items, "lone \ud800 surrogate", "two\nlines"]
    notes = list(reversed(names))
    hostile_page = webmap.save_map(tmp_path / "hostile.html", points=points_frame(names, notes))
    zone_keys = [f"zone:{z}" for z in hostile["zones"]]
    keys = ["points", *zone_keys, MANIFEST_LAYER]
    layer_titles = [x.title for x in display.prepare().layers]

    # the same page with harmless strings of the same shape
    plain = tmp_path / "plain"
    plain.mkdir()
    hostile_layers(plain, benign(items))
    monkeypatch.setenv("BORDER_ZONES_LAYERS", str(plain))
    zones_mod.territory_geometry.cache_clear()
    plain_page = webmap.save_map(
        tmp_path / "plain.html", points=points_frame(benign(names), benign(names))
    )
    zones_mod.territory_geometry.cache_clear()

    results = {}
    for label, path in (("hostile", hostile_page), ("plain", plain_page)):
        page, log = open_page(browser, path.as_uri(), cache=cache)
        try:
            page.wait_for_timeout(300)
            before = page.evaluate(COUNT_TAGS)
            got = page.evaluate(COLLECT, keys)
            controls = page.evaluate(CONTROL_TEXT)
            page.wait_for_timeout(300)
            after = page.evaluate(COUNT_TAGS)
            results[label] = (before, got, controls, after, log)
        finally:
            page.context.close()

    before, got, controls, after, log = results["hostile"]
    p_before, p_got, _, p_after, _ = results["plain"]
    assert log.dialogs == []
    assert log.console_errors == [] and log.page_errors == []
    assert not any(u.endswith("/x") for u in log.refused + log.failed)
    assert not canary.exists()
    # no element added by any string: same elements as the page of harmless strings
    assert before == p_before and after == p_after
    for key in keys:
        assert [r["tags"] for r in got[key]] == [r["tags"] for r in p_got[key]]
        assert {t for r in got[key] for t in r["tags"]} <= {
            "div",
            "details",  # the folded provenance of a popup (made by the page's script)
            "summary",
            "table",
            "tbody",
            "tr",
            "th",
            "td",
        }
    # every string shown exactly as given
    points = got["points"]
    assert [r["tip"] for r in points] == [units(n) for n in names]
    assert [r["title"] for r in points] == [units(n) for n in names]
    for r, name, note in zip(points, names, notes, strict=True):
        assert units(name) in r["cells"] and units(note) in r["cells"]
    for key, (zid, title) in zip(zone_keys, hostile["zones"].items(), strict=True):
        assert units(title) in [r["tip"] for r in got[key]], zid
    fields = hostile["manifest"]
    line_b = got[MANIFEST_LAYER][0]["cells"]
    for value in fields.values():
        assert units(value) in line_b
    assert code_points(fields["title"]) in controls["labels"]
    for title in hostile["zones"].values():
        assert code_points(title) in controls["labels"]
        assert code_points(title) in controls["legend"]
    assert fields["attribution"] in controls["attribution"]
    assert len(controls["labels"]) == len(layer_titles) + 1  # and "Your points"
    assert collections.Counter(after)["IMG"] == collections.Counter(p_after)["IMG"]
