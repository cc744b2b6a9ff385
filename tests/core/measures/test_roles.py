"""Roles: the product finds items and scores by what they are for, and start-up names what is missing."""

import copy
from pathlib import Path

import pytest

from allianse.core.measures import (
    DefinitionError,
    MissingRole,
    Requirement,
    build_instrument,
    load_directory,
    missing_requirements,
    roles,
)

from .test_definition import VALID

INSTRUMENTS = load_directory(Path(__file__).resolve().parents[3] / "allianse" / "instruments")
PATIENT, THERAPIST = INSTRUMENTS["alliance-patient"], INSTRUMENTS["alliance-therapist"]
CLIMATE = INSTRUMENTS["group-climate"]


def test_the_checks_name_their_alliance_total_subscales_and_rupture_items():
    for check in (PATIENT, THERAPIST):
        assert check.score_with_role(roles.ALLIANCE).id == "alliance"
        assert [score.id for score in check.scores_with_role(roles.SUBSCALE)] == ["goal", "task", "bond"]
        assert check.item_with_role(roles.RUPTURE_INTENSITY).bounds == (1, 5)
    assert PATIENT.item_with_role(roles.HELD_BACK).type == "yes_no"
    assert THERAPIST.item_with_role(roles.RUPTURE_KIND).type == "choice"
    assert PATIENT.items_with_role(roles.RUPTURE_KIND) == ()


def test_the_climate_scores_come_in_the_definitions_order():
    assert [score.id for score in CLIMATE.scores_with_role(roles.CLIMATE)] == [
        "engagement",
        "avoidance",
        "conflict",
        "cohesion",
    ]
    assert CLIMATE.score_range(CLIMATE.score_with_role(roles.COHESION)) == (0.0, 6.0)


def test_concern_levels_are_read_from_the_bands_at_either_end():
    alliance = PATIENT.score_with_role(roles.ALLIANCE)
    assert (PATIENT.concern_below(alliance), PATIENT.concern_above(alliance)) == (3.5, None)
    conflict = CLIMATE.score_with_role(roles.CONFLICT)
    assert (CLIMATE.concern_below(conflict), CLIMATE.concern_above(conflict)) == (None, 4.0)
    cohesion = CLIMATE.score_with_role(roles.COHESION)
    assert CLIMATE.concern_below(cohesion) == 2.0
    assert CLIMATE.concern_below(CLIMATE.score("engagement")) is None  # no bands at all


def test_the_midpoint_exists_only_on_a_scale_with_a_middle_answer():
    assert PATIENT.item("goal_1").midpoint == 4
    assert PATIENT.item("rupture_intensity").midpoint == 3
    assert INSTRUMENTS["group-climate"].item("cohesion_1").midpoint == 3
    data = copy.deepcopy(VALID)
    data["items"][0].update(min=1, max=6, anchors={1: data["title"], 6: data["title"]})
    assert build_instrument(data, source="tiny.yaml").item("a").midpoint is None


def test_a_role_looked_up_as_one_must_be_carried_by_exactly_one():
    with pytest.raises(MissingRole, match=r"instrument 'alliance-patient': 3 scores \(goal, task, bond\) carry"):
        PATIENT.score_with_role(roles.SUBSCALE)
    with pytest.raises(MissingRole, match=r"no item carries the role 'rupture_kind'"):
        PATIENT.item_with_role(roles.RUPTURE_KIND)


def test_a_role_on_an_item_and_a_score_is_refused():
    data = copy.deepcopy(VALID)
    data["items"][0]["roles"] = ["total"]
    data["scores"][0]["roles"] = ["total"]
    with pytest.raises(DefinitionError, match=r"tiny.yaml: role 'total': is given to an item and to a score"):
        build_instrument(data, source="tiny.yaml")


def test_a_role_must_be_an_identifier_listed_once():
    data = copy.deepcopy(VALID)
    data["items"][0]["roles"] = ["held_back", "held_back"]
    with pytest.raises(DefinitionError, match=r"item 'a', roles"):
        build_instrument(data, source="tiny.yaml")


def test_requirements_the_definitions_meet_give_no_message():
    required = [
        Requirement("alliance-patient", "item", role=roles.HELD_BACK, types=("yes_no",)),
        Requirement("alliance-patient", "score", role=roles.SUBSCALE, single=False),
        Requirement("alliance-therapist", "item", id="own_contribution"),
        Requirement("group-climate", "score", role=roles.CONFLICT),
    ]
    assert missing_requirements(INSTRUMENTS, required) == []


def test_every_unmet_requirement_is_named_with_the_code_that_needs_it():
    required = [
        Requirement("alliance-patient", "item", role=roles.RUPTURE_KIND, needed_by="ruptures.updates"),
        Requirement("alliance-patient", "score", role=roles.SUBSCALE),
        Requirement("alliance-patient", "item", role=roles.HELD_BACK, types=("scale",)),
        Requirement("alliance-therapist", "score", id="trust"),
        Requirement("no-such-check", "item", role=roles.RUPTURE),
    ]
    assert missing_requirements(INSTRUMENTS, required) == [
        "instrument 'alliance-patient': no item carries the role 'rupture_kind' (needed by ruptures.updates)",
        "instrument 'alliance-patient': 3 scores (goal, task, bond) carry the role 'subscale', one is expected",
        "instrument 'alliance-patient': item 'held_back' is a yes_no item, scale is expected",
        "instrument 'alliance-therapist' has no score 'trust'",
        "no instrument 'no-such-check' is defined",
    ]


def test_a_requirement_names_a_role_or_an_id():
    with pytest.raises(ValueError, match="either a role or an id"):
        Requirement("alliance-patient", "item", role=roles.RUPTURE, id="rupture")
    with pytest.raises(ValueError, match="Only an item requirement"):
        Requirement("alliance-patient", "score", role=roles.ALLIANCE, types=("scale",))
