"""The timeline's date ranges in the map data (#bz-data), for a time slider (issue 14)."""

from __future__ import annotations

import json
import re

import pytest

from geo import timeline
from geo.render import display, webmap


@pytest.fixture(scope="module")
def data() -> display.MapData:
    return display.prepare()


def test_entries_carry_every_item_with_its_dates(data):
    assert data.timeline is not None
    assert data.timeline["start"] == "1974-05-31"
    assert all(s["date"] >= "1974" and s["label"] for s in data.timeline["stops"])
    entries = {e["id"]: e for e in data.timeline["items"]}
    items = timeline.items()
    assert list(entries) == [i.id for i in items]
    for i in items:
        e = entries[i.id]
        assert e["from"] == i.start.isoformat() and e["kind"] == i.kind
        assert e.get("until") == (None if i.end is None else i.end.isoformat())
        assert e["confidence"] == i.confidence
    # the map's own zones and layers are named, so the page can show them by date
    assert entries["2017_requested_60km"]["zone"] == "requested_60km"
    assert entries["2017_granted_5km"]["zone"] == "granted_5km"
    assert entries["1974_aol_syria_0_10"]["zone"] == "limitation_syria_0_10"
    assert "zone" not in entries["2018_claim_85km"]  # no such zone on the map
    assert entries["2012_wall_metula"]["layer"] == "lebanon_border_barrier"
    assert entries["2012_wall_metula"]["features"] == ["wall_metula_kfar_kila_2012"]
    assert entries["1974_aos"]["layer"] == "undof_area_of_separation"


def test_timeline_layers_are_not_drawn_as_context(data):
    keys = {layer.key for layer in data.layers}
    assert "timeline" not in keys  # its bands are drawn as the map's zones, by date
    (positions,) = [layer for layer in data.layers if layer.key == "timeline_positions"]
    assert positions.dated and all(
        f["properties"]["_when"] and f["properties"]["_dateOnly"]
        for f in positions.geojson["features"]
    )


@pytest.mark.slow
def test_page_data_holds_the_timeline(data):
    page = webmap.render_html(webmap.build_map(data=data))
    (raw,) = re.findall(r'<script type="application/json" id="bz-data">(.*?)</script>', page, re.S)
    doc = json.loads(raw)
    assert doc["timeline"] == json.loads(json.dumps(data.timeline))
    assert len(page.encode()) <= 750_000
