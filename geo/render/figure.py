"""A static map for print: zones, lines, barrier and key places on A4.

Drawn with geopandas/matplotlib in an azimuthal equidistant projection
centred on the Golan (:data:`CENTRE`), so the map is metric: the scale bar
is measured on that projection, where scale is true from the centre and off
by under 0.05 % anywhere on the sheet (checked against ``pyproj.Geod`` in the
tests). Never Web Mercator. North is marked by an arrow pointing to true
north at its own position.

Every layer is drawn in its :mod:`geo.render.style` style, the one the web
map uses (Line B black dashed, the wall and the fence told apart, ...). The
Area of Separation is drawn opaque over the 5 km zone, with the zone's outline
on top, so their overlap shows a legend colour and never a mix; places are
drawn over the barrier, and their labels are set where they clear the names,
the other dots and the barrier.

The sheet carries a title, country and water names, a "Golan Heights" label,
degree ticks where the projected meridians and parallels cross the frame, a
legend, a locator of the Levant with the map's extent, a scale bar, a north
arrow and a credit line naming every source with its licence (from the layer
manifest) and the date, all at least 5 mm from the page edge. Output format
follows the extension (PNG, SVG, PDF); a PDF embeds TrueType (Type 42) fonts
and carries title, author and subject; the same inputs and date give the same
bytes.

:func:`make_timeline_figure` draws the timeline's items in force at one date,
or small multiples across dates, coloured by kind; the items and their
geometry are computed before (:func:`geo.workflows.timeline_panels`) and
passed in.

Examples
--------
>>> from geo.render import figure
>>> fig = figure.make_figure(date="2024-01-01")
>>> [round(float(v), 2) for v in fig.get_size_inches()]
[11.69, 8.27]
"""

from __future__ import annotations

import datetime as _dt
import os
import warnings
from pathlib import Path
from typing import Any

import geopandas as gpd
import matplotlib

matplotlib.use("Agg", force=False)

import matplotlib.pyplot as plt
import numpy as np
import pyproj
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Bbox

from geo import layers, zones
from geo._files import atomic_path, source_date
from geo.errors import InputError
from geo.render import style

__all__ = [
    "CENTRE",
    "EXTENT",
    "GRATICULE_DEG",
    "KEY_PLACES",
    "MAP_NAMES",
    "PAGE_INCHES",
    "TITLE",
    "credit_line",
    "make_figure",
    "make_timeline_figure",
    "map_crs",
    "save_figure",
    "save_timeline_figure",
    "scale_bar_km",
]

#: Centre (lon, lat) of the map projection.
CENTRE: tuple[float, float] = (35.75, 33.1)

#: Map extent (min_lon, min_lat, max_lon, max_lat), WGS84 degrees.
EXTENT: tuple[float, float, float, float] = (34.95, 32.45, 36.75, 33.75)

#: A4 landscape, inches.
PAGE_INCHES: tuple[float, float] = (11.69, 8.27)

#: Places labelled on the map: layer name → label.
KEY_PLACES: dict[str, str] = {
    "Damascus": "Damascus",
    "Al Qunayţirah": "Quneitra",
    "Dar‘ā": "Daraa",
    "Al Kiswah": "al-Kiswah",
    "Majdal Shams": "Majdal Shams",
    "Katzrin": "Katzrin",
    "Metula": "Metula",
    "Mount Hermon summit": "Mt Hermon",
    "Rosh HaNikra": "Rosh HaNikra",
    "Tiberias": "Tiberias",
}

#: Names written on the map at a fixed (lon, lat): label → (lon, lat, kind).
#: Countries in capitals; water in blue italics; the region in italics.
MAP_NAMES: dict[str, tuple[float, float, str]] = {
    "LEBANON": (35.50, 33.55, "country"),
    "ISRAEL": (35.28, 32.70, "country"),
    "SYRIA": (36.45, 33.25, "country"),
    "JORDAN": (35.92, 32.50, "country"),
    "Golan Heights": (35.70, 33.13, "region"),
    "Sea of Galilee": (35.59, 32.83, "water"),
    "Mediterranean Sea": (35.13, 33.62, "water"),
}

#: Title of the figure, also its PDF/PNG/SVG metadata title.
TITLE = "The Golan and Lebanese frontier: zones, lines and barrier"

#: Graticule spacing, degrees.
GRATICULE_DEG = 0.5

