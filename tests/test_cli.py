"""The command line: in this process for what it prints and writes, as a subprocess for the rest.

Most tests call ``geo.cli.main`` in-process (tests/cli_support.py): the same
parsing, messages, files and exit codes without a second of interpreter
start-up each. The tests about the process itself (the installed script and
``python -m geo`` agreeing, signals, a terminal on stderr, start-up imports, a
layers folder named by the environment) run the real executable and are
marked ``slow``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from geo import layers
from tests.cli_support import run_cli


def run(*args, entry="inprocess"):
    """Run the command line: ``inprocess`` (default), the ``console`` script or ``module``."""
    if entry == "inprocess":
        return run_cli(*args)
    cmd = ["border-zones", *args] if entry == "console" else [sys.executable, "-m", "geo", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize(
    "entry",
    [
        pytest.param("console", marks=pytest.mark.slow),  # real subprocesses
        pytest.param("module", marks=pytest.mark.slow),
        "inprocess",
    ],
)
def test_layers_table(entry):
    res = run("layers", entry=entry)
    assert res.returncode == 0, res.stderr
    for name in layers.names():
        assert name in res.stdout
    assert "accuracy" in res.stdout and "licence" in res.stdout
    assert "ODbL" in res.stdout and "schematic" in res.stdout


def test_layers_json_matches_manifest():
    res = run("layers", "--json")
    assert res.returncode == 0
    rows = {r["name"]: r for r in json.loads(res.stdout)}
    for name in layers.names():
        meta = layers.info(name)
        assert rows[name]["features"] == meta["feature_count"]
        assert rows[name]["accuracy_m"] == meta["accuracy_m"]


@pytest.mark.slow  # real subprocesses
def test_console_and_module_agree():
    console = run("layers", "--json", entry="console").stdout
    assert console == run("layers", "--json", entry="module").stdout
    assert console == run("layers", "--json").stdout  # and the in-process runner


@pytest.mark.parametrize("args", [["--help"], ["layers", "--help"]])
def test_help(args):
    res = run(*args)
    assert res.returncode == 0 and "usage:" in res.stdout and "exit codes" in res.stdout


def test_usage_error_exit_2():
    res = run("no-such-command")
    assert res.returncode == 2 and "invalid choice" in res.stderr
    res = run()
    assert res.returncode == 2


# --------------------------------------------------------------------------
# distance
# --------------------------------------------------------------------------
DISTANCE_KEYS = {"lat", "lon", "distance_m", "country", "in_area_of_separation", "zones"}


def test_distance_json_by_coordinates_matches_api():
    from geo.classification import classify_lonlat
    from tests.truth import ExactLine

    res = run("distance", "--lat", "33.27", "--lon", "35.77", "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert set(out) == DISTANCE_KEYS
    assert set(out["distance_m"]) == {"golan_line_a", "golan_line_b", "blue_line"}
    assert (out["lat"], out["lon"]) == (33.27, 35.77)
    for name, d in out["distance_m"].items():
        coords = np.asarray(layers.load(name).geometry.iloc[0].coords)
        assert d == pytest.approx(ExactLine(coords).distance(35.77, 33.27), abs=0.01)
    row = classify_lonlat([35.77], [33.27]).iloc[0]
    assert out["country"] == row["country"] == "Israel"
    assert out["in_area_of_separation"] is False
    assert out["zones"] == row["zones"].split(";")


def test_distance_place_name_alternate_spellings():
    a = json.loads(run("distance", "Quneitra", "--json").stdout)
    b = json.loads(run("distance", "al qunaytirah", "--json").stdout)
    assert a == b
    assert a["country"] == "Syria" and a["in_area_of_separation"] is True
    assert "granted_5km" in a["zones"]
    assert a["distance_m"]["golan_line_a"] < 5000


def test_distance_human_output():
    res = run("distance", "Majdal Shams")
    assert res.returncode == 0, res.stderr
    assert "Majdal Shams" in res.stdout and "Line A" in res.stdout and "Israel" in res.stdout
    assert " km" in res.stdout and res.stderr == ""


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["Duma"], 1, "ambiguous"),
        (["Qunetra"], 1, "did you mean 'Quneitra"),
        (["--lat", "95", "--lon", "35"], 2, "'95' is not a number in [-90, 90]"),
        (["--lon", "inf", "--lat", "33"], 2, "'inf' is not a number in [-180, 180]"),
        (["القنيطرة", "--json"], 0, ""),
        (["קצרין"], 0, ""),
        (["x" * 100_000], 1, "(100,000 characters)"),
        (["--lat", "33"], 2, "both --lat and --lon"),
        (["Quneitra", "--lat", "33", "--lon", "35"], 2, "not both"),
        (["--lat", "abc", "--lon", "35"], 2, "not a number"),
    ],
)
def test_distance_bad_input(args, code, needle):
    res = run("distance", *args)
    assert res.returncode == code
    assert needle in res.stderr
    assert "Traceback" not in res.stderr
    assert (res.stdout == "") == (code != 0)
    assert len(res.stderr) < 1000
    if code == 1:
        assert res.stderr.startswith("border-zones distance: error: ")
        assert len(res.stderr.strip().splitlines()) == 1


def test_distance_ambiguous_lists_candidates_with_coordinates():
    res = run("distance", "Duma")
    assert res.stderr.count("Dūmā (") == 2 and " N, " in res.stderr and " E" in res.stderr


# --------------------------------------------------------------------------
# classify
# --------------------------------------------------------------------------
POINTS_CSV = """id,name,Latitude,Longitude
1,Quneitra,33.126,35.825
2,bad number,abc,35.8
3,too far north,95,35
4,empty,,
5,Metula,33.279,35.579
"""


@pytest.fixture
def points_csv(tmp_path):
    p = tmp_path / "points.csv"
    p.write_text(POINTS_CSV, encoding="utf-8")
    return p


def test_classify_csv_rows_kept_with_errors(points_csv, tmp_path):
    import pandas as pd

    out = tmp_path / "out.csv"
    res = run("classify", str(points_csv), "-o", str(out))
    assert res.returncode == 0, res.stderr
    assert f"wrote {out} (5 rows, 3 with errors)" in res.stdout
    assert "3 of 5 row(s) could not be read" in res.stderr
    assert "row 2: Latitude: 'abc' is not a finite number" in res.stderr
    t = pd.read_csv(out, keep_default_na=False)
    assert t["id"].tolist() == [1, 2, 3, 4, 5]
    assert t["error"].tolist()[0] == "" and t["error"].tolist()[4] == ""
    assert "not a finite number" in t["error"][1]
    assert "outside [-90, 90]" in t["error"][2]
    assert "missing" in t["error"][3]
    assert t["country"].tolist() == ["Syria", "", "", "", "Israel"]
    assert t["zone"][0] == "granted_5km"
    assert t["distance_line_a_m"][1] == ""  # no number for an unreadable row


@pytest.mark.parametrize("ext", ["geojson", "gpkg"])
def test_classify_geo_formats_round_trip(points_csv, tmp_path, ext):
    from geo import pointfiles

    out = tmp_path / f"out.{ext}"
    assert run("classify", str(points_csv), "-o", str(out)).returncode == 0
    back = tmp_path / "back.csv"
    res = run("classify", str(out), "-o", str(back))
    assert res.returncode == 0, res.stderr
    g = pointfiles.read_points(out)
    assert len(g) == 5 and g["name"].tolist()[0] == "Quneitra"
    assert g.geometry.isna().tolist() == [False, True, True, True, False]


def test_classify_missing_file(tmp_path):
    res = run("classify", str(tmp_path / "nope.csv"), "-o", str(tmp_path / "o.csv"))
    assert res.returncode == 1
    assert (
        res.stderr.strip() == f"border-zones classify: error: {tmp_path / 'nope.csv'}: no such file"
    )


def test_classify_no_coordinate_columns(tmp_path):
    src = tmp_path / "nocoords.csv"
    src.write_text("town,when\nQuneitra,2017\n", encoding="utf-8")
    res = run("classify", str(src), "-o", str(tmp_path / "o.csv"))
    assert res.returncode == 1
    assert "no latitude and longitude column found" in res.stderr
    assert "'town', 'when'" in res.stderr and "--lat-col" in res.stderr


def test_classify_given_columns(tmp_path):
    src = tmp_path / "named.csv"
    src.write_text("where_n,where_e\n33.126,35.825\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    res = run("classify", str(src), "-o", str(out), "--lat-col", "where_n", "--lon-col", "where_e")
    assert res.returncode == 0, res.stderr
    res = run("classify", str(src), "-o", str(out), "--lat-col", "nope", "--lon-col", "where_e")
    assert res.returncode == 1 and "no column 'nope' (--lat-col)" in res.stderr


def test_classify_failure_leaves_existing_output_untouched(tmp_path):
    out = tmp_path / "out.csv"
    out.write_text("precious\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    res = run("classify", str(bad), "-o", str(out))
    assert res.returncode == 1
    assert out.read_text(encoding="utf-8") == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "out.csv"]
    allbad = tmp_path / "allbad.csv"
    allbad.write_text("lat,lon\nx,y\n", encoding="utf-8")
    res = run("classify", str(allbad), "-o", str(out))
    assert res.returncode == 1 and "no row could be read" in res.stderr
    assert out.read_text(encoding="utf-8") == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["allbad.csv", "bad.csv", "out.csv"]


def test_classify_no_progress_bar_when_not_a_tty(points_csv, tmp_path):
    res = run("classify", str(points_csv), "-o", str(tmp_path / "o.csv"))
    assert "\r" not in res.stderr and "[###" not in res.stderr


# --------------------------------------------------------------------------
# the other commands
# --------------------------------------------------------------------------
COMMANDS = ["distance", "classify", "report", "figure", "layers", "zones", "build", "timeline"]


@pytest.mark.parametrize("cmd", COMMANDS)
def test_every_command_has_help(cmd):
    res = run(cmd, "--help")
    assert res.returncode == 0 and "usage: border-zones " + cmd in res.stdout
    assert "exit codes: 0 ok, 1 bad input, 2 usage error" in res.stdout


def test_zones_list():
    from geo import zones

    res = run("zones")
    assert res.returncode == 0, res.stderr
    for s in zones.read_specs():
        assert s.id in res.stdout
    rows = json.loads(run("zones", "--json").stdout)
    z = zones.zones()
    inside = z[z["part"] == "inside"].set_index("id")
    for r in rows:
        assert r["area_km2"] == pytest.approx(inside.loc[r["id"], "area_km2"])


@pytest.mark.slow  # builds the report twice (~5 s)
def test_report_to_stdout_and_file(tmp_path):
    res = run("report", "--format", "json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert "zones" in doc["sections"] and "lines" in doc["sections"]
    out = tmp_path / "report.md"
    res = run("report", "-o", str(out))
    assert res.returncode == 0 and out.read_text(encoding="utf-8").startswith("# Zones report")
    res = run("report", "-o", str(tmp_path / "report.xlsx"))
    assert res.returncode == 1 and "use .md, .csv or .json" in res.stderr


def test_figure_bad_extension(tmp_path):
    res = run("figure", "-o", str(tmp_path / "map.jpg"))
    assert res.returncode == 1 and "use .png, .svg or .pdf" in res.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow  # a real process
def test_program_exit_freezes_objects_and_keeps_atexit(tmp_path):
    # geo.cli.run, the console script's and `python -m geo`'s entry: main's exit code,
    # atexit handlers still run, the objects left frozen (the final collection skipped)
    src = tmp_path / "p.csv"
    src.write_text("lat,lon\n33.1,35.8\nx,35.8\n", encoding="utf-8")
    code = (
        "import atexit, gc, sys; from geo import cli; "
        "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0)); "
        "sys.argv = ['border-zones', *sys.argv[1:]]; raise SystemExit(cli.run())"
    )
    res = subprocess.run(
        [sys.executable, "-c", code, "classify", str(src), "-o", str(tmp_path / "o.csv")],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "frozen True" in res.stdout and "2 rows, 1 with errors" in res.stdout
    rows = (tmp_path / "o.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == 3 and rows[2].startswith("x,35.8,")
    bad = subprocess.run(
        [sys.executable, "-c", code, "classify", str(tmp_path / "no.csv"), "-o", "x.csv"],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert bad.returncode == 1 and "frozen True" in bad.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["distance", "Quneitra", "--json"],
        ["zones", "--json"],
        ["classify", "/nonexistent/x.csv", "-o", "/nonexistent/y.csv"],
    ],
)
@pytest.mark.slow  # real subprocesses
def test_module_equals_console(args):
    a, b = run(*args, entry="console"), run(*args, entry="module")
    assert (a.returncode, a.stdout, a.stderr) == (b.returncode, b.stdout, b.stderr)
    c = run(*args)  # the in-process runner the other tests use says the same
    assert (c.returncode, c.stdout, c.stderr) == (a.returncode, a.stdout, a.stderr)


def test_build_with_points(points_csv, tmp_path):
    out = tmp_path / "map.html"
    res = run("build", "-o", str(out), "--points", str(points_csv))
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == f"wrote {out}"
    assert "3 row(s)" in res.stderr and "left off the map" in res.stderr
    html = out.read_text(encoding="utf-8")
    assert "Quneitra" in html and "Metula" in html


@pytest.mark.slow  # a real subprocess
def test_classify_progress_bar_on_a_terminal(points_csv, tmp_path):
    import os
    import pty

    primary, secondary = pty.openpty()
    try:
        res = subprocess.run(
            ["border-zones", "classify", str(points_csv), "-o", str(tmp_path / "o.csv")],
            stdout=subprocess.PIPE,
            stderr=secondary,
            text=True,
            timeout=300,
        )
        os.close(secondary)
        seen = b""
        while True:
            try:
                chunk = os.read(primary, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(primary)
    assert res.returncode == 0
    text = seen.decode()
    assert "classifying [" in text and "100%" in text and "5 rows" in text
    assert "classifying" not in res.stdout


@pytest.mark.slow  # a real subprocess
def test_zones_write_after_a_user_adds_a_zone(tmp_path):
    """A user adds a line to zones.csv, then `border-zones zones --write` rebuilds the layer."""
    import os

    for f in layers.layers_dir().iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    with open(tmp_path / "zones.csv", "a", encoding="utf-8") as fh:
        fh.write('buffer_85km,"85 km from Line A",user,golan_line_a,0,85,syria,east,"test, 2026"\n')
    env = {**os.environ, "BORDER_ZONES_LAYERS": str(tmp_path)}
    before = (tmp_path / "zones.geojson").read_bytes()

    def cli(*args):
        return subprocess.run(
            ["border-zones", *args], capture_output=True, text=True, timeout=300, env=env
        )

    stale = cli("distance", "--lat", "33.5102", "--lon", "36.29128", "--json")
    assert stale.returncode == 0 and "buffer_85km" in json.loads(stale.stdout)["zones"]
    res = cli("zones", "--write")
    assert res.returncode == 0, res.stderr
    after = (tmp_path / "zones.geojson").read_bytes()
    assert after != before and b"buffer_85km" in after
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["zones"]["sha256"] == layers.file_sha256(tmp_path / "zones.geojson")
    listed = cli("zones", "--json")
    assert listed.returncode == 0 and "changed since" not in listed.stderr
    assert "buffer_85km" in listed.stdout
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files left
    # the committed layers were not touched
    assert layers.layers_dir() != tmp_path


def test_classify_strict_refuses_bad_rows_and_writes_nothing(tmp_path):
    src = tmp_path / "events.csv"
    src.write_text("name,lat,lon\nQuneitra,33.126,35.825\nbad,abc,35.8\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    out.write_text("previous results\n", encoding="utf-8")
    res = run("classify", str(src), "-o", str(out), "--strict")
    assert res.returncode == 1
    assert "row 2:" in res.stderr and "lat" in res.stderr and "Traceback" not in res.stderr
    assert out.read_text(encoding="utf-8") == "previous results\n"  # untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.csv", "out.csv"]
    lenient = run("classify", str(src), "-o", str(out))
    assert lenient.returncode == 0 and "1 of 2 row(s) could not be read" in lenient.stderr


@pytest.mark.slow
def test_sigterm_and_sigkill_leave_nothing(tmp_path):
    import signal
    import time

    n = 400_000
    rng = np.random.default_rng(1)
    pd.DataFrame({"lat": rng.uniform(32.5, 33.5, n), "lon": rng.uniform(35.5, 36.5, n)}).to_csv(
        tmp_path / "big.csv", index=False
    )
    exe = shutil.which("border-zones")
    args = [exe, "classify", str(tmp_path / "big.csv"), "-o", str(tmp_path / "o.csv")]

    def started(p):
        # wait until the run has made its temporary folder
        for _ in range(600):
            if any(f.name.endswith(".tmp") for f in tmp_path.iterdir()) or p.poll() is not None:
                return
            time.sleep(0.05)

    p = subprocess.Popen([*args, "--chunk-rows", "20000"], stderr=subprocess.PIPE, text=True)
    started(p)
    p.send_signal(signal.SIGTERM)
    err = p.communicate(timeout=120)[1]
    assert p.returncode == 143 and err.strip() == "border-zones: terminated"
    assert sorted(f.name for f in tmp_path.iterdir()) == ["big.csv"]
    p = subprocess.Popen([*args, "--chunk-rows", "20000"], stderr=subprocess.PIPE, text=True)
    started(p)
    p.kill()
    p.communicate(timeout=60)
    left = [f.name for f in tmp_path.iterdir() if f.name.endswith(".tmp")]
    assert left and f"bz-{p.pid}-" in left[0]  # recognisable: the owner's pid
    small = tmp_path / "small.csv"
    small.write_text("lat,lon\n33.1,35.8\n", encoding="utf-8")
    res = run("classify", str(small), "-o", str(tmp_path / "o.csv"))
    assert res.returncode == 0
    assert sorted(f.name for f in tmp_path.iterdir()) == ["big.csv", "o.csv", "small.csv"]


@pytest.mark.slow  # a real subprocess
def test_interrupt_is_one_line_exit_130(tmp_path):
    import signal
    import time

    exe = shutil.which("border-zones")
    p = subprocess.Popen([exe, "report"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.3)  # during the imports
    p.send_signal(signal.SIGINT)
    _out, err = p.communicate(timeout=60)
    assert p.returncode == 130 and err.strip() == "border-zones: interrupted"


@pytest.mark.slow  # a real subprocess
def test_version_answers_without_heavy_imports():
    res = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from geo import cli; cli.main(['--version']); heavy = "
            "('pandas', 'geopandas', 'folium', 'numpy'); "
            "print(sorted(m for m in heavy if m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert res.stdout.strip().endswith("[]")


def test_internal_error_exit_70(monkeypatch, capsys):
    from geo import cli

    def broken(args):
        raise RuntimeError("a bug")

    monkeypatch.setattr(cli, "_cmd_layers", broken)
    monkeypatch.delenv("BORDER_ZONES_DEBUG", raising=False)
    parser = cli.build_parser
    monkeypatch.setattr(
        cli,
        "build_parser",
        lambda: _with_func(parser(), broken),
    )
    assert cli.main(["layers"]) == cli.EXIT_INTERNAL == 70
    err = capsys.readouterr().err
    assert "internal error (RuntimeError: a bug)" in err and len(err.splitlines()) == 1


def _with_func(parser, func):
    parser.set_defaults(func=func)
    for action in parser._subparsers._group_actions:
        for sub in action.choices.values():
            sub.set_defaults(func=func)
    return parser


def test_long_header_echo_cut(tmp_path):
    src = tmp_path / "w.csv"
    src.write_text(",".join(f"column_{i}" for i in range(5000)) + "\n1\n", encoding="utf-8")
    res = run("classify", str(src), "-o", str(tmp_path / "o.csv"))
    assert res.returncode == 1 and len(res.stderr) < 800
