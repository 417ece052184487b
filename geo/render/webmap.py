"""The interactive map: one HTML page with every layer, a legend and a distance probe.

:func:`build_map` renders what :func:`geo.render.display.prepare` hands it: folium
makes the map and its tile layers (constant strings only); all data (layers,
popups, legend, provenance) goes into the page as one JSON ``<script>``
element, written verbatim and never through a template, which the package's
own script (``geo/render/static``) reads and draws, inserting every string as text.
It computes no geometry. :func:`save_map` writes the page atomically, byte-for-byte the same on
every build, and with ``offline=True`` self-contained (see :mod:`geo.render.assets`).

Examples
--------
>>> from geo.render.webmap import build_map
>>> m = build_map(basemap="none")
>>> type(m).__name__
'Map'
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import itertools
import json
import os
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import folium
import geopandas as gpd
import jinja2
from branca.element import Element, MacroElement

from geo._files import write_text
from geo.render import assets, display, style
from geo.render.display import DisplayLayer, MapData

__all__ = [
    "BASEMAPS",
    "PANES",
    "Basemap",
    "build_map",
    "layer_style",
    "legend_entries",
    "points_legend",
    "popup_rows",
    "render_html",
    "save_map",
    "short_credits",
]

Basemap = Literal["streets", "satellite", "light", "dark", "none"]

#: Basemaps: key -> (label, tile URL or None, attribution).
BASEMAPS: dict[str, tuple[str, str | None, str]] = {
    "streets": (
        "Streets",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "© OpenStreetMap contributors",
    ),
    "satellite": (
        "Satellite",
        "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
        "Tiles &copy; Esri &mdash; Esri, Maxar, Earthstar Geographics, GIS User Community",
    ),
    "light": (
        "Light",
        "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        "© OpenStreetMap contributors, © CARTO",
    ),
    "dark": (
        "Dark",
        "https://{s}.basemaps.cartocdn.com/dark_all/{z}/{x}/{y}{r}.png",
        "© OpenStreetMap contributors, © CARTO",
    ),
    "none": ("None (vector context only)", None, ""),
}

#: The marker style of a user's own points (drawn over everything else).
_POINTS = {"color": "#000", "weight": 2, "fillColor": "#ffd400", "fillOpacity": 1, "radius": 6}
_COUNTRIES = {**style.AREA_STYLES["countries"], "className": "bz-country"}

#: Width (px) of the invisible stroke that takes clicks and taps on a thin line.
HIT_WEIGHT: dict[str, float] = {"lebanon_border_barrier": 18.0, "line": 12.0}

#: The page's title and the one line under it (constant text, never data).
PAGE_TITLE = "Border zones: the Israel–Syria–Lebanon frontier, measured"
STAND_IN_NOTE = (
    "The lines are public stand-ins, not the official maps: each is as far off as its "
    "source states."
)


def _fallback_colour(key: str) -> str:
    return style.fallback_colour(key)


def _place_radius(population: float) -> float:
    if population >= 1_000_000:
        return 8.0
    if population >= 100_000:
        return 6.0
    if population >= 20_000:
        return 4.5
    return 3.0


def layer_style(layer: DisplayLayer, properties: dict[str, Any]) -> dict[str, Any]:
    """Return the Leaflet path style of one feature of ``layer``.

    Styled by layer key and, for zones, by id and family, with a fallback
    colour for zones users add. Parts of a zone beyond its territory
    (``part == "outside"``) are paler.

    Examples
    --------
    >>> from geo.render.display import DisplayLayer
    >>> fc = {"type": "FeatureCollection", "features": []}
    >>> layer_style(DisplayLayer("golan_line_a", "Line A", "Lines", "line", fc), {})
    {'color': '#882255', 'weight': 3.5}
    """
    out = _base_style(layer, properties)
    if properties.get("part") == "outside" and layer.geometry == "polygon":
        out = dict(style.BEYOND_TERRITORY_STYLE)
    if layer.key.startswith("zone:") and out.get("fillOpacity") == 0:
        out["fill"] = False  # an outline only: its inside takes no clicks from the zones under it
    return out


def _base_style(layer: DisplayLayer, properties: dict[str, Any]) -> dict[str, Any]:
    key = layer.key
    if key in style.LINE_STYLES:
        return dict(style.LINE_STYLES[key])
    if key == "countries":
        return dict(_COUNTRIES)
    if key in style.AREA_STYLES:
        return dict(style.AREA_STYLES[key])
    if key == "points":
        return dict(_POINTS)
    derived = style.derived_style(key)
    if derived is not None:
        return derived
    if key == "lebanon_border_barrier":
        return dict(style.BARRIER_STYLES.get(_kind(properties), style.BARRIER_STYLES[""]))
    if key == "timeline_positions":
        kind = str(properties.get("_kind", ""))
        return {**style.POSITION_STYLES.get(kind, style.POSITION_STYLES[""]), "radius": 5.5}
    if key == "places":
        base = style.LANDMARK_STYLE if properties.get("kind") == "landmark" else style.PLACE_STYLE
        radius = 5.0 if properties.get("kind") == "landmark" else None
        pop = float(properties.get("population") or 0)
        return {**base, "radius": radius or _place_radius(pop)}
    if properties.get("family") == "1974":
        return style.band_style(float(properties.get("inner_km") or 0.0))
    colour = _fallback_colour(key)
    if layer.geometry == "line":
        return {"color": colour, "weight": 3}
    if layer.geometry == "point":
        return {"color": colour, "weight": 1, "fillColor": colour, "fillOpacity": 0.9, "radius": 4}
    return {"color": colour, "weight": 2, "fillColor": colour, "fillOpacity": 0.25}


def short_credits(attributions: tuple[str, ...] | list[str]) -> list[str]:
    """The attribution line's credits: each source once, by its short name.

    The full texts (licence, version, via which package) are in the page's
    sources panel; the line keeps one mention of each source.

    Examples
    --------
    >>> short_credits(["© OpenStreetMap contributors (ODbL 1.0), region borders",
    ...                "Made with Natural Earth (naturalearthdata.com), v4.1",
    ...                "from Natural Earth 1:10m admin-1", "GeoNames (geonames.org), CC BY 4.0"])
    ['© OpenStreetMap contributors', 'Natural Earth', 'GeoNames']
    """
    out: dict[str, None] = {}
    for text in attributions:
        short = text.split(" (")[0].split(", ")[0].strip()
        for name in ("OpenStreetMap", "Natural Earth", "GeoNames"):
            if name in short:
                short = "© OpenStreetMap contributors" if name == "OpenStreetMap" else name
        if short:
            out[short] = None
    return list(out)


def _kind(properties: dict[str, Any]) -> str:
    kind = str(properties.get("kind", "") or "")
    return kind if kind in style.BARRIER_STYLES else ""


def legend_entries(layer: DisplayLayer) -> list[dict[str, Any]]:
    """Return the legend rows of ``layer``: label, shape and style of each symbol."""
    shape = {"line": "line", "polygon": "area", "point": "point"}[layer.geometry]
    feats = layer.geojson["features"]
    if layer.key == "lebanon_border_barrier":
        kinds = sorted({_kind(f["properties"]) for f in feats})
        return [
            {
                "label": f"Barrier: {kind or 'other'} (schematic)",
                "shape": "line",
                "style": style.BARRIER_STYLES[kind],
            }
            for kind in kinds
        ]
    if layer.key == "timeline_positions":
        kinds = sorted({str(f["properties"].get("_kind", "")) for f in feats})
        return [
            {
                "label": f"Position, {kind} (schematic)",
                "shape": "point",
                "style": layer_style(layer, {"_kind": kind}),
                # shown while a feature of this kind is drawn (the slider's date)
                "match": {"_kind": kind},
            }
            for kind in kinds
        ]
    if layer.key == "places":
        rows = [
            {"label": "Place, sized by population", "shape": "point", "style": style.PLACE_STYLE},
        ]
        if any(f["properties"].get("kind") == "landmark" for f in feats):
            rows.append({"label": "Landmark", "shape": "point", "style": style.LANDMARK_STYLE})
        return rows
    if any(f["properties"].get("family") == "1974" for f in feats):
        bands = sorted(
            {
                (f["properties"].get("inner_km") or 0.0, f["properties"].get("distance_km"))
                for f in feats
            },
            key=lambda b: (b[0], b[1] or 0),
        )
        rows = [
            {
                "label": f"1974 limitation band {inner:g}–{outer:g} km from the Area of Separation"
                if outer is not None
                else f"1974 limitation band from {inner:g} km",
                "shape": "area",
                "style": style.band_style(float(inner)),
            }
            for inner, outer in bands
        ]
        return rows + _beyond_entry(layer, "1974 bands")
    props = feats[0]["properties"] if feats else {}
    rows = [{"label": layer.title, "shape": shape, "style": layer_style(layer, props)}]
    return rows + _beyond_entry(layer, layer.title)


def points_legend(points: dict[str, Any]) -> list[dict[str, Any]]:
    """The legend rows of the user's points: one per zone present, then "no zone".

    Each point takes the colour of its innermost zone (``geo.classify``'s
    ``zone``: the zone whose outer edge is nearest its reference line, then the
    narrowest band), so the rows name that zone.
    """
    rows = []
    for entry in points["zoneList"]:
        label = f"Your points in {entry['title']}" if entry["id"] else "Your points in no zone"
        colour = entry["colour"]
        rows.append(
            {
                "label": f"{label} ({entry['count']:,})",
                "shape": "point",
                "style": {**points["style"], "fillColor": colour},
                "zone": entry["id"],
            }
        )
    return rows


def _beyond_entry(layer: DisplayLayer, what: str) -> list[dict[str, Any]]:
    """The legend row for zones' parts beyond their territory, if ``layer`` has one."""
    if any(f["properties"].get("part") == "outside" for f in layer.geojson["features"]):
        return [
            {
                "label": "Part of a zone beyond its territory (Lebanon, Jordan)",
                "shape": "line",
                "style": dict(style.BEYOND_TERRITORY_STYLE),
            }
        ]
    return []


