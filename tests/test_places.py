"""Place lookup by name (geo.places)."""

from __future__ import annotations

import pytest

from geo import places
from geo.errors import UnknownNameError


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("Quneitra", "Al Qunayţirah"),
        ("Al Qunayţirah", "Al Qunayţirah"),
        ("al qunaytirah", "Al Qunayţirah"),
        ("QUNEITRA", "Al Qunayţirah"),
        ("Daraa", "Dar‘ā"),
        ("Dar‘ā", "Dar‘ā"),
        ("Dar'a", "Dar‘ā"),
        ("Kiswah", "Al Kiswah"),
        ("al-Kiswah", "Al Kiswah"),
        ("Damascus", "Damascus"),
        ("Majdal Shams", "Majdal Shams"),
        ("Metula", "Metula"),
        ("Mount Hermon", "Mount Hermon summit"),
        ("Jabal ash-Shaykh", "Mount Hermon summit"),
        ("Rosh HaNikra", "Rosh HaNikra"),
        ("Ras al-Naqoura", "Rosh HaNikra"),
        ("Buq'ata", "Buq‘ātā"),
        ("  katzrin ", "Katzrin"),
    ],
)
def test_find(query, name):
    assert places.find(query).name == name


def test_quneitra_position_matches_data_sources():
    p = places.find("Quneitra")
    assert (round(p.lat, 3), round(p.lon, 2)) == (33.126, 35.82)
    assert p.population == 36143 and p.country_code_de_jure == "SY"


def test_ambiguous_lists_candidates():
    with pytest.raises(places.AmbiguousPlaceError) as info:
        places.find("Duma")
    err = info.value
    assert len(err.matches) == 2 and isinstance(err, UnknownNameError)
    msg = str(err)
    assert "ambiguous" in msg and "33.5718 N, 36.4027 E" in msg and "32.0563 N" in msg


@pytest.mark.parametrize(
    ("query", "suggestion"),
    [("Damscus", "Damascus"), ("Qunetra", "Quneitra (Al Qunayţirah)"), ("Metulla x", "Metula")],
)
def test_unknown_suggests(query, suggestion):
    with pytest.raises(UnknownNameError) as info:
        places.find(query)
    assert f"did you mean {suggestion!r}" in str(info.value) or suggestion in str(info.value)


@pytest.mark.parametrize("query", ["", "   ", "zzzzqqq"])
def test_unknown_without_suggestion(query):
    with pytest.raises(UnknownNameError, match="unknown place"):
        places.find(query)


def test_normalise():
    assert places.normalise("Ḩarastā") == "harasta"
    assert places.normalise("Rosh Ha‘Ayin") == "rosh haayin"


@pytest.mark.parametrize(
    ("query", "name"),
    [("القنيطرة", "Al Qunayţirah"), ("קצרין", "Katzrin"), ("دمشق", "Damascus")],
)
def test_alternate_names_in_any_script(query, name):
    assert places.find(query).name == name


def test_long_name_echo_cut():
    with pytest.raises(UnknownNameError) as exc:
        places.find("q" * 100_000)
    assert len(str(exc.value)) < 600 and "(100,000 characters)" in str(exc.value)
