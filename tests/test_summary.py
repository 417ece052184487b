"""`border-zones summarize` / `geo.summarize`: every cell against answers computed apart.

The events file has ACLED's columns. Its points are placed at known geodesic
distances from Line A along the perpendicular (pyproj.Geod); their true
zones come from the zone definitions in layers/zones.csv applied to
distances measured with GeographicLib (pyproj.Geod) against the densified
layer lines and to point-in-polygon tests on the countries and the Area of
Separation read straight from the layer files: nothing from the code under
test.
"""

from __future__ import annotations

import csv
import itertools
import json
import subprocess
import sys
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod

import geo
from geo.errors import InputError
from tests.cli_support import run_cli

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ROOT / "layers"
GEOD = Geod(ellps="WGS84")
ACLED = [
    "event_id_cnty", "event_date", "year", "event_type", "sub_event_type", "actor1",
    "latitude", "longitude", "fatalities", "notes",
]  # fmt: skip

#: Dates in the forms the issue names, with the (year, month) a reader sees.
DATES: list[tuple[str, tuple[int, int] | None]] = [
    ("2017-05-31", (2017, 5)),
    ("31 May 2017", (2017, 5)),
    ("2017-05", (2017, 5)),
    ("2018-01-15T10:30:00Z", (2018, 1)),
    ("3 September 2019", (2019, 9)),
    ("03 Sep 2019", (2019, 9)),
    ("15-Jan-2018", (2018, 1)),
    ("May 2017", (2017, 5)),
    ("June 5, 2020", (2020, 6)),
    ("2020/06/05", (2020, 6)),
    ("31/05/2017", None),  # day/month order unknowable
    ("2017-02-30", None),  # no such day
    ("", None),
    ("sometime in 2017", None),
]
EVENT_TYPES = ["Battles", "Explosions/Remote violence", "Violence against civilians", ""]
FATALITIES = ["0", "1", "4", "12", "", "unknown", "2"]

#: Offsets from Line A (km, + east into Syria, - west into the Israeli-held side).
OFFSETS_KM = [1.5, 3.0, 7.0, 12.0, 17.0, 23.0, 35.0, 50.0, 75.0, -3.0, -8.0, -14.0, -22.0, -30.0]
#: Latitudes of the Line A points the perpendiculars start from.
ANCHOR_LATS = [33.05, 32.95, 33.15]
#: Points in no zone: Beirut, the sea off Haifa, Amman.
FAR = [(35.50, 33.89), (34.60, 32.80), (35.93, 31.95)]
#: Rows whose coordinates cannot be read: (latitude, longitude).
UNREADABLE = [("", "35.8"), ("33.0", "abc"), ("95", "35.8")]
#: Smallest margin (m) kept between a point's true distance and any band edge.
MARGIN_M = 100.0


def _line(name):
    gj = json.loads((LAYERS / f"{name}.geojson").read_text(encoding="utf-8"))
    return shapely.union_all([shapely.geometry.shape(f["geometry"]) for f in gj["features"]])


