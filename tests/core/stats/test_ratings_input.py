import numpy as np
import pandas as pd
import pytest

from allianse.core.stats import MalformedRatings, read_ratings_csv, validate_ratings

HEADER = "segment,rater,item,value\n"


def _csv(tmp_path, text: str):
    path = tmp_path / "ratings.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _refusal(path) -> MalformedRatings:
    with pytest.raises(MalformedRatings) as refused:
        read_ratings_csv(path)
    return refused.value


def test_it_reads_ratings_and_takes_an_empty_value_as_missing(tmp_path):
    frame = read_ratings_csv(_csv(tmp_path, HEADER + "s1,anna,1,4\ns1, bo ,1,\ns2,anna,1,5.5\n"))
    assert list(frame.columns) == ["segment", "rater", "item", "value"]
    assert frame["value"].tolist() == pytest.approx([4.0, np.nan, 5.5], nan_ok=True)
    assert frame.index.tolist() == [2, 3, 4]  # line numbers in the file


def test_a_missing_file_is_refused(tmp_path):
    refusal = _refusal(tmp_path / "absent.csv")
    assert refusal.code == "unreadable_file" and "absent.csv" in refusal.message


def test_an_empty_file_is_refused(tmp_path):
    assert _refusal(_csv(tmp_path, "")).code == "unreadable_file"


def test_a_file_without_ratings_is_refused(tmp_path):
    assert _refusal(_csv(tmp_path, HEADER)).code == "no_ratings"


def test_missing_columns_are_named(tmp_path):
    refusal = _refusal(_csv(tmp_path, "segment,rater,score\ns1,anna,4\n"))
    assert refusal.code == "missing_columns"
    assert "item, value" in refusal.message


def test_a_value_that_is_not_a_number_is_refused_with_its_line(tmp_path):
    refusal = _refusal(_csv(tmp_path, HEADER + "s1,anna,1,4\ns1,bo,1,four\ns2,bo,1,inf\n"))
    assert refusal.code == "non_numeric"
    assert refusal.message == "Row(s) 3, 4 hold a value that is not a finite number."


def test_a_row_without_a_segment_is_refused(tmp_path):
    assert _refusal(_csv(tmp_path, HEADER + "s1,anna,1,4\n,bo,1,3\n")).code == "missing_identifiers"


def test_duplicate_ratings_are_refused_with_their_lines(tmp_path):
    refusal = _refusal(_csv(tmp_path, HEADER + "s1,anna,1,4\ns1,bo,1,3\ns1,anna,1,5\n"))
    assert refusal.code == "duplicates"
    assert refusal.message.startswith("Row(s) 2, 4 ")


def test_long_lists_of_bad_rows_are_shortened():
    frame = pd.DataFrame({"segment": range(8), "rater": "anna", "item": 1, "value": "x"})
    with pytest.raises(MalformedRatings, match=r"^Row\(s\) 0, 1, 2, 3, 4 and more "):
        validate_ratings(frame)


def test_malformed_ratings_are_value_errors():
    assert issubclass(MalformedRatings, ValueError)
