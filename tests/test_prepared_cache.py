"""The prepared classification context cached on disk (geo._files cache helpers)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from geo import _files, classification, layers, zones

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BORDER_ZONES_CACHE", str(tmp_path))
    classification._context.cache_clear()
    yield tmp_path / classification._CACHE_KIND
    classification._context.cache_clear()


def points(n: int = 20_000, seed: int = 4) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(34.5, 37.5, n), rng.uniform(32.0, 34.5, n)


def test_context_is_written_then_loaded_and_gives_identical_results(cache, monkeypatch):
    lon, lat = points()
    fresh = classification.classify_lonlat(lon, lat)
    files = list(cache.glob("*.bin"))
    assert len(files) == 1
    classification._context.cache_clear()

    def fail() -> None:
        raise AssertionError("the context was rebuilt instead of loaded")

    monkeypatch.setattr(classification, "_build_context", fail)
    loaded = classification.classify_lonlat(lon, lat)
    assert classification._context(zones.specs_sha256())["key"] == files[0].stem
    assert fresh.equals(loaded)


def test_a_corrupt_entry_is_rebuilt(cache):
    key = classification._context_key(zones.specs_sha256())
    cache.mkdir(parents=True)
    (cache / f"{key}.bin").write_bytes(b"not a pickle")
    lon, lat = points(200)
    out = classification.classify_lonlat(lon, lat)
    assert len(out) == 200
    assert (cache / f"{key}.bin").read_bytes() != b"not a pickle"


def test_key_follows_the_layer_files_and_the_code(cache, tmp_path, monkeypatch):
    folder = tmp_path / "layers"  # a copy: the checkout's files stay as they are
    folder.mkdir()
    for f in layers.layers_dir().iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    monkeypatch.setenv("BORDER_ZONES_LAYERS", str(folder))
    digest = zones.specs_sha256()
    before = classification._context_key(digest)
    assert classification._context_key(digest) == before  # deterministic
    assert classification._context_key("other zone list") != before
    file = layers.path("golan_line_a")
    data, st = file.read_bytes(), file.stat()
    try:
        file.write_bytes(data + b" ")  # an edited file: another key
        assert classification._context_key(digest) != before
        file.write_bytes(data)
        os.utime(file, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        assert classification._context_key(digest) == before  # touched only: the same
    finally:
        file.write_bytes(data)
        os.utime(file, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert classification._context_key(digest) == before
    monkeypatch.setattr(classification, "_CONTEXT_CODE", classification._CONTEXT_CODE[:-1])
    assert classification._context_key(digest) != before


def test_unwritable_cache_is_not_an_error(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("BORDER_ZONES_CACHE", str(blocker))  # a file: no folder can be made
    assert _files.write_cached("prepared", "k", b"x") is False
    assert _files.read_cached("prepared", "k") is None
    classification._context.cache_clear()
    try:
        assert len(classification.classify_lonlat([35.8], [33.1])) == 1
    finally:
        classification._context.cache_clear()


def test_old_entries_are_pruned(tmp_path, monkeypatch):
    monkeypatch.setenv("BORDER_ZONES_CACHE", str(tmp_path))
    for k in range(_files.CACHE_KEEP + 3):
        assert _files.write_cached("prepared", f"k{k}", b"x")
        path = tmp_path / "prepared" / f"k{k}.bin"
        os.utime(path, ns=(k * 10**9, k * 10**9))
    kept = sorted(p.stem for p in (tmp_path / "prepared").glob("*.bin"))
    assert len(kept) == _files.CACHE_KEEP
    assert f"k{_files.CACHE_KEEP + 2}" in kept


@pytest.mark.slow  # two real command-line runs, one preparing from cold (~5 s)
def test_command_line_classifies_the_same_with_a_cold_and_a_warm_cache(tmp_path):
    src = tmp_path / "in.csv"
    lon, lat = points(500, seed=9)
    rows = "".join(f"{i},{b},{a}\n" for i, (a, b) in enumerate(zip(lon, lat, strict=True)))
    src.write_text("id,lat,lon\n" + rows)
    env = dict(os.environ, BORDER_ZONES_CACHE=str(tmp_path / "cache"))
    outs = []
    for k in range(2):
        out = tmp_path / f"out{k}.csv"
        proc = subprocess.run(
            [sys.executable, "-m", "geo", "classify", str(src), "-o", str(out)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        outs.append(out.read_bytes())
    assert len(list((tmp_path / "cache" / "prepared").glob("*.bin"))) == 1
    assert outs[0] == outs[1]
