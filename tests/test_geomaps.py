"""geo._geomaps on small tarballs built here in the layout of @geo-maps 0.6.0."""

from __future__ import annotations

import io
import json
import tarfile

import pytest

from geo import _geomaps
from geo.errors import LayerIntegrityError

HEAD = '{"type":"FeatureCollection", "features": ['


def square(x0: float, y0: float, size: float = 1.0) -> list[list[float]]:
    return [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]


def feature(a3: str, rings: list[list[list[float]]]) -> str:
    geometry = {"type": "MultiPolygon", "coordinates": [rings]}
    return json.dumps(
        {"type": "Feature", "geometry": geometry, "properties": {"A3": a3}}, separators=(",", ":")
    )


def make_tarball(path, lines: list[str], member: str = _geomaps.MEMBER) -> None:
    data = ("\n".join(lines) + "\n").encode()
    with tarfile.open(path, "w:gz") as tar:
        for name, payload in (("package/package.json", b"{}"), (member, data)):
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))


def layout(*features: str) -> list[str]:
    body = [f + "," for f in features[:-1]] + [features[-1]]
    return [HEAD, *body, "]}"]


@pytest.fixture
def tarball(tmp_path):
    path = tmp_path / "countries-land-10m-0.6.0.tgz"
    make_tarball(
        path,
        layout(
            feature("ABW", [square(0, 0)]),
            feature("ISR", [square(35, 33)]),
            feature("LBN", [square(35, 34)]),
            feature("SYR", [square(36, 33)]),
        ),
    )
    return path


def test_reads_only_the_wanted_features_in_file_order(tarball):
    feats = list(_geomaps.iter_features(tarball, {"SYR", "ISR"}))
    assert [f["properties"]["A3"] for f in feats] == ["ISR", "SYR"]
    assert feats[0]["geometry"]["coordinates"] == [[square(35, 33)]]
    geoms = _geomaps.read_features(tarball, ["LBN"])
    assert list(geoms) == ["LBN"] and geoms["LBN"]["type"] == "MultiPolygon"


def test_a_missing_code_fails_loudly(tarball):
    with pytest.raises(LayerIntegrityError, match="no feature with A3 XYZ"):
        list(_geomaps.iter_features(tarball, {"ISR", "XYZ"}))


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            ['{"type":"FeatureCollection","features":[', feature("ISR", [square(0, 0)]), "]}"],
            "line 1",
        ),
        ([HEAD, '{"type":"Feature","geometry":null,"properties":{}}', "]}"], "without an 'A3'"),
        ([HEAD, '{"type": "Feature", "properties": {"A3": "ISR"}}', "]}"], "not a Feature line"),
        ([HEAD, feature("ISR", [square(0, 0)]) + ","], "closing"),
        (
            [HEAD, feature("ISR", [square(0, 0)]) + ",", feature("ISR", [square(1, 1)]), "]}"],
            "second",
        ),
        ([HEAD, feature("ISR", [square(0, 0)]), "]}", "extra"], "after the closing"),
    ],
)
def test_a_changed_layout_fails_loudly(tmp_path, lines, message):
    path = tmp_path / "changed.tgz"
    make_tarball(path, lines)
    with pytest.raises(LayerIntegrityError, match=message):
        list(_geomaps.iter_features(path, {"ISR"}))


def test_a_missing_member_fails_loudly(tmp_path):
    path = tmp_path / "other.tgz"
    make_tarball(path, layout(feature("ISR", [square(0, 0)])), member="package/other.json")
    with pytest.raises(LayerIntegrityError, match="no member"):
        list(_geomaps.iter_features(path, {"ISR"}))


def ring_geojson(ring: list[list[float]]) -> dict:
    return {"type": "MultiPolygon", "coordinates": [[ring]]}


def test_shared_edge_by_identical_vertices_across_the_ring_start():
    # a's ring starts in the middle of the shared edge: the run wraps
    a = [[1, 0.5], [1, 1], [0, 1], [0, 0], [1, 0], [1, 0.25], [1, 0.5]]
    b = [[1, 0], [2, 0], [2, 1], [1, 1], [1, 0.5], [1, 0.25], [1, 0]]
    edge = _geomaps.shared_edge(ring_geojson(a), ring_geojson(b), max_gap=0)
    assert edge == [(1.0, 0.0), (1.0, 0.25), (1.0, 0.5), (1.0, 1.0)]


def test_shared_edge_bridges_short_gaps_only():
    # a leaves b's boundary for two vertices (an overlap), then comes back
    a = [
        [0, 0],
        [1, 0],
        [1, 0.2],
        [1.1, 0.3],
        [1.1, 0.4],
        [1, 0.5],
        [1, 1],
        [0, 1],
        [0, 0.5],
        [0, 0],
    ]
    b = [[1, 0], [2, 0], [2, 1], [1, 1], [1, 0.5], [1, 0.2], [1, 0]]
    bridged = _geomaps.shared_edge(ring_geojson(a), ring_geojson(b), max_gap=2)
    assert bridged == [(1.0, 0.0), (1.0, 0.2), (1.1, 0.3), (1.1, 0.4), (1.0, 0.5), (1.0, 1.0)]
    unbridged = _geomaps.shared_edge(ring_geojson(a), ring_geojson(b), max_gap=1)
    assert unbridged == [(1.0, 0.0), (1.0, 0.2)]


def test_shared_edge_of_strangers_is_empty_and_lines_are_refused():
    assert _geomaps.shared_edge(ring_geojson(square(0, 0)), ring_geojson(square(5, 5))) == []
    with pytest.raises(ValueError, match="Polygon"):
        _geomaps.shared_edge({"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, {})