@contextlib.contextmanager
def _stable_ids(seed: str) -> Iterator[None]:
    """Give folium/branca elements ids from a counter (prefixed by ``seed``), not urandom."""
    counter = itertools.count()
    original = Element.__dict__["_generate_id"]

    def generate(cls: type) -> str:
        return f"{seed}{next(counter):06d}"

    Element._generate_id = classmethod(generate)  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        Element._generate_id = original  # type: ignore[method-assign]


#: The page's own scripts (``geo/render/static``), in load order. ``borderzones.js``
#: defines ``window.BorderZones``; each later file adds one tool by pushing a
#: function ``(map, config)`` onto ``BorderZones.extensions``, called at the end of
#: ``BorderZones.init``, before the map is marked ready.
SCRIPTS: tuple[str, ...] = (
    "borderzones.js",
    "search.js",
    "rings.js",
    "download.js",
    "share.js",
    "timeline.js",
    "points.js",
)

#: Scripts that only a page with some data needs: script -> key of the page data
#: (``#bz-data``) it draws; left out of a page where that key is empty.
SCRIPT_DATA: dict[str, str] = {"points.js": "points"}


def _static(name: str) -> str:
    return resources.files("geo.render").joinpath("static", name).read_text(encoding="utf-8")


def _page_script(name: str) -> str:
    r"""A page script as the page carries it: without its comment lines and indentation.

    Only whole lines go: a line that is a ``//`` comment, the lines of a ``/* … */``
    comment that starts a line (unless code follows its end on that line), and
    blank lines; every other line is kept, stripped of its leading and trailing
    blanks, so line breaks (and so automatic semicolons) stay where they were.
    The page's size budget needs it (tests/test_webmap.py); the files keep their
    comments.

    Examples
    --------
    >>> _page_script_text("/* a\n * b */\n  var x = 1;  // one\n\n  // two\n  f(x);\n")
    'var x = 1;  // one\nf(x);\n'
    """
    return _page_script_text(_static(name))


