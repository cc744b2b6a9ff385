"""The REST API: a therapist's own patients only, every read audited, errors in the user's language."""

import json

import pytest
import yaml
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from allianse.accounts.models import AuditEvent
from allianse.clinic.models import Patient, Session
from allianse.clinic.services import register_patient
from allianse.feedback.models import Administration, Response
from allianse.feedback.services import issue_check, record_therapist_check, submit_check
from allianse.instruments import registry as instruments
from tests.api.conftest import signed_in
from tests.feedback.test_check_flow import GOOD

THERAPIST_ANSWERS = {
    "goal_1": 5,
    "goal_2": 5,
    "task_1": 5,
    "task_2": 3,
    "bond_1": 6,
    "bond_2": 6,
    "rupture": True,
    "rupture_kind": "withdrawal",
    "withdrawal_markers": ["minimal_response"],
    "rupture_intensity": 2,
    "rupture_resolution": 3,
}


def answer_patient_check(session, therapist) -> None:
    submit_check(administration=issue_check(session=session, by=therapist), answers=GOOD)


def endpoints(session):
    """Every endpoint as (method, url, body), keyed by a name for the test ids."""
    treatment = session.treatment
    return {
        "patient list": ("get", reverse("v1:patients"), None),
        "register a patient": ("post", reverse("v1:patients"), {"language": "nb", "started_on": "2026-11-01"}),
        "series": ("get", reverse("v1:series", args=[treatment.public_id]), None),
        "add a session": (
            "post",
            reverse("v1:sessions", args=[treatment.public_id]),
            {"starts_at": "2026-11-20T10:00:00+01:00"},
        ),
        "check link": ("post", reverse("v1:check_link", args=[session.public_id]), None),
        "therapist check": ("post", reverse("v1:therapist_check", args=[session.public_id]), THERAPIST_ANSWERS),
        "instrument list": ("get", reverse("v1:instruments"), None),
        "data dictionary": ("get", reverse("v1:instrument", args=["alliance-patient"]), None),
    }


def call(client, session, name):
    method, url, body = endpoints(session)[name]
    return getattr(client, method)(url, body, format="json")


OF_ONE_TREATMENT = ["series", "add a session", "check link", "therapist check"]
STATUS = {
    "patient list": 200,
    "register a patient": 201,
    "series": 200,
    "add a session": 201,
    "check link": 201,
    "therapist check": 201,
    "instrument list": 200,
    "data dictionary": 200,
}
ALL = list(STATUS)


def check_payload(name: str, body, session) -> None:
    """What the therapist came to each endpoint for, in its answer and in the database."""
    treatment, patient = session.treatment, session.treatment.patient
    match name:
        case "patient list":
            rows = body["results"]
            assert [(row["code"], row["treatment"]) for row in rows] == [(patient.code, str(treatment.public_id))]
        case "register a patient":
            created = Patient.objects.get(code=body["code"])
            assert created != patient and str(created.treatments.get().public_id) == body["treatment"]
            assert body["language"] == "nb"
        case "series":
            assert [(row["public_id"], row["number"]) for row in body] == [(str(session.public_id), 1)]
            assert body[0]["check_status"] == "not_sent" and body[0]["patient"]["alliance"] is None
        case "add a session":
            added = treatment.sessions.get(number=2)
            assert body["public_id"] == str(added.public_id) and body["starts_at"] == "2026-11-20T10:00:00+01:00"
        case "check link":
            administration = Administration.objects.get(session=session)
            assert (
                body["url"].startswith("http://testserver/c/") and administration.instrument_key == "alliance-patient"
            )
        case "therapist check":
            stored = Response.objects.get(administration__session=session)
            assert body["public_id"] == str(stored.public_id) and stored.answers["rupture_kind"] == "withdrawal"
            # task_2 is reversed (8 - 3 = 5); the alliance is the mean of goal, task and bond
            assert body["scores"] == {"goal": 5.0, "task": 5.0, "bond": 6.0, "alliance": pytest.approx(16 / 3)}
        case "instrument list":
            files = (yaml.safe_load(path.read_text()) for path in instruments.DEFINITIONS_DIR.glob("*.yaml"))
            assert {row["key"]: row["validated"] for row in body} == {data["key"]: data["validated"] for data in files}
        case "data dictionary":
            assert body["key"] == "alliance-patient"
            assert [item["id"] for item in body["items"]][:2] == ["goal_1", "goal_2"]
        case _:
            raise AssertionError(f"no payload check for {name}")


