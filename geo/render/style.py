"""One style per layer, for the web map and the print figure alike.

The palette is chosen to stay distinguishable with colour-vision deficiency:
area fills (as seen over white, with their opacity) and line colours keep a
CAM02-UCS colour difference of at least :data:`MIN_DELTA_E` between any two
legend entries of the same shape, for normal vision and under simulated
deuteranopia and protanopia (Machado et al. 2009, severity 100 %); the tests
check this with ``colorspacious``. Colours come from the Okabe–Ito set;
entries that share a colour (the 1974 bands) differ by opacity and are one
family in the legend.

Styles are Leaflet path options (``color``, ``weight``, ``dashArray``,
``fillColor``, ``fillOpacity``); :func:`mpl_line` and :func:`mpl_area` turn
them into matplotlib keywords, so the figure draws what the map draws.

Examples
--------
>>> LINE_STYLES["blue_line"]["color"]
'#0072B2'
>>> mpl_line(LINE_STYLES["golan_line_b"])["linestyle"][0]
0
"""

from __future__ import annotations

import hashlib
from typing import Any

__all__ = [
    "AREA_STYLES",
    "BAND_OPACITY",
    "BARRIER_STYLES",
    "BEYOND_TERRITORY_FACTOR",
    "BEYOND_TERRITORY_STYLE",
    "FIGURE_GROUND",
    "LANDMARK_STYLE",
    "LINE_STYLES",
    "MIN_DELTA_E",
    "PLACE_STYLE",
    "POINT_NO_ZONE",
    "POINT_STYLE",
    "POINT_ZONE_COLOURS",
    "POSITION_STYLES",
    "ZONE_COLOURS",
    "band_style",
    "blend_over_white",
    "derived_style",
    "fallback_colour",
    "line_family",
    "mpl_area",
    "mpl_line",
    "point_colour",
    "point_family",
]

#: Smallest CAM02-UCS difference the tests require between two legend colours.
MIN_DELTA_E = 15.0

#: Reference lines.
LINE_STYLES: dict[str, dict[str, Any]] = {
    "golan_line_a": {"color": "#882255", "weight": 3.5},
    "golan_line_b": {"color": "#000000", "weight": 2.5, "dashArray": "8 5"},
    "blue_line": {"color": "#0072B2", "weight": 3.5, "dashArray": "12 4 2 4"},
}

#: Areas: the Area of Separation, the 2017 zones and the context layers.
AREA_STYLES: dict[str, dict[str, Any]] = {
    "undof_area_of_separation": {
        "color": "#2B7BB0",
        "weight": 1.5,
        "fillColor": "#56B4E9",
        "fillOpacity": 0.65,
    },
    "zone:granted_5km": {
        "color": "#8F3E00",
        "weight": 2,
        "fillColor": "#D55E00",
        "fillOpacity": 0.6,
    },
    "zone:requested_not_granted": {
        "color": "#B8860B",
        "weight": 1,
        "fillColor": "#F0E442",
        "fillOpacity": 0.5,
    },
    "zone:requested_60km": {
        "color": "#B8860B",
        "weight": 2.5,
        "dashArray": "10 6",
        "fillOpacity": 0,
    },
    "countries": {
        "color": "#8A8A8A",
        "weight": 1,
        "fillColor": "#FFFFFF",
        "fillOpacity": 0,
    },
    "syria_governorates": {
        "color": "#D0D0D0",
        "weight": 1.5,
        "dashArray": "3 3",
        "fillOpacity": 0,
    },
}

#: The 1974 Areas of Limitation: one colour, opacity by inner distance (km).
BAND_OPACITY: dict[float, float] = {0.0: 0.45, 10.0: 0.28, 20.0: 0.14}
_BAND: dict[str, Any] = {
    "color": "#007A59",
    "weight": 1,
    "dashArray": "4 3",
    "fillColor": "#009E73",
}

#: The barrier by kind: a wall is solid and heavy, a fence dotted.
BARRIER_STYLES: dict[str, dict[str, Any]] = {
    "concrete wall": {"color": "#7A5A2B", "weight": 5},
    "smart fence": {"color": "#44AA99", "weight": 3.5, "dashArray": "2 5", "lineCap": "round"},
    "": {"color": "#7A5A2B", "weight": 3, "dashArray": "6 3"},
}

