"""The interactive map: one HTML page with every layer, a legend and a distance probe.

:func:`build_map` renders what :func:`geo.display.prepare` hands it with
folium and a small script of the package's own (``geo/static``); it computes no
geometry. :func:`save_map` writes the page atomically, byte-for-byte the same on
every build, and with ``offline=True`` self-contained (see :mod:`geo.assets`).

Examples
--------
>>> from geo.webmap import build_map
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
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar, Literal

import folium
import geopandas as gpd
from branca.element import Element, MacroElement
from folium.template import Template
from folium.utilities import JsCode

from geo import assets, display
from geo._files import write_text
from geo.display import DisplayLayer, MapData

__all__ = ["BASEMAPS", "Basemap", "build_map", "layer_style", "legend_entries", "save_map"]

Basemap = Literal["streets", "satellite", "light", "dark", "none"]

#: Basemaps: key -> (label, tile URL or None, attribution).
BASEMAPS: dict[str, tuple[str, str | None, str]] = {
    "streets": (
        "Streets",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "&copy; OpenStreetMap contributors",
    ),
    "satellite": (
        "Satellite",
        "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
        "Tiles &copy; Esri &mdash; Esri, Maxar, Earthstar Geographics, GIS User Community",
    ),
    "light": (
        "Light",
        "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        "&copy; OpenStreetMap contributors &copy; CARTO",
    ),
    "dark": (
        "Dark",
        "https://{s}.basemaps.cartocdn.com/dark_all/{z}/{x}/{y}{r}.png",
        "&copy; OpenStreetMap contributors &copy; CARTO",
    ),
    "none": ("None (vector context only)", None, ""),
}

_STYLES: dict[str, dict[str, Any]] = {
    "golan_line_a": {"color": "#6a1b9a", "weight": 3.5},
    "golan_line_b": {"color": "#c81e1e", "weight": 3, "dashArray": "8 5"},
    "blue_line": {"color": "#0a9fd8", "weight": 3.5, "dashArray": "12 4 2 4"},
    "undof_area_of_separation": {
        "color": "#2c7fb8",
        "weight": 1.5,
        "fillColor": "#5aa9e6",
        "fillOpacity": 0.5,
    },
    "countries": {
        "color": "#6f6f6f",
        "weight": 1,
        "fillColor": "#f3efe4",
        "fillOpacity": 0.3,
        "className": "bz-country",
    },
    "syria_governorates": {
        "color": "#8a8a8a",
        "weight": 1,
        "dashArray": "3 3",
        "fillOpacity": 0,
    },
    "zone:granted_5km": {
        "color": "#b2182b",
        "weight": 2,
        "fillColor": "#d6604d",
        "fillOpacity": 0.5,
    },
    "zone:requested_not_granted": {
        "color": "#e08214",
        "weight": 1,
        "fillColor": "#fdb863",
        "fillOpacity": 0.32,
    },
    "zone:requested_60km": {
        "color": "#e08214",
        "weight": 2.5,
        "dashArray": "10 6",
        "fillOpacity": 0,
    },
    "points": {
        "color": "#000",
        "weight": 2,
        "fillColor": "#ffd400",
        "fillOpacity": 1,
        "radius": 6,
    },
}
_BARRIER: dict[str, dict[str, Any]] = {
    "smart fence": {"color": "#111111", "weight": 3, "dashArray": "2 4"},
    "concrete wall": {"color": "#7a5a2b", "weight": 5},
    "": {"color": "#444444", "weight": 3, "dashArray": "6 3"},
}
_BAND = {"color": "#1b7837", "weight": 1, "dashArray": "4 3", "fillColor": "#5aae61"}
_BAND_OPACITY = {0.0: 0.38, 10.0: 0.24, 20.0: 0.12}
_PALETTE = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d")
_PLACE = {"color": "#333333", "weight": 1, "fillColor": "#ffffff", "fillOpacity": 0.9}
_LANDMARK = {"color": "#6a3d9a", "weight": 1.5, "fillColor": "#cab2d6", "fillOpacity": 1}


def _fallback_colour(key: str) -> str:
    return _PALETTE[int(hashlib.sha256(key.encode()).hexdigest(), 16) % len(_PALETTE)]


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
    >>> from geo.display import DisplayLayer
    >>> fc = {"type": "FeatureCollection", "features": []}
    >>> layer_style(DisplayLayer("golan_line_a", "Line A", "Lines", "line", fc), {})
    {'color': '#6a1b9a', 'weight': 3.5}
    """
    style = _base_style(layer, properties)
    if properties.get("part") == "outside" and "fillOpacity" in style:
        style["fillOpacity"] = round(style["fillOpacity"] * 0.45, 3)
        style["opacity"] = 0.6
    return style


