"""The command line, run as a subprocess like a user would."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from geo import layers


def run(*args, entry="console"):
    cmd = ["border-zones", *args] if entry == "console" else [sys.executable, "-m", "geo", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("entry", ["console", "module"])
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


def test_console_and_module_agree():
    assert run("layers", "--json").stdout == run("layers", "--json", entry="module").stdout


@pytest.mark.parametrize("args", [["--help"], ["layers", "--help"]])
def test_help(args):
    res = run(*args)
    assert res.returncode == 0 and "usage:" in res.stdout and "exit codes" in res.stdout


def test_usage_error_exit_2():
    res = run("no-such-command")
    assert res.returncode == 2 and "invalid choice" in res.stderr
    res = run()
    assert res.returncode == 2