#: Populated places (white dots) and landmarks.
PLACE_STYLE: dict[str, Any] = {
    "color": "#333333",
    "weight": 1,
    "fillColor": "#FFFFFF",
    "fillOpacity": 0.9,
}
LANDMARK_STYLE: dict[str, Any] = {
    "color": "#332288",
    "weight": 1.5,
    "fillColor": "#CC79A7",
    "fillOpacity": 1,
}

#: The timeline's positions (schematic points) by their item's kind: fills that keep
#: apart from each other and from places and landmarks under deuteranopia and
#: protanopia (tests/test_timeline_slider.py); "" for a kind without its own.
POSITION_STYLES: dict[str, dict[str, Any]] = {
    "observed": {"color": "#000000", "weight": 1.5, "fillColor": "#D55E00", "fillOpacity": 1},
    "reported": {"color": "#000000", "weight": 1.5, "fillColor": "#F0E442", "fillOpacity": 1},
    "offered": {"color": "#FFFFFF", "weight": 1.5, "fillColor": "#000000", "fillOpacity": 1},
    "": {"color": "#000000", "weight": 1.5, "fillColor": "#999999", "fillOpacity": 1},
}

#: Fill opacity of a zone's part beyond its territory, as a fraction of its own.
BEYOND_TERRITORY_FACTOR = 0.45

#: A zone's part beyond its own territory (in Lebanon or Jordan) on the web map: an
#: outline only, one look for every zone (the tooltip and popup name the zone), so no
#: pale fill is mistaken for another zone's.
BEYOND_TERRITORY_STYLE: dict[str, Any] = {
    "color": "#56B4E9",
    "weight": 1.5,
    "dashArray": "2 4",
    "fill": False,
    "fillOpacity": 0,
}

#: The print figure's ground, where the web map has its base tiles: land, sea,
#: graticule and label colours (not legend entries).
FIGURE_GROUND: dict[str, str] = {
    "land": "#F4F1EA",
    "sea": "#D6E6F2",
    "graticule": "#9A9A9A",
    "water_label": "#2B6A99",
    "country_label": "#555555",
}

#: Colours for zones users add and for points coloured by zone (Okabe–Ito).
ZONE_COLOURS: tuple[str, ...] = (
    "#D55E00",
    "#E69F00",
    "#0072B2",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#000000",
)


#: A user's points, coloured by their innermost zone (``geo.classify``'s ``zone``): the
#: zones' own hues where they have one (the 5 km vermillion, the 5–60 km yellow), the
#: 1974 bands blue on the Israeli side and bluish green on the Syrian side, darker
#: nearer the Area of Separation. Under simulated deuteranopia and protanopia any two
#: of these of different families stay :data:`MIN_DELTA_E` apart; the three bands of
#: one side, told apart by lightness and label, stay 10 apart (tests/test_map_points.py).
POINT_ZONE_COLOURS: dict[str, str] = {
    "granted_5km": "#D55E00",
    "requested_not_granted": "#F0E442",
    "requested_60km": "#E69F00",
    "limitation_israel_0_10": "#0072B2",
    "limitation_israel_10_20": "#56B4E9",
    "limitation_israel_20_25": "#B3DDF5",
    "limitation_syria_0_10": "#009E73",
    "limitation_syria_10_20": "#5FC9A5",
    "limitation_syria_20_25": "#B5E8D4",
}

#: A point in no zone: dark grey (apart from every zone colour, under CVD too).
POINT_NO_ZONE = "#5A5A5A"

#: The marker of a user's point (its fill is :func:`point_colour`); drawn on canvas.
POINT_STYLE: dict[str, Any] = {"color": "#1A1A1A", "weight": 1, "fillOpacity": 0.95, "radius": 5}


def fallback_colour(key: str) -> str:
    """A colour of :data:`ZONE_COLOURS` for a zone users add, the same on every build.

    Examples
    --------
    >>> fallback_colour("my_zone") in ZONE_COLOURS
    True
    """
    palette = ZONE_COLOURS
    return palette[int(hashlib.sha256(key.encode()).hexdigest(), 16) % len(palette)]


def point_colour(zone_id: str) -> str:
    """The fill of a point whose innermost zone is ``zone_id`` ("" for none).

    Examples
    --------
    >>> point_colour("granted_5km"), point_colour("")
    ('#D55E00', '#5A5A5A')
    """
    if not zone_id:
        return POINT_NO_ZONE
    return POINT_ZONE_COLOURS.get(zone_id) or fallback_colour(zone_id)