def _densified(line, step_m=25.0):
    pts = []
    for part in shapely.get_parts(line):
        xy = np.asarray(part.coords)[:, :2]
        for (x0, y0), (x1, y1) in itertools.pairwise(xy):
            _, _, d = GEOD.inv(x0, y0, x1, y1)
            n = int(d // step_m)
            pts.append((x0, y0))
            pts.extend(GEOD.npts(x0, y0, x1, y1, n) if n else [])
        pts.append(tuple(xy[-1]))
    return np.array(pts)


def _true_distance(samples, lon, lat):
    _, _, d = GEOD.inv(np.full(len(samples), lon), np.full(len(samples), lat), *samples.T)
    return float(d.min())


@pytest.fixture(scope="module")
def truth():
    zone_rows = list(csv.DictReader((LAYERS / "zones.csv").open(encoding="utf-8")))
    refs = {z["reference"] for z in zone_rows}
    samples = {r: _densified(_line(r)) for r in refs}
    countries = json.loads((LAYERS / "countries.geojson").read_text(encoding="utf-8"))
    polys = [
        (f["properties"]["name"], shapely.geometry.shape(f["geometry"]))
        for f in countries["features"]
    ]
    aos = _line("undof_area_of_separation")

    line_a = np.asarray(_line("golan_line_a").coords)
    points = []
    for lat0 in ANCHOR_LATS:
        i = int(np.argmin(np.abs(line_a[:, 1] - lat0)))
        (x0, y0), (x1, y1) = line_a[i], line_a[i + 1]
        az, _, _ = GEOD.inv(x0, y0, x1, y1)
        mx, my, _ = GEOD.fwd(x0, y0, az, GEOD.inv(x0, y0, x1, y1)[2] / 2)  # segment midpoint
        for km in OFFSETS_KM:
            # Line A runs north to south here: east is the segment azimuth - 90°
            lon, lat, _ = GEOD.fwd(mx, my, az - 90.0 if km > 0 else az + 90.0, abs(km) * 1000)
            points.append((float(lon), float(lat), km))
    points += [(lon, lat, None) for lon, lat in FAR]

    def zones_of(lon, lat, km):
        p = shapely.Point(lon, lat)
        country = next((n for n, g in polys if g.contains(p)), "")
        in_aos = aos.contains(p)
        held = []
        for z in zone_rows:
            terr = z["territory"]
            if terr == "syria_beyond_line_b":
                ok = country == "Syria" and not in_aos
            else:
                ok = country == terr.capitalize()
            if not ok:
                continue
            d = _true_distance(samples[z["reference"]], lon, lat)
            inner, outer = float(z["inner_km"]) * 1000, float(z["distance_km"]) * 1000
            for edge in (inner, outer):
                if edge > 0:
                    assert abs(d - edge) > MARGIN_M, (lon, lat, z["id"], d)  # a clear answer
            if (d > inner if inner > 0 else True) and d <= outer:
                held.append(z)
        if km is not None:  # the line is no farther than the foot of the perpendicular
            d_a = _true_distance(samples["golan_line_a"], lon, lat)
            assert d_a <= abs(km) * 1000 + 5, (km, d_a)
            if abs(km) < 2:  # and, this close, it is the distance
                assert abs(d_a - abs(km) * 1000) < 20, (km, d_a)
        if not held:
            return "no zone", []
        inner_most = min(held, key=lambda z: (float(z["distance_km"]), -float(z["inner_km"])))
        return inner_most["id"], [z["id"] for z in held]

    located = [(lon, lat, *zones_of(lon, lat, km)) for lon, lat, km in points]
    zone_ids = [z["id"] for z in zone_rows]
    assert len({z for *_, z, _ in located}) >= 6  # the points reach many zones
    return {"points": located, "zone_ids": zone_ids}


@pytest.fixture(scope="module")
def events(truth, tmp_path_factory):
    """The events file and, per row, what a reader knows of it."""
    rows, known = [], []
    k = 0
    for i, (lon, lat, zone, held) in enumerate(truth["points"]):
        for j in range(3):
            date, ym = DATES[k % len(DATES)]
            etype = EVENT_TYPES[(i + j) % len(EVENT_TYPES)]
            fat = FATALITIES[k % len(FATALITIES)]
            rows.append(
                [f"SYR{k + 1}", date, str(ym[0]) if ym else "", etype, "", "actor",
                 f"{lat:.7f}", f"{lon:.7f}", fat, f"note {k}, with a comma"]
            )  # fmt: skip
            known.append({"zone": zone, "zones": held, "ym": ym, "type": etype, "fat": fat})
            k += 1
    for lat, lon in UNREADABLE:
        date, ym = DATES[k % len(DATES)]
        rows.append([f"SYR{k + 1}", date, "", "Battles", "", "actor", lat, lon, "1", "bad"])
        zone = "unreadable rows"
        known.append({"zone": zone, "zones": [zone], "ym": ym, "type": "Battles", "fat": "1"})
        k += 1
    path = tmp_path_factory.mktemp("summary") / "acled.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(ACLED)
        w.writerows(rows)
    return path, known


def _expected(known, zone_ids, period=None, column=False, many=False, with_sum=True):
    """The summary rows, built with Counter from what each row is known to be."""
    counts, sums = Counter(), Counter()
    for r in known:
        if period is None:
            p = None
        elif r["ym"] is None:
            p = "unreadable date"
        else:
            p = f"{r['ym'][0]:04d}" if period == "year" else f"{r['ym'][0]:04d}-{r['ym'][1]:02d}"
        for z in (r["zones"] or ["no zone"]) if many else [r["zone"]]:
            key = (z, p, r["type"] if column else None)
            counts[key] += 1
            try:
                sums[key] += int(r["fat"])
            except ValueError:
                sums[key] += 0
    order = {z: i for i, z in enumerate([*zone_ids, "no zone", "unreadable rows"])}
    keys = sorted(
        counts,
        key=lambda t: (
            order[t[0]],
            (t[1] == "unreadable date", t[1] or ""),
            (t[2] == "", t[2] or ""),
        ),
    )
    if period is None and not column:
        keys = [(z, None, None) for z in order]  # every zone, even with no events
    out = []
    for z, p, t in keys:
        row = {"zone": z}
        if period:
            row[period] = p
        if column:
            row["event_type"] = t
        row["events"] = counts[(z, p, t)]
        if with_sum:
            row["sum_fatalities"] = sums[(z, p, t)]
        out.append(row)
    return out


def _run(*args):
    return run_cli("summarize", *args)  # in this process (tests/cli_support.py)


@pytest.mark.parametrize(
    ("by", "period", "column", "many"),
    [
        ("zone", None, False, False),
        ("zone,year", "year", False, False),
        ("zone,month", "month", False, False),
        ("zone,month,event_type", "month", True, False),
        ("zones,year", "year", False, True),
    ],
)
def test_every_cell_csv(events, truth, tmp_path, by, period, column, many):
    path, known = events
    out = tmp_path / "summary.csv"
    res = _run(path, "--by", by, "--sum", "fatalities", "-o", out)
    assert res.returncode == 0, res.stderr
    got = list(csv.DictReader(out.open(encoding="utf-8")))
    want = _expected(known, truth["zone_ids"], period, column, many)
    assert got == [{k: str(v) for k, v in row.items()} for row in want]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.csv"]


def test_every_cell_json_and_python(events, truth):
    path, known = events
    res = _run(path, "--by", "zone,month,event_type", "--sum", "fatalities", "--format", "json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    want = _expected(known, truth["zone_ids"], "month", True)
    assert doc["rows"] == want
    bad_dates = [i + 1 for i, r in enumerate(known) if r["ym"] is None]
    assert doc["unreadable_dates"] == bad_dates
    assert doc["unreadable_rows"] == list(range(len(known) - len(UNREADABLE) + 1, len(known) + 1))
    # the same from Python, on a plain DataFrame of the file
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = geo.summarize(frame, by="zone,month,event_type", sum="fatalities")
    assert isinstance(table, pd.DataFrame)
    assert table.to_dict("records") == want
    texts = [str(w.message) for w in caught]
    assert any("could not be read" in t and "unreadable date" in t for t in texts)
    listed = ", ".join(str(r) for r in bad_dates[:10])
    assert any(listed in t for t in texts), texts


def test_python_on_a_geodataframe(events, truth):
    import geopandas as gpd

    path, known = events
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    lon = pd.to_numeric(frame["longitude"], errors="coerce")
    lat = pd.to_numeric(frame["latitude"], errors="coerce")
    ok = lon.notna() & lat.notna() & (lat.abs() <= 90)
    geom = [shapely.Point(x, y) if g else None for x, y, g in zip(lon, lat, ok, strict=True)]
    gdf = gpd.GeoDataFrame(frame, geometry=geom, crs="EPSG:4326").to_crs(2039)  # any CRS
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = geo.summarize(gdf, by="zone", sum="fatalities")
    assert table.to_dict("records") == _expected(known, truth["zone_ids"])


def test_zone_counts_agree_with_classify(events, tmp_path):
    path, _ = events
    out = tmp_path / "classified.csv"
    res = run_cli("classify", path, "-o", out)
    assert res.returncode == 0, res.stderr
    classified = list(csv.DictReader(out.open(encoding="utf-8")))
    counted = Counter(
        "unreadable rows" if r["error"] else (r["zone"] or "no zone") for r in classified
    )
    res = _run(path, "--format", "json")
    rows = json.loads(res.stdout)["rows"]
    assert {r["zone"]: r["events"] for r in rows if r["events"]} == dict(counted)


def test_markdown_and_warnings_on_stderr(events, truth):
    path, known = events
    res = _run(path, "--by", "zone,year")
    assert res.returncode == 0
    lines = res.stdout.splitlines()
    assert lines[0] == "| zone | year | events |" and lines[1] == "|---|---|---:|"
    want = _expected(known, truth["zone_ids"], "year", with_sum=False)
    assert lines[2:] == [f"| {r['zone']} | {r['year']} | {r['events']} |" for r in want]
    assert "border-zones summarize: warning: " in res.stderr
    assert "counted under 'unreadable date'" in res.stderr
    assert "counted under 'unreadable rows'" in res.stderr


def test_dates_parsed():
    from geo.summary import parse_dates

    year, month = parse_dates([d for d, _ in DATES])
    got = [None if y == 0 else (int(y), int(m)) for y, m in zip(year, month, strict=True)]
    assert got == [ym for _, ym in DATES]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--by", "year"], "start with 'zone'"),
        (["--by", "zone,colour"], "no column 'colour'; the columns are: 'event_id_cnty'"),
        (["--by", "zone,year,month"], "give one period"),
        (["--sum", "deaths"], "--sum: no column 'deaths'"),
        (["--by", "zone,year", "--date-col", "when"], "no column 'when' (--date-col)"),
        (["-o", "out.txt"], "cannot tell the format"),
    ],
)
def test_bad_options_name_what_is_wrong(events, tmp_path, args, message):
    path, _ = events
    res = run_cli("summarize", path, *args, cwd=tmp_path)
    assert res.returncode == 1
    assert res.stderr.startswith("border-zones summarize: error: ") and message in res.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_no_date_column(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("lat,lon\n33.1,35.9\n", encoding="utf-8")
    with pytest.raises(InputError, match="no date column found"):
        geo.summarize(pd.read_csv(path), by="zone,year")


def test_help_says_what_zone_means():
    res = run_cli("summarize", "--help")
    assert res.returncode == 0
    text = " ".join(res.stdout.split())
    assert "the innermost" in text and "--by zones counts a point under every zone" in text


@pytest.mark.slow  # runs the benchmark script at a small size (~20 s)
def test_benchmark_script_runs(tmp_path):
    out = tmp_path / "bench.json"
    res = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_summarize.py"), "--rows", "3000",
         "--repeat", "1", "-o", str(out)],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    data = json.loads(out.read_text())
    assert data["rows"] == 3000 and data["events_counted"] == 3000  # nothing dropped
    assert data["unreadable_rows"] == 3 and data["unreadable_dates"] == 3
    for mode in ("read", "classify", "summarize"):
        assert data[mode]["median_s"] > 0
    assert data["summarize_over_classify"] > 0


def test_streamed_in_small_chunks_gives_the_same_cells(events, truth):
    from geo import workflows

    path, known = events
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table, text = workflows.summarize_file(
            path, by="zones,month,event_type", sum="fatalities", fmt="csv", chunk_rows=7
        )
    assert table.to_dict("records") == _expected(known, truth["zone_ids"], "month", True, True)
    bad_dates = [i + 1 for i, r in enumerate(known) if r["ym"] is None]
    assert table.attrs["unreadable_dates"] == bad_dates  # row numbers across chunks
    assert sum("could not be read" in str(w.message) for w in caught) == 1  # one warning
    assert text.splitlines()[0] == "zone,month,event_type,events,sum_fatalities"
    assert len(text.splitlines()) == len(table) + 1