@pytest.mark.parametrize(("name", "expected"), STATUS.items())
def test_the_treating_therapist_may_use_every_endpoint(api, session, name, expected):
    response = call(api, session, name)
    assert response.status_code == expected
    check_payload(name, response.json(), session)


@pytest.mark.parametrize("name", OF_ONE_TREATMENT)
def test_it_refuses_other_therapists(outsider_api, session, name):
    response = call(outsider_api, session, name)
    assert response.status_code == 404
    assert session.treatment.sessions.count() == 1
    assert not Administration.objects.exists() and not AuditEvent.objects.filter(patient__isnull=False).exists()


@pytest.mark.parametrize("name", ALL)
def test_it_refuses_a_sign_in_without_the_second_factor(password_only_api, session, name):
    assert call(password_only_api, session, name).status_code == 403
    assert Patient.objects.count() == 1 and not AuditEvent.objects.exists()


@pytest.mark.parametrize("role", ["rater", "supervisor", "course_leader", "administrator"])
@pytest.mark.parametrize("name", ["patient list", "register a patient", *OF_ONE_TREATMENT])
def test_it_refuses_staff_without_the_therapist_role_even_on_the_treatment(session, therapist, role, name):
    """The caseload pages are for therapists only; so are their endpoints, whoever is on the treatment."""
    therapist.groups.clear()
    therapist.groups.add(Group.objects.get_or_create(name=role)[0])
    assert call(signed_in(therapist), session, name).status_code == 403
    assert Patient.objects.count() == 1 and session.treatment.sessions.count() == 1
    assert not Administration.objects.exists() and not Response.objects.exists()


def test_it_refuses_anonymous_callers_asking_for_a_token(session):
    response = APIClient().get(reverse("v1:patients"))
    assert response.status_code == 401 and response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_unknown_objects_are_not_found(api):
    unknown = "00000000-0000-0000-0000-000000000000"
    assert api.get(reverse("v1:series", args=[unknown])).status_code == 404
    assert api.post(reverse("v1:check_link", args=[unknown])).status_code == 404
    assert api.get(reverse("v1:instrument", args=["no-such-instrument"])).status_code == 404


def test_the_patient_list_holds_own_patients_with_their_latest_check_and_no_names(api, session, therapist):
    patient = session.treatment.patient
    patient.name = "Kari Nordmann"
    patient.save()
    answer_patient_check(session, therapist)
    response = api.get(reverse("v1:patients"))
    assert response.json()["results"] == [
        {
            "public_id": str(patient.public_id),
            "code": patient.code,
            "language": "nb",
            "treatment": str(session.treatment.public_id),
            "latest_session": 1,
            "latest_alliance": pytest.approx(35 / 6),
            "latest_rupture": True,
            "latest_held_back": False,
        }
    ]
    assert "Kari" not in response.content.decode()
    assert AuditEvent.objects.get(action="view", detail="api patient list").patient_ids == {patient.pk}


def test_the_patient_list_leaves_out_other_therapists_patients(outsider_api, session):
    assert outsider_api.get(reverse("v1:patients")).json()["results"] == []


def test_the_patient_list_reads_with_the_same_queries_whatever_the_caseload(api, session, therapist):
    """Two patients, then eight: each list shows a set of patients the audit log has not seen yet."""
    url = reverse("v1:patients")

    def add_patients(count: int) -> None:
        for _ in range(count):
            treatment = register_patient(therapist=therapist, name="", language="nb", started_on=timezone.localdate())
            answer_patient_check(treatment.sessions.create(number=1, starts_at=timezone.now()), therapist)

    answer_patient_check(session, therapist)
    add_patients(1)
    with CaptureQueriesContext(connection) as two:
        assert api.get(url).json()["count"] == 2
    add_patients(6)
    with CaptureQueriesContext(connection) as eight:
        assert api.get(url).json()["count"] == 8
    assert len(eight) == len(two)


