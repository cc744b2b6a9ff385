"""Reading and validating session series: clear messages for every kind of bad input."""

from dataclasses import replace

import pandas as pd
import pytest

from allianse.core.signals import MalformedSeries, read_series_csv, validate_series

from .builders import RULES

HEADER = "treatment,session,alliance,rupture,held_back,attended\n"


def write(tmp_path, text: str, name: str = "series.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_it_reads_a_minimal_csv_and_adds_the_optional_columns(tmp_path):
    frame = read_series_csv(write(tmp_path, HEADER + "b,2,5.5,0,0,1\na,1,6,1,0,1\nb,1,,,,0\n"), RULES.scales)
    assert list(frame["treatment"]) == ["b", "b", "a"]
    assert list(frame["session"]) == [1, 2, 1]
    assert frame["therapist_alliance"].isna().all() and frame["rupture_intensity"].isna().all()
    assert frame["session"].dtype == "int64"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("treatment,session,alliance,rupture,attended\na,1,5,0,1\n", r"Missing column\(s\): held_back\."),
        (HEADER + "a,1,high,0,0,1\n", r"Column alliance, line 2: 'high' is not a number\."),
        (HEADER + "a,1,5,2,0,1\n", r"Column rupture, line 2: 2 is not 0 or 1\."),
        (HEADER + "a,1,5,0,0,1\na,1,6,0,0,1\n", r"Session 1 of treatment a occurs twice \(lines 2 and 3\)\."),
        (HEADER + "a,1,7.5,0,0,1\n", r"Column alliance, line 2: 7\.5 is outside the scale 1-7\."),
        (HEADER + "a,1.5,5,0,0,1\n", r"Column session, line 2: 1\.5 is not a whole number from 1 to 10000\."),
        (HEADER + "a,1,5,0,0,\n", r"Column attended, line 2: a value is required\."),
        (HEADER + ",1,5,0,0,1\n", r"Column treatment, line 2: a treatment is required\."),
        (HEADER.replace("\n", ",rupture_intensity\n") + "a,1,5,1,0,1,6\n", r"6 is not a whole number from 1 to 5"),
        ("", r"is not a readable CSV file"),
    ],
)
def test_it_rejects_malformed_csv_files_with_a_clear_message(tmp_path, text, message):
    with pytest.raises(MalformedSeries, match=message):
        read_series_csv(write(tmp_path, text), RULES.scales)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(MalformedSeries, match=r"No such file: .*absent\.csv"):
        read_series_csv(tmp_path / "absent.csv", RULES.scales)


def test_the_scales_are_the_instruments(tmp_path):
    path = write(tmp_path, HEADER + "a,1,8.5,0,0,1\n")
    with pytest.raises(MalformedSeries, match=r"Column alliance, line 2: 8.5 is outside the scale 1-7\."):
        read_series_csv(path, RULES.scales)
    wider = replace(RULES.scales, alliance=(0.0, 10.0), rupture_intensity=(1, 3))
    assert read_series_csv(path, wider)["alliance"].tolist() == [8.5]
    rating = write(tmp_path, HEADER.strip() + ",rupture_intensity\na,1,5,1,0,1,4\n")
    with pytest.raises(MalformedSeries, match=r"4 is not a whole number from 1 to 3\."):
        read_series_csv(rating, wider)


def test_a_data_frame_is_validated_the_same_way_and_rows_are_named_by_index():
    frame = pd.DataFrame(
        {"treatment": ["a"], "session": [1], "alliance": [5.0], "rupture": [0], "held_back": [3], "attended": [1]},
        index=[17],
    )
    with pytest.raises(MalformedSeries, match=r"Column held_back, row 17: 3 is not 0 or 1\."):
        validate_series(frame, RULES.scales)
    assert isinstance(MalformedSeries("x"), ValueError)
