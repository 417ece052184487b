"""A static map for print: zones, lines, barrier and key places on A4.

Drawn with geopandas/matplotlib in an azimuthal equidistant projection
centred on the Golan (:data:`CENTRE`), so the map is metric: the scale bar
is measured on that projection, where scale is true from the centre and off
by under 0.05 % anywhere on the sheet (checked against ``pyproj.Geod`` in the
tests). Never Web Mercator. North is marked by an arrow pointing to true
north at its own position.

The figure carries a legend, a scale bar, a north arrow and a credit line
naming every source with its licence (from the layer manifest) and the date.
Output format follows the extension (PNG, SVG, PDF); the same inputs and
date give the same bytes.

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
import time
import warnings
from pathlib import Path
from typing import Any

import geopandas as gpd
import matplotlib

matplotlib.use("Agg", force=False)

import matplotlib.patheffects as patheffects
import matplotlib.pyplot as plt
import numpy as np
import pyproj
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from geo import layers, zones
from geo._files import atomic_path
from geo.errors import InputError

__all__ = [
    "CENTRE",
    "EXTENT",
    "KEY_PLACES",
    "PAGE_INCHES",
    "credit_line",
    "make_figure",
    "map_crs",
    "save_figure",
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

#: Label offsets in points (dx, dy), where the default would sit on a line.
_LABEL_OFFSET: dict[str, tuple[float, float]] = {
    "Quneitra": (6, -10),
    "Majdal Shams": (6, 4),
    "Metula": (-6, -12),
    "Rosh HaNikra": (4, -12),
    "Mt Hermon": (6, 2),
}

_ZONE_STYLE: dict[str, dict[str, Any]] = {
    "requested_not_granted": {"facecolor": "#f6c28b", "edgecolor": "#c9772b", "alpha": 0.55},
    "granted_5km": {"facecolor": "#d7301f", "edgecolor": "#7f0000", "alpha": 0.65},
}

_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


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
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return time.strftime("%Y-%m-%d", time.gmtime(int(epoch)))
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


def make_figure(*, date: str | _dt.date | None = None) -> Figure:
    """Draw the map on an A4 landscape figure.

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
    x0, y0, x1, y1 = _extent_m()
    fig = Figure(figsize=PAGE_INCHES)
    ax = fig.add_axes((0.02, 0.10, 0.66, 0.86))
    ax.set_facecolor("#dbe9f4")  # sea
    countries = _to_map(layers.load("countries"))
    countries.plot(ax=ax, facecolor="#f2efe9", edgecolor="#8a8a8a", linewidth=0.8, zorder=1)

    inside = zgdf[zgdf["part"] == "inside"]
    outside = zgdf[zgdf["part"] == "outside"]
    for zid, style in _ZONE_STYLE.items():
        part = inside[inside["id"] == zid]
        if len(part):
            _to_map(part).plot(ax=ax, linewidth=0.6, zorder=3, **style)
        beyond = outside[outside["id"] == zid]
        if len(beyond):
            _to_map(beyond).plot(
                ax=ax,
                facecolor="none",
                edgecolor=style["edgecolor"],
                hatch="///",
                linewidth=0.4,
                alpha=0.6,
                zorder=3,
            )
    aos = _to_map(layers.load("undof_area_of_separation"))
    aos.plot(ax=ax, facecolor="#4c9be8", edgecolor="#1f5fa8", alpha=0.55, linewidth=0.6, zorder=4)
    _to_map(layers.load("golan_line_a")).plot(ax=ax, color="#6a1b9a", linewidth=2.0, zorder=6)
    _to_map(layers.load("golan_line_b")).plot(
        ax=ax, color="#1565c0", linewidth=1.6, linestyle="--", zorder=6
    )
    _to_map(layers.load("blue_line")).plot(ax=ax, color="#0288d1", linewidth=2.0, zorder=6)
    _to_map(layers.load("lebanon_border_barrier")).plot(
        ax=ax, color="#111111", linewidth=4.0, zorder=7
    )

    places = layers.load("places")
    key = places[places["name"].isin(list(KEY_PLACES))]
    key_m = _to_map(key)
    key_m.plot(ax=ax, color="k", markersize=18, zorder=9)
    for name, geom in zip(key["name"], key_m.geometry, strict=True):
        label = KEY_PLACES[name]
        dx, dy = _LABEL_OFFSET.get(label, (6, 4))
        ax.annotate(
            label,
            (geom.x, geom.y),
            xytext=(dx, dy),
            textcoords="offset points",
            fontsize=10,
            zorder=10,
            path_effects=[patheffects.withStroke(linewidth=3, foreground="white")],
        )

    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    km = scale_bar_km(x1 - x0)
    _scale_bar(ax, x0 + 0.05 * (x1 - x0), y0 + 0.04 * (y1 - y0), km)
    _north_arrow(ax, x1 - 0.07 * (x1 - x0), y1 - 0.17 * (y1 - y0), 0.07 * (y1 - y0))

    handles = [
        Patch(**_ZONE_STYLE["granted_5km"], label="Granted 2017: 5 km from Line A into Syria"),
        Patch(
            **_ZONE_STYLE["requested_not_granted"],
            label="Requested 2017, not granted: 5–60 km",
        ),
        Patch(facecolor="none", edgecolor="#c9772b", hatch="///", label="Same bands beyond Syria"),
        Patch(
            facecolor="#4c9be8",
            edgecolor="#1f5fa8",
            alpha=0.55,
            label="UNDOF Area of Separation (1974)",
        ),
        Line2D([], [], color="#6a1b9a", lw=2.0, label="Line A (Alpha), 1974"),
        Line2D([], [], color="#1565c0", lw=1.6, ls="--", label="Line B (Bravo), 1974"),
        Line2D([], [], color="#0288d1", lw=2.0, label="Blue Line (2000)"),
        Line2D([], [], color="#111111", lw=4.0, label="Border barrier (schematic)"),
        Line2D([], [], color="k", marker="o", lw=0, markersize=5, label="Place (GeoNames)"),
    ]
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.69, 0.90),
        fontsize=10,
        frameon=False,
        title="Legend",
        title_fontsize=12,
        alignment="left",
    )
    fig.text(
        0.69,
        0.955,
        "The Golan and Lebanese frontier:\nzones, lines and barrier",
        fontsize=12,
        fontweight="bold",
        va="top",
    )
    fig.text(
        0.69,
        0.36,
        "Zones measured geodesically from Line A.\n"
        "Map: azimuthal equidistant projection\n"
        f"centred on {CENTRE[1]:.2f}° N, {CENTRE[0]:.2f}° E (WGS84).",
        fontsize=9,
        va="top",
    )
    # the credits are strings from the layer manifest: shown literally, never as mathtext
    fig.text(
        0.02,
        0.015,
        _wrap(credit_line(date), 190),
        fontsize=7.5,
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
    fmt = _FORMATS.get(target.suffix.lower())
    if fmt is None:
        raise InputError(
            f"{target}: cannot tell the figure format from "
            f"{target.suffix or 'no extension'!r}; use .png, .svg or .pdf"
        )
    if dpi <= 0 or dpi > 1200:
        raise InputError(f"--dpi must be in 1..1200, got {dpi}")
    metadata: dict[str, Any] = {
        "png": {"Software": None},
        "svg": {"Date": None, "Creator": None},
        "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
    }[fmt]
    with matplotlib.rc_context({"svg.hashsalt": "border-zones", "svg.fonttype": "path"}):
        fig = make_figure(date=date)
        with atomic_path(target) as tmp:
            fig.savefig(tmp, format=fmt, dpi=dpi, metadata=metadata)
    plt.close("all")
    return target
