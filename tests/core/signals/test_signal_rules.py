import copy

import numpy as np
import pytest
import yaml

from allianse.core.measures import MissingRole, build_instrument
from allianse.core.signals import InvalidRules, Limits, Scales, SignalRules
from allianse.core.signals.rules import at_least, at_most, more_than

from .builders import DEFINITIONS, PATIENT, RULES

DEFINITION = DEFINITIONS / "alliance-patient.yaml"
TEXT = {"nb": "tekst", "en": "text"}


def test_the_instrument_gives_its_thresholds_and_the_rest_are_the_documented_defaults():
    assert RULES.scales == Scales(alliance=(1.0, 7.0), rupture_intensity=(1, 5), rupture_resolution=(1, 5))
    assert (RULES.z, RULES.min_reference_sessions, RULES.min_sd) == (2.0, 3, 0.25)
    assert (RULES.reliable_change, RULES.discrepancy, RULES.low_threshold) == (1.0, 1.5, 3.5)
    assert (RULES.absence_window, RULES.repair_window, RULES.intensity_threshold) == (2, 3, 1)


def changed(data: dict, score: dict | None = None, intensity: dict | None = None) -> dict:
    """The patient check's definition data with its alliance score or intensity item changed."""
    data = copy.deepcopy(data)
    next(entry for entry in data["scores"] if entry["id"] == "alliance").update(score or {})
    next(entry for entry in data["items"] if entry["id"] == "rupture_intensity").update(intensity or {})
    return data


def test_the_thresholds_follow_the_definition():
    data = yaml.safe_load(DEFINITION.read_text(encoding="utf-8"))
    data["bands"][0]["ranges"][0]["max"] = 3.0
    data["bands"][0]["ranges"][1]["min"] = 3.0
    data = changed(
        data, score={"reliable_change": 0.75}, intensity={"min": 0, "max": 10, "anchors": {0: TEXT, 10: TEXT}}
    )
    rules = SignalRules.for_instrument(build_instrument(data, source="changed.yaml"))
    assert (rules.reliable_change, rules.low_threshold, rules.intensity_threshold) == (0.75, 3.0, 0)
    assert rules.limits("intensity_threshold") == Limits(int, low=0, high=10)
    assert SignalRules.for_instrument(build_instrument(data, source="changed.yaml"), {"intensity_threshold": 9})


def test_a_definition_without_what_the_rules_need_is_refused_by_name():
    data = yaml.safe_load(DEFINITION.read_text(encoding="utf-8"))
    score = next(entry for entry in data["scores"] if entry["id"] == "alliance")
    del score["reliable_change"], score["reliable_change_source"]
    with pytest.raises(InvalidRules, match=r"Instrument 'alliance-patient': score 'alliance' has no reliable_change"):
        SignalRules.for_instrument(build_instrument(data, source="x.yaml"))
    del score["roles"]
    with pytest.raises(MissingRole, match=r"no score carries the role 'alliance'"):
        SignalRules.for_instrument(build_instrument(data, source="x.yaml"))


def test_a_clinic_overrides_some_thresholds_from_a_dict():
    rules = SignalRules.for_instrument(PATIENT, {"z": 1, "repair_window": 2.0, "low_threshold": 4})
    assert rules.z == 1.0 and isinstance(rules.z, float)
    assert rules.repair_window == 2 and isinstance(rules.repair_window, int)
    assert rules.low_threshold == 4.0
    assert rules.reliable_change == 1.0


def test_it_rejects_unknown_keys_and_names_the_known_ones():
    with pytest.raises(InvalidRules, match=r"Unknown signal rule\(s\) low, scales, zz; known: z, "):
        SignalRules.for_instrument(PATIENT, {"zz": 1, "low": 3, "z": 1, "scales": RULES.scales})


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("z", 0, "z must be more than 0, not 0"),
        ("min_sd", -0.1, "min_sd must be more than 0"),
        ("min_reference_sessions", 1, "min_reference_sessions must be at least 2, not 1"),
        ("absence_window", 0, "absence_window must be at least 1"),
        ("repair_window", 2.5, "repair_window must be a whole number, not 2.5"),
        ("intensity_threshold", 6, "intensity_threshold must be at least 1 and at most 5, not 6"),
        ("discrepancy", float("nan"), "discrepancy must be a finite number"),
        ("reliable_change", "1.0", "reliable_change must be a finite number, not '1.0'"),
        ("low_threshold", True, "low_threshold must be a finite number, not True"),
    ],
)
def test_it_rejects_values_out_of_range_with_a_clear_message(name, value, message):
    with pytest.raises(InvalidRules, match=message):
        SignalRules.for_instrument(PATIENT, {name: value})


def test_rules_are_frozen():
    with pytest.raises(AttributeError):
        RULES.z = 1.0  # type: ignore[misc]


def test_float_noise_never_decides_a_tie():
    noisy_one = np.array([4.6 - 3.6, 4.4 - 3.4])  # 0.9999999999999996 and 1.0000000000000004
    assert at_least(noisy_one, 1.0).all()
    assert at_most(noisy_one, 1.0).all()
    assert not more_than(noisy_one, 1.0).any()
    assert not at_least(np.array([np.nan]), 0.0).any()