def _page_script_text(text: str) -> str:
    out: list[str] = []
    in_comment = False
    for line in text.splitlines():
        stripped = line.strip()
        if in_comment:
            end = stripped.find("*/")
            if end < 0:
                continue
            in_comment = False
            stripped = stripped[end + 2 :].strip()
            if not stripped:
                continue
        elif stripped.startswith("//"):
            continue
        elif stripped.startswith("/*"):
            end = stripped.find("*/", 2)
            if end < 0:
                in_comment = True
                continue
            if not stripped[end + 2 :].strip():
                continue
        if stripped:
            out.append(stripped)
    return "\n".join(out) + "\n"


_SURROGATE = re.compile("[\ud800-\udfff]")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _script_json(obj: Any) -> str:
    r"""JSON safe to embed in a ``<script>``: no ``<``, ``>``, ``&``, line separators.

    A lone surrogate (which a JSON file may hold, and UTF-8 cannot) is written as
    its ``\uXXXX`` escape, so the page stays valid UTF-8 and the browser gets the
    same UTF-16 code unit back.

    Examples
    --------
    >>> _script_json({"t": "</script>\u2028&\ud800"})
    '{"t":"\\u003c/script\\u003e\\u2028\\u0026\\ud800"}'
    """
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, esc in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, esc)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


