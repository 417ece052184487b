"""geo.derivation's fast paths give what pyproj's and GEOS's own functions give, to the bit."""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely import LineString

from geo import layers
from geo.derivation import local_projection, points_along, to_metric


def test_local_projection_is_the_operation_pyproj_finds():
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(34.0, 38.0, 20_000), rng.uniform(31.0, 35.0, 20_000)
    centres = [(35.8, 33.05), (np.float64(35.123456789012), 32.98765432109876)]
    centres += list(zip(rng.uniform(34.0, 38.0, 5), rng.uniform(31.0, 35.0, 5), strict=True))
    for clon, clat in centres:
        fwd, inv = local_projection(clon, clat)
        aeqd = CRS.from_proj4(f"+proj=aeqd +lat_0={clat} +lon_0={clon} +datum=WGS84 +units=m")
        ref_fwd = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
        ref_inv = Transformer.from_crs(aeqd, "EPSG:4326", always_xy=True)
        x, y = fwd.transform(lon, lat)
        rx, ry = ref_fwd.transform(lon, lat)
        assert np.array_equal(x, rx) and np.array_equal(y, ry)
        back, ref_back = inv.transform(x, y), ref_inv.transform(x, y)
        assert np.array_equal(back[0], ref_back[0]) and np.array_equal(back[1], ref_back[1])
        # and it is the projection it claims: the centre at the origin, distances true
        assert np.allclose(fwd.transform(float(clon), float(clat)), (0.0, 0.0), atol=1e-9)


def test_points_along_matches_shapely_on_a_border():
    syria = layers.load("countries").set_index("name").geometry["Syria"]
    ring = max(
        (LineString(p.exterior.coords) for p in shapely.get_parts(syria)), key=lambda r: r.length
    )
    fwd, _ = local_projection(*ring.coords[0])
    rm = to_metric(ring, fwd)
    rng = np.random.default_rng(3)
    dist = np.concatenate(
        [rng.uniform(0.0, rm.length, 5_000), np.arange(1.0, 2_001.0), [0.0, rm.length, -1.0]]
    )
    dist = np.concatenate([dist, [rm.length + 5.0]])
    got = shapely.get_coordinates(points_along(rm, dist))
    want = shapely.get_coordinates(shapely.line_interpolate_point(rm, np.clip(dist, 0, None)))
    assert np.array_equal(got, want)


def test_points_along_a_line_with_a_repeated_vertex():
    line = LineString([(0, 0), (1, 0), (1, 0), (1, 2), (4, 6)])
    dist = np.array([0.0, 0.5, 1.0, 1.0000001, 2.5, 3.0, 7.9, 8.0, 9.0])
    got = shapely.get_coordinates(points_along(line, dist))
    want = shapely.get_coordinates(shapely.line_interpolate_point(line, dist))
    assert np.array_equal(got, want)
