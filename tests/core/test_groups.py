"""Certification eligibility (a majority of the members with a borderline diagnosis,
docs/methods.md#certification), session means and therapeutic-factor profiles."""

import math

import pandas as pd
import pytest

from allianse.core.groups import (
    ICD10,
    ICD11,
    InvalidCode,
    certification_eligibility,
    factor_profile,
    is_borderline,
    normalise_code,
    session_means,
)

BORDERLINE = [(ICD10, "F60.3")]
OTHER = [(ICD10, "F32.1")]


@pytest.mark.parametrize(
    ("system", "code"),
    [(ICD10, "F60.3"), (ICD10, "F60.30"), (ICD10, "F60.31"), (ICD11, "6D11.5"), (ICD11, "6D10.1&6D11.5")],
)
def test_borderline_codes_count(system, code):
    assert is_borderline([(system, code)])


@pytest.mark.parametrize(
    ("system", "code"),
    [(ICD10, "F60.4"), (ICD10, "F60.32"), (ICD10, "F60"), (ICD11, "6D10.1"), (ICD11, "6D10.2&6D11.0"), (ICD11, "6D11")],
)
def test_other_codes_do_not_count(system, code):
    assert not is_borderline([(system, code)])


def test_a_code_counts_only_in_its_own_classification():
    assert not is_borderline([(ICD11, "F60.3"), (ICD10, "6D11.5")])


def test_the_borderline_specifier_may_be_recorded_apart_from_the_severity():
    assert is_borderline([(ICD11, "6D10.1"), (ICD11, "6D11.5")])


def test_codes_are_normalised_and_checked():
    assert normalise_code(ICD10, " f60.31 ") == "F60.31"
    assert normalise_code(ICD11, "6d10.1 & 6d11.5") == "6D10.1&6D11.5"
    with pytest.raises(InvalidCode):
        normalise_code(ICD10, "borderline")
    with pytest.raises(InvalidCode):
        normalise_code(ICD11, "F60.3.1")
    with pytest.raises(InvalidCode):
        normalise_code("dsm5", "301.83")


def test_more_than_half_is_a_majority():
    eligibility = certification_eligibility([BORDERLINE] * 5 + [OTHER] * 3)
    assert (eligibility.borderline, eligibility.members, eligibility.eligible) == (5, 8, True)


def test_exactly_half_is_not_a_majority():
    eligibility = certification_eligibility([BORDERLINE] * 4 + [OTHER] * 4)
    assert (eligibility.borderline, eligibility.members, eligibility.eligible) == (4, 8, False)


def test_one_more_than_half_of_an_odd_group_is_a_majority():
    assert certification_eligibility([BORDERLINE] * 4 + [OTHER] * 3).eligible
    assert not certification_eligibility([BORDERLINE] * 3 + [OTHER] * 4).eligible


def test_a_group_without_members_is_not_eligible():
    assert not certification_eligibility([]).eligible


def test_a_member_without_diagnoses_counts_as_a_member():
    eligibility = certification_eligibility([BORDERLINE, [], []])
    assert (eligibility.borderline, eligibility.members, eligibility.eligible) == (1, 3, False)


def test_session_means_use_only_the_members_who_answered():
    frame = pd.DataFrame(
        {"member": [1, 2, 3, 1, 2], "session": [1, 1, 1, 2, 2], "cohesion": [4.0, 2.0, math.nan, math.nan, math.nan]}
    )
    means = session_means(frame, ["cohesion"])
    assert means["cohesion"].iloc[0] == 3.0
    assert means["cohesion_n"].tolist() == [2, 0]
    assert math.isnan(means["cohesion"].iloc[1])


def test_factor_profile_ranks_the_most_helpful_factor_first_per_wave():
    frame = pd.DataFrame(
        {"member": [1, 2, 1], "session": [8, 8, 16], "hope": [5, 3, 2], "altruism": [2, 2, 4], "catharsis": [4, 4, 4]}
    )
    profile = factor_profile(frame, ["hope", "altruism", "catharsis"])
    first = profile[profile["session"] == 8]
    assert first["factor"].tolist() == ["hope", "catharsis", "altruism"]
    assert first["mean"].tolist() == [4.0, 4.0, 2.0]
    assert first["rank"].tolist() == [1.0, 1.0, 3.0]
    assert profile[profile["session"] == 16].iloc[0]["factor"] in ("altruism", "catharsis")