#: Places a label is tried at, in order: (dx, dy) points, horizontal and vertical alignment.
_CANDIDATES: tuple[tuple[float, float, str, str], ...] = (
    (5, 3, "left", "bottom"),
    (5, -3, "left", "top"),
    (-5, 3, "right", "bottom"),
    (-5, -3, "right", "top"),
    (7, 0, "left", "center"),
    (-7, 0, "right", "center"),
    (0, 7, "center", "bottom"),
    (0, -7, "center", "top"),
    (10, 10, "left", "bottom"),
    (10, -10, "left", "top"),
    (-10, 10, "right", "bottom"),
    (-10, -10, "right", "top"),
)

#: Where a label goes first when the default would read wrongly (Tiberias: west, off the lake).
_PREFERRED: dict[str, int] = {"Tiberias": 3}

#: Text box behind a label: keeps it legible over fills, and it stays text in a PDF.
_LABEL_BOX: dict[str, Any] = {
    "boxstyle": "round,pad=0.12",
    "fc": "white",
    "ec": "none",
    "alpha": 0.8,
}

#: Left edge of the map (figure fraction): room for the latitude labels inside a 5 mm margin.
_LEFT = 0.072

_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


class _Canvas(FigureCanvasAgg):
    """An Agg canvas that renders only when the figure is saved.

    geopandas' ``plot`` asks for a redraw after every layer (``draw_idle``, meant
    for interactive windows); on Agg that is a full render of the page, so a figure
    of many layers was drawn once per layer (the six panels of ``figure --timeline``:
    78 renders, 18 of its 26 s).
    """

    def draw_idle(self, *args: Any, **kwargs: Any) -> None:
        """Nothing to refresh: the figure is drawn when it is saved."""


def map_crs() -> pyproj.CRS:
    """The metric projection of the map: azimuthal equidistant on :data:`CENTRE`."""
    lon, lat = CENTRE
    return pyproj.CRS.from_proj4(
        f"+proj=aeqd +lat_0={lat} +lon_0={lon} +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
    )


def scale_bar_km(width_m: float) -> float:
    """A round scale-bar length (km) near a fifth of the map width."""
    target = width_m / 5000.0
    for step in (100, 50, 25, 20, 10, 5, 2, 1):
        if step <= target:
            return float(step)
    return 1.0


def _date_text(date: str | _dt.date | None) -> str:
    if isinstance(date, _dt.date):
        return date.isoformat()
    if date:
        return str(date)
    stamp = source_date()
    if stamp is not None:
        return stamp[:10]
    return _dt.date.today().isoformat()


def credit_line(date: str | _dt.date | None = None) -> str:
    """Sources and licences of the layers drawn, and the date."""
    # everything but what the figure does not draw
    used = [
        n
        for n in layers.PRODUCT_LAYERS
        if n not in ("golan_line_a_natural_earth", "syria_governorates")
    ]
    attributions, licences = layers.credits(used)
    return (
        "Sources: "
        + "; ".join(attributions)
        + ". Licences: "
        + "; ".join(licences)
        + ". Barrier schematic, from public reporting. Distances geodesic (WGS84); "
        + "lines are stand-ins, see the layer manifest for their accuracy. "
        + f"Made with border-zones, {_date_text(date)}."
    )


