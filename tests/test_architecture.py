"""The import contracts in pyproject.toml hold, and they catch an upward import.

The layering (``[tool.importlinter]`` in ``pyproject.toml``) is written once;
import-linter reads every import statement, those in function bodies too, as
the planted-import test shows.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter on the ``geo`` package under ``root`` with its pyproject.toml."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    code = (
        "import sys; from importlinter.cli import lint_imports; "
        "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True, no_logo=True))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True
    )


def test_contracts_kept():
    res = lint(ROOT)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "0 broken" in res.stdout


def copy_tree(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "geo", tmp_path / "geo", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


@pytest.mark.parametrize(
    ("module", "plant", "importer", "imported"),
    [
        # inside a function body, as the back-edges of issue 9 were
        ("layers", "def _planted():\n    from geo import zones\n", "geo.layers", "geo.zones"),
        ("manifest", "def _planted():\n    import geo.cli\n", "geo.manifest", "geo.cli"),
        # at the top of a module
        (
            "render/figure",
            "from geo import geodesy as _planted\n",
            "geo.render.figure",
            "geo.geodesy",
        ),
        # a rendering module reaching down past the products, inside a function
        (
            "render/style",
            "def _planted():\n    import geo.geodesy\n",
            "geo.render.style",
            "geo.geodesy",
        ),
    ],
)
def test_planted_upward_import_breaks_a_contract(tmp_path, module, plant, importer, imported):
    root = copy_tree(tmp_path)
    target = root / "geo" / f"{module}.py"
    target.write_text(target.read_text(encoding="utf-8") + "\n\n" + plant, encoding="utf-8")
    res = lint(root)
    assert res.returncode != 0, res.stdout
    assert "BROKEN" in res.stdout
    assert f"{importer} -> {imported}" in res.stdout, res.stdout


def test_every_module_is_in_the_layering():
    try:
        import tomllib
    except ImportError:  # Python 3.10: import-linter brings tomli
        import tomli as tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (layered,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    named = {
        name.strip("() ")
        for layer in layered["layers"]
        for name in layer.replace("|", ":").split(":")
    }
    modules = {p.stem for p in (ROOT / "geo").glob("*.py") if p.stem != "__init__"}
    modules |= {p.name for p in (ROOT / "geo").iterdir() if (p / "__init__.py").is_file()}
    assert modules <= named, sorted(modules - named)
