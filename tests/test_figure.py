"""The print figure (geo.render.figure): written, right size, not blank, true scale."""

from __future__ import annotations

import matplotlib.image as mpimg
import numpy as np
import pyproj
import pytest

from geo.render import figure

GEOD = pyproj.Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def png(tmp_path_factory):
    path = tmp_path_factory.mktemp("fig") / "map.png"
    assert figure.save_figure(path, dpi=80, date="2024-05-01") == path
    return path


def test_png_size_and_content(png):
    img = mpimg.imread(png)
    w, h = figure.PAGE_INCHES
    assert img.shape[:2] == (int(h * 80), int(w * 80))  # matplotlib truncates
    rgb = (img[..., :3] * 255).astype(np.uint8).reshape(-1, 3)
    colours = np.unique(rgb, axis=0)
    assert len(colours) > 200  # a map, not a blank page
    white = np.all(rgb > 250, axis=1).mean()
    assert white < 0.5


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
