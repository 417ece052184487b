"""geo.manifest: the one reader and writer of manifest entries."""

from __future__ import annotations

import json

import numpy as np
import pytest

import geo
from geo import layers, manifest
from geo.errors import LayerIntegrityError
from tests.conftest import ROOT


def entry(title: str) -> dict[str, object]:
    return {
        "title": title,
        "description": "",
        "file": f"{title}.geojson",
        "sha256": "0" * 64,
        "crs": "EPSG:4326",
        "geometry_type": ["LineString"],
        "feature_count": 1,
        "fields": ["name"],
        "licence": "MIT",
        "attribution": "x",
        "upstream": [],
    }


def test_committed_manifest_entries_are_complete():
    entries = json.loads((ROOT / "layers" / "manifest.json").read_text(encoding="utf-8"))
    assert entries
    for name, e in entries.items():
        manifest.check_entry(name, e)


def test_check_entry_names_the_layer_and_missing_keys():
    with pytest.raises(LayerIntegrityError, match=r"'b': missing sha256, crs"):
        manifest.check_entry(
            "b", {k: v for k, v in entry("b").items() if k not in ("sha256", "crs")}
        )


def test_write_entries_sorted_kept_and_formatted(tmp_path):
    manifest.write_entries(tmp_path, {"zeta": entry("zeta"), "alpha": entry("alpha")})
    manifest.write_entries(tmp_path, {"mid": entry("mid")})  # keeps the others
    text = (tmp_path / "manifest.json").read_text(encoding="utf-8")
    got = json.loads(text)
    assert list(got) == ["alpha", "mid", "zeta"]
    assert got["mid"] == entry("mid")
    # the committed manifest's format: 2-space indent, UTF-8 as is, final newline
    assert text == json.dumps(got, indent=2, ensure_ascii=False) + "\n"
    assert not list(tmp_path.glob("*.tmp")) and len(list(tmp_path.iterdir())) == 1


def test_write_entries_refuses_an_incomplete_entry_and_writes_nothing(tmp_path):
    with pytest.raises(LayerIntegrityError, match="missing"):
        manifest.write_entries(tmp_path, {"x": {"title": "x"}})
    assert not (tmp_path / "manifest.json").exists()


def test_read_is_cached_until_the_file_changes(tmp_path):
    manifest.write_entries(tmp_path, {"a": entry("a")})
    first = manifest.read(tmp_path)
    assert manifest.read(tmp_path) is first
    manifest.write_entries(tmp_path, {"b": entry("b")})
    assert set(manifest.read(tmp_path)) == {"a", "b"}


def test_read_missing_or_broken_manifest_names_the_file(tmp_path):
    with pytest.raises(LayerIntegrityError, match=r"manifest\.json"):
        manifest.read(tmp_path)
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(LayerIntegrityError, match="cannot read the layer manifest"):
        manifest.read(tmp_path)


def test_plain_turns_numpy_scalars_into_python_numbers():
    assert type(manifest.plain(np.int32(4))) is int
    assert type(manifest.plain(np.float32(0.5))) is float
    assert manifest.plain("x") == "x" and manifest.plain(None) is None


def test_layers_using_points_at_another_folder(tmp_path):
    manifest.write_entries(tmp_path, {"a": entry("a")})
    before = layers.layers_dir()
    with layers.using(tmp_path) as folder:
        assert layers.layers_dir() == folder == tmp_path.resolve()
        assert layers.names() == ["a"]
        assert layers.line_names() == frozenset({"a"})
    assert layers.layers_dir() == before
    with pytest.raises(LayerIntegrityError, match=r"no manifest\.json"):
        with layers.using(tmp_path / "nowhere"):
            pass


def test_classify_reads_the_manifest_a_few_times_not_per_spec(monkeypatch):
    # before issue 9 a 3-row classify made 97 layers.info and 115 layers_dir() calls
    calls = {"info": 0, "layers_dir": 0}
    for name in calls:
        original = getattr(layers, name)

        def counted(*args, _f=original, _n=name, **kwargs):
            calls[_n] += 1
            return _f(*args, **kwargs)

        monkeypatch.setattr(layers, name, counted)
    out = geo.classify([(35.8, 33.1), (35.9, 33.0), (35.5, 33.2)])
    assert len(out) == 3
    assert calls["info"] <= 10, calls
    assert calls["layers_dir"] <= 20, calls
