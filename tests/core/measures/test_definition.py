"""Broken definitions are refused with the file, the item and the problem named."""

import copy

import pytest

from allianse.core.measures import DefinitionError, build_instrument, load_instrument

TEXT = {"nb": "tekst", "en": "text"}
VALID = {
    "key": "tiny",
    "version": "1",
    "respondent": "patient",
    "validated": False,
    "licence": TEXT,
    "attribution": TEXT,
    "title": TEXT,
    "items": [
        {"id": "a", "type": "scale", "text": TEXT, "min": 1, "max": 5, "anchors": {1: TEXT, 5: TEXT}},
        {"id": "b", "type": "scale", "text": TEXT, "min": 1, "max": 5, "anchors": {1: TEXT, 5: TEXT}, "reversed": True},
        {"id": "c", "type": "yes_no", "text": TEXT},
        {
            "id": "d",
            "type": "scale",
            "text": TEXT,
            "min": 1,
            "max": 5,
            "anchors": {1: TEXT, 5: TEXT},
            "shown_when": {"item": "c", "equals": True},
        },
    ],
    "scores": [{"id": "total", "title": TEXT, "items": ["a", "b"], "method": "mean", "min_answered": 2}],
    "bands": [
        {
            "score": "total",
            "ranges": [
                {"id": "low", "min": 1, "max": 3, "concern": True, "label": TEXT},
                {"id": "high", "min": 3, "max": 5, "concern": False, "label": TEXT},
            ],
        }
    ],
}


def broken(change):
    data = copy.deepcopy(VALID)
    change(data)
    with pytest.raises(DefinitionError) as error:
        build_instrument(data, source="tiny.yaml")
    return str(error.value)


def test_a_valid_definition_loads():
    instrument = build_instrument(copy.deepcopy(VALID), source="tiny.yaml")
    assert instrument.item("b").reversed and instrument.score_range(instrument.scores[0]) == (1.0, 5.0)


def test_a_missing_language_names_the_item():
    message = broken(lambda data: data["items"][0].update(text={"nb": "bare norsk"}))
    assert message.startswith("tiny.yaml: item 'a'") and "'en' is a required property" in message


def test_an_inverted_range_is_refused():
    message = broken(lambda data: data["items"][1].update(min=5, max=1))
    assert "item 'b'" in message and "min (5) must be below max (1)" in message


def test_anchors_must_cover_both_ends():
    assert "both ends" in broken(lambda data: data["items"][0].update(anchors={1: TEXT}))


def test_a_score_naming_an_unknown_item_is_refused():
    assert "score 'total': item 'zz' is not defined" in broken(lambda data: data["scores"][0]["items"].append("zz"))


def test_a_condition_must_name_an_earlier_item():
    message = broken(lambda data: data["items"][3]["shown_when"].update(item="zz"))
    assert "item 'd'" in message and "not an earlier item" in message


def test_overlapping_bands_are_refused():
    message = broken(lambda data: data["bands"][0]["ranges"][1].update(min=2))
    assert "overlap" in message


def test_duplicate_item_ids_are_refused():
    message = broken(lambda data: data["items"].append(copy.deepcopy(data["items"][0])))
    assert "item 'a': the id is used twice" in message


def test_unreadable_yaml_names_the_file(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("key: [unclosed", encoding="utf-8")
    with pytest.raises(DefinitionError, match="bad.yaml: cannot be read as YAML"):
        load_instrument(path)


def test_another_respondents_wording_changes_only_texts():
    data = copy.deepcopy(VALID)
    group_text = {"nb": "gruppetekst", "en": "group text"}
    data["wordings"] = {"group_member": {"introduction": group_text, "items": {"a": {"text": group_text}}}}
    instrument = build_instrument(data, source="tiny.yaml")
    worded = instrument.worded_for("group_member")
    assert worded.item("a").text == group_text and worded.introduction == group_text
    assert instrument.item("a").text == TEXT and worded.item("b").text == TEXT
    assert worded.item("a").bounds == (1, 5) and worded.scores == instrument.scores
    assert instrument.worded_for("observer") is instrument


def test_a_wording_naming_an_unknown_item_is_refused():
    message = broken(lambda data: data.update(wordings={"group_member": {"items": {"zz": {"text": TEXT}}}}))
    assert message == "tiny.yaml: wordings.group_member: item 'zz' is not defined"


def test_the_question_count_counts_follow_ups_apart():
    assert build_instrument(copy.deepcopy(VALID), source="tiny.yaml").question_count == (3, 4)