class _Verbatim(Element):
    """A piece of the page written exactly as given: never made into a template."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Verbatim"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        """Return the text, as is."""
        return self.text


class _BorderZones(MacroElement):
    """Everything of the package's own on the page, written verbatim (no template).

    The page header gets the pinned, integrity-checked scripts and stylesheets
    (:func:`geo.render.assets.tags`) and ``geo/render/static``; the body gets all map data as
    one ``<script type="application/json" id="bz-data">``; the map script gets
    one call, ``BorderZones.init(map, bases)``, which builds the layers, the
    grouped layer control, the legend and the tools from that JSON.
    """

    def __init__(self, data: dict[str, Any], bases: list[tuple[str, folium.TileLayer | None]]):
        super().__init__()
        self._name = "BorderZones"
        self.data = data
        self.bases = bases

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        """Add the raw elements to the page (MacroElement would re-template them)."""
        figure = self.get_root()
        assert isinstance(figure, folium.Figure)
        for name, tag in assets.tags():
            figure.header.add_child(_Verbatim(tag), name=name)
        css = _static("borderzones.css").replace("</", "<\\/")
        figure.header.add_child(_Verbatim(f"<style>{css}</style>"), name="borderzones_css")
        for script in SCRIPTS:
            if script in SCRIPT_DATA and not self.data.get(SCRIPT_DATA[script]):
                continue  # the default map carries no points, nor their script
            js = re.sub(r"</(script)", r"<\\/\1", _page_script(script), flags=re.IGNORECASE)
            name = "bz_" + script.removesuffix(".js").replace("-", "_")
            figure.header.add_child(_Verbatim(f"<script>{js}</script>"), name=name)
        figure.html.add_child(
            _Verbatim(
                '<script type="application/json" id="bz-data">'
                + _script_json(self.data)
                + "</script>"
            ),
            name="bz_data",
        )
        parent = self._parent
        assert parent is not None
        names = [parent.get_name()] + [layer.get_name() for _, layer in self.bases if layer]
        if not all(_IDENT.match(name) for name in names):  # generated by us, never data
            raise ValueError(f"unexpected element names {names}")
        bases = ", ".join(
            f"{_script_json(label)}: {layer.get_name() if layer else 'null'}"
            for label, layer in self.bases
        )
        figure.script.add_child(
            _Verbatim(f"BorderZones.init({parent.get_name()}, {{{bases}}});\n"),
            name=self.get_name(),
        )


class _Page(folium.Figure):
    """The page: ``lang`` and a ``<title>`` (constants); offline, every asset inlined.

    Its template is constant source (no data reaches it). With ``offline`` the
    rendered page, and so a notebook's view of it (``_repr_html_``), carries
    every script and stylesheet inline (:func:`geo.render.assets.inline_html`).
    """

    _template = jinja2.Template(
        "<!DOCTYPE html>\n"
        '<html lang="en">\n'
        "<head>\n"
        "<title>{{this.title|e}}</title>\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "    {{this.header.render(**kwargs)}}\n"
        "</head>\n"
        "<body>\n"
        "    {{this.html.render(**kwargs)}}\n"
        "</body>\n"
        "<script>\n"
        "    {{this.script.render(**kwargs)}}\n"
        "</script>\n"
        "</html>\n",
    )

    def __init__(self, *, offline: bool) -> None:
        super().__init__(title=PAGE_TITLE)
        self.offline = offline

    def render(self, **kwargs: Any) -> str:
        """Return the page; offline, with every asset inlined."""
        page = super().render(**kwargs)
        return assets.inline_html(page) if self.offline else page


#: Leaflet pane of each kind of layer, drawn bottom to top.
PANES: tuple[str, ...] = ("context", "zones", "lines", "barrier", "points", "markers")


def _pane(layer: DisplayLayer) -> str:
    if layer.group == "Your points":
        return "markers"
    if layer.geometry == "point":
        return "points"
    return {"Zones": "zones", "Lines": "lines", "Border barrier": "barrier"}.get(
        layer.group, "context"
    )


def _encode_popups(features: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Features with compact popups, and the tables to read them.

    Each feature's ``_popup`` rows (``[label, value]``) become ``[shape, v1, v2, ...]``:
    ``shape`` indexes ``shapes`` (the list of labels, written once per layer), and a
    value written more than once in the layer is an index into ``values``. Only the
    page's own properties (``_tooltip``, ``_popup``, a non-empty ``_role``) are
    kept: styles are resolved already (``featureStyle``). The page's script reads
    popups back (``BZ.popupRows``; in Python :func:`popup_rows`).

    Examples
    --------
    >>> feats = [{"properties": {"_popup": [["Side", "Syria"], ["Km", "1"]], "_role": ""}},
    ...          {"properties": {"_popup": [["Side", "Syria"], ["Km", "2"]], "_role": "x"}}]
    >>> out, tables = _encode_popups(feats)
    >>> [f["properties"]["_popup"] for f in out], out[1]["properties"]["_role"], tables
    ([[0, 0, '1'], [0, 0, '2']], 'x', {'shapes': [['Side', 'Km']], 'values': ['Syria']})
    >>> "_role" in out[0]["properties"]
    False
    """
    counts: dict[str, int] = {}
    for feature in features:
        for _, value in feature["properties"].get("_popup") or []:
            counts[str(value)] = counts.get(str(value), 0) + 1
    values = sorted(v for v, n in counts.items() if n > 1 and len(v) > 1)
    value_index = {v: i for i, v in enumerate(values)}
    shapes: list[list[str]] = []
    shape_index: dict[tuple[str, ...], int] = {}
    out: list[dict[str, Any]] = []
    for feature in features:
        props = {k: v for k, v in feature["properties"].items() if k.startswith("_")}
        rows = props.pop("_popup", None) or []
        labels = tuple(str(label) for label, _ in rows)
        if labels not in shape_index:
            shape_index[labels] = len(shapes)
            shapes.append(list(labels))
        props["_popup"] = [shape_index[labels]] + [value_index.get(str(v), str(v)) for _, v in rows]
        if not props.get("_role"):
            props.pop("_role", None)
        out.append({**feature, "properties": props})
    return out, {"shapes": shapes, "values": values}


