"""Property-based test of ``classify`` on generated CSV and GeoJSON files.

A grammar of the cases seen in issue 8 (ragged rows, odd separators and
encodings, BOM, quoted newlines, colliding column names, NaN/inf/out-of-range
/DMS/Arabic-Indic digits, template and HTML payloads) generates the files;
each is classified in-process through :func:`geo.workflows.classify_file`, the
function ``border-zones classify`` runs. For every input: no exception but
:class:`~geo.errors.InputError`; every input row present, in order, or the
run refused as a whole; no input column lost; nothing left beside the output
when refused. A few subprocess runs check the exit codes.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import pyogrio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import workflows
from geo.errors import InputError

TOOL_COLUMNS = [
    "distance_line_a_m",
    "distance_blue_line_m",
    "country",
    "in_area_of_separation",
    "zone",
    "zones",
    "error",
]

# values a coordinate cell may hold
GOOD_LAT = st.floats(32.0, 34.0, allow_nan=False).map(lambda v: f"{v:.5f}")
GOOD_LON = st.floats(35.0, 37.0, allow_nan=False).map(lambda v: f"{v:.5f}")
ODD = st.sampled_from(
    [
        "",
        "nan",
        "NaN",
        "inf",
        "-inf",
        "91",
        "-181",
        "1e400",
        "33°07'N",
        "٣٣٫١",
        "{{ 7*7 }}",
        "<script>alert(1)</script>",
        "33,1",
        '"',
        "\u2028",
        " 33.1 ",
    ]
)
TEXT = st.one_of(
    st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"), max_size=12
    ),
    st.sampled_from(["{{ x }}", "</script><b>x</b>", "a\nb", 'say "hi"', "\u2028", "x,y;z"]),
)
EXTRA_NAMES = st.sampled_from(
    [
        "id",
        "name",
        "Name",
        "country",
        "zone",
        "zones",
        "error",
        "distance_line_a_m",
        "in_area_of_separation",
        "geometry",
        "fid",
        "lat",
        "na\nme",
        "n\u2028m",
        "x" * 300,
        "",
    ]
)


@st.composite
def csv_files(draw):
    sep = draw(st.sampled_from([",", ";", "\t", "|"]))
    extras = draw(st.lists(EXTRA_NAMES, max_size=4))
    header = ["lat", "lon", *extras]
    if draw(st.booleans()):
        header = ["Latitude", "Longitude", *extras]
    draw(st.randoms()).shuffle(header)
    n = draw(st.integers(0, 12))
    rows = []
    for _ in range(n):
        row = []
        for name in header:
            if name.lower() in ("lat", "latitude"):
                row.append(draw(st.one_of(GOOD_LAT, GOOD_LAT, ODD)))
            elif name.lower() in ("lon", "longitude"):
                row.append(draw(st.one_of(GOOD_LON, GOOD_LON, ODD)))
            else:
                row.append(draw(TEXT))
        shape = draw(st.sampled_from(["ok", "ok", "ok", "long", "short", "trailing"]))
        if shape == "long":
            row += draw(st.lists(TEXT, min_size=1, max_size=3))
        elif shape == "short" and row:
            row = row[: draw(st.integers(1, len(row)))]
        elif shape == "trailing":
            row.append("")
        rows.append(row)
    out = io.StringIO()
    w = csv.writer(out, delimiter=sep, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    w.writerow(header)
    w.writerows(rows)
    text = out.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1256"]))
    # what a reader decoding the file as written will see in the header
    seen = [h.encode(encoding, errors="replace").decode(encoding) for h in header]
    return text.encode(encoding, errors="replace"), seen, n


@st.composite
def geojson_files(draw):
    names = draw(st.lists(EXTRA_NAMES.filter(lambda s: s not in ("geometry", "")), max_size=4))
    names = list(dict.fromkeys(names))
    n = draw(st.integers(0, 10))
    feats = []
    for _ in range(n):
        kind = draw(st.sampled_from(["pt", "pt", "pt", "ptz", "none", "line", "bad"]))
        lon = draw(st.floats(35.0, 37.0))
        lat = draw(st.floats(32.0, 34.0))
        if kind == "pt":
            geom = {"type": "Point", "coordinates": [lon, lat]}
        elif kind == "ptz":
            geom = {"type": "Point", "coordinates": [lon, lat, draw(st.floats(-400, 2800))]}
        elif kind == "line":
            geom = {"type": "LineString", "coordinates": [[lon, lat], [lon + 0.1, lat]]}
        elif kind == "bad":
            geom = {"type": "Point", "coordinates": [lon, 95.0]}
        else:
            geom = None
        props = {k: draw(TEXT) for k in names}
        feats.append({"type": "Feature", "properties": props, "geometry": geom})
    doc = {"type": "FeatureCollection", "features": feats}
    return json.dumps(doc, ensure_ascii=draw(st.booleans())).encode("utf-8"), names, n


def _check(src: Path, dst: Path, columns: list[str], n: int) -> None:
    folder = dst.parent
    before = sorted(p.name for p in folder.iterdir())
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            summary = workflows.classify_file(src, dst, chunk_rows=4)
    except InputError:
        # refused as a whole: nothing beside the input
        assert sorted(p.name for p in folder.iterdir()) == before
        return
    assert summary.rows == n
    assert sorted(p.name for p in folder.iterdir()) == sorted([*before, dst.name])
    if dst.suffix == ".csv":
        out = list(csv.reader(open(dst, encoding="utf-8", newline="")))
        header = out[0]
        assert len(out) - 1 == n
    else:
        df = pyogrio.read_dataframe(dst)
        header = list(df.columns)
        assert len(df) == n
        if n == 0:
            return  # an empty FeatureCollection has no properties to hold the columns
    # every input column kept, first and in order (a repeated name as pandas
    # names it, lat.1); then the added ones, none replacing an input column
    assert header[: len(columns)] == _unique(columns)
    added = header[len(columns) :]
    for t in TOOL_COLUMNS:
        assert any(k == t or k.startswith(t + "_right") for k in added), t


def _unique(names: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for name in names:
        new, k = name, 0
        while new in seen:
            k += 1
            new = f"{name}.{k}"
        seen.add(new)
        out.append(new)
    return out


@pytest.mark.slow  # hundreds of generated files (~13 s)
@settings(
    max_examples=700,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(csv_files(), st.sampled_from([".csv", ".geojson"]))
def test_fuzz_csv(case, ext):
    data, header, n = case
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "in" / "points.csv"
        src.parent.mkdir()
        src.write_bytes(data)
        out = Path(d) / "out"
        out.mkdir()
        _check(src, out / f"points{ext}", header, n)


@pytest.mark.slow  # hundreds of generated files (~4 s)
@settings(
    max_examples=350,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(geojson_files(), st.sampled_from([".csv", ".geojson"]))
def test_fuzz_geojson(case, ext):
    data, names, n = case
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "in" / "points.geojson"
        src.parent.mkdir()
        src.write_bytes(data)
        out = Path(d) / "out"
        out.mkdir()
        # an empty FeatureCollection has no properties, so no columns
        _check(src, out / f"points{ext}", names if n else [], n)


def test_ragged_row_is_a_row_error_not_a_shift(tmp_path):
    src = tmp_path / "r.csv"
    src.write_text("id,lat,lon\n1,33,12,35,82\n2,33.1,35.8,\n", encoding="utf-8")
    dst = tmp_path / "o.csv"
    workflows.classify_file(src, dst)
    rows = list(csv.DictReader(open(dst, encoding="utf-8")))
    assert rows[0]["id"] == "1" and rows[0]["error"] == "5 fields, the header has 3"
    assert rows[0]["distance_line_a_m"] == ""
    assert rows[1]["id"] == "2" and rows[1]["error"] == ""  # one trailing empty field is fine


@pytest.mark.slow  # real processes (~3 s)
def test_exit_codes_in_subprocesses(tmp_path):
    exe = shutil.which("border-zones") or sys.executable
    pre = [] if exe != sys.executable else ["-m", "geo"]
    good = tmp_path / "g.csv"
    good.write_text("lat,lon,country\n33.1,35.8,mine\n", encoding="utf-8")
    bad = tmp_path / "b.csv"
    bad.write_text("foo,bar\n1,2\n", encoding="utf-8")
    cases = [
        (["classify", str(good), "-o", str(tmp_path / "o.csv")], 0),
        (["classify", str(bad), "-o", str(tmp_path / "o2.csv")], 1),
        (["classify", str(good)], 2),
        (["distance", "--lat", "91", "--lon", "35"], 2),
        (["distance", "--lat", "abc", "--lon", "35"], 2),
    ]
    for args, code in cases:
        res = subprocess.run([exe, *pre, *args], capture_output=True, text=True, timeout=120)
        assert res.returncode == code, (args, res.stderr)
        assert "Traceback" not in res.stderr
    assert not (tmp_path / "o2.csv").exists()
