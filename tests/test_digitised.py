"""geo.digitised: the recipe's cited tables, their checks and the names rule."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from geo import digitised
from geo.errors import InputError

DATA = Path(__file__).resolve().parents[1] / "recipes" / "data"


@pytest.fixture
def data(tmp_path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    return folder


def edit(path: Path, row: int, **values: str) -> None:
    """Set fields of data row ``row`` (1-based) of a CSV table."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
        names = list(rows[0])
    rows[row - 1].update(values)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, names)
        w.writeheader()
        w.writerows(rows)


def test_the_committed_tables_read_and_agree():
    src = digitised.load_sources(DATA)
    assert {s.id for s in src.barrier} >= {"wall_metula_kfar_kila_2012", "wall_misgav_am_2016"}
    for seg in src.barrier:
        assert all(a in src.anchors for a in seg.anchors)
        assert seg.source_outlet and seg.source_title and seg.source_date[:2] == "20"
        assert seg.uncertainty_along_m >= 500 and seg.uncertainty_across_m > 0
    assert [p.order for p in src.blue_line_parts] == list(range(1, len(src.blue_line_parts) + 1))
    assert src.blue_line_parts[-1].ends_at_lon is None
    hermon = next(m for m in src.landmarks if m.name == "Mount Hermon summit")
    assert hermon.elevation_m == 2814 and not hermon.derived
    assert next(m for m in src.landmarks if m.name == "Rosh HaNikra").derived
    assert src.names[294247].name_he == "מטולה"
    by_id = {s.id: s for s in src.barrier}
    assert by_id["smart_fence_rosh_hanikra"].positional_anchors == ("Rosh HaNikra (coast)",)
    assert by_id["wall_metula_kfar_kila_2012"].positional_anchors == ("Kfar Kila", "Metula")


@pytest.mark.parametrize(
    ("table", "row", "values", "message"),
    [
        ("anchors.csv", 2, {"lon": "east"}, r"anchors.csv, row 2, field 'lon': 'east' is not"),
        ("anchors.csv", 1, {"lat": "95"}, r"row 1, field 'lon': .* not a lon/lat"),
        ("anchors.csv", 3, {"geonameid": "12a"}, r"row 3, field 'geonameid'"),
        ("barrier_segments.csv", 1, {"placement": "near"}, r"row 1, field 'placement'"),
        ("barrier_segments.csv", 2, {"year": "17"}, r"row 2, field 'year'"),
        ("barrier_segments.csv", 3, {"anchor_b": ""}, r"row 3, field 'anchor_b'.*second anchor"),
        ("barrier_segments.csv", 4, {"anchor_b": "Metula"}, r"row 4, field 'anchor_b'.*one anchor"),
        ("barrier_segments.csv", 1, {"length_m": "-3"}, r"row 1, field 'length_m'.*positive"),
        ("barrier_segments.csv", 4, {"source_date": "April 2016"}, r"row 4, field 'source_date'"),
        ("barrier_segments.csv", 1, {"source_outlet": ""}, r"row 1, field 'source_outlet'"),
        ("barrier_segments.csv", 5, {"anchor_a": "Atlantis"}, r"row 5: anchor 'Atlantis' is not"),
        ("barrier_segments.csv", 2, {"id": "smart_fence_rosh_hanikra"}, r"appears twice"),
        ("landmarks.csv", 1, {"stated_accuracy_m": ""}, r"row 1, field 'stated_accuracy_m'"),
        ("landmarks.csv", 2, {"lat": ""}, r"row 2, field 'lon': give both"),
        ("names_override.csv", 1, {"name_ar": "Dimashq"}, r"row 1, field 'name_ar'.*Arabic"),
        ("names_override.csv", 4, {"name_he": "עגר2"}, r"row 4, field 'name_he'.*Hebrew"),
        ("names_override.csv", 2, {"name_ar": "", "name_he": ""}, r"row 2, field 'name_ar'"),
        ("blue_line_parts.csv", 1, {"order": "one"}, r"row 1, field 'order'"),
        ("blue_line_parts.csv", 2, {"part": "Blue Line"}, r"row 2, field 'part'"),
        ("blue_line_parts.csv", 3, {"order": "5"}, r"number the parts 1, 2"),
        ("blue_line_parts.csv", 1, {"ends_at_lon": "", "ends_at_lat": ""}, r"needs an end point"),
    ],
)
def test_bad_rows_name_file_row_and_field(data, table, row, values, message):
    edit(data / table, row, **values)
    with pytest.raises(InputError, match=message):
        digitised.load_sources(data)


def test_missing_or_extra_columns_and_ragged_rows_are_refused(data):
    path = data / "landmarks.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("elevation_m,", "height,", 1), encoding="utf-8")
    with pytest.raises(InputError, match=r"landmarks.csv: columns .*missing \['elevation_m'\]"):
        digitised.load_sources(data)
    path.write_text(text + "Extra,,,1,2,3,4,src,surplus\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"landmarks.csv, row 4: 8 fields expected"):
        digitised.load_sources(data)
    (data / "anchors.csv").unlink()
    with pytest.raises(InputError, match=r"anchors.csv: cannot read"):
        digitised.load_sources(data)


def test_read_table_checks_the_kind():
    with pytest.raises(InputError, match="not a table of Landmark rows"):
        digitised.read_table(DATA / "anchors.csv", digitised.Landmark)


def test_regional_names_by_script_frequency_and_override():
    ar, he = digitised.regional_names(
        ["Haifa", "جحفية", "حيفا", "حیفا", "حەیفا", "חיפה", "חפה", "Ḥefa"]
    )
    assert (ar, he) == ("حيفا", "חיפה")  # two of four Arabic-script forms fold to حيفا
    # bidi marks and niqqud dropped, typographic apostrophe made plain
    assert digitised.regional_names(["غجر\u200e", "אל ע’גיר"]) == ("غجر", "אל ע'גיר")
    assert digitised.regional_names(["מַגְ'דַל שַׁמְס"]) == (None, "מג'דל שמס")
    # Latin-script and mixed names never count
    assert digitised.regional_names(["Dimashq", "dەrʿa"]) == (None, None)
    override = digitised.NameOverride(294247, "Metula", None, "מטולה", "checked")
    assert digitised.regional_names(["المطلة", "מטלה"], override) == ("المطلة", "מטולה")