def _base_style(layer: DisplayLayer, properties: dict[str, Any]) -> dict[str, Any]:
    key = layer.key
    if key in _STYLES:
        return dict(_STYLES[key])
    if key == "lebanon_border_barrier":
        return dict(_BARRIER.get(str(properties.get("kind", "")), _BARRIER[""]))
    if key == "places":
        base = _LANDMARK if properties.get("kind") == "landmark" else _PLACE
        radius = 5.0 if properties.get("kind") == "landmark" else None
        pop = float(properties.get("population") or 0)
        return {**base, "radius": radius or _place_radius(pop)}
    if properties.get("family") == "1974":
        inner = float(properties.get("inner_km") or 0.0)
        return {**_BAND, "fillOpacity": _BAND_OPACITY.get(inner, 0.2)}
    colour = _fallback_colour(key)
    if layer.geometry == "line":
        return {"color": colour, "weight": 3}
    if layer.geometry == "point":
        return {"color": colour, "weight": 1, "fillColor": colour, "fillOpacity": 0.9, "radius": 4}
    return {"color": colour, "weight": 2, "fillColor": colour, "fillOpacity": 0.25}


def legend_entries(layer: DisplayLayer) -> list[dict[str, Any]]:
    """Return the legend rows of ``layer``: label, shape and style of each symbol."""
    shape = {"line": "line", "polygon": "area", "point": "point"}[layer.geometry]
    feats = layer.geojson["features"]
    if layer.key == "lebanon_border_barrier":
        kinds = sorted({str(f["properties"].get("kind", "")) for f in feats})
        return [
            {
                "label": f"Barrier: {kind or 'other'} (schematic)",
                "shape": "line",
                "style": _BARRIER.get(kind, _BARRIER[""]),
            }
            for kind in kinds
        ]
    if layer.key == "places":
        rows = [
            {"label": "Place, sized by population", "shape": "point", "style": _PLACE},
        ]
        if any(f["properties"].get("kind") == "landmark" for f in feats):
            rows.append({"label": "Landmark", "shape": "point", "style": _LANDMARK})
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
                "style": {**_BAND, "fillOpacity": _BAND_OPACITY.get(float(inner), 0.2)},
            }
            for inner, outer in bands
        ]
        return rows + _beyond_entry(layer, "1974 bands")
    props = feats[0]["properties"] if feats else {}
    rows = [{"label": layer.title, "shape": shape, "style": layer_style(layer, props)}]
    return rows + _beyond_entry(layer, layer.title)


def _beyond_entry(layer: DisplayLayer, what: str) -> list[dict[str, Any]]:
    """A legend row for the paler fill of a zone beyond its territory, if it has one."""
    for f in layer.geojson["features"]:
        if f["properties"].get("part") == "outside":
            style = layer_style(layer, f["properties"])
            if not style.get("fillOpacity"):
                return []  # drawn as an outline only: the row above says it all
            return [{"label": f"{what}, beyond the territory", "shape": "area", "style": style}]
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


def _static(name: str) -> str:
    return resources.files("geo").joinpath("static", name).read_text(encoding="utf-8")


def _script_json(obj: Any) -> str:
    """JSON safe to embed in a ``<script>``: no ``<``, ``>``, ``&`` or line separators."""
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, esc in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, esc)
    return text


class _Controls(MacroElement):
    """Layer control (grouped), fullscreen, and the package's own UI (legend, probe…)."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>{{ this.css }}</style>
        <script>{{ this.js }}</script>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var none = L.layerGroup();
            var bases = {
            {%- for label, layer in this.bases %}
                {{ label|tojson }}: {{ layer.get_name() if layer else "none" }},
            {%- endfor %}
            };
            {%- if this.basemap_none %}
            none.addTo(map);
            {%- endif %}
            var groups = {
            {%- for group, members in this.groups %}
                {{ group|tojson }}: {
                {%- for label, layer in members %}
                    {{ label|tojson }}: {{ layer.get_name() }},
                {%- endfor %}
                },
            {%- endfor %}
            };
            var layerVars = {
            {%- for key, layer in this.layer_vars %}
                {{ key|tojson }}: {{ layer.get_name() }},
            {%- endfor %}
            };
            L.control.groupedLayers(bases, groups, {collapsed: false, position: "topright"})
                .addTo(map);
            L.control.fullscreen({position: "topleft", title: "Full screen",
                                  titleCancel: "Leave full screen"}).addTo(map);
            {%- for text in this.attributions %}
            map.attributionControl.addAttribution({{ text|tojson }});
            {%- endfor %}
            BorderZones.init(map, {{ this.config }}, layerVars, bases);
        })();
        {% endmacro %}
        """
    )

    default_js: ClassVar[list[tuple[str, str]]] = [
        (name, url) for name, url in assets.JS if name != "leaflet"
    ]
    default_css: ClassVar[list[tuple[str, str]]] = [
        (name, url) for name, url in assets.CSS if name != "leaflet_css"
    ]

    def __init__(
        self,
        *,
        bases: list[tuple[str, folium.TileLayer | None]],
        groups: list[tuple[str, list[tuple[str, folium.GeoJson]]]],
        layer_vars: list[tuple[str, folium.GeoJson]],
        config: dict[str, Any],
        attributions: list[str],
        basemap_none: bool,
    ) -> None:
        super().__init__()
        self._name = "BorderZonesControls"
        self.bases = bases
        self.groups = groups
        self.layer_vars = layer_vars
        self.config = _script_json(config)
        self.attributions = attributions
        self.basemap_none = basemap_none
        self.css = _static("borderzones.css").replace("</", "<\\/")
        self.js = _static("borderzones.js").replace("</script", "<\\/script")

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        """Add the extra scripts and stylesheets to the page header, then render."""
        figure = self.get_root()
        assert isinstance(figure, folium.Figure)
        for name, url in self.default_js:
            figure.header.add_child(folium.JavascriptLink(url), name=name)
        for name, url in self.default_css:
            figure.header.add_child(folium.CssLink(url), name=name)
        super().render(**kwargs)