def test_a_therapist_registers_a_patient_whose_name_is_kept_but_not_returned(api, therapist):
    response = api.post(
        reverse("v1:patients"), {"name": "Ola", "language": "en", "started_on": "2026-11-01"}, format="json"
    )
    patient = Patient.objects.get()
    assert response.status_code == 201 and "name" not in response.json()
    assert response.json()["public_id"] == str(patient.public_id) and response.json()["latest_alliance"] is None
    assert patient.name == "Ola" and patient.treatments.get().therapists.get() == therapist
    assert AuditEvent.objects.filter(patient=patient, action="create").exists()


@pytest.mark.parametrize(
    ("language", "message"), [("nb", "Dette feltet er påkrevd."), ("en", "This field is required.")]
)
def test_a_registration_without_a_start_date_is_refused_in_the_users_language(api, language, message):
    response = api.post(
        reverse("v1:patients"), {"language": "nb"}, format="json", headers={"accept-language": language}
    )
    assert response.status_code == 400 and response.json() == {"started_on": [message]}
    assert not Patient.objects.exists()


def test_a_registration_needs_the_language_and_the_start_date(api):
    response = api.post(reverse("v1:patients"), {}, format="json", headers={"accept-language": "en"})
    assert response.status_code == 400 and set(response.json()) == {"language", "started_on"}


def test_a_treatment_without_sessions_has_an_empty_series(api, treatment):
    assert api.get(reverse("v1:series", args=[treatment.public_id])).json() == []


def test_the_series_shows_both_perspectives_and_missing_answers_as_null(api, session, therapist):
    answer_patient_check(session, therapist)
    record_therapist_check(session=session, therapist=therapist, answers=THERAPIST_ANSWERS)
    later = Session.objects.create(treatment=session.treatment, number=2, starts_at=timezone.now(), attended=False)
    response = api.get(reverse("v1:series", args=[session.treatment.public_id]))
    first, second = response.json()
    assert first["public_id"] == str(session.public_id) and first["check_status"] == "answered"
    patient, therapist_view = first["patient"], first["therapist"]
    assert [patient[key] for key in ("goal", "task", "bond", "alliance")] == pytest.approx([5.5, 6, 6, 35 / 6])
    assert [therapist_view[key] for key in ("goal", "task", "bond", "alliance")] == pytest.approx([5, 5, 6, 16 / 3])
    assert (patient["rupture"], patient["rupture_intensity"], patient["rupture_resolution"]) == (True, 3, 4)
    assert patient["held_back"] is False and therapist_view["rupture"] is True and "held_back" not in therapist_view
    assert second["public_id"] == str(later.public_id) and second["attended"] is False
    assert second["check_status"] == "not_sent" and set(second["patient"].values()) == {None}
    assert AuditEvent.objects.filter(patient=session.treatment.patient, detail="api series").exists()


def test_a_therapist_adds_the_next_session(api, session):
    response = api.post(
        reverse("v1:sessions", args=[session.treatment.public_id]),
        {"starts_at": "2026-11-20T10:00:00+01:00"},
        format="json",
    )
    added = session.treatment.sessions.get(number=2)
    assert response.status_code == 201
    assert response.json() == {
        "public_id": str(added.public_id),
        "number": 2,
        "starts_at": "2026-11-20T10:00:00+01:00",
        "attended": True,
    }


def test_a_check_link_is_absolute_and_opens_the_patients_check(api, client, session):
    response = api.post(reverse("v1:check_link", args=[session.public_id]))
    data = response.json()
    administration = Administration.objects.get()
    assert response.status_code == 201 and data["url"].startswith("http://testserver/c/")
    assert data["url"].endswith(reverse("feedback:check", args=[administration.token]))
    assert data["expires_at"] == timezone.localtime(administration.expires_at).isoformat()
    assert client.get(data["url"]).status_code == 200
    assert AuditEvent.objects.filter(patient=session.treatment.patient, detail="check link issued").exists()


