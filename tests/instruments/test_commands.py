import json

import pandas as pd
import pytest
from django.core.management import CommandError, call_command


def test_instruments_lists_keys_and_versions(capsys):
    call_command("instruments")
    assert "alliance-patient\t" in capsys.readouterr().out


def test_instruments_prints_the_data_dictionary(capsys):
    call_command("instruments", "alliance-patient", "--json")
    definition = json.loads(capsys.readouterr().out)
    alliance = next(score for score in definition["scores"] if score["id"] == "alliance")
    assert alliance["range"] == [1.0, 7.0] and definition["items"][0]["id"] == "goal_1"


def test_score_one_response(tmp_path, capsys):
    path = tmp_path / "answers.json"
    path.write_text(
        json.dumps(
            {
                "goal_1": 6,
                "goal_2": 5,
                "task_1": 6,
                "task_2": 2,
                "bond_1": 6,
                "bond_2": 6,
                "rupture": False,
                "held_back": False,
            }
        )
    )
    call_command("score", "alliance-patient", str(path))
    result = json.loads(capsys.readouterr().out)
    assert result["scores"]["goal"] == 5.5 and result["bands"]["alliance"] == "strong"


def test_score_a_csv_adds_score_columns(tmp_path):
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("goal_1,goal_2,task_1,task_2,bond_1,bond_2,rupture\n6,5,6,2,6,6,0\n1,1,,7,1,1,1\n")
    call_command("score", "alliance-patient", str(source), "--output", str(target))
    scores = pd.read_csv(target)
    assert scores.loc[0, "goal"] == 5.5 and scores.loc[1, "alliance_band"] == "low"
    assert pd.isna(scores.loc[1, "task"])  # one of two task items is too few


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"goal_1": 9}', "goal_1: out_of_range"),
        ('{"nonsense": 1}', "unknown item id"),
        ("[1, 2]", "expected a JSON object"),
    ],
)
def test_score_refuses_malformed_json(tmp_path, content, message):
    path = tmp_path / "answers.json"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        call_command("score", "alliance-patient", str(path))


def test_score_refuses_a_csv_with_an_impossible_value(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("goal_1,goal_2\n6,x\n")
    with pytest.raises(CommandError, match="column 'goal_2', row 1"):
        call_command("score", "alliance-patient", str(path))


def test_score_refuses_unknown_instruments_and_missing_files(tmp_path):
    with pytest.raises(CommandError, match="No instrument"):
        call_command("score", "nope", str(tmp_path))
    with pytest.raises(CommandError, match="no such file"):
        call_command("score", "alliance-patient", str(tmp_path / "missing.json"))
