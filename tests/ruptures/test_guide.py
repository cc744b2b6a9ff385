"""The repair guide as data: Safran & Muran's paths in both languages, checked at start-up."""

import pytest
import yaml
from django.core.checks import run_checks

from allianse.ruptures import guide
from allianse.ruptures.guide import GUIDE_FILE, GuideError, build_guide
from allianse.ruptures.models import EpisodeKind

# The pitfalls of docs/methods.md#repair-guide (what strains the alliance): each must be in the guide.
NAMED_PITFALLS = {
    "defensiveness",
    "rigid_technique",
    "transference_overuse",
    "self_serving_disclosure",
    "pathologising",
}


@pytest.fixture
def data():
    return yaml.safe_load(GUIDE_FILE.read_text(encoding="utf-8"))


def test_every_episode_kind_has_a_path():
    assert set(guide.get().kinds) == set(EpisodeKind.values)


def test_the_paths_follow_safran_and_muran():
    kinds = guide.get().kinds
    assert len(kinds["withdrawal"].path.stages) == 5  # the five-step withdrawal path
    assert kinds["confrontation"].path.stages[1].id == "disembedding"
    assert kinds["confrontation"].path.stages[-1].id == "vulnerability"
    assert [stage.id for stage in kinds["both"].path.stages] == [
        "marker",
        "explore_experience",
        "explore_avoidance",
        "wishes_needs",  # the four-stage model
    ]


def test_the_named_pitfalls_are_all_in_the_guide_and_each_is_used():
    repair = guide.get()
    assert set(repair.pitfalls) >= NAMED_PITFALLS
    used = {
        avoid.pitfall.id
        for kind in repair.kinds.values()
        for stage in kind.path.stages
        for avoid in stage.avoid
        if avoid.pitfall
    }
    assert used == set(repair.pitfalls)


def test_every_stage_says_what_to_look_for_what_helps_what_to_avoid_with_examples_for_both_orientations():
    for kind in guide.get().kinds.values():
        for stage in kind.path.stages:
            assert stage.look_for and stage.helps and stage.avoid and stage.examples
            assert set(stage.variants) == {"cbt", "psychodynamic"}


def test_metacommunication_and_revisiting_the_formulation_can_be_recorded():
    assert {"metacommunication", "revisit_formulation", "acknowledge_own_part"} <= set(guide.get().strategies)


def test_a_missing_language_is_refused(data):
    del data["paths"][0]["stages"][0]["goal"]["nb"]
    with pytest.raises(GuideError, match="paths/0/stages/0/goal"):
        build_guide(data)


def test_an_unknown_pitfall_is_refused(data):
    data["paths"][0]["stages"][0]["avoid"].append("shouting")
    with pytest.raises(GuideError, match="unknown pitfall 'shouting'"):
        build_guide(data)


def test_a_kind_pointing_to_a_missing_path_is_refused(data):
    data["kinds"]["both"]["path"] = "nowhere"
    with pytest.raises(GuideError, match="unknown path"):
        build_guide(data)


def test_a_broken_guide_stops_start_up_with_a_system_check(tmp_path):
    broken = tmp_path / "repair-guide.yaml"
    broken.write_text("version: [", encoding="utf-8")
    try:
        guide.load(broken)
        [error] = [message for message in run_checks() if message.id == "allianse.ruptures.E001"]
        assert "cannot be read as YAML" in error.msg
    finally:
        guide.load()
    assert not [message for message in run_checks() if message.id == "allianse.ruptures.E001"]
