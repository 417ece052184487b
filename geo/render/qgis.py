"""QGIS styles for the GeoPackage export: QML and SLD text built from the map's palette.

Every colour, width, dash pattern and fill opacity comes from
:mod:`geo.render.style`, so a layer opened in QGIS looks as it does on the
web map and in the print figure: the lines singly, the barrier by ``kind``,
the 1974 Areas of Limitation by inner distance, the 2017 zones by ``id``
(the part of a zone beyond its territory paler, as on the map). Widths and
dashes keep the map's unit, the screen pixel (QGIS' "Pixel" unit).

The functions take plain data (a layer name, its geometry kind and the
distinct attribute values that choose a style) and return text; nothing here
reads a file or computes geometry. :func:`geo.workflows.export_geopackage`
writes the text into the GeoPackage's ``layer_styles`` table, which QGIS
reads when it opens the file.

Examples
--------
>>> rules = style_rules("golan_line_a", "line", [])
>>> rules[0].style["color"]
'#882255'
>>> "SimpleLine" in qml(rules, "line")
True
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from xml.sax.saxutils import escape, quoteattr

from geo.render.style import (
    AREA_STYLES,
    BARRIER_STYLES,
    BEYOND_TERRITORY_FACTOR,
    LANDMARK_STYLE,
    LINE_STYLES,
    PLACE_STYLE,
    ZONE_COLOURS,
    band_style,
    derived_style,
)

__all__ = ["QGIS_VERSION", "Geometry", "Rule", "qml", "sld", "style_rules"]

Geometry = Literal["line", "polygon", "point"]

#: The QGIS version written into the QML header (Debian's current LTR);
#: QGIS 3.x reads it, later versions upgrade it on open.
QGIS_VERSION = "3.22.16-Białowieża"

#: Diameter (px) of a place and a landmark marker: the map's smallest place
#: radius doubled, and its landmark radius doubled.
_PLACE_SIZE = 6.0
_LANDMARK_SIZE = 10.0

#: Leaflet line caps as QGIS names them.
_CAPS = {"round": "round", "butt": "flat", "square": "square"}

#: Outline opacity of a zone's part beyond its territory, as on the map.
_BEYOND_OUTLINE_OPACITY = 0.6


@dataclass(frozen=True)
class Rule:
    """One symbol of a layer's style and the features it applies to."""

    #: Legend label.
    label: str
    #: ``(field, value)`` pairs that must all hold; empty means every feature,
    #: ``None`` every feature no other rule takes (QGIS' ELSE).
    where: tuple[tuple[str, str], ...] | None
    #: Leaflet path options (see :mod:`geo.render.style`), plus ``radius``
    #: for markers and ``opacity`` for the outline.
    style: Mapping[str, Any]


# --------------------------------------------------------------------------
# which style for which features
# --------------------------------------------------------------------------
def style_rules(layer: str, geometry: Geometry, records: Iterable[Mapping[str, Any]]) -> list[Rule]:
    """The rules styling ``layer``, as on the map.

    Parameters
    ----------
    layer : str
        The layer name.
    geometry : {"line", "polygon", "point"}
        Its geometry kind.
    records : iterable of mapping
        The features' attributes (only the fields that choose a style are
        read: ``kind`` for the barrier and places; ``id``, ``title``,
        ``family``, ``inner_km`` and ``part`` for the zones), in layer order.

    Returns
    -------
    list of Rule
        In legend order; a single rule without condition for layers styled
        alike throughout.

    Examples
    --------
    >>> [r.label for r in style_rules("lebanon_border_barrier", "line", [{"kind": "smart fence"}])]
    ['Barrier: smart fence (schematic)', 'Barrier: other (schematic)']
    """
    rows = list(records)
    if layer == "lebanon_border_barrier":
        kinds = sorted({str(r.get("kind") or "") for r in rows} - {""})
        rules = [
            Rule(
                f"Barrier: {k} (schematic)",
                (("kind", k),),
                BARRIER_STYLES.get(k, BARRIER_STYLES[""]),
            )
            for k in kinds
        ]
        return [*rules, Rule("Barrier: other (schematic)", None, BARRIER_STYLES[""])]
    if layer == "places":
        place = {**PLACE_STYLE, "radius": _PLACE_SIZE / 2}
        landmark = {**LANDMARK_STYLE, "radius": _LANDMARK_SIZE / 2}
        return [
            Rule("Landmark", (("kind", "landmark"),), landmark),
            Rule("Place", None, place),
        ]
    if layer == "zones" or any("part" in r and "id" in r for r in rows):
        return _zone_rules(rows)
    if layer in LINE_STYLES:
        return [Rule(layer, (), LINE_STYLES[layer])]
    derived = derived_style(layer)
    if derived is not None:
        return [Rule(layer, (), derived)]
    if layer in AREA_STYLES:
        return [Rule(layer, (), AREA_STYLES[layer])]
    colour = ZONE_COLOURS[0]
    fallback: dict[str, Any] = {"color": colour, "weight": 2}
    if geometry == "polygon":
        fallback.update(fillColor=colour, fillOpacity=0.25)
    elif geometry == "point":
        fallback.update(fillColor=colour, fillOpacity=0.9, radius=4)
    return [Rule(layer, (), fallback)]


