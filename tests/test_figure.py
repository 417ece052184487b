"""The print figure (geo.render.figure): true scale, the web map's styles, and checked as an
editor would: the PDF rendered with poppler (text, fonts, margins) and the layout measured."""

from __future__ import annotations

import itertools
import shutil
import subprocess
import warnings

import matplotlib
import matplotlib.colors
import matplotlib.image as mpimg
import numpy as np
import pyproj
import pytest
import shapely
from matplotlib.lines import Line2D
from matplotlib.text import Text

from geo import layers, zones
from geo.render import figure, style

GEOD = pyproj.Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def png(tmp_path_factory):
    path = tmp_path_factory.mktemp("fig") / "map.png"
    assert figure.save_figure(path, dpi=80, date="2024-05-01") == path
    return path


@pytest.mark.slow  # uses a drawn figure (module fixture, ~4 s to draw)
def test_png_size_and_content(png):
    img = mpimg.imread(png)
    w, h = figure.PAGE_INCHES
    assert img.shape[:2] == (int(h * 80), int(w * 80))  # matplotlib truncates
    rgb = (img[..., :3] * 255).astype(np.uint8).reshape(-1, 3)
    colours = np.unique(rgb, axis=0)
    assert len(colours) > 200  # a map, not a blank page
    white = np.all(rgb > 250, axis=1).mean()
    assert white < 0.5


@pytest.mark.slow  # draws the figure twice per format (~3 s)
@pytest.mark.parametrize("ext", ["svg", "pdf"])
def test_vector_formats_are_deterministic(tmp_path, ext):
    a = figure.save_figure(tmp_path / f"a.{ext}", date="2024-05-01").read_bytes()
    b = figure.save_figure(tmp_path / f"b.{ext}", date="2024-05-01").read_bytes()
    assert a == b and len(a) > 10_000
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"a.{ext}", f"b.{ext}"]


def test_credit_line_names_sources_licences_and_date():
    text = figure.credit_line("2024-05-01")
    for needle in ("OpenStreetMap", "Natural Earth", "GeoNames", "ODbL", "CC-BY-4.0", "2024-05-01"):
        assert needle in text


def test_scale_is_true_in_map_projection():
    """A 20 km step east in the map CRS is 20 km on the ellipsoid, across the sheet."""
    to_ll = pyproj.Transformer.from_crs(figure.map_crs(), "EPSG:4326", always_xy=True)
    to_map = pyproj.Transformer.from_crs("EPSG:4326", figure.map_crs(), always_xy=True)
    x0, y0, x1, y1 = figure.EXTENT
    for lon, lat in [(x0, y0), (x1, y1), (x0, y1), figure.CENTRE]:
        x, y = to_map.transform(lon, lat)
        lon2, lat2 = to_ll.transform(x + 20_000.0, y)
        d = GEOD.inv(lon, lat, lon2, lat2)[2]
        assert d == pytest.approx(20_000.0, rel=5e-4)
    assert "Equidistant" in figure.map_crs().coordinate_operation.method_name


def test_bad_extension_writes_nothing(tmp_path):
    from geo.errors import InputError

    with pytest.raises(InputError, match=r"use \.png, \.svg or \.pdf"):
        figure.save_figure(tmp_path / "map.gif")
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------
# the figure as an editor checks it: the PDF rendered by poppler, the layout measured
# --------------------------------------------------------------------------
MM = 1 / 25.4  # inches


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} not found: install Debian's poppler-utils (see .ci/run)"
    return path


