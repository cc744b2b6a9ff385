"""Supervision of a group: supervisors read signed summaries, events and measures, write notes the
therapists read, and see case formulations only while shared; everyone else is refused, and every
read is audited. A signed summary leaves as PDF and plain text."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from allianse.accounts.models import AuditEvent, Role
from allianse.groups import summaries, supervision
from allianse.groups.models import InterpersonalEvent, SupervisionNote
from tests.conftest import make_user, sign_in


@pytest.fixture
def supervisor(db):
    return make_user("veileder", Role.SUPERVISOR)


@pytest.fixture
def signed(group_session, therapist, members):
    summary = summaries.start_summary(session=group_session, by=therapist, language="en")
    summaries.update_summary(summary=summary, by=therapist, themes="Envy and belonging", phases="Calm", agreements="")
    summaries.save_event(
        summary=summary,
        by=therapist,
        event=None,
        members=[members[0]],
        what_happened="Left the room after a remark",
        failure=InterpersonalEvent.Failure.PSYCHIC_EQUIVALENCE,
        intervention=InterpersonalEvent.Intervention.STOP_AND_REWIND,
        intervention_note="",
    )
    summaries.sign_summary(summary=summary, by=therapist)
    return summary


@pytest.fixture
def supervising(group, therapist, supervisor):
    return supervision.add_supervisor(group=group, user=supervisor, by=therapist, sees_case_formulations=False)


def client_for(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def test_a_supervisor_reads_the_signed_summary_and_writes_a_note_the_therapists_read(
    supervising, supervisor, therapist, signed
):
    url = reverse("groups:summary_supervision", args=[signed.public_id])
    reader = client_for(supervisor)
    page = reader.get(url)
    assert page.status_code == 200
    assert "Left the room after a remark" in page.content.decode()
    assert reader.post(url, {"text": "Notice the envy in the opening"}).status_code == 302
    note = SupervisionNote.objects.get()
    assert (note.summary, note.written_by) == (signed, supervisor)
    assert "Notice the envy in the opening" in client_for(therapist).get(url).content.decode()
    assert AuditEvent.objects.filter(actor=supervisor, action=AuditEvent.Action.VIEW, detail="signed summary").exists()


def test_a_therapist_reads_the_notes_but_cannot_write_one(supervising, therapist, signed):
    url = reverse("groups:summary_supervision", args=[signed.public_id])
    assert client_for(therapist).post(url, {"text": "self-supervision"}).status_code == 403
    assert not SupervisionNote.objects.exists()


def test_a_draft_summary_is_the_therapists_alone(supervising, supervisor, group_session, therapist):
    draft = summaries.start_summary(session=group_session, by=therapist, language="en")
    assert client_for(supervisor).get(reverse("groups:summary_supervision", args=[draft.public_id])).status_code == 404
    assert client_for(supervisor).get(reverse("groups:summary", args=[draft.public_id])).status_code == 404


def test_a_supervisor_of_another_group_and_a_stranger_are_refused(group, signed, db, therapist):
    other = make_user("annen", Role.SUPERVISOR)
    for user in (other, make_user("fremmed", Role.THERAPIST)):
        client = client_for(user)
        assert client.get(reverse("groups:supervision", args=[group.public_id])).status_code == 404
        assert client.get(reverse("groups:summary_supervision", args=[signed.public_id])).status_code == 404
        assert client.get(reverse("groups:summary_pdf", args=[signed.public_id])).status_code == 404


def test_case_formulations_only_while_the_therapists_share_them(group, members, therapist, supervisor, supervising):
    members[0].case_formulation = "Fears being left; tests the group"
    members[0].save()
    url = reverse("groups:supervision", args=[group.public_id])
    reader = client_for(supervisor)
    assert "Fears being left" not in reader.get(url).content.decode()
    change = reverse("groups:supervisor_change", args=[group.public_id, supervising.public_id])
    client_for(therapist).post(change, {"action": "share", "sees_case_formulations": "on"})
    assert "Fears being left" in reader.get(url).content.decode()
    assert reader.post(change, {"action": "remove"}).status_code == 404  # only the therapists change it


def test_only_staff_with_the_supervisor_role_can_be_added(group, therapist, co_therapist):
    with pytest.raises(supervision.SupervisionError):
        supervision.add_supervisor(group=group, user=co_therapist, by=therapist, sees_case_formulations=False)
    reply = client_for(therapist).post(
        reverse("groups:supervisor_add", args=[group.public_id]), {"user": co_therapist.pk}
    )
    assert reply.status_code == 302 and not group.supervisors.exists()


def test_the_signed_summary_prints_as_pdf_and_copies_as_plain_text(supervising, supervisor, signed, members):
    reader = client_for(supervisor)
    document = reader.get(reverse("groups:summary_pdf", args=[signed.public_id]))
    assert document["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(document.content)).pages)
    assert "Envy and belonging" in text and members[0].patient.code in text
    plain = reader.get(reverse("groups:summary_text", args=[signed.public_id]))
    assert plain["Content-Type"] == "text/plain; charset=utf-8"
    assert "Left the room after a remark" in plain.content.decode()
    assert "<" not in plain.content.decode()


def test_the_supervision_page_works_for_a_new_group(group, therapist, supervisor, supervising):
    for user in (therapist, supervisor):
        page = client_for(user).get(reverse("groups:supervision", args=[group.public_id]))
        assert page.status_code == 200


def test_the_supervisor_finds_the_group_on_the_home_page(supervising, supervisor, signed, group):
    page = client_for(supervisor).get(reverse("home:home")).content.decode()
    assert reverse("groups:supervision", args=[group.public_id]) in page