def _zone_rules(rows: Sequence[Mapping[str, Any]]) -> list[Rule]:
    seen: dict[str, Mapping[str, Any]] = {}
    parts: dict[str, list[str]] = {}
    for r in rows:
        zid = str(r.get("id"))
        seen.setdefault(zid, r)
        part = str(r.get("part") or "inside")
        if part not in parts.setdefault(zid, []):
            parts[zid].append(part)
    rules = []
    user = 0
    for zid, r in seen.items():
        if f"zone:{zid}" in AREA_STYLES:
            base = dict(AREA_STYLES[f"zone:{zid}"])
        elif str(r.get("family")) == "1974":
            base = band_style(float(r.get("inner_km") or 0.0))
        else:
            colour = ZONE_COLOURS[user % len(ZONE_COLOURS)]
            user += 1
            base = {"color": colour, "weight": 2, "fillColor": colour, "fillOpacity": 0.25}
        title = str(r.get("title") or zid)
        for part in sorted(parts[zid], key=lambda p: (p != "inside", p)):
            style = dict(base)
            label = title
            if part != "inside":
                style["fillOpacity"] = round(
                    float(base.get("fillOpacity", 0)) * BEYOND_TERRITORY_FACTOR, 3
                )
                style["opacity"] = _BEYOND_OUTLINE_OPACITY
                label = f"{title} (beyond its territory)"
            rules.append(Rule(label, (("id", zid), ("part", part)), style))
    return rules


# --------------------------------------------------------------------------
# QML
# --------------------------------------------------------------------------
def _rgba(colour: str, opacity: float = 1.0) -> str:
    text = colour.lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    r, g, b = (int(text[i : i + 2], 16) for i in (0, 2, 4))
    return f"{r},{g},{b},{round(255 * max(0.0, min(1.0, opacity)))}"


def _num(value: float) -> str:
    return f"{float(value):g}"


def _dash(style: Mapping[str, Any]) -> str:
    dash = str(style.get("dashArray") or "")
    return ";".join(_num(float(v)) for v in dash.replace(",", " ").split())


def _props_xml(props: Mapping[str, str], indent: str) -> str:
    # both forms: <Option> (QGIS ≥ 3.26 reads only it) and <prop> (older QGIS)
    option = "".join(
        f'{indent}  <Option name={quoteattr(k)} value={quoteattr(v)} type="QString"/>\n'
        for k, v in props.items()
    )
    prop = "".join(f"{indent}<prop k={quoteattr(k)} v={quoteattr(v)}/>\n" for k, v in props.items())
    return f'{indent}<Option type="Map">\n{option}{indent}</Option>\n{prop}'


def _line_props(style: Mapping[str, Any]) -> dict[str, str]:
    dash = _dash(style)
    opacity = float(style.get("opacity", 1.0))
    return {
        # Leaflet's default caps are round; its "butt" is QGIS' "flat"
        "capstyle": _CAPS.get(str(style.get("lineCap", "round")), "round"),
        "customdash": dash or "5;2",
        "customdash_unit": "Pixel",
        "joinstyle": "round",
        "line_color": _rgba(str(style.get("color", "#333333")), opacity),
        "line_style": "solid",
        "line_width": _num(style.get("weight", 1)),
        "line_width_unit": "Pixel",
        "offset": "0",
        "offset_unit": "Pixel",
        "use_custom_dash": "1" if dash else "0",
    }


def _fill_props(style: Mapping[str, Any]) -> dict[str, str]:
    opacity = float(style.get("fillOpacity", 0.2))
    fill = str(style.get("fillColor") or style.get("color", "#333333"))
    return {
        "color": _rgba(fill, opacity),
        "joinstyle": "round",
        "offset": "0,0",
        "offset_unit": "Pixel",
        "outline_color": "0,0,0,0",
        "outline_style": "no",
        "outline_width": "0",
        "outline_width_unit": "Pixel",
        "style": "solid" if opacity > 0 else "no",
    }