def test_a_check_link_comes_with_its_short_code_and_the_start_page_that_opens_it(api, client, session):
    data = api.post(reverse("v1:check_link", args=[session.public_id])).json()
    administration = Administration.objects.get()
    assert data["short_code"] == administration.short_code and len(data["short_code"]) == 9
    assert data["start_url"] == "http://testserver/c/"
    typed = client.post(data["start_url"], {"code": data["short_code"].lower().replace("-", " ")})
    assert typed.status_code == 302 and typed.url == reverse("feedback:check", args=[administration.token])


def test_the_therapist_check_is_stored_scored_and_audited(api, session, therapist):
    response = api.post(reverse("v1:therapist_check", args=[session.public_id]), THERAPIST_ANSWERS, format="json")
    stored = Response.objects.get(respondent="therapist")
    assert response.status_code == 201 and response.json()["public_id"] == str(stored.public_id)
    assert response.json()["scores"]["alliance"] == pytest.approx(16 / 3)
    assert stored.submitted_by == therapist and stored.answers["withdrawal_markers"] == ["minimal_response"]
    assert AuditEvent.objects.filter(patient=session.treatment.patient, action="submit").exists()


@pytest.mark.parametrize(
    ("language", "required", "out_of_range"),
    [
        ("nb", "Svar på dette spørsmålet.", "Velg ett av tallene som vises."),
        ("en", "Please answer this question.", "Please choose one of the numbers shown."),
    ],
)
def test_invalid_answers_come_back_per_item_in_the_users_language(api, session, language, required, out_of_range):
    answers = THERAPIST_ANSWERS | {"goal_1": 9, "bond_2": None}
    response = api.post(
        reverse("v1:therapist_check", args=[session.public_id]),
        answers,
        format="json",
        headers={"accept-language": language},
    )
    assert response.status_code == 400
    assert response.json() == {
        "errors": {
            "goal_1": {"code": "out_of_range", "message": out_of_range},
            "bond_2": {"code": "required", "message": required},
        }
    }
    assert not Response.objects.exists()


def test_an_unknown_item_id_is_refused_rather_than_dropped(api, session):
    response = api.post(
        reverse("v1:therapist_check", args=[session.public_id]),
        THERAPIST_ANSWERS | {"own_contributon": "typo"},
        format="json",
        headers={"accept-language": "en"},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "own_contributon": {"code": "unknown_item", "message": "This instrument has no question with this id."}
    }


def test_answers_must_be_a_json_object(api, session):
    url = reverse("v1:therapist_check", args=[session.public_id])
    response = api.post(url, [1, 2], format="json", headers={"accept-language": "nb"})
    assert response.status_code == 400
    assert response.json() == {"detail": "Send svarene som et JSON-objekt med spørsmåls-id-er og svar."}
    assert api.post(url, {"goal_1": "5"}).status_code == 415  # a form post is not accepted here


def test_the_instruments_are_listed_and_described_like_the_command_does(api):
    listed = api.get(reverse("v1:instruments")).json()
    assert {
        "key": "alliance-patient",
        "version": "1.0",
        "respondent": "patient",
        "validated": False,
        "title": instruments.get("alliance-patient").title,
    } in listed
    described = api.get(reverse("v1:instrument", args=["alliance-therapist"])).json()
    dictionary = instruments.data_dictionary(instruments.get("alliance-therapist"))
    assert described == json.loads(json.dumps(dictionary))


def test_instruments_are_open_to_every_verified_staff_member(outsider_api):
    assert outsider_api.get(reverse("v1:instrument", args=["alliance-patient"])).status_code == 200


def test_csrf_is_enforced_on_session_sign_ins(therapist, treatment):
    strict = signed_in(therapist, enforce_csrf_checks=True)
    url = reverse("v1:sessions", args=[treatment.public_id])
    body = {"starts_at": "2026-11-20T10:00:00+01:00"}
    refused = strict.post(url, body, format="json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    token = "A" * 32  # a CSRF secret as the sign-in page sets it in the cookie
    strict.cookies["csrftoken"] = token
    assert strict.post(url, body, format="json", headers={"x-csrftoken": token}).status_code == 201


def test_an_administrator_without_the_treatment_is_refused(session, administrator):
    assert signed_in(administrator).get(reverse("v1:series", args=[session.treatment.public_id])).status_code == 403
