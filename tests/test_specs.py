"""geo.specs: zone specifications, validated once per list."""

from __future__ import annotations

import dataclasses

import pytest

from geo import layers, specs, zones
from geo.errors import InputError, UnknownNameError


def test_zones_keeps_the_spec_api():
    assert zones.ZoneSpec is specs.ZoneSpec
    assert zones.read_specs is specs.read_specs
    assert zones.TERRITORIES is specs.TERRITORIES
    assert zones.spec("granted_5km") == specs.spec("granted_5km")


def test_spec_is_frozen_and_lines_is_not_a_field():
    s = specs.ZoneSpec("z", "Z", "user", "golan_line_a", 10, lines={"golan_line_a"})
    assert s.distance_km == 10.0 and isinstance(s.distance_km, float)
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.distance_km = 5.0  # type: ignore[misc]
    assert "lines" not in dataclasses.asdict(s)
    assert "lines" not in repr(s)


def test_reference_checked_against_the_lines_given():
    with pytest.raises(
        UnknownNameError, match=r"unknown reference line 'blue_line'; available: a, b"
    ):
        specs.ZoneSpec("z", "Z", "user", "blue_line", 10.0, lines={"b", "a"})
    # without lines, the manifest's line layers
    with pytest.raises(UnknownNameError, match="golan_line_a"):
        specs.ZoneSpec("z", "Z", "user", "countries", 10.0)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("distance_km", 0.0, "distance_km must be in"),
        ("distance_km", float("nan"), "must be finite"),
        ("inner_km", 20.0, "inner_km must be in"),
        ("id", "Bad", "use lower-case"),
    ],
)
def test_bad_values_are_refused(field, value, message):
    values = dict(id="z", title="Z", family="user", reference="golan_line_a", distance_km=10.0)
    values[field] = value
    with pytest.raises(InputError, match=message):
        specs.ZoneSpec(**values)


def test_read_specs_reads_the_line_names_once(monkeypatch):
    calls = []
    original = layers.line_names
    monkeypatch.setattr(layers, "line_names", lambda: calls.append(1) or original())
    listed = specs.read_specs()
    assert len(listed) > 3
    assert len(calls) == 1


def test_read_specs_names_file_and_line(tmp_path):
    f = tmp_path / "z.csv"
    f.write_text(
        "id,title,family,reference,inner_km,distance_km,territory,side,source\n"
        "a,A,u,golan_line_a,0,5,syria,east,s\n"
        "b,B,u,nowhere,0,5,syria,east,s\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"z\.csv, line 3: unknown reference line 'nowhere'"):
        specs.read_specs(f)
