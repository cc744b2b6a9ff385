"""Agreement and calibration pages, and their exports read back."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from allianse.core.stats import reliability_report
from allianse.rating import agreement, services
from allianse.rating.models import Assignment
from tests.conftest import make_user

from .conftest import full_answers

# Three raters of four segments: rater3 rates one point higher than rater1, rater2 varies.
LEVELS = {"rater1": [2, 4, 5, 6], "rater2": [3, 4, 4, 7], "rater3": [3, 5, 6, 7]}
REFERENCE = [2, 4, 5, 6]


@pytest.fixture
def rated_study(study, recording, therapist, leader, rater, second_rater):
    third = make_user("rater3", "rater")
    raters = {"rater1": rater, "rater2": second_rater, "rater3": third}
    segments = [study.segments.get()] + [
        services.add_segment(recording=recording, name=f"Part {n}", start_seconds=n, end_seconds=n + 2, by=therapist)
        for n in (3, 6, 9)
    ]
    for segment in segments[1:]:
        services.add_to_study(study=study, segment=segment)
    for index, segment in enumerate(segments):
        for name, user in raters.items():
            (assignment,) = services.assign(study=study, segments=[segment], raters=[user], kind="rater", by=leader)
            entered = services.RatingInput(answers=full_answers(LEVELS[name][index]))
            services.submit_rating(assignment=assignment, entered=entered, by=user)
        (reference,) = services.assign(study=study, segments=[segment], raters=[leader], kind="expert", by=leader)
        entered = services.RatingInput(answers=full_answers(REFERENCE[index]))
        services.submit_rating(assignment=reference, entered=entered, by=leader)
    return study


def test_the_page_computes_through_the_core(rated_study):
    result = agreement.study_agreement(rated_study, "en")
    expected = reliability_report(result.frame[["segment", "rater", "item", "value"]])
    row = next(row for row in result.rows if row.key == "i01_adherence")
    assert row.single["value"] == pytest.approx(expected["items"]["i01_adherence"]["ICC2"]["value"])
    assert result.raters == ["rater1", "rater2", "rater3"] and result.segments == 4


def test_the_page_says_what_the_numbers_mean(leader_client, rated_study):
    response = leader_client.get(reverse("rating:agreement", args=[rated_study.public_id]), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    value = agreement.study_agreement(rated_study, "en").rows[0].single["value"]
    assert response.status_code == 200
    assert agreement.icc_sentence(value, "excellent" if value >= 0.75 else "good") in page
    assert "Each rater against the others" in page and "<svg" in page
    assert "Where two raters differ most" in page


def test_reference_ratings_are_not_counted_as_raters(rated_study):
    assert "leader" not in agreement.study_agreement(rated_study, "en").raters


def test_a_rater_cannot_see_the_agreement_page(rater_client, rated_study):
    assert rater_client.get(reverse("rating:agreement", args=[rated_study.public_id])).status_code == 403


def test_segments_whose_consent_was_withdrawn_are_left_out(rated_study, consent, therapist):
    services.withdraw_consent(consent=consent, by=therapist)
    result = agreement.study_agreement(rated_study, "en")
    assert result.segments == 0 and result.blocked_segments == 4


class TestExports:
    def test_the_items_csv_reads_back(self, leader_client, rated_study):
        url = reverse("rating:export", args=[rated_study.public_id, "items", "csv"])
        response = leader_client.get(url)
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        expected = agreement.study_agreement(rated_study, "en")
        first = next(row for row in rows if row["item"] == "i01_adherence")
        assert response["Content-Type"].startswith("text/csv")
        assert float(first["ICC2"]) == pytest.approx(expected.rows[0].single["value"])
        assert first["n_raters"] == "3" and first["n_segments"] == "4"
        assert {row["item"] for row in rows} >= {"global_quality", "score:quality"}

    def test_the_workbook_reads_back(self, leader_client, rated_study):
        response = leader_client.get(reverse("rating:export", args=[rated_study.public_id, "items", "xlsx"]))
        workbook = load_workbook(io.BytesIO(response.content))
        items, ratings = workbook["items"], workbook["ratings"]
        header = [cell.value for cell in items[1]]
        assert header[:4] == ["item", "label", "n_segments", "n_raters"]
        assert items.cell(row=2, column=1).value == "i01_adherence"
        icc2 = items.cell(row=2, column=header.index("ICC2") + 1).value
        assert icc2 == pytest.approx(agreement.study_agreement(rated_study, "en").rows[0].single["value"])
        assert [cell.value for cell in ratings[1]][:5] == ["segment", "segment_name", "rater", "item", "value"]
        assert ratings.max_row - 1 == len(agreement.study_agreement(rated_study, "en").frame)

    def test_an_unknown_table_is_not_found(self, leader_client, rated_study):
        url = reverse("rating:export", args=[rated_study.public_id, "items", "csv"]).replace("items", "people")
        assert leader_client.get(url).status_code == 404

    def test_a_rater_cannot_export(self, rater_client, rated_study):
        url = reverse("rating:export", args=[rated_study.public_id, "ratings", "csv"])
        assert rater_client.get(url).status_code == 403


class TestCalibration:
    def test_a_rater_lenient_by_one_point_is_one_point_from_the_reference(self, rated_study):
        rater3 = Assignment.objects.get(study=rated_study, rater__username="rater3", segment__name="Opening").rater
        result = agreement.rater_calibration(rated_study, rater3, "en")
        assert list(result.table["mean_difference"]) == pytest.approx([1.0, 1.0, 1.0, 1.0])

    def test_the_rater_sees_their_own_calibration(self, rater_client, rated_study, rater):
        url = reverse("rating:calibration", args=[rated_study.public_id, rater.public_id])
        response = rater_client.get(url)
        assert response.status_code == 200 and "<svg" in response.content.decode()

    def test_a_rater_cannot_see_another_raters_calibration(self, rater_client, rated_study, second_rater):
        url = reverse("rating:calibration", args=[rated_study.public_id, second_rater.public_id])
        assert rater_client.get(url).status_code == 403

    def test_the_leader_sees_each_raters_calibration(self, leader_client, rated_study, second_rater):
        url = reverse("rating:calibration", args=[rated_study.public_id, second_rater.public_id])
        assert leader_client.get(url).status_code == 200