def _marker_props(style: Mapping[str, Any]) -> dict[str, str]:
    fill = str(style.get("fillColor") or style.get("color", "#333333"))
    return {
        "color": _rgba(fill, float(style.get("fillOpacity", 1.0))),
        "joinstyle": "round",
        "name": "circle",
        "outline_color": _rgba(str(style.get("color", "#333333"))),
        "outline_style": "solid",
        "outline_width": _num(style.get("weight", 1)),
        "outline_width_unit": "Pixel",
        "size": _num(2 * float(style.get("radius", 4))),
        "size_unit": "Pixel",
    }


def _symbol_xml(name: str, geometry: Geometry, style: Mapping[str, Any]) -> str:
    kind = {"line": "line", "polygon": "fill", "point": "marker"}[geometry]
    ind = "        "
    out = [
        f'      <symbol type="{kind}" name="{name}" alpha="1" clip_to_extent="1" force_rhr="0">\n'
    ]

    def layer(cls: str, props: Mapping[str, str]) -> None:
        out.append(f'{ind}<layer class="{cls}" enabled="1" pass="0" locked="0">\n')
        out.append(_props_xml(props, ind + "  "))
        out.append(f"{ind}</layer>\n")

    if geometry == "line":
        layer("SimpleLine", _line_props(style))
    elif geometry == "polygon":
        layer("SimpleFill", _fill_props(style))
        layer("SimpleLine", _line_props(style))  # the outline, with the map's dashes
    else:
        layer("SimpleMarker", _marker_props(style))
    out.append("      </symbol>\n")
    return "".join(out)


def _expression(where: tuple[tuple[str, str], ...]) -> str:
    return " AND ".join(f"\"{f}\" = '{v.replace(chr(39), chr(39) * 2)}'" for f, v in where)


def _key(text: str) -> str:
    return "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "border-zones:" + text)) + "}"


def qml(rules: Sequence[Rule], geometry: Geometry, *, layer: str = "") -> str:
    """The QGIS style file (QML) for ``rules``.

    One rule without condition gives a single-symbol renderer; rules on one
    field a categorised renderer; anything else a rule-based renderer.

    Parameters
    ----------
    rules : sequence of Rule
        From :func:`style_rules`.
    geometry : {"line", "polygon", "point"}
        The layer's geometry kind.
    layer : str, optional
        The layer name, to make rule keys unique across layers.

    Returns
    -------
    str
        The QML document.
    """
    symbols = "".join(_symbol_xml(str(i), geometry, r.style) for i, r in enumerate(rules))
    fields = {f for r in rules if r.where for f, _ in r.where}
    single_field = len(fields) == 1 and all(r.where is None or len(r.where) == 1 for r in rules)
    if len(rules) == 1 and not rules[0].where:
        renderer = (
            '  <renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" '
            'forceraster="0">\n'
            f"    <symbols>\n{symbols}    </symbols>\n"
            "    <rotation/>\n    <sizescale/>\n  </renderer-v2>\n"
        )
    elif single_field:
        (attr,) = fields
        cats = "".join(
            f'      <category render="true" symbol="{i}" '
            f"value={quoteattr(r.where[0][1] if r.where else '')} label={quoteattr(r.label)}/>\n"
            for i, r in enumerate(rules)
        )
        renderer = (
            f'  <renderer-v2 type="categorizedSymbol" attr={quoteattr(attr)} symbollevels="0" '
            'enableorderby="0" forceraster="0">\n'
            f"    <categories>\n{cats}    </categories>\n"
            f"    <symbols>\n{symbols}    </symbols>\n"
            "    <rotation/>\n    <sizescale/>\n  </renderer-v2>\n"
        )
    else:
        items = "".join(
            f"      <rule key={quoteattr(_key(f'{layer}:{i}:{r.label}'))} "
            f"filter={quoteattr('ELSE' if r.where is None else _expression(r.where))} "
            f'symbol="{i}" label={quoteattr(r.label)}/>\n'
            for i, r in enumerate(rules)
        )
        renderer = (
            '  <renderer-v2 type="RuleRenderer" symbollevels="0" enableorderby="0" '
            'forceraster="0">\n'
            f"    <rules key={quoteattr(_key(layer + ':root'))}>\n{items}    </rules>\n"
            f"    <symbols>\n{symbols}    </symbols>\n  </renderer-v2>\n"
        )
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
        f'<qgis version="{QGIS_VERSION}" styleCategories="Symbology">\n'
        f"{renderer}"
        "  <blendMode>0</blendMode>\n"
        "  <featureBlendMode>0</featureBlendMode>\n"
        "  <layerOpacity>1</layerOpacity>\n"
        "</qgis>\n"
    )


# --------------------------------------------------------------------------
# SLD (for other GIS; QGIS itself reads the QML)
# --------------------------------------------------------------------------
def _svg(name: str, value: str, indent: str) -> str:
    return f'{indent}<se:SvgParameter name="{name}">{escape(value)}</se:SvgParameter>\n'


