"""The API's changes of what the pages change: rupture episodes, group session summaries and patients'
consents, through the pages' forms and services, for those who may and refused to the others."""

import pytest
from django.urls import reverse
from django.utils import timezone

from allianse.accounts.models import ApiPart, AuditEvent
from allianse.groups import summaries
from allianse.groups.models import InterpersonalEvent
from allianse.rating import consents
from allianse.rating.models import ConsentRecord, Purpose
from allianse.ruptures.models import RuptureEpisode
from tests.api.conftest import signed_in, token_for, with_token
from tests.groups.conftest import add_members, add_session, make_group
from tests.ruptures.test_api import episode  # noqa: F401 (fixture)

UNKNOWN = "00000000-0000-0000-0000-000000000000"


def _url(name: str, obj) -> str:
    return reverse(f"v1:{name}", args=[getattr(obj, "public_id", obj)])


# -- rupture episodes ------------------------------------------------------------------------------------


def test_a_therapist_writes_a_note_and_moves_on_to_the_next_stage(api, episode):  # noqa: F811
    body = {"stage": 1, "strategies": ["metacommunication"], "text": "We talked about it.", "advance": True}
    response = api.post(_url("episode_notes", episode), body, format="json")
    assert response.status_code == 201 and response.json()["text"] == "We talked about it."
    episode.refresh_from_db()
    assert episode.stage == 2 and episode.notes.count() == 2
    assert AuditEvent.objects.filter(action="update", detail="api episode note", patient=episode.patient).exists()


