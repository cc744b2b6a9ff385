"""The outcome measure shipped beside the alliance check: not validated, both languages, scored as a mean."""

from pathlib import Path

import pytest

from allianse.core.measures import check_answers, load_instrument, roles, score_response

OUTCOME = load_instrument(Path(__file__).resolve().parents[3] / "allianse" / "instruments" / "outcome-patient.yaml")


def test_it_is_the_projects_own_short_measure_marked_not_validated_in_both_languages():
    assert OUTCOME.validated is False and OUTCOME.respondent == "patient"
    assert len(OUTCOME.items) == 4
    for item in OUTCOME.items:
        assert item.text["nb"] and item.text["en"] and item.bounds == (0, 10)
    assert "Ikke et validert instrument" in OUTCOME.licence["nb"]


def test_its_score_is_the_mean_of_the_answered_items_and_needs_three():
    score = OUTCOME.score_with_role(roles.OUTCOME)
    answers = {"own_wellbeing": 4, "close_relations": 6, "daily_life": 5, "overall": 7}
    assert score_response(OUTCOME, check_answers(OUTCOME, answers).answers).scores[score.id] == pytest.approx(5.5)
    three = {"own_wellbeing": 4, "close_relations": 6, "daily_life": 5}
    assert score_response(OUTCOME, three).scores[score.id] == pytest.approx(5.0)
    assert score_response(OUTCOME, {"own_wellbeing": 4, "overall": 6}).scores[score.id] is None
    assert (score.reliable_change, score.norms, score.better) == (1.5, None, "higher")
