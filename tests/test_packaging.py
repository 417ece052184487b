"""The recipe rebuilds layers/ byte for byte; the wheel ships and loads the layers."""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_recipe_reproduces_layers(tmp_path):
    out = tmp_path / "layers"
    out.mkdir()
    # start from the committed manifest so entries made by later steps are kept
    (out / "manifest.json").write_bytes((ROOT / "layers" / "manifest.json").read_bytes())
    subprocess.run(
        [sys.executable, str(ROOT / "recipes" / "build_layers.py"), "--out", str(out)],
        check=True,
        cwd=tmp_path,
    )
    committed = ROOT / "layers"
    made = sorted(p.name for p in out.iterdir())
    assert set(made) <= {p.name for p in committed.iterdir()}
    for name in made:
        assert (out / name).read_bytes() == (committed / name).read_bytes(), name


@pytest.mark.slow
def test_wheel_installs_and_loads_layers(tmp_path):
    dist = tmp_path / "dist"
    # the backend from this environment (the test extra has hatchling): an isolated build
    # would download it again; `pip install -e .` already builds in isolation
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist),
         str(ROOT)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    (wheel,) = dist.glob("border_zones-*.whl")
    env_dir = tmp_path / "venv"
    # no pip of its own (ensurepip costs seconds): this environment's pip installs into it
    venv.create(env_dir, system_site_packages=False, with_pip=False)
    py = env_dir / "bin" / "python"
    # the wheel's dependencies come from the environment running the tests (the
    # active virtualenv, or the system's): its site directories are appended to
    # the new venv's path; the .pth files in them are not run, so an editable
    # install of geo there is not seen
    purelib = subprocess.run(
        [py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    ours = [sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]
    ours += [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]
    ours += [site.getusersitepackages()] if site.ENABLE_USER_SITE else []
    dirs = [p for p in dict.fromkeys(ours) if Path(p).is_dir() and Path(p) != Path(purelib)]
    (Path(purelib) / "_test_deps.pth").write_text("\n".join(dirs) + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps",
         "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    code = (
        "import json, geo, geo.layers as L;"
        "g = L.load('golan_line_a');"
        "print(json.dumps({'file': geo.__file__, 'dir': str(L.layers_dir()),"
        " 'n': len(L.names()), 'crs': g.crs.to_epsg(), 'version': geo.__version__}))"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    res = subprocess.run(
        [py, "-c", code], check=True, capture_output=True, text=True, cwd=tmp_path, env=env
    )
    got = json.loads(res.stdout)
    assert Path(got["file"]).is_relative_to(env_dir), got
    assert got["dir"].endswith(os.path.join("geo", "_layers")), got
    assert got["n"] == len(json.loads((ROOT / "layers" / "manifest.json").read_text()))
    assert got["crs"] == 4326
    # the console script is installed too
    res = subprocess.run(
        [env_dir / "bin" / "border-zones", "layers", "--json"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert {r["name"] for r in json.loads(res.stdout)} >= {"golan_line_a", "blue_line"}
