"""A study of group-session segments: its agreement against independent implementations
(pingouin, krippendorff), and self-assessment by the group's therapists only."""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
import pingouin
import pytest

from allianse.accounts.models import Role
from allianse.rating import agreement, services
from allianse.rating.models import Purpose
from tests.conftest import make_user

from .group_recordings import consent, group_with_session, superior_consents, upload

RATINGS = np.array([[2, 3, 3], [4, 4, 5], [5, 4, 6], [6, 7, 7], [3, 3, 2], [5, 6, 5]])  # segments x raters


@pytest.fixture
def group_setting(therapist, db):
    co_therapist = make_user("co", Role.THERAPIST)
    group, members, session = group_with_session(therapist, co_therapist)
    for membership in members:
        consent(membership, therapist)
    superior_consents(group)
    return co_therapist, session


@pytest.fixture
def group_study(group_setting, therapist, leader, wav):
    recording = upload(group_setting[1], therapist, wav)
    study = services.create_study(
        name="Group course", description="", instrument_key="mbt-g-aqs", purpose=Purpose.COURSE, leader=leader
    )
    raters = [make_user(f"g{n}", Role.RATER) for n in range(RATINGS.shape[1])]
    for index, row in enumerate(RATINGS):
        segment = services.add_segment(
            recording=recording, name=f"G{index}", start_seconds=index, end_seconds=index + 2, by=therapist
        )
        services.add_to_study(study=study, segment=segment)
        for rater, value in zip(raters, row, strict=True):
            (assignment,) = services.assign(study=study, segments=[segment], raters=[rater], kind="rater", by=leader)
            answers = {"i05_adherence": str(value), "global_quality": str(8 - value)}
            reasons = {
                item.id: "not_observed"
                for item in services.instrument_of(assignment).items
                if item.type == "scale" and item.id not in answers
            }
            entered = services.RatingInput(answers=answers, missing_reasons=reasons)
            assert services.submit_rating(assignment=assignment, entered=entered, by=rater).rating is not None
    return study


def _long(values: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        [(s, r, float(values[s, r])) for s in range(values.shape[0]) for r in range(values.shape[1])],
        columns=["segment", "rater", "value"],
    )


def test_the_agreement_of_a_group_study_matches_pingouin_and_krippendorff(group_study):
    result = agreement.study_agreement(group_study, "en")
    for key, values in (("i05_adherence", RATINGS), ("global_quality", 8 - RATINGS)):
        row = next(row for row in result.rows if row.key == key)
        table = pingouin.intraclass_corr(_long(values), targets="segment", raters="rater", ratings="value")
        table = table.set_index("Type")
        for form, entry in (("ICC(A,1)", row.single), ("ICC(A,k)", row.average)):
            assert entry["value"] == pytest.approx(table.loc[form, "ICC"])
            assert entry["ci95"] == pytest.approx(list(table.loc[form, "CI95"]), abs=0.006)  # pingouin rounds
        expected = krippendorff.alpha(reliability_data=values.T.astype(float), level_of_measurement="interval")
        assert row.entry["alpha"] == pytest.approx(expected)
        lower, upper = row.alpha_interval
        assert lower <= row.entry["alpha"] <= upper
        assert row.n_used == len(RATINGS) and row.dropped == 0


def test_a_group_therapist_assesses_themselves_and_no_one_else_may(group_study, group_setting, leader):
    co_therapist = group_setting[0]
    segment = group_study.segments.first()
    (own,) = services.assign(study=group_study, segments=[segment], raters=[co_therapist], kind="self", by=leader)
    assert own.is_self_assessment
    outsider = make_user("outsider", Role.THERAPIST)
    with pytest.raises(services.SelfAssessmentRefused):
        services.assign(study=group_study, segments=[segment], raters=[outsider], kind="self", by=leader)