def _geojson_layer(layer: DisplayLayer) -> folium.GeoJson:
    def style(feature: dict[str, Any]) -> dict[str, Any]:
        return layer_style(layer, feature["properties"])

    marker = folium.CircleMarker(radius=4, fill=True) if layer.geometry == "point" else None
    return folium.GeoJson(
        layer.geojson,
        name=html.escape(layer.title),
        style_function=style,
        on_each_feature=JsCode(
            "function (feature, layer) { BorderZones.feature("
            + _script_json(layer.key)
            + ", feature, layer); }"
        ),
        marker=marker,
        control=False,
        show=layer.show,
        overlay=True,
        smooth_factor=0.5,
    )


def _build(data: MapData, basemap: str) -> folium.Map:
    m = folium.Map(
        location=None,
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
        zoom_snap=0.25,
    )
    m.default_js = [(n, u) for n, u in assets.JS if n == "leaflet"]
    m.default_css = [(n, u) for n, u in assets.CSS if n == "leaflet_css"]
    bases: list[tuple[str, folium.TileLayer | None]] = []
    for key, (label, url, attr) in BASEMAPS.items():
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
    groups: dict[str, list[tuple[str, folium.GeoJson]]] = {g: [] for g in display.GROUPS}
    layer_vars: list[tuple[str, folium.GeoJson]] = []
    config: dict[str, Any] = {"layers": {}, "legend": [], "noBasemap": BASEMAPS["none"][0]}
    for layer in data.layers:
        gj = _geojson_layer(layer)
        gj.add_to(m)
        groups[layer.group].append((html.escape(layer.title), gj))
        layer_vars.append((layer.key, gj))
        config["layers"][layer.key] = {
            "title": layer.title,
            "provenance": [list(row) for row in layer.provenance],
        }
    # Legend rows: most salient first (lines, zones, barrier, points, context).
    order = {"Lines": 0, "Zones": 1, "Border barrier": 2, "Your points": 3, "Context": 4}
    for layer in sorted(data.layers, key=lambda item: order[item.group]):
        for entry in legend_entries(layer):
            config["legend"].append({**entry, "layer": layer.key})
    _Controls(
        bases=bases,
        groups=[(g, members) for g, members in groups.items() if members],
        layer_vars=layer_vars,
        config=config,
        attributions=[html.escape(text) for text in data.attributions],
        basemap_none=basemap == "none",
    ).add_to(m)
    (south, west), (north, east) = data.bounds
    m.fit_bounds(
        [[south, west], [north, east]], padding_top_left=(10, 10), padding_bottom_right=(330, 10)
    )
    return m


def build_map(
    *,
    points: gpd.GeoDataFrame | None = None,
    offline: bool = False,
    basemap: Basemap | None = None,
    data: MapData | None = None,
) -> folium.Map:
    """Build the interactive map.

    Parameters
    ----------
    points : geopandas.GeoDataFrame, optional
        Points already classified by ``geo.classify``, overlaid with
        all their fields in popups.
    offline : bool, default False
        Made for use without network: opens on no basemap (vector context
        only). :func:`save_map` with ``offline=True`` also inlines the assets.
    basemap : {"streets", "satellite", "light", "dark", "none"}, optional
        Basemap shown on opening; ``"streets"`` (``"none"`` when offline).
        Every basemap stays selectable in the layer control.
    data : geo.display.MapData, optional
        Prepared data; :func:`geo.display.prepare` by default.

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
    if data is None:
        data = display.prepare(points)
    elif points is not None:
        raise ValueError("give either points or data, not both")
    seed = hashlib.sha256(repr((data, basemap)).encode()).hexdigest()[:8]
    with _stable_ids(seed):
        return _build(data, basemap)


def render_html(m: folium.Map, *, offline: bool = False) -> str:
    """Return the page of ``m``; with ``offline`` every asset inlined."""
    page = m.get_root().render()
    if offline:
        page = assets.inline_html(page)
    return page


def save_map(
    path: str | os.PathLike[str],
    *,
    points: gpd.GeoDataFrame | None = None,
    offline: bool = False,
    basemap: Basemap | None = None,
) -> Path:
    """Write the map to ``path`` atomically and return the path.

    The same inputs give the same bytes. With ``offline=True`` the page is
    self-contained (scripts, stylesheets and their images inlined from the
    asset cache, see :mod:`geo.assets`) and opens without any network.

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
