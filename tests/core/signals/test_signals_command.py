"""`allianse signals SERIES.csv`: one JSON object, errors as CommandError (no Django settings needed)."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from allianse.ruptures.management.commands.signals import Command

SERIES = """treatment,session,alliance,therapist_alliance,rupture,held_back,attended
a,1,5.8,5.5,0,0,1
a,2,5.6,5.5,0,0,1
a,3,6.0,5.5,0,0,1
a,4,5.9,5.5,0,1,1
a,5,3.9,5.5,1,0,1
a,6,,,,,0
b,1,6.0,6.0,0,0,1
"""


def run(tmp_path, *options: str) -> dict:
    path = tmp_path / "series.csv"
    path.write_text(SERIES, encoding="utf-8")
    output = io.StringIO()
    call_command(Command(), str(path), *options, stdout=output)
    return json.loads(output.getvalue())


def test_it_prints_signals_and_episodes_as_one_json_object(tmp_path):
    report = run(tmp_path)
    assert set(report) == {"signals", "episodes"}
    kinds = [(signal["session"], signal["kind"]) for signal in report["signals"]]
    assert kinds == [(4, "held_back"), (5, "reported"), (5, "drop"), (5, "drop"), (5, "discrepancy"), (6, "absence")]
    first = report["signals"][0]
    assert first == {
        "treatment": "a",
        "session": 4,
        "kind": "held_back",
        "value": None,
        "threshold": None,
        "detail": "held_back",
        "explanation": "In session 4 the patient reported holding something back.",
        "explanation_nb": "I time 4 oppga pasienten å ha holdt noe tilbake.",
    }
    assert report["episodes"] == [
        {
            "treatment": "a",
            "first_session": 5,
            "last_session": 6,
            "status": "open",
            "reference": 5.825,
            "kinds": ["reported", "drop"],
        }
    ]


def test_every_threshold_is_an_option(tmp_path):
    report = run(
        tmp_path,
        *("--z", "1", "--min-reference-sessions", "2", "--min-sd", "0.1", "--reliable-change", "3"),
        *("--discrepancy", "3", "--low", "4", "--absence-window", "1", "--repair-window", "1"),
        *("--intensity-threshold", "2"),
    )
    assert {signal["detail"] for signal in report["signals"]} == {"held_back", "unrated", "z", "low", "missed_session"}
    assert report["episodes"][0]["status"] == "unrepaired"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["absent.csv"], "No such file"),
        (["{path}", "--z", "-1"], "z must be more than 0"),
        (["{path}", "--instrument", "group-climate"], "no score carries the role 'alliance'"),
        (["{path}", "--instrument", "no-such-check"], "No instrument 'no-such-check'"),
    ],
)
def test_errors_become_a_command_error(tmp_path, arguments, message):
    path = tmp_path / "series.csv"
    path.write_text(SERIES, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command(Command(), *[argument.format(path=path) for argument in arguments])