def point_family(zone_id: str) -> str:
    """The colour family of a point's zone: the 1974 bands of one side are one family.

    Examples
    --------
    >>> point_family("limitation_syria_10_20"), point_family("granted_5km")
    ('limitation_syria', 'granted_5km')
    """
    for side in ("limitation_israel", "limitation_syria"):
        if zone_id.startswith(side + "_"):
            return side
    return zone_id


def band_style(inner_km: float) -> dict[str, Any]:
    """The style of the 1974 band starting ``inner_km`` from the Area of Separation.

    Examples
    --------
    >>> band_style(10.0)["fillOpacity"]
    0.28
    """
    return {**_BAND, "fillOpacity": BAND_OPACITY.get(float(inner_km), 0.2)}


def _rgb(colour: str) -> tuple[float, float, float]:
    text = colour.lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    r, g, b = (int(text[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return (r, g, b)


def blend_over_white(colour: str, opacity: float) -> tuple[float, float, float]:
    """The sRGB colour (0–1) a fill of ``colour`` at ``opacity`` shows over white.

    Examples
    --------
    >>> blend_over_white("#000000", 0.5)
    (0.5, 0.5, 0.5)
    """
    r, g, b = _rgb(colour)
    return tuple(round(opacity * c + (1 - opacity), 6) for c in (r, g, b))  # type: ignore[return-value]


def _dashes(style: dict[str, Any]) -> Any:
    dash = style.get("dashArray")
    if not dash:
        return "solid"
    parts = [float(v) for v in str(dash).replace(",", " ").split()]
    return (0, tuple(p / max(float(style.get("weight", 1)), 1.0) for p in parts))


def mpl_line(style: dict[str, Any], scale: float = 0.6) -> dict[str, Any]:
    """Matplotlib line keywords for a Leaflet line style (``weight`` px × ``scale`` pt)."""
    return {
        "color": style.get("color", "#333333"),
        "linewidth": float(style.get("weight", 1)) * scale,
        "linestyle": _dashes(style),
    }


def mpl_area(style: dict[str, Any], scale: float = 0.6) -> dict[str, Any]:
    """Matplotlib patch keywords for a Leaflet area style (fill already blended)."""
    opacity = float(style.get("fillOpacity", 0.2))
    fill = style.get("fillColor") or style.get("color", "#333333")
    return {
        "facecolor": blend_over_white(fill, opacity) if opacity > 0 else "none",
        "edgecolor": style.get("color", "#333333"),
        "linewidth": float(style.get("weight", 1)) * scale,
        "linestyle": _dashes(style),
    }


#: Context layers derived from a reference line (``<line><suffix>``): other versions of
#: it (in its colour, thin, each with its own dashes), its parts, its uncertainty corridor.
_DERIVED: dict[str, dict[str, Any]] = {
    "_natural_earth": {"weight": 2, "dashArray": "1 4", "opacity": 0.9},
    "_geo_maps": {"weight": 2, "dashArray": "6 4", "opacity": 0.9},
    "_parts": {"weight": 7, "opacity": 0.35},
    "_corridor": {"weight": 1.5, "dashArray": "1 3", "fill": False, "fillOpacity": 0},
}


def line_family(key: str) -> str:
    """The reference line a layer derives from (``golan_line_a_corridor`` -> ``golan_line_a``).

    Examples
    --------
    >>> line_family("golan_line_a_natural_earth"), line_family("places")
    ('golan_line_a', 'places')
    """
    for suffix in _DERIVED:
        if key.endswith(suffix) and key[: -len(suffix)] in LINE_STYLES:
            return key[: -len(suffix)]
    return key


def derived_style(key: str) -> dict[str, Any] | None:
    """The style of a layer derived from a reference line, or None for any other layer.

    Other versions of a line, its parts and its uncertainty corridor are drawn in
    the line's colour, each with its own weight and dashes (map, figure, QGIS).

    Examples
    --------
    >>> derived_style("golan_line_a_corridor")["color"] == LINE_STYLES["golan_line_a"]["color"]
    True
    >>> derived_style("places") is None
    True
    """
    base = line_family(key)
    if base == key:
        return None
    colour = LINE_STYLES[base]["color"]
    extra = _DERIVED[key[len(base) :]]
    return {"color": colour, **extra}