def _stroke(style: Mapping[str, Any], indent: str) -> str:
    dash = str(style.get("dashArray") or "").replace(",", " ").split()
    out = [f"{indent}<se:Stroke>\n"]
    out.append(_svg("stroke", str(style.get("color", "#333333")).upper(), indent + "  "))
    if "opacity" in style:
        out.append(_svg("stroke-opacity", _num(style["opacity"]), indent + "  "))
    out.append(_svg("stroke-width", _num(style.get("weight", 1)), indent + "  "))
    if dash:
        out.append(_svg("stroke-dasharray", " ".join(dash), indent + "  "))
    out.append(f"{indent}</se:Stroke>\n")
    return "".join(out)


def _fill(style: Mapping[str, Any], indent: str) -> str:
    opacity = float(style.get("fillOpacity", 0.2))
    if opacity <= 0:
        return ""
    colour = str(style.get("fillColor") or style.get("color", "#333333")).upper()
    return (
        f"{indent}<se:Fill>\n"
        + _svg("fill", colour, indent + "  ")
        + _svg("fill-opacity", _num(opacity), indent + "  ")
        + f"{indent}</se:Fill>\n"
    )


def _symbolizer(geometry: Geometry, style: Mapping[str, Any], i: str) -> str:
    if geometry == "line":
        return f"{i}<se:LineSymbolizer>\n{_stroke(style, i + '  ')}{i}</se:LineSymbolizer>\n"
    if geometry == "polygon":
        body = _fill(style, i + "  ") + _stroke(style, i + "  ")
        return f"{i}<se:PolygonSymbolizer>\n{body}{i}</se:PolygonSymbolizer>\n"
    size = _num(2 * float(style.get("radius", 4)))
    return (
        f"{i}<se:PointSymbolizer>\n{i}  <se:Graphic>\n{i}    <se:Mark>\n"
        f"{i}      <se:WellKnownName>circle</se:WellKnownName>\n"
        + _fill({**style, "fillOpacity": style.get("fillOpacity", 1.0)}, i + "      ")
        + _stroke(style, i + "      ")
        + f"{i}    </se:Mark>\n{i}    <se:Size>{size}</se:Size>\n{i}  </se:Graphic>\n"
        f"{i}</se:PointSymbolizer>\n"
    )


def _filter(where: tuple[tuple[str, str], ...] | None, i: str) -> str:
    if where is None:
        return f"{i}<se:ElseFilter/>\n"
    if not where:
        return ""
    tests = [
        f"<ogc:PropertyIsEqualTo><ogc:PropertyName>{escape(f)}</ogc:PropertyName>"
        f"<ogc:Literal>{escape(v)}</ogc:Literal></ogc:PropertyIsEqualTo>"
        for f, v in where
    ]
    body = tests[0] if len(tests) == 1 else "<ogc:And>" + "".join(tests) + "</ogc:And>"
    return f"{i}<ogc:Filter>{body}</ogc:Filter>\n"


def sld(rules: Sequence[Rule], geometry: Geometry, *, layer: str) -> str:
    """The same style as OGC SLD 1.1 (Symbology Encoding), for other GIS.

    Parameters
    ----------
    rules : sequence of Rule
        From :func:`style_rules`.
    geometry : {"line", "polygon", "point"}
        The layer's geometry kind.
    layer : str
        The layer name (the SLD's NamedLayer).

    Returns
    -------
    str
        The SLD document.
    """
    i = "        "
    body = "".join(
        f"      <se:Rule>\n{i}<se:Name>{escape(r.label)}</se:Name>\n"
        f"{i}<se:Description><se:Title>{escape(r.label)}</se:Title></se:Description>\n"
        f"{_filter(r.where, i)}{_symbolizer(geometry, r.style, i)}      </se:Rule>\n"
        for r in rules
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<StyledLayerDescriptor xmlns="http://www.opengis.net/sld" '
        'xmlns:ogc="http://www.opengis.net/ogc" xmlns:se="http://www.opengis.net/se" '
        'xmlns:xlink="http://www.w3.org/1999/xlink" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="1.1.0" '
        'xsi:schemaLocation="http://www.opengis.net/sld '
        'http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd">\n'
        f"  <NamedLayer>\n    <se:Name>{escape(layer)}</se:Name>\n"
        f"    <UserStyle>\n      <se:Name>{escape(layer)}</se:Name>\n"
        f"      <se:FeatureTypeStyle>\n{body}      </se:FeatureTypeStyle>\n"
        "    </UserStyle>\n  </NamedLayer>\n</StyledLayerDescriptor>\n"
    )
