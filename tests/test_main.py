"""The `allianse` command run as a user runs it: a separate process with a clean environment (no
DEBUG, no SECRET_KEY). The offline commands of the README work; serving pages still needs a key."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
ALLIANSE = Path(sys.executable).with_name("allianse")  # the console script `make install` puts in .venv/bin
# Shrout & Fleiss (1979), Table 2: six targets rated by four judges; published ICC(1,1) = .17,
# ICC(2,1) = .29, ICC(3,1) = .71.
SHROUT_FLEISS = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]


def run(*command: str | Path, cwd: Path) -> subprocess.CompletedProcess:
    """`command` with nothing in the environment but PATH (so no DEBUG, SECRET_KEY or settings module)."""
    clean = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8"}
    return subprocess.run(
        [str(part) for part in command], cwd=cwd, env=clean, capture_output=True, text=True, timeout=120
    )


def test_instruments_lists_every_instrument_without_a_secret_key(tmp_path):
    result = run(ALLIANSE, "instruments", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    keys = [line.split("\t")[0] for line in result.stdout.splitlines()]
    assert {"alliance-patient", "alliance-therapist", "mbt-g-aqs"} <= set(keys)


def test_score_scores_one_response_without_a_secret_key(tmp_path):
    answers = {
        "goal_1": 6,
        "goal_2": 5,
        "task_1": 6,
        "task_2": 2,
        "bond_1": 6,
        "bond_2": 6,
        "rupture": False,
        "held_back": False,
    }
    (tmp_path / "answers.json").write_text(json.dumps(answers))
    result = run(ALLIANSE, "score", "alliance-patient", "answers.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    scored = json.loads(result.stdout)
    # task_2 is reversed (8 - 2 = 6): goal (6 + 5) / 2, task and bond 6, alliance their mean
    assert scored["scores"] == pytest.approx({"goal": 5.5, "task": 6.0, "bond": 6.0, "alliance": 35 / 6})
    assert scored["bands"] == {"alliance": "strong"}


def test_signals_reads_a_series_without_a_secret_key(tmp_path):
    rows = [f"A,{number},{alliance},{int(number == 5)},0,1" for number, alliance in enumerate([6, 6, 6, 6, 3], 1)]
    (tmp_path / "series.csv").write_text("treatment,session,alliance,rupture,held_back,attended\n" + "\n".join(rows))
    result = run(ALLIANSE, "signals", "series.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert {(s["session"], s["kind"]) for s in report["signals"]} >= {(5, "reported"), (5, "drop"), (5, "low")}
    assert [(e["first_session"], e["status"]) for e in report["episodes"]] == [(5, "open")]


def test_reliability_reproduces_shrout_and_fleiss_without_a_secret_key(tmp_path):
    rows = [f"s{s},j{j},quality,{v}" for s, row in enumerate(SHROUT_FLEISS, 1) for j, v in enumerate(row, 1)]
    (tmp_path / "ratings.csv").write_text("segment,rater,item,value\n" + "\n".join(rows))
    result = run(ALLIANSE, "reliability", "ratings.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    quality = json.loads(result.stdout)["items"]["quality"]
    assert (quality["n_segments"], quality["n_raters"]) == (6, 4)
    assert quality["ICC1"]["value"] == pytest.approx(0.17, abs=0.005)
    assert quality["ICC2"]["value"] == pytest.approx(0.29, abs=0.005)
    assert quality["ICC3"]["value"] == pytest.approx(0.71, abs=0.005)


def test_an_offline_command_still_reports_its_own_errors(tmp_path):
    result = run(ALLIANSE, "score", "alliance-patient", "missing.json", cwd=tmp_path)
    assert result.returncode == 1 and "no such file" in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        pytest.param([sys.executable, "-c", "import allianse.wsgi"], id="wsgi"),
        pytest.param([ALLIANSE, "runserver", "--noreload", "127.0.0.1:0"], id="runserver"),
        pytest.param([ALLIANSE, "demo"], id="demo"),
    ],
)
def test_serving_without_a_secret_key_is_refused_when_debug_is_off(command):
    result = run(*command, cwd=PROJECT)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_the_wsgi_application_loads_with_a_secret_key_and_its_templates_compiled():
    """Compiled once in gunicorn's master (preload_app), not by every new worker: the patient's
    check page among them."""
    env = {"PATH": os.environ["PATH"], "SECRET_KEY": "a-key-for-this-test", "ALLIANSE_VAR_DIR": "/nonexistent"}
    code = (
        "import allianse.wsgi; from django.template import engines; "
        "cached = engines['django'].engine.template_loaders[0].get_template_cache; "
        "print(callable(allianse.wsgi.application), 'feedback/check.html' in cached, 'base.html' in cached)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True True True"