def _to_map(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> Any:
    return gdf.to_crs(map_crs())


def _extent_m() -> tuple[float, float, float, float]:
    t = pyproj.Transformer.from_crs("EPSG:4326", map_crs(), always_xy=True)
    x0, y0, x1, y1 = EXTENT
    xs, ys = t.transform([x0, x1, x0, x1, CENTRE[0], CENTRE[0]], [y0, y0, y1, y1, y0, y1])
    return min(xs), min(ys), max(xs), max(ys)


def _north_arrow(ax: Any, x: float, y: float, length_m: float) -> None:
    """An arrow at map (x, y) pointing to true north there."""
    to_ll = pyproj.Transformer.from_crs(map_crs(), "EPSG:4326", always_xy=True)
    to_map = pyproj.Transformer.from_crs("EPSG:4326", map_crs(), always_xy=True)
    lon, lat = to_ll.transform(x, y)
    nx, ny = to_map.transform(lon, lat + 0.05)
    d = np.array([nx - x, ny - y])
    d = d / np.hypot(*d) * length_m
    ax.annotate(
        "",
        xy=(x + d[0], y + d[1]),
        xytext=(x, y),
        arrowprops={"arrowstyle": "-|>,head_width=0.5,head_length=0.9", "lw": 2, "color": "k"},
        zorder=20,
    )
    ax.text(
        x + d[0] * 1.25,
        y + d[1] * 1.25,
        "N",
        ha="center",
        va="center",
        fontsize=13,
        fontweight="bold",
        zorder=20,
    )


def _scale_bar(ax: Any, x: float, y: float, km: float) -> None:
    """A two-tone scale bar of ``km`` kilometres starting at map (x, y)."""
    half = km * 500.0
    h = km * 40.0
    for i, colour in enumerate(("k", "w")):
        ax.add_patch(
            Rectangle((x + i * half, y), half, h, facecolor=colour, edgecolor="k", lw=1, zorder=20)
        )
    for frac, label in ((0, "0"), (0.5, f"{km / 2:g}"), (1, f"{km:g} km")):
        ax.text(x + frac * km * 1000, y + 2.2 * h, label, ha="center", fontsize=9, zorder=20)


def _graticule(ax: Any, extent: tuple[float, float, float, float]) -> None:
    """Meridians and parallels every :data:`GRATICULE_DEG`, with degree ticks on the frame.

    Each line is projected point by point with pyproj, so a tick sits where its
    meridian or parallel crosses the frame (in this projection neither is straight
    nor parallel to the frame away from the centre).
    """
    x0, y0, x1, y1 = extent
    to_map = pyproj.Transformer.from_crs("EPSG:4326", map_crs(), always_xy=True)
    lon0, lat0, lon1, lat1 = EXTENT
    pad = 1.0
    step = GRATICULE_DEG
    lons = np.arange(np.floor((lon0 - pad) / step) * step, lon1 + pad + step / 2, step)
    lats = np.arange(np.floor((lat0 - pad) / step) * step, lat1 + pad + step / 2, step)
    dense_lat = np.linspace(lat0 - pad, lat1 + pad, 400)
    dense_lon = np.linspace(lon0 - pad, lon1 + pad, 400)
    ticks: dict[str, list[tuple[float, str]]] = {"bottom": [], "top": [], "left": [], "right": []}
    ground = style.FIGURE_GROUND["graticule"]
    for lon in lons:
        xs, ys = to_map.transform(np.full_like(dense_lat, lon), dense_lat)
        ax.plot(xs, ys, color=ground, linewidth=0.4, linestyle=(0, (2, 2)), zorder=1.5)
        label = f"{lon:g}° E"
        for side, y in (("bottom", y0), ("top", y1)):
            x = float(np.interp(y, ys, xs))
            if x0 <= x <= x1:
                ticks[side].append((x, label))
    for lat in lats:
        xs, ys = to_map.transform(dense_lon, np.full_like(dense_lon, lat))
        ax.plot(xs, ys, color=ground, linewidth=0.4, linestyle=(0, (2, 2)), zorder=1.5)
        label = f"{lat:g}° N"
        for side, x in (("left", x0), ("right", x1)):
            y = float(np.interp(x, xs, ys))
            if y0 <= y <= y1:
                ticks[side].append((y, label))
    ax.set_xticks([t for t, _ in ticks["bottom"]], [lab for _, lab in ticks["bottom"]])
    ax.set_yticks([t for t, _ in ticks["left"]], [lab for _, lab in ticks["left"]])
    ax.tick_params(labelsize=8, length=4, direction="out", colors="#333333")
    top = ax.secondary_xaxis("top")
    top.set_xticks([t for t, _ in ticks["top"]], [lab for _, lab in ticks["top"]])
    right = ax.secondary_yaxis("right")
    right.set_yticks([t for t, _ in ticks["right"]], [lab for _, lab in ticks["right"]])
    for sec in (top, right):
        sec.tick_params(labelsize=8, length=4, direction="out", colors="#333333")
    # the labels of the top and right ticks stay off: the right column and title sit there
    top.tick_params(labeltop=False)
    right.tick_params(labelright=False)


def _boxes_overlap(a: Bbox, b: Bbox, pad: float = 1.0) -> bool:
    return not (
        a.x1 + pad <= b.x0 or b.x1 + pad <= a.x0 or a.y1 + pad <= b.y0 or b.y1 + pad <= a.y0
    )


def _place_labels(
    ax: Any,
    renderer: Any,
    points: list[tuple[str, float, float]],
    obstacles: list[Bbox],
    barrier: list[MplPath],
) -> list[Any]:
    """Label each point at the first candidate spot clear of every obstacle.

    ``obstacles`` are display boxes already taken (names, markers); ``barrier``
    is the barrier drawn, as display-coordinate paths, which a label (padded by
    3 px) may not cover. Purely a layout step: no geometry of the data
    is computed here.
    """
    frame = ax.get_window_extent(renderer)
    placed = []
    for label, x, y in points:
        order = list(range(len(_CANDIDATES)))
        first = _PREFERRED.get(label)
        if first is not None:
            order.remove(first)
            order.insert(0, first)
        chosen = None
        for i in order:
            dx, dy, ha, va = _CANDIDATES[i]
            text = ax.annotate(
                label,
                (x, y),
                xytext=(dx, dy),
                textcoords="offset points",
                ha=ha,
                va=va,
                fontsize=9,
                zorder=11,
                bbox=_LABEL_BOX,
                annotation_clip=False,
            )
            box = text.get_window_extent(renderer)
            inside = (
                box.x0 >= frame.x0 + 2
                and box.x1 <= frame.x1 - 2
                and box.y0 >= frame.y0 + 2
                and box.y1 <= frame.y1 - 2
            )
            clear = inside and not any(_boxes_overlap(box, o) for o in obstacles)
            if clear:
                padded = box.padded(3)
                clear = not any(p.intersects_bbox(padded, filled=False) for p in barrier)
            if clear or i == order[-1]:
                chosen = text
                break
            text.remove()
        assert chosen is not None
        obstacles.append(chosen.get_window_extent(renderer))
        placed.append(chosen)
    return placed


def _name_text(ax: Any, label: str, x: float, y: float, kind: str) -> Any:
    if kind == "country":
        return ax.text(
            x,
            y,
            label,
            ha="center",
            va="center",
            fontsize=11,
            color=style.FIGURE_GROUND["country_label"],
            fontweight="bold",
            zorder=10,
            bbox={**_LABEL_BOX, "alpha": 0.55},
        )
    if kind == "water":
        return ax.text(
            x,
            y,
            label.replace(" of ", " of\n").replace("ean ", "ean\n"),
            ha="center",
            va="center",
            fontsize=8.5,
            fontstyle="italic",
            color=style.FIGURE_GROUND["water_label"],
            zorder=10,
            linespacing=1.0,
        )
    return ax.text(
        x,
        y,
        label.replace(" ", "\n"),
        ha="center",
        va="center",
        fontsize=10,
        fontstyle="italic",
        fontweight="bold",
        color="#333333",
        zorder=10,
        linespacing=1.0,
        bbox={**_LABEL_BOX, "alpha": 0.55},
    )


def _locator(
    fig: Figure, rect: tuple[float, float, float, float], extent: tuple[float, ...]
) -> Any:
    """A small map of the Levant (the countries layer) with the map's extent boxed."""
    ins = fig.add_axes(rect)
    ins.set_facecolor(style.FIGURE_GROUND["sea"])
    countries = _to_map(layers.load("countries"))
    countries.plot(
        ax=ins,
        facecolor=style.FIGURE_GROUND["land"],
        zorder=1,
        **{
            k: v
            for k, v in style.mpl_area(style.AREA_STYLES["countries"], 0.4).items()
            if k != "facecolor"
        },
    )
    x0, y0, x1, y1 = extent
    ins.add_patch(
        Rectangle(
            (x0, y0),
            x1 - x0,
            y1 - y0,
            facecolor="none",
            edgecolor="#000000",
            linewidth=1.4,
            zorder=5,
        )
    )
    bx0, by0, bx1, by1 = countries.total_bounds
    ins.set_xlim(bx0 - 20_000, bx1 + 20_000)
    ins.set_ylim(by0 - 20_000, by1 + 20_000)
    ins.set_aspect("equal", adjustable="box", anchor="SW")
    ins.set_xticks([])
    ins.set_yticks([])
    ins.set_xlabel("")
    ins.set_ylabel("")
    to_map = pyproj.Transformer.from_crs("EPSG:4326", map_crs(), always_xy=True)
    for name, lon, lat in (("SYRIA", 38.6, 35.0), ("JORDAN", 36.9, 30.9), ("ISRAEL", 34.9, 30.7)):
        x, y = to_map.transform(lon, lat)
        ins.text(x, y, name, ha="center", va="center", fontsize=6.5, color="#555555", zorder=6)
    ins.set_title("Location", fontsize=9, loc="left", pad=3)
    return ins


def _legend_handles() -> list[Any]:
    a = style.AREA_STYLES
    granted, requested = a["zone:granted_5km"], a["zone:requested_not_granted"]
    f = style.BEYOND_TERRITORY_FACTOR

    def beyond(s: dict[str, Any]) -> Patch:
        return Patch(**style.mpl_area({**s, "fillOpacity": s["fillOpacity"] * f}))

    barrier = style.BARRIER_STYLES

    def line(s: dict[str, Any]) -> Line2D:
        return Line2D([], [], **style.mpl_line(s))

    lines = style.LINE_STYLES
    return [
        (Patch(**style.mpl_area(granted)), "Granted 2017: 5 km from\nLine A into Syria"),
        (Patch(**style.mpl_area(requested)), "Requested 2017, not granted:\n5–60 km"),
        ((beyond(granted), beyond(requested)), "The same two bands beyond\nSyria (lighter)"),
        (
            Patch(**style.mpl_area(a["undof_area_of_separation"])),
            "UNDOF Area of Separation (1974),\ndrawn over the 5 km zone",
        ),
        (line(lines["golan_line_a"]), "Line A (Alpha), 1974"),
        (line(lines["golan_line_b"]), "Line B (Bravo), 1974"),
        (line(lines["blue_line"]), "Blue Line (2000)"),
        (line(barrier["concrete wall"]), "Barrier: concrete wall"),
        (line(barrier["smart fence"]), "Barrier: smart fence"),
        (Line2D([], [], **_marker(style.PLACE_STYLE)), "Town or city (GeoNames)"),
        (Line2D([], [], **_marker(style.LANDMARK_STYLE)), "Landmark"),
    ]


def _marker(s: dict[str, Any]) -> dict[str, Any]:
    return {
        "linestyle": "none",
        "marker": "o",
        "markersize": 6,
        "markerfacecolor": style.blend_over_white(s["fillColor"], s["fillOpacity"]),
        "markeredgecolor": s["color"],
        "markeredgewidth": float(s["weight"]),
    }


def make_figure(*, date: str | _dt.date | None = None) -> Figure:
    """Draw the map on an A4 landscape figure.

    Every layer is drawn in its :mod:`geo.render.style` style, as on the web
    map. Place labels are set where they clear the names, the other dots and
    the barrier.

    Parameters
    ----------
    date : str or datetime.date, optional
        Printed in the credit line; ``SOURCE_DATE_EPOCH`` or today by default.

    Returns
    -------
    matplotlib.figure.Figure
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        zgdf = zones.zones()
    extent = _extent_m()
    x0, y0, x1, y1 = extent
    fig = Figure(figsize=PAGE_INCHES)
    _Canvas(fig)
    height = 0.80
    width = height * PAGE_INCHES[1] / PAGE_INCHES[0] * (x1 - x0) / (y1 - y0)
    ax = fig.add_axes((_LEFT, 0.12, width, height))
    ax.set_facecolor(style.FIGURE_GROUND["sea"])
    countries = _to_map(layers.load("countries"))
    countries.plot(ax=ax, facecolor=style.FIGURE_GROUND["land"], edgecolor="none", zorder=1)

    a = style.AREA_STYLES
    for zid in ("requested_not_granted", "granted_5km"):
        s = a[f"zone:{zid}"]
        for part, opacity in (("inside", 1.0), ("outside", style.BEYOND_TERRITORY_FACTOR)):
            sel = zgdf[(zgdf["id"] == zid) & (zgdf["part"] == part)]
            if len(sel):
                kw = style.mpl_area({**s, "fillOpacity": s["fillOpacity"] * opacity})
                _to_map(sel).plot(ax=ax, zorder=3, **kw)
    # opaque (blended) fill on top: where it meets the 5 km zone it shows its own legend
    # colour, never a mix; the 5 km zone's outline is drawn again over it
    _to_map(layers.load("undof_area_of_separation")).plot(
        ax=ax, zorder=4, **style.mpl_area(a["undof_area_of_separation"])
    )
    granted_in = zgdf[(zgdf["id"] == "granted_5km") & (zgdf["part"] == "inside")]
    _to_map(granted_in).plot(
        ax=ax, zorder=4.5, **{**style.mpl_area(a["zone:granted_5km"]), "facecolor": "none"}
    )
    borders = style.mpl_area(a["countries"])
    countries.plot(ax=ax, zorder=5, **{**borders, "facecolor": "none"})
    for name in ("golan_line_b", "golan_line_a", "blue_line"):
        _to_map(layers.load(name)).plot(ax=ax, zorder=6, **style.mpl_line(style.LINE_STYLES[name]))
    barrier = _to_map(layers.load("lebanon_border_barrier"))
    for kind, part in barrier.groupby("kind", sort=True):
        s = style.BARRIER_STYLES.get(str(kind), style.BARRIER_STYLES[""])
        kw = style.mpl_line(s)
        part.plot(ax=ax, zorder=7, capstyle=s.get("lineCap", "butt"), **kw)

    places = layers.load("places")
    key = places[places["name"].isin(list(KEY_PLACES))].sort_values("name")
    key_m = _to_map(key)
    for kind, s in (("populated place", style.PLACE_STYLE), ("landmark", style.LANDMARK_STYLE)):
        sel = key_m[key["kind"] == kind]
        ax.plot(sel.geometry.x, sel.geometry.y, zorder=9, **_marker(s))

    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_xlabel("")
    ax.set_ylabel("")
    _graticule(ax, extent)
    km = scale_bar_km(x1 - x0)
    _scale_bar(ax, x0 + 0.05 * (x1 - x0), y0 + 0.04 * (y1 - y0), km)
    _north_arrow(ax, x1 - 0.06 * (x1 - x0), y1 - 0.16 * (y1 - y0), 0.07 * (y1 - y0))

    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    to_map = pyproj.Transformer.from_crs("EPSG:4326", map_crs(), always_xy=True)
    obstacles = []
    for label, (lon, lat, kind) in MAP_NAMES.items():
        text = _name_text(ax, label, *to_map.transform(lon, lat), kind)
        obstacles.append(text.get_window_extent(renderer))
    to_px = ax.transData.transform
    for px, py in to_px(np.column_stack([key_m.geometry.x, key_m.geometry.y])):
        obstacles.append(Bbox([[px - 4, py - 4], [px + 4, py + 4]]))
    drawn = [
        MplPath(to_px(np.asarray(line.coords)[:, :2]))
        for geom in barrier.geometry
        for line in getattr(geom, "geoms", [geom])
    ]
    points = [(KEY_PLACES[n], g.x, g.y) for n, g in zip(key["name"], key_m.geometry, strict=True)]
    _place_labels(ax, renderer, points, obstacles, drawn)

    column = _LEFT + width + 0.025
    handles = _legend_handles()
    legend = fig.legend(
        handles=[h for h, _ in handles],
        labels=[lab for _, lab in handles],
        handler_map={tuple: HandlerTuple(ndivide=None, pad=0.3)},
        loc="upper left",
        bbox_to_anchor=(column - 0.008, 0.925),
        fontsize=8.5,
        frameon=False,
        title="Legend",
        title_fontsize=10,
        alignment="left",
        handlelength=2.6,
        labelspacing=0.55,
        borderaxespad=0.0,
    )
    fig.text(_LEFT, 0.972, TITLE, fontsize=13, fontweight="bold", va="top")
    fig.text(
        _LEFT,
        0.946,
        "The lines are stand-ins for the UN's own lines: each layer's stated accuracy is "
        "in the layer manifest.",
        fontsize=8.5,
        va="top",
        color="#333333",
    )
    # the notes follow the legend, and the locator fills the column down to the map's foot
    legend_foot = legend.get_window_extent(renderer).y0 / fig.bbox.height
    notes = fig.text(
        column,
        legend_foot - 0.02,
        "Zones measured geodesically from Line A.\n"
        "Azimuthal equidistant projection centred\n"
        f"on {CENTRE[1]:.2f}° N, {CENTRE[0]:.2f}° E (WGS84).",
        fontsize=8,
        va="top",
    )
    notes_foot = notes.get_window_extent(renderer).y0 / fig.bbox.height
    _locator(fig, (column, 0.12, 0.972 - column, notes_foot - 0.06 - 0.12), extent)
    # the credits are strings from the layer manifest: shown literally, never as mathtext
    fig.text(
        _LEFT,
        0.035,
        _wrap(credit_line(date), 190),
        fontsize=7,
        va="bottom",
        wrap=False,
        parse_math=False,
    )
    return fig


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def save_figure(
    path: str | os.PathLike[str],
    *,
    dpi: int = 200,
    date: str | _dt.date | None = None,
) -> Path:
    """Draw the map and write it atomically as PNG, SVG or PDF.

    Parameters
    ----------
    path : path-like
        Ending ``.png``, ``.svg`` or ``.pdf``.
    dpi : int, default 200
        Resolution; a PNG is ``11.69 × dpi`` by ``8.27 × dpi`` pixels.
    date : str or datetime.date, optional
        See :func:`make_figure`.

    Returns
    -------
    pathlib.Path
    """
    target = Path(path)
    fmt = _format_of(target, dpi)
    subject = "Geodesic 2017 zones, 1974 lines, Blue Line and barrier (border-zones)"
    return _write(lambda: make_figure(date=date), target, fmt, dpi, TITLE, subject)


def _format_of(target: Path, dpi: int) -> str:
    fmt = _FORMATS.get(target.suffix.lower())
    if fmt is None:
        raise InputError(
            f"{target}: cannot tell the figure format from "
            f"{target.suffix or 'no extension'!r}; use .png, .svg or .pdf"
        )
    if dpi <= 0 or dpi > 1200:
        raise InputError(f"--dpi must be in 1..1200, got {dpi}")
    return fmt


def _write(draw: Any, target: Path, fmt: str, dpi: int, title: str, subject: str) -> Path:
    """Draw (``draw()`` gives the figure) and write atomically, with fixed metadata."""
    metadata: dict[str, Any] = {
        "png": {"Software": None, "Title": title, "Author": "border-zones"},
        "svg": {"Date": None, "Creator": None, "Title": title, "Description": subject},
        "pdf": {
            "CreationDate": None,
            "ModDate": None,
            "Producer": None,
            "Creator": None,
            "Title": title,
            "Author": "border-zones",
            "Subject": subject,
        },
    }[fmt]
    # TrueType (Type 42) fonts in PDF/PS, set here only: never a global rcParams change
    with matplotlib.rc_context(
        {
            "svg.hashsalt": "border-zones",
            "svg.fonttype": "path",
            "pdf.fonttype": 42,
            "ps.fonttype": 42,
        }
    ):
        fig = draw()
        with atomic_path(target) as tmp:
            fig.savefig(tmp, format=fmt, dpi=dpi, metadata=metadata)
    plt.close("all")
    return target


# --------------------------------------------------------------------------
# the timeline (issue 14): one date, or small multiples across dates
# --------------------------------------------------------------------------
#: Title of the timeline figure.
TIMELINE_TITLE = "The Golan and Lebanese frontier through time: dated, sourced items"

#: Extent of the timeline panels: wide enough for the 100 km offer of 2018.
TIMELINE_EXTENT: tuple[float, float, float, float] = (34.95, 32.3, 37.05, 33.85)

#: One colour per kind of item (Okabe–Ito, told apart with colour-vision deficiency).
KIND_COLOURS: dict[str, str] = {
    "agreed": "#0072B2",
    "demanded": "#D55E00",
    "offered": "#009E73",
    "claimed": "#E69F00",
    "reported": "#CC79A7",
    "observed": "#000000",
}


def _extent_of(bounds: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    t = pyproj.Transformer.from_crs("EPSG:4326", map_crs(), always_xy=True)
    x0, y0, x1, y1 = bounds
    xs, ys = t.transform([x0, x1, x0, x1, CENTRE[0], CENTRE[0]], [y0, y0, y1, y1, y0, y1])
    return min(xs), min(ys), max(xs), max(ys)


def _timeline_panel(
    ax: Any,
    items: gpd.GeoDataFrame,
    label: str,
    extent: tuple[float, float, float, float],
    *,
    fontsize: float,
) -> None:
    """Draw one date's items over the land, the 1974 lines and the Blue Line."""
    x0, y0, x1, y1 = extent
    ax.set_facecolor(style.FIGURE_GROUND["sea"])
    countries = _to_map(layers.load("countries"))
    countries.plot(ax=ax, facecolor=style.FIGURE_GROUND["land"], edgecolor="none", zorder=1)
    countries.plot(ax=ax, facecolor="none", edgecolor="#9a9a9a", linewidth=0.4, zorder=2)
    kinds = items.geom_type.astype(str)
    areas = items[kinds.isin(["Polygon", "MultiPolygon"])]
    # the widest first, so the narrow ones stay visible on top
    areas = areas.iloc[np.argsort(-areas["area_km2"].to_numpy(dtype=float), kind="stable")]
    if len(areas):
        colours = [KIND_COLOURS[str(k)] for k in areas["kind"]]
        fills = [matplotlib.colors.to_rgba(c, 0.10) for c in colours]
        _to_map(areas.geometry).plot(
            ax=ax, facecolor=fills, edgecolor=colours, linewidth=0.9, zorder=3
        )
    for name in ("golan_line_b", "golan_line_a", "blue_line"):
        _to_map(layers.load(name)).plot(
            ax=ax, zorder=5, **{**style.mpl_line(style.LINE_STYLES[name]), "linewidth": 0.8}
        )
    lines = items[kinds.isin(["LineString", "MultiLineString"])]
    for _, row in lines.iterrows():
        colour = KIND_COLOURS[str(row["kind"])]
        _to_map(gpd.GeoSeries([row.geometry], crs="EPSG:4326")).plot(
            ax=ax, color=colour, linewidth=2.2, alpha=0.55, zorder=6
        )
    points = items[kinds.isin(["Point", "MultiPoint"])]
    for _, row in points.iterrows():
        colour = KIND_COLOURS[str(row["kind"])]
        pts = _to_map(gpd.GeoSeries([row.geometry], crs="EPSG:4326").explode(index_parts=False))
        ax.plot(
            pts.x, pts.y, linestyle="none", marker="o", markersize=4.5,
            markerfacecolor=colour, markeredgecolor="white", markeredgewidth=0.7, zorder=8,
        )  # fmt: skip
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_title(f"{label}: {len(items)} item(s) in force", fontsize=fontsize, loc="left")


def _timeline_legend_handles() -> list[tuple[Any, str]]:
    handles: list[tuple[Any, str]] = [
        (Patch(facecolor=c, edgecolor=c, alpha=0.35), kind) for kind, c in KIND_COLOURS.items()
    ]
    for name, lab in (("golan_line_a", "Line A"), ("golan_line_b", "Line B"),
                      ("blue_line", "Blue Line")):  # fmt: skip
        handles.append((Line2D([], [], **style.mpl_line(style.LINE_STYLES[name])), lab))
    handles.append(
        (
            Line2D(
                [],
                [],
                linestyle="none",
                marker="o",
                markersize=5,
                markerfacecolor="#777777",
                markeredgecolor="white",
            ),
            "position (schematic)",
        )
    )
    return handles


def make_timeline_figure(panels: Any, *, date: str | _dt.date | None = None) -> Figure:
    """Draw the timeline's items on A4: one date large, or small multiples.

    Rendering only: the items and their geometry come in ``panels``
    (:func:`geo.workflows.timeline_panels` computes them).

    Parameters
    ----------
    panels : sequence of (str, geopandas.GeoDataFrame)
        A label (the date) and the items in force then, with ``id``, ``kind``,
        ``area_km2`` and geometry (lon/lat).
    date : str or datetime.date, optional
        Printed in the credit line.

    Returns
    -------
    matplotlib.figure.Figure
    """
    panels = list(panels)
    if not panels:
        raise InputError("the timeline figure needs at least one date")
    extent = _extent_of(TIMELINE_EXTENT)
    x0, y0, x1, y1 = extent
    fig = Figure(figsize=PAGE_INCHES)
    _Canvas(fig)
    aspect = PAGE_INCHES[1] / PAGE_INCHES[0] * (x1 - x0) / (y1 - y0)
    if len(panels) == 1:
        height = 0.76
        boxes = [(_LEFT, 0.13, height * aspect, height)]
        column = _LEFT + height * aspect + 0.025
    else:
        ncol = min(3, len(panels))
        nrow = -(-len(panels) // ncol)
        width = (0.74 - 0.015 * (ncol - 1)) / ncol
        height = min(width / aspect, (0.78 - 0.04 * (nrow - 1)) / nrow)
        width = height * aspect
        boxes = [
            (_LEFT + (k % ncol) * (width + 0.015), 0.91 - (k // ncol + 1) * height
             - (k // ncol) * 0.04, width, height)
            for k in range(len(panels))
        ]  # fmt: skip
        column = _LEFT + ncol * width + (ncol - 1) * 0.015 + 0.02
    for (label, items), box in zip(panels, boxes, strict=True):
        ax = fig.add_axes(box)
        _timeline_panel(ax, items, label, extent, fontsize=10 if len(panels) == 1 else 8)
        if len(panels) == 1:
            km = scale_bar_km(x1 - x0)
            _scale_bar(ax, x0 + 0.05 * (x1 - x0), y0 + 0.04 * (y1 - y0), km)
            _north_arrow(ax, x1 - 0.06 * (x1 - x0), y1 - 0.16 * (y1 - y0), 0.07 * (y1 - y0))
    handles = _timeline_legend_handles()
    fig.legend(
        handles=[h for h, _ in handles],
        labels=[lab for _, lab in handles],
        loc="upper left",
        bbox_to_anchor=(column, 0.925),
        fontsize=8,
        frameon=False,
        title="Kind of item",
        title_fontsize=9,
        alignment="left",
    )
    if len(panels) == 1:
        listed = [f"{r['id']} ({r['kind']})" for _, r in panels[0][1].iterrows()]
        fig.text(
            column, 0.56, "\n".join(["Items:", *listed[:32]]) + ("\n…" if len(listed) > 32 else ""),
            fontsize=6.5, va="top", parse_math=False,
        )  # fmt: skip
    fig.text(_LEFT, 0.972, TIMELINE_TITLE, fontsize=13, fontweight="bold", va="top")
    fig.text(
        _LEFT,
        0.946,
        "Bands measured geodesically from the named line, as the 2017 zones; positions are "
        "schematic. Each item's source and confidence: layers/timeline.csv.",
        fontsize=8.5,
        va="top",
        color="#333333",
        parse_math=False,
    )
    fig.text(_LEFT, 0.035, _wrap(credit_line(date), 190), fontsize=7, va="bottom", parse_math=False)
    return fig


def save_timeline_figure(
    path: str | os.PathLike[str],
    panels: Any,
    *,
    dpi: int = 200,
    date: str | _dt.date | None = None,
) -> Path:
    """Draw the timeline figure (:func:`make_timeline_figure`) and write it atomically."""
    target = Path(path)
    fmt = _format_of(target, dpi)
    panels = list(panels)
    subject = "Dated items of the frontier, " + ", ".join(label for label, _ in panels)
    return _write(
        lambda: make_timeline_figure(panels, date=date), target, fmt, dpi, TIMELINE_TITLE,
        subject,
    )  # fmt: skip