def test_a_note_is_checked_as_on_the_page(api, episode):  # noqa: F811
    response = api.post(_url("episode_notes", episode), {"stage": 1}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Skriv et notat eller kryss av for hva du prøvde."]}
    unknown = api.post(_url("episode_notes", episode), {"stage": 9, "strategies": ["shouting"]}, format="json")
    assert unknown.status_code == 400 and {"stage", "strategies"} <= set(unknown.json())


def test_a_therapist_sets_the_stage_and_closes_the_episode(api, episode):  # noqa: F811
    staged = api.post(_url("episode_stage", episode), {"stage": 3}, format="json")
    assert staged.status_code == 200 and staged.json()["stage"] == 3
    closed = api.post(_url("episode_close", episode), {"outcome": "resolved", "note": "Back on track."}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed" and closed.json()["outcome"] == "resolved"
    again = api.post(_url("episode_stage", episode), {"stage": 2}, format="json")
    assert again.status_code == 409 and "avsluttet" in again.json()["detail"]
    assert RuptureEpisode.objects.get().stage == 3


def test_another_therapists_episode_is_not_found(outsider_api, episode):  # noqa: F811
    for name in ("episode_notes", "episode_stage", "episode_close"):
        assert outsider_api.post(_url(name, episode), {"stage": 2}, format="json").status_code == 404
        assert outsider_api.post(_url(name, UNKNOWN), {"stage": 2}, format="json").status_code == 404
    assert RuptureEpisode.objects.get().stage == 1


def test_a_token_changes_an_episode_only_with_write_access_to_ruptures(therapist, episode):  # noqa: F811
    url = _url("episode_stage", episode)
    assert with_token(token_for(therapist, ApiPart.RUPTURES)).post(url, {"stage": 2}, format="json").status_code == 403
    wrong_part = token_for(therapist, ApiPart.CLINIC, write=True)
    assert with_token(wrong_part).post(url, {"stage": 2}, format="json").status_code == 403
    allowed = token_for(therapist, ApiPart.RUPTURES, write=True)
    assert with_token(allowed).post(url, {"stage": 2}, format="json").status_code == 200


# -- group session summaries -----------------------------------------------------------------------------


@pytest.fixture
def group_session(therapist):
    group = make_group(therapist)
    members = add_members(group, therapist, 3)
    return add_session(group, members, absent=[members[2]])


def test_a_group_therapist_writes_and_signs_a_summary(api, group_session):
    started = api.post(_url("summary_start", group_session), {"language": "en"}, format="json")
    assert started.status_code == 201 and started.json()["themes"].startswith("Themes the members brought")
    summary_url = reverse("v1:summary", args=[started.json()["id"]])
    written = api.put(summary_url, {"themes": "Loss", "phases": "Quiet start", "agreements": "Call B"}, format="json")
    assert written.status_code == 200 and written.json()["themes"] == "Loss"
    present = [row.membership for row in group_session.attendance.filter(status="present")]
    event = {
        "members": [str(member.public_id) for member in present],
        "what_happened": "A turned away when B spoke.",
        "failure": "pretend_mode",
        "intervention": "stop_and_rewind",
    }
    added = api.post(f"{summary_url}events/", event, format="json")
    assert added.status_code == 201, added.json()
    [shown] = added.json()["events"]
    assert sorted(shown["members"]) == sorted(event["members"])
    event_url = f"{summary_url}events/{shown['id']}/"
    assert api.put(event_url, {**event, "what_happened": "Changed."}, format="json").status_code == 200
    assert api.post(f"{summary_url}sign/", {"confirm": False}, format="json").status_code == 400
    signed = api.post(f"{summary_url}sign/", {"confirm": True}, format="json")
    assert signed.status_code == 200 and signed.json()["signed_by"] == "therapist"
    assert api.put(summary_url, {"themes": "x", "phases": "", "agreements": ""}, format="json").status_code == 409
    assert api.delete(event_url).status_code == 409 and InterpersonalEvent.objects.count() == 1
    addendum = api.post(f"{summary_url}addenda/", {"text": "B called back."}, format="json")
    assert addendum.status_code == 201 and addendum.json()["addenda"][0]["text"] == "B called back."
    audited = AuditEvent.objects.get(detail="api group session summary signed")
    assert audited.patient_ids == {member.patient_id for member in group_session.group.memberships.all()}


def test_an_event_names_only_members_of_the_session(api, therapist, group_session):
    summary = summaries.start_summary(session=group_session, by=therapist, language="en")
    [stranger] = add_members(make_group(therapist, name="Another"), therapist, 1)
    body = {"members": [str(stranger.public_id)], "what_happened": "x", "failure": "pretend_mode", "intervention": "x"}
    response = api.post(reverse("v1:summary_events", args=[summary.public_id]), body, format="json")
    assert response.status_code == 400 and {"members", "intervention"} <= set(response.json())


def test_a_removed_event_leaves_the_draft(api, therapist, group_session):
    summary = summaries.start_summary(session=group_session, by=therapist, language="en")
    member = group_session.attendance.filter(status="present").first().membership
    event = summaries.save_event(
        summary=summary,
        by=therapist,
        members=[member],
        what_happened="x",
        failure="pretend_mode",
        intervention="stop_and_rewind",
    )
    response = api.delete(reverse("v1:summary_event", args=[summary.public_id, event.public_id]))
    assert response.status_code == 200 and response.json()["events"] == []


def test_another_groups_summary_is_not_found(outsider_api, therapist, group_session):
    summary = summaries.start_summary(session=group_session, by=therapist, language="en")
    assert outsider_api.get(_url("summary", summary)).status_code == 404
    assert outsider_api.put(_url("summary", summary), {"themes": "x"}, format="json").status_code == 404
    assert outsider_api.post(_url("summary_start", group_session), {"language": "en"}, format="json").status_code == 404
    assert outsider_api.post(_url("summary_sign", summary), {"confirm": True}, format="json").status_code == 404
    summary.refresh_from_db()
    assert not summary.is_signed


# -- consents --------------------------------------------------------------------------------------------


def test_a_therapist_records_and_withdraws_a_patients_consent(api, treatment):
    body = {"patient": str(treatment.patient.public_id), "purpose": Purpose.COURSE, "given_at": "2026-11-01"}
    body["document_reference"] = "journal note"
    recorded = api.post(reverse("v1:consents"), body, format="json")
    assert recorded.status_code == 201 and recorded.json()["active"] is True
    consent = ConsentRecord.objects.get()
    assert consent.patient == treatment.patient and consent.recorded_by.username == "therapist"
    listed = api.get(reverse("v1:consents"), {"active": "true"})
    assert [row["id"] for row in listed.json()["results"]] == [str(consent.public_id)]
    withdrawn = api.post(_url("consent_withdraw", consent))
    assert withdrawn.status_code == 200 and withdrawn.json()["active"] is False
    assert api.get(reverse("v1:consents"), {"active": "true"}).json()["count"] == 0
    assert AuditEvent.objects.filter(detail="api consent withdrawn", patient=treatment.patient).exists()


def test_a_consent_is_checked_as_on_the_page(api, treatment):
    body = {"patient": str(treatment.patient.public_id), "purpose": "nonsense", "given_at": "yesterday"}
    response = api.post(reverse("v1:consents"), body, format="json")
    assert response.status_code == 400 and {"purpose", "given_at"} <= set(response.json())
    assert api.post(reverse("v1:consents"), {"purpose": "course"}, format="json").status_code == 400
    assert not ConsentRecord.objects.exists()


def test_another_therapists_patient_and_consent_are_not_found(outsider_api, therapist, treatment):
    body = {"patient": str(treatment.patient.public_id), "purpose": Purpose.COURSE, "given_at": "2026-11-01"}
    assert outsider_api.post(reverse("v1:consents"), body, format="json").status_code == 404
    given_at = timezone.localdate()
    consent = consents.record_consent(
        patient=treatment.patient, purpose=Purpose.COURSE, given_at=given_at, document_reference="", by=therapist
    )
    assert outsider_api.get(reverse("v1:consents")).json()["results"] == []
    assert outsider_api.post(_url("consent_withdraw", consent)).status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_changes_with_the_pages_session_still_need_the_csrf_token(therapist, episode):  # noqa: F811
    client = signed_in(therapist, enforce_csrf_checks=True)
    assert client.post(_url("episode_stage", episode), {"stage": 2}, format="json").status_code == 403
