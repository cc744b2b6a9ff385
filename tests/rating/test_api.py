"""The rating API: own assignments only, blind until submitted, immutable after, agreement for the leader."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from allianse.accounts.models import AuditEvent
from allianse.rating import consents, services
from allianse.rating.models import Rating, RatingDraft
from tests.api.conftest import signed_in

from . import test_agreement
from .conftest import full_answers

rated_study = test_agreement.rated_study


def api_of(user, language: str = "en") -> APIClient:
    return signed_in(user, HTTP_ACCEPT_LANGUAGE=language)


def url(name: str, *args) -> str:
    return reverse(f"v1:rating-api:{name}", args=args)


def answers(value: int = 4) -> dict:
    return {"answers": {item: int(answer) for item, answer in full_answers(value).items()}}


def submit_as(user, assignment, value: int) -> Rating:
    return services.submit_rating(
        assignment=assignment, entered=services.RatingInput(answers=full_answers(value)), by=user
    ).rating


@pytest.fixture
def rater_api(rater):
    return api_of(rater)


@pytest.fixture
def unverified_api(rater):
    client = APIClient()
    client.force_login(rater)
    return client


class TestAssignments:
    def test_a_rater_lists_only_their_own_assignments(self, rater_api, assignments, segment, recording, study):
        own = assignments[0]
        response = rater_api.get(url("assignments"))
        assert response.status_code == 200
        assert response.json()["results"] == [
            {
                "id": str(own.public_id),
                "study": str(study.public_id),
                "study_name": study.name,
                "kind": "rater",
                "scale": "mbt-g-aqs",
                "segment": {"id": str(segment.public_id), "name": "Opening", "start_seconds": 2.0, "end_seconds": 12.0},
                "stream_url": "http://testserver" + reverse("rating:segment_stream", args=[segment.public_id]),
                "status": "draft",
                "consent_withdrawn": False,
            }
        ]

    def test_the_status_turns_submitted(self, rater_api, rater, assignment):
        submit_as(rater, assignment, 4)
        assert rater_api.get(url("assignments")).json()["results"][0]["status"] == "submitted"

    def test_a_rater_opens_their_own_assignment_and_it_is_audited(self, rater_api, assignment):
        response = rater_api.get(url("assignment", assignment.public_id))
        assert response.status_code == 200
        assert response.json()["draft"] is None and response.json()["rating"] is None
        event = AuditEvent.objects.get(detail="api assignment")
        assert event.action == AuditEvent.Action.VIEW
        assert event.patient == assignment.segment.recording.session.treatment.patient

    def test_another_rater_cannot_open_the_assignment(self, assignments, second_rater):
        assert api_of(second_rater).get(url("assignment", assignments[0].public_id)).status_code == 404
        assert not AuditEvent.objects.exists()

    def test_an_outsider_cannot_open_an_assignment_and_unknown_ones_are_not_found(self, assignment, other_therapist):
        outsider = api_of(other_therapist)
        assert outsider.get(url("assignment", assignment.public_id)).status_code == 404
        assert outsider.get(url("assignment", "00000000-0000-0000-0000-000000000000")).status_code == 404

    def test_an_assignment_without_consent_is_refused_with_the_reason(self, rater_api, assignment, consent, therapist):
        consents.withdraw_consent(consent=consent, by=therapist)
        response = rater_api.get(url("assignment", assignment.public_id))
        assert response.status_code == 403 and "has withdrawn their consent" in response.json()["detail"]
        assert rater_api.put(url("draft", assignment.public_id), answers(), format="json").status_code == 403


class TestBlinding:
    def test_a_rater_sees_nothing_of_the_other_raters_or_the_reference(
        self, rater_api, assignments, second_rater, study, segment, leader
    ):
        other = submit_as(second_rater, assignments[1], 7)
        (reference,) = services.assign(study=study, segments=[segment], raters=[leader], kind="expert", by=leader)
        expert = submit_as(leader, reference, 6)
        listed = rater_api.get(url("assignments"))
        detail = rater_api.get(url("assignment", assignments[0].public_id))
        for response in (listed, detail):
            text = response.content.decode()
            assert str(other.public_id) not in text and str(expert.public_id) not in text
            assert second_rater.username not in text and leader.username not in text
        assert [item["id"] for item in listed.json()["results"]] == [str(assignments[0].public_id)]

    def test_after_submitting_a_rater_sees_only_their_own_rating(self, rater_api, rater, assignments, second_rater):
        submit_as(second_rater, assignments[1], 7)
        own = submit_as(rater, assignments[0], 3)
        body = rater_api.get(url("assignment", assignments[0].public_id)).json()
        assert body["status"] == "submitted" and body["rating"]["id"] == str(own.public_id)
        assert set(body["rating"]["answers"].values()) == {3}


class TestDraft:
    def test_a_rater_saves_a_draft(self, rater_api, assignment):
        body = {"answers": {"i01_adherence": 5}, "missing_reasons": {"i01_quality": "not_observed"}}
        response = rater_api.put(url("draft", assignment.public_id), body, format="json")
        assert response.status_code == 200
        draft = RatingDraft.objects.get(assignment=assignment)
        assert draft.answers == {"i01_adherence": 5} and draft.missing_reasons == {"i01_quality": "not_observed"}
        assert rater_api.get(url("assignment", assignment.public_id)).json()["draft"]["answers"] == {"i01_adherence": 5}

    def test_another_rater_cannot_save_into_the_draft(self, assignments, second_rater):
        response = api_of(second_rater).put(url("draft", assignments[0].public_id), answers(), format="json")
        assert response.status_code == 404 and not RatingDraft.objects.exists()

    def test_an_unknown_item_is_refused_in_the_users_language(self, rater, assignment):
        response = api_of(rater, "nb").put(url("draft", assignment.public_id), {"answers": {"i99": 1}}, format="json")
        assert response.status_code == 400
        assert response.json()["errors"]["i99"] == {
            "code": "unknown_item",
            "message": "Denne skalaen har ikke noe ledd med denne id-en.",
        }
        assert not RatingDraft.objects.exists()


class TestSubmit:
    def test_a_rater_submits_and_it_is_audited(self, rater_api, assignment):
        response = rater_api.post(url("submit", assignment.public_id), answers(5), format="json")
        assert response.status_code == 201
        rating = Rating.objects.get(assignment=assignment)
        assert response.json()["id"] == str(rating.public_id) and set(rating.answers.values()) == {5}
        event = AuditEvent.objects.get(action=AuditEvent.Action.SUBMIT)
        assert event.patient == assignment.segment.recording.session.treatment.patient

    def test_problems_answer_400_per_item_and_keep_the_draft(self, rater_api, assignment):
        body = answers(5)
        body["answers"]["i01_adherence"] = 99
        del body["answers"]["i01_quality"]
        response = rater_api.post(url("submit", assignment.public_id), body, format="json")
        assert response.status_code == 400
        assert response.json()["errors"] == {
            "i01_adherence": {"code": "out_of_range", "message": "Please choose one of the numbers shown."},
            "i01_quality": {"code": "needs_reason", "message": "Rate this item, or choose why it is left empty."},
        }
        assert not Rating.objects.exists()
        assert RatingDraft.objects.get(assignment=assignment).answers["i01_adherence"] == 99

    def test_the_messages_come_in_bokmaal(self, rater, assignment):
        response = api_of(rater, "nb").post(url("submit", assignment.public_id), {"answers": {}}, format="json")
        message = response.json()["errors"]["i01_adherence"]["message"]
        assert message == "Vurder dette leddet, eller velg hvorfor det står tomt."

    def test_another_rater_cannot_submit(self, assignments, second_rater):
        response = api_of(second_rater).post(url("submit", assignments[0].public_id), answers(), format="json")
        assert response.status_code == 404 and not Rating.objects.exists()

    def test_a_submitted_rating_cannot_be_changed(self, rater_api, rater, assignment):
        rating = submit_as(rater, assignment, 4)
        draft = rater_api.put(url("draft", assignment.public_id), answers(1), format="json")
        again = rater_api.post(url("submit", assignment.public_id), answers(1), format="json")
        assert draft.status_code == 409 and again.status_code == 409
        assert "can no longer be changed" in again.json()["detail"]
        assert list(Rating.objects.all()) == [rating] and set(Rating.objects.get().answers.values()) == {4}
        assert not RatingDraft.objects.exists()


class TestAgreement:
    def test_the_leader_gets_the_numbers_of_the_page(self, leader, rated_study):
        response = api_of(leader).get(url("agreement", rated_study.public_id))
        body = response.json()
        assert response.status_code == 200
        assert body["raters"] == ["rater1", "rater2", "rater3"] and body["segments"] == 4 and body["problem"] is None
        item = next(row for row in body["items"] if row["key"] == "i01_adherence")
        assert item["statistics"]["ICC2"]["value"] == pytest.approx(test_agreement.expected_icc(test_agreement.SINGLE))
        assert item["statistics"]["ICC2k"]["value"] == pytest.approx(
            test_agreement.expected_icc(test_agreement.AVERAGE)
        )
        assert item["statistics"]["alpha"] == pytest.approx(test_agreement.expected_alpha())
        against_others = {row["rater"]: row["mean_difference"] for row in body["raters_against_others"]}
        assert against_others == pytest.approx(
            {name: test_agreement.expected_against_others(name) for name in ("rater1", "rater2", "rater3")}
        )
        assert AuditEvent.objects.filter(detail="api agreement", action=AuditEvent.Action.VIEW).count() == 1

    def test_a_rater_cannot_get_the_agreement(self, rater, rated_study):
        assert api_of(rater).get(url("agreement", rated_study.public_id)).status_code == 404

    def test_with_no_ratings_it_says_so(self, leader, study):
        body = api_of(leader, "nb").get(url("agreement", study.public_id)).json()
        assert body["problem"] == "Ingen vurderinger er sendt inn ennå." and body["items"] == []


def test_every_endpoint_needs_the_second_factor(unverified_api, assignment, study):
    calls = [
        unverified_api.get(url("assignments")),
        unverified_api.get(url("assignment", assignment.public_id)),
        unverified_api.put(url("draft", assignment.public_id), answers(), format="json"),
        unverified_api.post(url("submit", assignment.public_id), answers(), format="json"),
        unverified_api.get(url("agreement", study.public_id)),
    ]
    assert [response.status_code for response in calls] == [403] * 5
    assert not RatingDraft.objects.exists() and not Rating.objects.exists()


def test_the_schema_lists_the_rating_paths(rater_api):
    paths = rater_api.get(reverse("v1:schema"), {"format": "json"}).json()["paths"]
    assert {
        "/api/v1/rating/assignments/",
        "/api/v1/rating/assignments/{public_id}/",
        "/api/v1/rating/assignments/{public_id}/draft/",
        "/api/v1/rating/assignments/{public_id}/submit/",
        "/api/v1/rating/studies/{public_id}/agreement/",
    } <= set(paths)
    assert set(paths["/api/v1/rating/assignments/{public_id}/draft/"]) == {"put"}
