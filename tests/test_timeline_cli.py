"""`border-zones timeline` and `--as-of` on classify, report and figure, as a user runs them."""

from __future__ import annotations

import csv
import json
import subprocess

import matplotlib.image as mpimg
import numpy as np
import pytest

from geo import timeline
from tests.cli_support import run_cli as run
from tests.conftest import ROOT
from tests.truth import GEOD


def test_timeline_lists_every_item_with_source_and_confidence():
    res = run("timeline")
    assert res.returncode == 0, res.stderr
    with open(ROOT / "layers" / "timeline.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    lines = res.stdout.splitlines()
    for r in rows:
        line = next(x for x in lines if x.startswith(r["id"] + " "))
        assert r["confidence"] in line and r["source_outlet"] in line and r["source_date"] in line


def test_timeline_json_as_of():
    res = run("timeline", "--as-of", "2018-08-01", "--json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["as_of"] == "2018-08-01"
    ids = [i["id"] for i in doc["items"]]
    assert "2018_claim_85km" in ids and "2018_offer_100km" not in ids
    assert ids == [i.id for i in timeline.in_force("2018-08-01")]
    for i in doc["items"]:
        assert i["source_outlet"] and i["source_date"] and i["confidence"]
    everything = json.loads(run("timeline", "--json").stdout)
    assert everything["as_of"] is None and len(everything["items"]) > len(ids)


@pytest.mark.parametrize("cmd", [["timeline"], ["report"], ["figure", "-o", "x.png"]])
@pytest.mark.parametrize("bad", ["2018-02-30", "soon"])
def test_bad_date_is_a_usage_error(cmd, bad, tmp_path):
    res = run(*cmd, "--as-of", bad, cwd=tmp_path)
    assert res.returncode == 2
    assert f"argument --as-of: date '{bad}': not a date" in res.stderr
    assert "Traceback" not in res.stderr
    assert not (tmp_path / "x.png").exists()


@pytest.mark.slow
def test_classify_as_of_at_two_dates(tmp_path):
    # points due east of Line A's vertex nearest 33.1 N, 70 km and 90 km out (GeographicLib)
    from geo import layers

    coords = np.asarray(layers.load("golan_line_a").geometry.iloc[0].coords)
    k = int(np.argmin(np.abs(coords[:, 1] - 33.1)))
    rows = ["name,lat,lon"]
    for km in (70, 90):
        lon, lat, _ = GEOD.fwd(coords[k, 0], coords[k, 1], 90.0, km * 1000)
        rows.append(f"p{km},{lat:.6f},{lon:.6f}")
    src = tmp_path / "p.csv"
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    got = {}
    for on in ("2017-10-01", "2018-07-23", "2018-08-01"):
        out = tmp_path / f"o{on}.csv"
        res = run("classify", str(src), "-o", str(out), "--as-of", on)
        assert res.returncode == 0, res.stderr
        with open(out, encoding="utf-8", newline="") as f:
            rows_out = list(csv.DictReader(f))
        got[on] = {r["name"]: set(filter(None, r["zones"].split(";"))) for r in rows_out}
    assert got["2017-10-01"]["p70"] == {"2017_requested_80km"}
    assert got["2017-10-01"]["p90"] == set()
    assert got["2018-07-23"]["p90"] == {"2018_offer_100km"}
    offers = {"2018_offer_100km", "2018_offer_80km", "2017_requested_80km"}
    assert got["2018-07-23"]["p70"] == offers
    assert got["2018-08-01"]["p70"] == {"2018_claim_85km"}
    assert got["2018-08-01"]["p90"] == set()


def test_classify_as_of_does_not_go_with_dask(tmp_path):
    res = run("classify", "x.parquet", "-o", str(tmp_path / "o"), "--engine", "dask",
              "--as-of", "2018-08-01")  # fmt: skip
    assert res.returncode == 2 and "--as-of" in res.stderr


@pytest.mark.slow
def test_report_as_of_json(tmp_path):
    out = tmp_path / "r.json"
    res = run("report", "--as-of", "2018-08-01", "-o", str(out))
    assert res.returncode == 0, res.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    text = json.dumps(doc)
    assert "Timeline: items in force on 2018-08-01" in text
    assert "2018_claim_85km" in text and "2018_offer_100km" not in text


@pytest.mark.slow
def test_figure_as_of_and_timeline(tmp_path):
    png = tmp_path / "t.png"
    res = run("figure", "--as-of", "2025-03-01", "-o", str(png), "--dpi", "50")
    assert res.returncode == 0, res.stderr
    img = mpimg.imread(png)
    assert img.shape[:2] == (int(8.27 * 50), int(11.69 * 50))
    pdf = tmp_path / "t.pdf"
    res = run("figure", "--timeline", "-o", str(pdf))
    assert res.returncode == 0, res.stderr
    assert pdf.read_bytes()[:5] == b"%PDF-"
    res = run("figure", "--timeline", "--as-of", "2018", "-o", str(tmp_path / "x.png"))
    assert res.returncode == 2 and "do not go together" in res.stderr


@pytest.mark.slow
def test_user_adds_an_item_then_writes_the_layer(tmp_path):
    """A line added to timeline.csv shows at once (with a warning), and --write rebuilds."""
    import os

    from geo import layers

    for f in layers.layers_dir().iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    with open(tmp_path / "timeline.csv", "a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerow(
            ["2026_test_30km", "Test: 30 km", "claimed", "2026-01-01", "",
             "band:golan_line_a:0:30000", "syria", "east", "Test outlet", "Test title",
             "2026-01-01", "", "as described", "", ""]
        )  # fmt: skip
    env = {**os.environ, "BORDER_ZONES_LAYERS": str(tmp_path)}

    def cli(*args):
        return subprocess.run(
            ["border-zones", *args], capture_output=True, text=True, timeout=300, env=env
        )

    listed = cli("timeline", "--as-of", "2026-02-01", "--json")
    assert listed.returncode == 0, listed.stderr
    assert "2026_test_30km" in [i["id"] for i in json.loads(listed.stdout)["items"]]
    res = cli("timeline", "--write")
    assert res.returncode == 0, res.stderr
    assert b"2026_test_30km" in (tmp_path / "timeline.geojson").read_bytes()
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["timeline"]["sha256"] == layers.file_sha256(tmp_path / "timeline.geojson")
    # a bad line: exit 1, naming the file, line and field
    with open(tmp_path / "timeline.csv", "a", encoding="utf-8") as fh:
        fh.write("bad_item,B,rumoured,2026-01-01,,none,,,O,T,2026,,exact,x,\n")
    bad = cli("timeline")
    assert bad.returncode == 1
    assert "timeline.csv, line 51 (id 'bad_item'): unknown kind 'rumoured'" in bad.stderr