def popup_rows(spec: dict[str, Any], feature: dict[str, Any]) -> list[tuple[str, str]]:
    """The ``[label, value]`` rows of a page feature's popup (see :func:`_encode_popups`).

    ``spec`` is the feature's layer as the page's JSON holds it.
    """
    enc = feature["properties"].get("_popup") or []
    if not enc:
        return []
    labels = spec["popup"]["shapes"][enc[0]]
    values = spec["popup"]["values"]
    return [
        (label, values[v] if isinstance(v, int) else v)
        for label, v in zip(labels, enc[1:], strict=True)
    ]


def _layer_data(layer: DisplayLayer) -> dict[str, Any]:
    """One layer as the page's script builds it: GeoJSON, styles, control name.

    ``featureStyle[i]`` is the index in ``styles`` of the ``i``-th feature's style;
    popups are encoded by :func:`_encode_popups`.
    """
    styles: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    by_feature: list[int] = []
    for feature in layer.geojson["features"]:
        one = layer_style(layer, feature["properties"])
        key = json.dumps(one, sort_keys=True)
        if key not in index:
            index[key] = len(styles)
            styles.append(one)
        by_feature.append(index[key])
    hit = HIT_WEIGHT.get(layer.key, HIT_WEIGHT["line"] if layer.geometry == "line" else 0.0)
    features, popups = _encode_popups(list(layer.geojson["features"]))
    return {
        "key": layer.key,
        "title": layer.title,
        # the layer control inserts names as HTML: escaped here, once
        "controlName": html.escape(layer.title),
        "group": layer.group,
        "geometry": layer.geometry,
        "pane": _pane(layer),
        "show": layer.show,
        "geojson": {**layer.geojson, "features": features},
        "popup": popups,
        "styles": styles,
        "featureStyle": by_feature,
        "provenance": [list(row) for row in layer.provenance],
        "displayToleranceM": layer.simplified_m,
        "hitWeight": hit,
        # features with `_when`: redrawn for the slider's date (timeline.js)
        "dated": layer.dated,
    }


