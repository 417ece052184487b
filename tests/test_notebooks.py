"""The notebooks run top to bottom, are committed without outputs, and show the right things.

Each notebook is executed once; the tests then read the executed cells' outputs (the
requested-vs-granted table, the event counts, the plot's legend, the Rosh HaNikra check)
and compare them with the library's own answers computed here.
"""

from __future__ import annotations

import ast
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from geo import classify, pointfiles, report
from tests.conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
_EXECUTED: dict[Path, nbformat.NotebookNode] = {}


def test_the_two_notebooks_exist():
    assert {p.name for p in NOTEBOOKS} >= {"distance_checks.ipynb", "classify_your_points.ipynb"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, path.name


def _executed(name: str) -> nbformat.NotebookNode:
    path = ROOT / "notebooks" / name
    if path not in _EXECUTED:
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(
            nb,
            timeout=300,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
        )
        client.execute()  # raises CellExecutionError, with the cell, on any failure
        _EXECUTED[path] = nb
    return _EXECUTED[path]


def _output(nb: nbformat.NotebookNode, starts: str, mime: str = "text/plain") -> str:
    """The result of the code cell whose source starts with ``starts``."""
    cell = next(c for c in nb.cells if c.cell_type == "code" and c.source.startswith(starts))
    results = [o for o in cell.outputs if o.output_type == "execute_result"]
    assert results, cell.source
    return str(results[-1]["data"][mime])


class _Table(HTMLParser):
    """Rows of the first HTML table (pandas' ``_repr_html_``), header row included."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _html_rows(html: str) -> dict[str, list[str]]:
    parser = _Table()
    parser.feed(html)
    return {r[0]: r[1:] for r in parser.rows if r and r[0]}


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path):
    nb = _executed(path.name)
    errors = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "error"
    ]
    assert not errors
    # nothing left behind beside the notebooks
    assert not [p for p in path.parent.iterdir() if p.name.startswith("classified")]


@pytest.mark.slow
def test_requested_vs_granted_table_as_shown():
    """Each row fills only the columns it is about; counts print as integers."""
    nb = _executed("distance_checks.ipynb")
    shown = _html_rows(_output(nb, "rep = report.build_report()", "text/html"))
    header = shown["measure"] if "measure" in shown else None
    rows = {r["measure"]: r for r in report.build_report().section("requested_vs_granted").rows}
    cols = ["requested_60km", "granted_5km", "requested_not_granted", "unit"]
    assert header is None or all(not h for h in header)  # pandas' index-name row
    for measure, want in rows.items():
        cells = shown[measure]
        assert len(cells) == len(cols), (measure, cells)
        for col, cell in zip(cols, cells, strict=True):
            value = want[col]
            if value is None:
                assert cell == "", (measure, col, cell)
            elif isinstance(value, int):
                assert cell == str(value), (measure, col, cell)  # 2598443, never 2598443.000
            else:
                assert cell == str(value), (measure, col, cell)
    aos = shown["granted zone inside the UNDOF Area of Separation"]
    assert aos[0] == "" and aos[2] == "" and float(aos[1]) > 0
    share = shown["granted as a share of requested (area)"]
    assert share[0] == "" and share[2] == "" and 0 < float(share[1]) < 10
    text = _output(nb, "rep = report.build_report()")
    assert ".000 " not in text and "2598443" in text


@pytest.mark.slow
def test_rosh_hanikra_is_shown_on_the_border():
    """The landmark is the corner Israel, Lebanon and the Blue Line share: 0 m from each."""
    nb = _executed("distance_checks.ipynb")
    got = ast.literal_eval(_output(nb, 'rosh = places.find("Rosh HaNikra")'))
    assert got["to Israel (m)"] == 0.0 and got["to Lebanon (m)"] == 0.0
    assert got["to the Blue Line (m)"] == 0.0
    assert got["Kfar Rosh HaNiqra, country"] == "Israel"


@pytest.mark.slow
def test_classify_counts_and_legend_name_every_event():
    """The event in no zone is counted and plotted as "no zone"; zones drawn under the points."""
    nb = _executed("classify_your_points.ipynb")
    points = pointfiles.read_points(ROOT / "notebooks" / "example_points.csv")
    ours = classify(points[points["error"] == ""].drop(columns="error"))
    want = ours["zone"].where(ours["zone"] != "", "no zone").value_counts().to_dict()
    assert want.get("no zone", 0) >= 1  # the Naqoura patrol, in Lebanon, in no zone
    counts_text = _output(nb, "counts = ")
    shown = {}
    for line in counts_text.splitlines()[1:]:
        parts = line.rsplit(None, 1)
        if len(parts) == 2 and parts[1].isdigit():
            shown[parts[0].strip()] = int(parts[1])
    assert shown == want, counts_text
    plot = ast.literal_eval(_output(nb, "fig, ax = plt.subplots"))
    assert sorted(plot["legend"]) == sorted(want)
    assert plot["legend"][-1] == "no zone" and "" not in plot["legend"]
    drawn = set(plot["zones under the points"])
    assert {"granted_5km", "requested_not_granted"} <= drawn
    assert {z for z in want if z != "no zone"} <= drawn  # each zone a point is in, drawn
    assert plot["points above every area"] is True
