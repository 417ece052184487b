"""Read a point file, classify it, write it (geo.workflows.classify_file)."""

from __future__ import annotations

import json
import warnings

import pandas as pd
import pytest

from geo import workflows
from geo.errors import InputError


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_classify_file_columns_and_order(tmp_path):
    from geo.classification import COLUMNS

    src = write(tmp_path, "p.csv", "id,lat,lon\na,33.126,35.825\nb,oops,35\nc,33.279,35.579\n")
    out = tmp_path / "o.csv"
    s = workflows.classify_file(src, out, chunk_rows=1)
    assert (s.rows, s.errors) == (3, 1) and s.examples == [
        "row 2: lat: 'oops' is not a finite number"
    ]
    t = pd.read_csv(out, keep_default_na=False)
    assert list(t.columns) == ["id", "lat", "lon", *COLUMNS, "error"]
    assert t["id"].tolist() == ["a", "b", "c"]


def test_user_columns_kept_tool_columns_suffixed(tmp_path):
    src = write(
        tmp_path,
        "c.csv",
        "id,lat,lon,Country,zone,error,distance_line_a_m\n1,33.1,35.8,mine,z,e,d\n",
    )
    with pytest.warns(UserWarning, match="'country' → 'country_right'"):
        workflows.classify_file(src, tmp_path / "o.csv")
    out = pd.read_csv(tmp_path / "o.csv", dtype=str, keep_default_na=False)
    assert out.loc[0, ["Country", "zone", "error", "distance_line_a_m"]].tolist() == [
        "mine",
        "z",
        "e",
        "d",
    ]
    assert out.loc[0, "country_right"] == "Israel"
    assert out.loc[0, "error_right"] == ""


@pytest.mark.parametrize(
    "header", ["fid,lat,lon", "Name,name,lat,lon", "geometry,lat,lon", "geom,lat,lon"]
)
def test_gpkg_output_of_awkward_names(tmp_path, header):
    import pyogrio

    src = write(
        tmp_path,
        "g.csv",
        header + "\n" + ",".join(["a"] * (header.count(",") - 1)) + ",33.1,35.8\n",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workflows.classify_file(src, tmp_path / "o.gpkg")
    first = header.split(",")[0]
    assert first in pyogrio.read_info(tmp_path / "o.gpkg")["fields"].tolist()
    # (geopandas calls its geometry column "geometry": read the fields apart)
    fields = pyogrio.read_dataframe(tmp_path / "o.gpkg", read_geometry=False)
    assert fields.loc[0, first] == "a"
    df = pyogrio.read_dataframe(tmp_path / "o.gpkg", columns=[])
    assert df.geometry.iloc[0].x == pytest.approx(35.8)


@pytest.mark.parametrize("ext", ["csv", "geojson", "gpkg"])
def test_header_only_input_agrees_across_formats(tmp_path, ext):
    src = write(tmp_path, "h.csv", "id,lat,lon\n")
    s = workflows.classify_file(src, tmp_path / f"o.{ext}")
    assert s.rows == 0 and (tmp_path / f"o.{ext}").exists()


@pytest.mark.parametrize("ext", ["geojson", "gpkg", "csv"])
def test_z_kept(tmp_path, ext):
    import pyogrio

    src = tmp_path / "z.geojson"
    src.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"id": 1},
                        "geometry": {"type": "Point", "coordinates": [35.8, 33.1, 812.5]},
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    workflows.classify_file(src, tmp_path / f"o.{ext}")
    if ext == "csv":
        out = pd.read_csv(tmp_path / "o.csv")
        assert out.loc[0, "z"] == pytest.approx(812.5)
    else:
        df = pyogrio.read_dataframe(tmp_path / f"o.{ext}")
        assert df.geometry.iloc[0].has_z and df.geometry.iloc[0].z == pytest.approx(812.5)


def test_read_only_targets_refused_naming_the_users_path(tmp_path):
    src = write(tmp_path, "p.csv", "lat,lon\n33.1,35.8\n")
    target = tmp_path / "o.csv"
    target.write_text("keep", encoding="utf-8")
    target.chmod(0o444)
    with pytest.raises(InputError, match=r"o\.csv: the file is read-only"):
        workflows.classify_file(src, target)
    assert target.read_text(encoding="utf-8") == "keep"
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        with pytest.raises(InputError, match=r"the folder .*ro is read-only") as exc:
            workflows.classify_file(src, ro / "o.csv")
        assert ".tmp" not in str(exc.value)
    finally:
        ro.chmod(0o755)


def test_stale_temp_folders_of_dead_processes_removed(tmp_path):
    import subprocess
    import sys

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    pid = int(dead.stdout)
    stale = tmp_path / f".o.csv.bz-{pid}-abcdefgh.tmp"
    stale.mkdir()
    (stale / "o.csv").write_text("half", encoding="utf-8")
    alive = tmp_path / f".o.csv.bz-{1}-abcdefgh.tmp"  # pid 1 runs: kept
    alive.mkdir()
    other = tmp_path / f".x.csv.bz-{pid}-abcdefgh.tmp"  # another target's: kept
    other.mkdir()
    src = write(tmp_path, "p.csv", "lat,lon\n33.1,35.8\n")
    workflows.classify_file(src, tmp_path / "o.csv")
    assert not stale.exists() and alive.exists() and other.exists()
