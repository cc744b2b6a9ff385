"""Every shipped instrument: valid, both languages complete, extreme answers score inside range."""

from pathlib import Path

import pytest
import yaml

from allianse.core.measures import check_answers, load_directory, score_response
from allianse.core.measures.answers import is_shown

DIRECTORY = Path(__file__).resolve().parents[3] / "allianse" / "instruments"
INSTRUMENTS = load_directory(DIRECTORY)
# The `validated` flag as each file declares it, read without the loader.
DECLARED_VALIDATED = {
    data["key"]: data["validated"] for data in (yaml.safe_load(path.read_text()) for path in DIRECTORY.glob("*.yaml"))
}


def _texts(instrument):
    yield instrument.title
    yield instrument.licence
    yield instrument.attribution
    if instrument.introduction:
        yield instrument.introduction
    for section in instrument.sections:
        yield section.title
    for item in instrument.items:
        yield item.text
        yield from item.anchors.values()
        yield from (option.text for option in item.options)
    for score in instrument.scores:
        yield score.title
    for ranges in instrument.bands.values():
        yield from (band.label for band in ranges)


def _extreme_answers(instrument, pick):
    answers = {}
    for item in instrument.items:
        if not is_shown(item, answers):
            continue
        if item.type == "scale":
            answers[item.id] = pick(item.min, item.max)
        elif item.type == "yes_no":
            answers[item.id] = pick(False, True)
        elif item.type == "choice":
            answers[item.id] = pick(item.options[0].value, item.options[-1].value)
        elif item.type == "multi_choice":
            answers[item.id] = [pick(item.options[0].value, item.options[-1].value)]
        else:
            answers[item.id] = "…"
    return answers


def test_the_product_ships_the_instruments_the_issues_name():
    assert {"alliance-patient", "alliance-therapist", "group-climate", "therapeutic-factors"} <= set(INSTRUMENTS)


@pytest.mark.parametrize("key", sorted(INSTRUMENTS))
def test_every_text_exists_in_both_languages(key):
    for text in _texts(INSTRUMENTS[key]):
        assert text["nb"].strip() and text["en"].strip()


@pytest.mark.parametrize("key", sorted(INSTRUMENTS))
@pytest.mark.parametrize("end", ["minimum", "maximum"])
def test_extreme_answers_are_valid_and_score_inside_the_declared_range(key, end):
    instrument = INSTRUMENTS[key]
    pick = (lambda low, high: low) if end == "minimum" else (lambda low, high: high)
    checked = check_answers(instrument, _extreme_answers(instrument, pick))
    assert checked.is_valid, checked.errors
    result = score_response(instrument, checked.answers)
    for score in instrument.scores:
        low, high = instrument.score_range(score)
        value = result.scores[score.id]
        assert value is not None and low <= value <= high, (score.id, value)
        if score.id in instrument.bands:
            assert result.bands[score.id] is not None


@pytest.mark.parametrize("key", sorted(INSTRUMENTS))
def test_the_validated_flag_is_the_definitions_and_the_licence_agrees(key):
    """Each instrument carries the flag its file declares, and its licence says "not validated"
    exactly when it is not, so a validated instrument can sit beside the project's own."""
    declared = DECLARED_VALIDATED[key]
    instrument = INSTRUMENTS[key]
    assert isinstance(declared, bool) and instrument.validated is declared
    assert ("Not a validated instrument" in instrument.licence["en"]) is not declared
    assert ("Ikke et validert instrument" in instrument.licence["nb"]) is not declared
