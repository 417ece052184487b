import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow  # runs the script (~13 s)
def test_geodesy_benchmark_runs(tmp_path):
    out = tmp_path / "bench.json"
    # --no-cold: the first call is timed on the warm numba cache only (a cold compile in a
    # fresh cache costs 6-9 s; the suite's first kernel call compiles cold in CI anyway)
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_geodesy.py"), "--n", "20000",
         "--sample", "200", "--world", "150", "--no-cold", "--json", str(out)],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text())
    assert len(data["lines"]) == 2
    for line in data["lines"]:
        assert line["n_points"] == 20000
        assert line["points_per_s"] > 0
        assert line["machine_reference_speedup_2_vs_1_thread"] > 0
        assert line["max_error_m"] <= 0.01
        assert line["near_tie_points"] >= 20
        assert line["naive_utm_max_error_m"] > 1.0  # the baseline really is off
        assert line["exact_geographiclib_points_per_s"] > 0
    assert "pts/s" in proc.stdout
    # the worldwide check, at 150 points here (tests/test_geodesy_world.py runs 1,500)
    world = data["world"]
    assert world["worldwide_points"] == 150 and world["near_antipodal_points"] == 20
    assert world["max_error_worldwide_m"] <= 0.01 and world["max_error_near_antipodal_m"] <= 0.01
    startup = data["startup"]
    assert startup["first_call_cold_s"] is None and startup["first_call_warm_s"] > 0


@pytest.mark.slow  # runs the script (~15 s)
def test_classify_benchmark_runs(tmp_path):
    out = tmp_path / "bench_classify.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_classify.py"), "--n", "20000",
         "--sample", "60", "--repeats", "1", "--json", str(out)],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text())
    assert data["n_points"] == 20000 and data["points_per_s"] > 0
    assert data["max_error_line_a_m"] <= 0.01 and data["max_error_blue_line_m"] <= 0.01
    assert data["near_tie_points"] >= 50
    assert data["naive_geopandas_max_distance_error_m"] > 1.0  # the naive way is off
    assert 0 < data["in_a_zone_share"] < 1


@pytest.mark.slow  # ~20 subprocesses
def test_startup_benchmark_runs(tmp_path):
    out, md = tmp_path / "startup.json", tmp_path / "startup.md"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_startup.py"), "--repeat", "1",
         "--json", str(out), "--markdown", str(md)],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    (times,) = json.loads(out.read_text()).values()
    assert set(times) == {
        "python -c pass",
        'python -c "import geo"',
        "border-zones --version",
        "border-zones classify (2 rows)",
    }
    assert all(t > 0 for t in times.values())
    assert times["border-zones classify (2 rows)"] > times["python -c pass"]
    assert "| `python -c pass` |" in md.read_text()


@pytest.mark.slow  # one print figure in a subprocess (~5 s)
def test_products_benchmark_runs(tmp_path):
    out = tmp_path / "products.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_products.py"), "--only", "figure",
         "--repeat", "1", "--json", str(out)],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    ((tree, rows),) = json.loads(out.read_text())["trees"].items()
    assert Path(tree) == ROOT
    (row,) = rows.values()
    assert row["median_s"] > 0 and row["cpu_median_s"] > 0
    assert row["speedup_vs_first_tree"] == 1.0
    assert "border-zones figure -o figure.pdf" in proc.stdout
    bad = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_products.py"), "--only", "nope"],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )  # fmt: skip
    assert bad.returncode == 2 and "unknown nope" in bad.stderr