def _normal(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "map.pdf"
    figure.save_figure(path, date="2024-05-01")
    return path


@pytest.fixture(scope="module")
def drawn():
    """The figure as drawn, with a renderer to measure it."""
    fig = figure.make_figure(date="2024-05-01")
    renderer = fig.canvas.get_renderer()
    fig.draw(renderer)
    return fig, renderer


def _legend_labels() -> list[str]:
    return [_normal(label) for _, label in figure._legend_handles()]


@pytest.mark.slow  # uses a drawn figure (module fixture, ~4 s to draw)
def test_pdf_fonts_are_truetype_with_metadata(pdf):
    fonts = subprocess.run([_tool("pdffonts"), pdf], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows, fonts.stdout
    assert not [r for r in rows if "Type 3" in r]
    assert all("TrueType" in r and " yes " in r for r in rows), fonts.stdout  # embedded
    info = subprocess.run([_tool("pdfinfo"), pdf], capture_output=True, text=True, check=True)
    fields = dict(line.split(":", 1) for line in info.stdout.splitlines() if ":" in line)
    assert fields["Title"].strip() == figure.TITLE
    assert fields["Author"].strip() == "border-zones"
    assert "zones" in fields["Subject"]
    assert matplotlib.rcParams["pdf.fonttype"] == 3  # the setting stayed local


@pytest.mark.slow  # uses a drawn figure (module fixture, ~4 s to draw)
def test_pdf_text_has_what_an_editor_looks_for(pdf):
    out = subprocess.run([_tool("pdftotext"), "-raw", pdf, "-"], capture_output=True, text=True)
    text = _normal(out.stdout)
    wanted = [
        figure.TITLE,
        *_legend_labels(),
        "LEBANON",
        "ISRAEL",
        "SYRIA",
        "JORDAN",
        "Golan Heights",
        "Sea of Galilee",
        "Mediterranean Sea",
        *figure.KEY_PLACES.values(),
        "Location",
        "35.5° E",
        "33° N",
        "25 km",
        "Sources:",
        "OpenStreetMap",
        "GeoNames",
        "Natural Earth",
        "2024-05-01",
    ]
    missing = [w for w in wanted if w not in text]
    assert not missing, text


@pytest.mark.slow  # uses a drawn figure (module fixture, ~4 s to draw)
def test_pdf_page_keeps_a_5_mm_margin(pdf, tmp_path):
    dpi = 100
    subprocess.run(
        [_tool("pdftoppm"), "-r", str(dpi), "-png", "-singlefile", pdf, tmp_path / "page"],
        check=True,
    )
    img = mpimg.imread(tmp_path / "page.png")[..., :3]
    h, w = img.shape[:2]
    assert (w, h) == (round(figure.PAGE_INCHES[0] * dpi), round(figure.PAGE_INCHES[1] * dpi))
    band = int(np.ceil(5 * MM * dpi))  # 5 mm in pixels
    ink = img.min(axis=2) < 0.97
    edges = {
        "left": ink[:, :band],
        "right": ink[:, w - band :],
        "top": ink[:band, :],
        "bottom": ink[h - band :, :],
    }
    assert {side: int(px.sum()) for side, px in edges.items()} == dict.fromkeys(edges, 0)
    assert ink.mean() > 0.3  # and the page is not empty


@pytest.mark.slow  # uses a drawn figure (module fixture, ~4 s to draw)
def test_text_keeps_5_mm_from_the_page_edge(drawn):
    fig, renderer = drawn
    page = fig.bbox
    margin = 5 * MM * fig.dpi
    for art in [*_texts(fig), *fig.legends]:
        box = art.get_window_extent(renderer)
        assert box.x0 >= margin and box.x1 <= page.x1 - margin, art
        assert box.y0 >= margin and box.y1 <= page.y1 - margin, art


def _texts(fig):
    return [
        t
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and t.figure is not None
    ]


@pytest.mark.slow  # uses a drawn figure (module fixture, ~4 s to draw)
def test_no_two_texts_overlap(drawn):
    """Names, place labels, ticks, legend, notes, credits: no two boxes meet."""
    fig, renderer = drawn
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in _texts(fig)]
    clash = [
        (a, b)
        for (a, p), (b, q) in itertools.combinations(boxes, 2)
        if p.overlaps(q) and p.width > 0 and q.width > 0
    ]
    assert not clash
    names = {t.get_text() for t in _texts(fig)}
    assert set(figure.KEY_PLACES.values()) <= names


def _map_axes(fig):
    return fig.axes[0]


def _to_display(ax, geom_lonlat):
    to_map = pyproj.Transformer.from_crs("EPSG:4326", figure.map_crs(), always_xy=True)

    def f(xy):
        mx, my = to_map.transform(xy[:, 0], xy[:, 1])
        return ax.transData.transform(np.column_stack([mx, my]))

    return shapely.transform(geom_lonlat, f)


@pytest.mark.slow  # uses a drawn figure (module fixture, ~4 s to draw)
def test_place_labels_clear_the_barrier_and_other_dots(drawn):
    fig, renderer = drawn
    ax = _map_axes(fig)
    barrier = _to_display(ax, layers.load("lebanon_border_barrier").geometry.union_all())
    places = layers.load("places")
    key = places[places["name"].isin(list(figure.KEY_PLACES))]
    dots = _to_display(ax, shapely.MultiPoint(list(key.geometry))).geoms
    labels = [t for t in ax.texts if t.get_text() in figure.KEY_PLACES.values()]
    assert len(labels) == len(figure.KEY_PLACES)
    for t in labels:
        b = t.get_window_extent(renderer)
        box = shapely.box(b.x0, b.y0, b.x1, b.y1)
        assert box.distance(barrier) > 1.0, t.get_text()
        assert all(box.distance(d) > 2.0 for d in dots), t.get_text()
    # the dots are drawn over the barrier, never under it
    barrier_z = [c.get_zorder() for c in ax.collections if _is_barrier(c)]
    dot_z = [ln.get_zorder() for ln in ax.lines if ln.get_marker() == "o"]
    assert barrier_z and dot_z and min(dot_z) > max(barrier_z)


def _is_barrier(artist) -> bool:
    colours = {matplotlib.colors.to_hex(s["color"]) for k, s in style.BARRIER_STYLES.items() if k}
    edge = artist.get_edgecolor()
    return len(edge) > 0 and matplotlib.colors.to_hex(edge[0]) in colours


@pytest.mark.parametrize(
    ("styles", "key"),
    [
        (style.LINE_STYLES, "golan_line_a"),
        (style.LINE_STYLES, "golan_line_b"),
        (style.LINE_STYLES, "blue_line"),
        (style.BARRIER_STYLES, "concrete wall"),
        (style.BARRIER_STYLES, "smart fence"),
    ],
)
@pytest.mark.slow  # uses a drawn figure (module fixture, ~4 s to draw)
def test_each_line_is_drawn_in_its_web_map_style(drawn, styles, key):
    fig, _ = drawn
    want = style.mpl_line(styles[key])
    rgba = matplotlib.colors.to_rgba(want["color"])
    hits = [
        c
        for c in _map_axes(fig).collections
        if len(c.get_edgecolor())
        and tuple(c.get_edgecolor()[0]) == rgba
        and c.get_linewidth()[0] == pytest.approx(want["linewidth"])
    ]
    assert hits, key
    legend = fig.legends[0]
    entry = [
        h for h in legend.legend_handles if isinstance(h, Line2D) and h.get_color() == want["color"]
    ]
    assert entry and entry[0].get_linewidth() == pytest.approx(want["linewidth"])


def test_wall_and_fence_differ_in_colour_and_dash():
    wall = style.mpl_line(style.BARRIER_STYLES["concrete wall"])
    fence = style.mpl_line(style.BARRIER_STYLES["smart fence"])
    assert wall["color"] != fence["color"] and wall["linestyle"] != fence["linestyle"]
    assert {"Barrier: concrete wall", "Barrier: smart fence"} <= set(_legend_labels())


@pytest.mark.slow  # uses a drawn figure (module fixture, ~4 s to draw)
def test_area_of_separation_over_the_5_km_zone_shows_a_legend_colour(drawn, png):
    """Pixels where the Area of Separation meets the granted zone: the AoS legend colour."""
    fig, _ = drawn
    ax = _map_axes(fig)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        z = zones.zones()
    granted = z[(z["id"] == "granted_5km") & (z["part"] == "inside")].geometry.union_all()
    aos = layers.load("undof_area_of_separation").geometry.union_all()
    crs = figure.map_crs()
    to_map = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    both = shapely.transform(
        granted.intersection(aos),
        lambda xy: np.column_stack(to_map.transform(xy[:, 0], xy[:, 1])),
    ).buffer(-800)  # off the lines
    assert both.area > 1e6
    img = mpimg.imread(png)[..., :3]
    scale = 80 / fig.dpi  # the png fixture is drawn at 80 dpi
    legend_fills = [
        np.array(style.mpl_area(style.AREA_STYLES[k])["facecolor"])
        for k in ("undof_area_of_separation", "zone:granted_5km", "zone:requested_not_granted")
    ]
    aos_fill = legend_fills[0]
    parts = sorted(getattr(both, "geoms", [both]), key=lambda g: -g.area)[:5]
    for part in parts:
        q = part.representative_point()
        px, py = ax.transData.transform((q.x, q.y)) * scale
        colour = img[round(img.shape[0] - py), round(px)]
        assert np.abs(colour - aos_fill).max() < 0.03, colour
    assert min(np.abs(aos_fill - f).max() for f in legend_fills[1:]) > 0.1


@pytest.mark.slow  # uses a drawn figure (module fixture, ~4 s to draw)
def test_right_column_has_no_large_gap(drawn):
    """Legend, notes and locator follow each other down the column to the map's foot."""
    fig, renderer = drawn
    mm = fig.dpi * MM
    ax, locator = fig.axes[0], fig.axes[-1]
    assert locator.get_title(loc="left") == "Location"
    legend = fig.legends[0].get_window_extent(renderer)
    notes = next(t for t in fig.texts if t.get_text().startswith("Zones measured"))
    nb = notes.get_window_extent(renderer)
    lb = locator.get_tightbbox(renderer)
    gaps = [legend.y0 - nb.y1, nb.y0 - lb.y1]
    assert all(0 <= g < 15 * mm for g in gaps), [g / mm for g in gaps]
    map_box = ax.get_window_extent(renderer)
    assert abs(locator.get_window_extent(renderer).y0 - map_box.y0) < 1 * mm
    assert legend.x0 > map_box.x1


@pytest.mark.slow  # uses a drawn figure (module fixture, ~4 s to draw)
def test_graticule_ticks_sit_where_meridians_cross_the_frame(drawn):
    """Tick labels name the meridian / parallel that pyproj puts at that spot."""
    fig, _ = drawn
    ax = _map_axes(fig)
    to_ll = pyproj.Transformer.from_crs(figure.map_crs(), "EPSG:4326", always_xy=True)
    y0 = ax.get_ylim()[0]
    x0 = ax.get_xlim()[0]
    xt = ax.get_xticks()
    yt = ax.get_yticks()
    assert len(xt) >= 3 and len(yt) >= 2
    for x, label in zip(xt, [t.get_text() for t in ax.get_xticklabels()], strict=True):
        lon, _ = to_ll.transform(x, y0)
        assert label == f"{float(label.split('°')[0]):g}° E"
        assert lon == pytest.approx(float(label.split("°")[0]), abs=1e-6)
    for y, label in zip(yt, [t.get_text() for t in ax.get_yticklabels()], strict=True):
        _, lat = to_ll.transform(x0, y)
        assert lat == pytest.approx(float(label.split("°")[0]), abs=1e-6)


@pytest.mark.parametrize(
    "key", ["zone:granted_5km", "zone:requested_not_granted", "undof_area_of_separation"]
)
@pytest.mark.slow  # uses a drawn figure (module fixture, ~4 s to draw)
def test_each_area_is_filled_in_its_web_map_style(drawn, key):
    fig, _ = drawn
    want = matplotlib.colors.to_rgba(style.mpl_area(style.AREA_STYLES[key])["facecolor"])
    fills = [
        tuple(c.get_facecolor()[0]) for c in _map_axes(fig).collections if len(c.get_facecolor())
    ]
    assert want in fills
    legend = [
        tuple(h.get_facecolor())
        for h in fig.legends[0].legend_handles
        if hasattr(h, "get_facecolor") and not isinstance(h, Line2D)
    ]
    assert want in legend
