"""geo._prepared: point-in-polygon tests shared by threads, against shapely in one thread."""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import shapely

from geo import layers
from geo._prepared import PointInPolygon

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


def _points(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(35.3, 36.8, n), rng.uniform(32.4, 33.9, n)


def _truth(geom, lon, lat) -> np.ndarray:
    """shapely on a prepared copy of its own, in this thread alone."""
    own = shapely.from_wkt(shapely.to_wkt(geom, rounding_precision=-1))
    shapely.prepare(own)
    return shapely.contains_xy(own, lon, lat)


def test_same_answers_as_shapely_from_many_threads():
    lon, lat = _points(40_000)
    geoms = list(layers.load("countries").geometry)
    tests = [PointInPolygon(g) for g in geoms]
    truth = [_truth(g, lon, lat) for g in geoms]
    assert sum(int(t.sum()) for t in truth) > 30_000  # the box is mostly inside the countries

    def work(k: int) -> list[np.ndarray]:
        sl = slice(k * 10_000, (k + 1) * 10_000)
        return [t.contains_xy(lon[sl], lat[sl]) for t in tests]

    with ThreadPoolExecutor(4) as pool:
        parts = list(pool.map(work, range(4)))
    for j, t in enumerate(truth):
        np.testing.assert_array_equal(np.concatenate([p[j] for p in parts]), t)
    for t, g in zip(tests, geoms, strict=True):
        assert t.bounds == tuple(shapely.bounds(g)) and t.geometry is g


def test_pickles_to_the_same_polygon():
    geom = layers.load("undof_area_of_separation").geometry.union_all()
    lon, lat = _points(5_000, seed=1)
    test = PointInPolygon(geom)
    test.contains_xy(lon, lat)  # a prepared copy exists; it is not what is pickled
    again = pickle.loads(pickle.dumps(test))
    assert shapely.equals_exact(again.geometry, geom, tolerance=0)
    np.testing.assert_array_equal(again.contains_xy(lon, lat), _truth(geom, lon, lat))
    assert again.contains_xy(lon, lat).any()


# Threads testing points against one shared prepared polygon at once corrupted the
# heap here (glibc "unaligned tcache chunk detected", SIGABRT, in 4 of 6 runs of
# this loop with plain shapely.contains_xy). Run in a child process so that a crash
# is a failed test, not a dead test run; the child compares with shapely too.
CHILD = textwrap.dedent(
    """
    import sys
    from concurrent.futures import ThreadPoolExecutor
    import numpy as np, shapely
    sys.path.insert(0, sys.argv[1])
    from geo import layers
    from geo._prepared import PointInPolygon
    geoms = list(layers.load("countries").geometry)
    tests = [PointInPolygon(g) for g in geoms]
    rng = np.random.default_rng(0)
    lon, lat = rng.uniform(35.3, 36.8, 200_000), rng.uniform(32.4, 33.9, 200_000)
    truth = []
    for g in geoms:
        own = shapely.from_wkb(shapely.to_wkb(g))
        shapely.prepare(own)
        truth.append(shapely.contains_xy(own, lon, lat))
    def work(k):
        sl = slice(k * 50_000, (k + 1) * 50_000)
        return [t.contains_xy(lon[sl], lat[sl]) for t in tests]
    for _ in range(int(sys.argv[2])):
        with ThreadPoolExecutor(2) as pool:  # threads that end each round, as in classify
            parts = list(pool.map(work, range(4)))
        for j, t in enumerate(truth):
            assert (np.concatenate([p[j] for p in parts]) == t).all(), j
    print("ok")
    """
)


def test_threads_sharing_a_polygon_do_not_crash():
    for _ in range(2):  # each run: 8 rounds of threads started and ended
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, str(ROOT), "8"],
            capture_output=True, text=True, timeout=300, cwd=ROOT,
        )  # fmt: skip
        assert proc.returncode == 0 and proc.stdout.strip() == "ok", (
            proc.returncode,
            proc.stderr[-2000:],
        )
