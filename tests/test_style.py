"""The palette survives colour-vision deficiency (simulated with colorspacious, Machado 2009)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from colorspacious import cspace_convert

from geo.render import style

VISIONS = ("normal", "deuteranomaly", "protanomaly")


def _seen(rgb: tuple[float, float, float], vision: str) -> np.ndarray:
    arr = np.asarray(rgb, dtype=float)
    if vision != "normal":
        cvd = {"name": "sRGB1+CVD", "cvd_type": vision, "severity": 100}
        arr = np.clip(cspace_convert(arr, cvd, "sRGB1"), 0, 1)
    return np.asarray(cspace_convert(arr, "sRGB1", "CAM02-UCS"))


def _hex(colour: str) -> tuple[float, float, float]:
    return style.blend_over_white(colour, 1.0)


def _line_entries() -> dict[str, tuple[float, float, float]]:
    lines = {key: _hex(s["color"]) for key, s in style.LINE_STYLES.items()}
    lines |= {f"barrier {k}": _hex(s["color"]) for k, s in style.BARRIER_STYLES.items() if k}
    lines["60 km outline"] = _hex(style.AREA_STYLES["zone:requested_60km"]["color"])
    return lines


def _area_entries() -> dict[str, tuple[float, float, float]]:
    areas = {}
    for key, s in style.AREA_STYLES.items():
        if s.get("fillOpacity", 0) > 0:
            areas[key] = style.blend_over_white(s["fillColor"], s["fillOpacity"])
    for inner in style.BAND_OPACITY:
        s = style.band_style(inner)
        areas[f"band {inner:g}"] = style.blend_over_white(s["fillColor"], s["fillOpacity"])
    return areas


def _pairs(entries, same_family_ok=lambda a, b: False):
    for (a, x), (b, y) in itertools.combinations(entries.items(), 2):
        if not same_family_ok(a, b):
            yield a, x, b, y


@pytest.mark.parametrize("vision", VISIONS)
@pytest.mark.parametrize("kind", ["lines", "areas"])
def test_legend_colours_stay_apart(kind, vision):
    entries = _line_entries() if kind == "lines" else _area_entries()

    def bands(a, b):
        return a.startswith("band") and b.startswith("band")

    worst = min(
        (float(np.linalg.norm(_seen(x, vision) - _seen(y, vision))), a, b)
        for a, x, b, y in _pairs(entries, bands)
    )
    assert worst[0] >= style.MIN_DELTA_E, worst


@pytest.mark.parametrize("vision", VISIONS)
def test_the_three_1974_bands_are_told_apart_by_opacity(vision):
    seen = [
        _seen(
            style.blend_over_white(style.band_style(k)["fillColor"], style.BAND_OPACITY[k]), vision
        )
        for k in sorted(style.BAND_OPACITY)
    ]
    for x, y in itertools.pairwise(seen):
        assert np.linalg.norm(x - y) >= 5.0


def test_the_old_palette_failed_this_test():
    # The first release's green bands, red 5 km and orange 5-60 km fills, under deuteranopia.
    old = {
        "band": style.blend_over_white("#5aae61", 0.38),
        "granted": style.blend_over_white("#d6604d", 0.5),
        "requested": style.blend_over_white("#fdb863", 0.32),
    }
    diffs = [
        np.linalg.norm(_seen(x, "deuteranomaly") - _seen(y, "deuteranomaly"))
        for (_, x), (_, y) in itertools.combinations(old.items(), 2)
    ]
    assert min(diffs) < style.MIN_DELTA_E


def test_matplotlib_styles_follow_the_map():
    line = style.mpl_line(style.LINE_STYLES["golan_line_b"])
    assert line["color"] == "#000000" and line["linestyle"] != "solid"
    area = style.mpl_area(style.AREA_STYLES["zone:granted_5km"])
    assert area["facecolor"] == style.blend_over_white("#D55E00", 0.6)


def _page_legend() -> list[dict]:
    """The legend rows the page shows, read from its bz-data JSON."""
    import json
    import re

    from geo.render import webmap

    page = webmap.render_html(webmap.build_map(basemap="none"))
    found = re.findall(r'<script type="application/json" id="bz-data">(.*?)</script>', page, re.S)
    assert len(found) == 1
    return json.loads(found[0])["legend"]


def _shown_colour(entry: dict) -> tuple[float, float, float]:
    """The colour a legend row's swatch shows: a fill over white, else its line."""
    s = entry["style"]
    if entry["shape"] != "line" and s.get("fillOpacity", 0) > 0 and s.get("fill", True):
        return style.blend_over_white(s.get("fillColor") or s["color"], s["fillOpacity"])
    return _hex(s["color"])


def _family(entry: dict) -> str:
    # rows of one layer (the 1974 bands) are one family in the legend, told apart by
    # opacity and label; so are a line and the layers derived from it (its other versions,
    # parts and corridor: its colour, with their own dashes, width or fill)
    return style.line_family(entry["layer"])


@pytest.mark.parametrize("vision", VISIONS)
def test_the_legend_the_page_shows_stays_apart(vision):
    entries = [e for e in _page_legend() if e["shape"] in ("line", "area")]
    assert len(entries) >= 12
    worst = None
    for a, b in itertools.combinations(entries, 2):
        if _family(a) == _family(b):
            continue
        outline_a = a["shape"] == "line" or not a["style"].get("fillOpacity")
        outline_b = b["shape"] == "line" or not b["style"].get("fillOpacity")
        if outline_a != outline_b:
            continue  # a line and a filled area do not look alike whatever their colours
        # a dashed line and a solid one are told apart by their pattern too
        diff_pattern = outline_a and bool(a["style"].get("dashArray")) != bool(
            b["style"].get("dashArray")
        )
        delta = float(
            np.linalg.norm(_seen(_shown_colour(a), vision) - _seen(_shown_colour(b), vision))
        )
        if diff_pattern:
            delta = max(delta, style.MIN_DELTA_E)  # counted as apart; checked below for colour
        if worst is None or delta < worst[0]:
            worst = (delta, a["label"], b["label"])
    assert worst is not None and worst[0] >= style.MIN_DELTA_E, worst