def _build(data: MapData, basemap: str, offline: bool) -> folium.Map:
    m = folium.Map(
        location=None,
        tiles=None,
        control_scale=True,
        zoom_control=False,  # the page's script adds it, under the title
        prefer_canvas=False,
        zoom_snap=0.25,
    )
    m.default_js = []  # the scripts and stylesheets come with integrity, from _BorderZones
    m.default_css = []
    bases: list[tuple[str, folium.TileLayer | None]] = []
    for key, (label, url, attr) in BASEMAPS.items():
        if offline and url is not None:
            continue  # an offline page offers only what works offline
        if url is None:
            bases.append((label, None))
            continue
        tile = folium.TileLayer(
            tiles=url,
            attr=attr,
            name=label,
            overlay=False,
            control=False,
            show=key == basemap,
            max_zoom=19,
        )
        tile.add_to(m)
        bases.append((label, tile))
    # Legend rows: most salient first (lines, zones, barrier, points, context).
    order = {"Lines": 0, "Zones": 1, "Border barrier": 2, "Your points": 3, "Context": 4}
    legend: list[dict[str, Any]] = []
    seen: dict[str, dict[str, Any]] = {}
    for layer in sorted(data.layers, key=lambda item: order[item.group]):
        entries = legend_entries(layer)
        if layer.key == "points" and data.points is not None:
            entries = points_legend(data.points)
        for entry in entries:
            key = json.dumps([entry["label"], entry["style"]], sort_keys=True)
            if key in seen:  # one row, shown while any of its layers is
                seen[key]["layers"].append(layer.key)
                continue
            row = {**entry, "layer": layer.key, "layers": [layer.key]}
            seen[key] = row
            legend.append(row)
    (south, west), (north, east) = data.bounds
    roles = {"golan_line_a": "line_a", "golan_line_b": "line_b", "blue_line": "blue_line"}
    lines = [
        {"role": roles[layer.key], "title": layer.title, "accuracy_m": layer.accuracy_m}
        for layer in data.layers
        if layer.key in roles
    ]
    page_data: dict[str, Any] = {
        "title": PAGE_TITLE,
        "note": STAND_IN_NOTE,
        "offline": offline,
        "lines": lines,
        "layers": [_layer_data(layer) for layer in data.layers],
        "groups": [g for g in display.GROUPS if any(x.group == g for x in data.layers)],
        "panes": list(PANES),
        "legend": legend,
        # the attribution control inserts HTML: escaped here, once
        "attributions": [html.escape(text) for text in short_credits(data.attributions)],
        "credits": list(data.attributions),
        "basemap": basemap,
        "noBasemap": BASEMAPS["none"][0],
        # basemap key -> label of those offered (permalinks name the key)
        "basemaps": {
            key: label
            for key, (label, url, _) in BASEMAPS.items()
            if not (offline and url is not None)
        },
        "bounds": [[south, west], [north, east]],
        # dated items for the time slider (issue 14): date ranges, no geometry
        "timeline": data.timeline,
        "points": data.points,
        # the search box's index (names -> places), and what provenance rows mean
        "search": data.search,
        "provenanceFields": display.PROVENANCE_FIELDS,
    }
    _BorderZones(page_data, bases).add_to(m)
    m.add_to(_Page(offline=offline))
    return m


