import numpy as np
import pytest

from allianse.core.signals import InvalidRules, SignalRules
from allianse.core.signals.rules import at_least, at_most, more_than


def test_the_defaults_are_the_documented_ones():
    rules = SignalRules()
    assert (rules.z, rules.min_reference_sessions, rules.min_sd) == (2.0, 3, 0.25)
    assert (rules.reliable_change, rules.discrepancy, rules.low_threshold) == (1.0, 1.5, 3.5)
    assert (rules.absence_window, rules.repair_window, rules.intensity_threshold) == (2, 3, 1)


def test_a_clinic_overrides_some_thresholds_from_a_dict():
    rules = SignalRules.from_dict({"z": 1, "repair_window": 2.0, "low_threshold": 4})
    assert rules.z == 1.0 and isinstance(rules.z, float)
    assert rules.repair_window == 2 and isinstance(rules.repair_window, int)
    assert rules.low_threshold == 4.0
    assert rules.reliable_change == 1.0


def test_it_rejects_unknown_keys_and_names_the_known_ones():
    with pytest.raises(InvalidRules, match=r"Unknown signal rule\(s\) low, zz; known: z, "):
        SignalRules.from_dict({"zz": 1, "low": 3, "z": 1})


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
        SignalRules.from_dict({name: value})


def test_rules_are_frozen():
    with pytest.raises(AttributeError):
        SignalRules().z = 1.0  # type: ignore[misc]


def test_float_noise_never_decides_a_tie():
    noisy_one = np.array([4.6 - 3.6, 4.4 - 3.4])  # 0.9999999999999996 and 1.0000000000000004
    assert at_least(noisy_one, 1.0).all()
    assert at_most(noisy_one, 1.0).all()
    assert not more_than(noisy_one, 1.0).any()
    assert not at_least(np.array([np.nan]), 0.0).any()