def build_map(
    *,
    points: gpd.GeoDataFrame | display.PointTable | None = None,
    offline: bool = False,
    basemap: Basemap | None = None,
    data: MapData | None = None,
) -> folium.Map:
    """Build the interactive map.

    Parameters
    ----------
    points : geopandas.GeoDataFrame or geo.render.display.PointTable, optional
        Points to overlay (classified unless ``geo.classify`` already was),
        drawn on canvas, coloured by their innermost zone, filterable by
        zone and date, with all their fields in popups and a CSV download
        (see :func:`geo.render.display.encode_points`).
    offline : bool, default False
        Made for use without network: the vector context only (no tile
        basemap, which would need one), and every script and stylesheet
        inlined in the page, in a notebook too.
    basemap : {"streets", "satellite", "light", "dark", "none"}, optional
        Basemap shown on opening; ``"streets"`` (``"none"`` when offline).
        Every basemap stays selectable in the layer control (online).
    data : geo.render.display.MapData, optional
        Prepared data; :func:`geo.render.display.prepare` by default.

    Returns
    -------
    folium.Map
        Shows inline in a notebook; ``m.get_root().render()`` gives the page.
    """
    if basemap is None:
        basemap = "none" if offline else "streets"
    if basemap not in BASEMAPS:
        from geo.errors import UnknownNameError

        raise UnknownNameError("basemap", basemap, list(BASEMAPS))
    if offline and basemap != "none":
        raise ValueError(f"an offline map has no tile basemap; basemap {basemap!r} needs a network")
    if data is None:
        data = display.prepare(points)
    elif points is not None:
        raise ValueError("give either points or data, not both")
    seed = hashlib.sha256(repr((data, basemap)).encode()).hexdigest()[:8]
    with _stable_ids(seed):
        return _build(data, basemap, offline)


def render_html(m: folium.Map, *, offline: bool = False) -> str:
    """Return the page of ``m``; with ``offline`` every asset inlined."""
    page = m.get_root().render()
    if offline:  # a page built offline is inlined already; this inlines one built online
        page = assets.inline_html(page)
    return page


def save_map(
    path: str | os.PathLike[str],
    *,
    points: gpd.GeoDataFrame | display.PointTable | None = None,
    offline: bool = False,
    basemap: Basemap | None = None,
) -> Path:
    """Write the map to ``path`` atomically and return the path.

    The same inputs give the same bytes. With ``offline=True`` the page is
    self-contained (scripts, stylesheets and their images inlined from the
    asset cache, see :mod:`geo.render.assets`) and opens without any network.

    Parameters
    ----------
    path : path-like
        Output HTML file; its folder must exist.
    points : geopandas.GeoDataFrame, optional
        Classified points to overlay (see :func:`build_map`).
    offline : bool, default False
        Write one self-contained file.
    basemap : str, optional
        Basemap shown on opening (see :func:`build_map`).

    Returns
    -------
    pathlib.Path
        The written file.
    """
    page = render_html(build_map(points=points, offline=offline, basemap=basemap), offline=offline)
    return write_text(path, page)
