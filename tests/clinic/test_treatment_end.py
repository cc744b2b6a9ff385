"""Treatments end with a date and a reason (the reasons group memberships share), on the patient
page and in the API; an ended treatment's check links stop and it gets no new ones. Approaches
are the clinic's own list, kept by administrators."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from allianse.accounts.models import AuditEvent
from allianse.clinic.models import Approach, EndReason, Treatment
from allianse.feedback.models import Administration
from allianse.feedback.reminders import send_due_reminders
from allianse.feedback.services import TreatmentEnded, issue_check
from allianse.groups.models import Membership
from tests.api.conftest import signed_in
from tests.conftest import sign_in

TODAY = timezone.localdate()


def end_url(treatment) -> str:
    return reverse("caseload:treatment_end", args=[treatment.public_id])


def test_a_therapist_ends_a_treatment_and_its_check_links_stop(therapist_client, treatment, session, therapist):
    link = issue_check(session=session, by=therapist)
    response = therapist_client.post(end_url(treatment), {"ended_on": str(TODAY), "reason": EndReason.DROPOUT})
    assert response.status_code == 302
    treatment.refresh_from_db()
    assert (treatment.ended_on, treatment.end_reason) == (TODAY, "dropout")
    assert Administration.objects.get(pk=link.pk).revoked_at is not None
    assert send_due_reminders(timezone.now() + timedelta(hours=30)) == []
    with pytest.raises(TreatmentEnded):
        issue_check(session=session, by=therapist)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE, detail="treatment ended").exists()
    page = therapist_client.get(reverse("caseload:patient", args=[treatment.patient.public_id]))
    assert "avtalte slutten" in page.content.decode()  # ended by the patient before the agreed end, in bokmål
    again = therapist_client.post(end_url(treatment), {"ended_on": str(TODAY), "reason": EndReason.COMPLETED})
    treatment.refresh_from_db()
    assert again.status_code == 302 and treatment.end_reason == "dropout"  # the end stays as recorded
    refused = therapist_client.post(reverse("feedback:issue_check", args=[session.public_id]))
    assert refused.status_code == 302 and Administration.objects.filter(session=session).count() == 1


def test_an_end_before_the_start_or_without_a_reason_is_explained_and_nothing_changes(therapist_client, treatment):
    before = treatment.started_on - timedelta(days=1)
    response = therapist_client.post(end_url(treatment), {"ended_on": str(before), "reason": "completed"})
    assert response.status_code == 400 and "ended_on" in response.context["end_form"].errors
    assert therapist_client.post(end_url(treatment), {"ended_on": str(TODAY), "reason": "moved"}).status_code == 400
    assert Treatment.objects.get(pk=treatment.pk).ended_on is None


def test_another_therapists_treatment_is_hidden_and_other_roles_are_refused(
    outsider_client, client, administrator, treatment
):
    assert outsider_client.post(end_url(treatment), {"ended_on": str(TODAY), "reason": "completed"}).status_code == 404
    approach = reverse("caseload:treatment_approach", args=[treatment.public_id])
    assert outsider_client.post(approach, {"approach": ""}).status_code == 404
    sign_in(client, administrator)
    assert client.post(end_url(treatment), {"ended_on": str(TODAY), "reason": "completed"}).status_code == 403
    assert Treatment.objects.get(pk=treatment.pk).ended_on is None


def test_a_therapist_records_the_approach(therapist_client, treatment):
    cbt = Approach.objects.get(key="cbt")
    url = reverse("caseload:treatment_approach", args=[treatment.public_id])
    assert therapist_client.post(url, {"approach": cbt.pk}).status_code == 302
    assert Treatment.objects.get(pk=treatment.pk).approach == cbt
    assert therapist_client.post(url, {"approach": 999999}).status_code == 400


def test_the_api_ends_a_treatment_once(therapist, treatment, other_therapist):
    api = signed_in(therapist)
    url = reverse("v1:treatment_end", args=[treatment.public_id])
    assert (
        signed_in(other_therapist).post(url, {"ended_on": str(TODAY), "reason": "x"}, format="json").status_code == 404
    )
    bad = api.post(url, {"ended_on": str(TODAY), "reason": "vanished"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400 and "reason" in bad.json()
    done = api.post(url, {"ended_on": str(TODAY), "reason": "transferred"}, format="json")
    assert done.status_code == 200 and done.json()["end_reason"] == "transferred"
    assert done.json()["ended_on"] == str(TODAY)
    assert api.post(url, {"ended_on": str(TODAY), "reason": "completed"}, format="json").status_code == 409
    assert Treatment.objects.get(pk=treatment.pk).end_reason == "transferred"


def test_treatments_and_group_memberships_share_one_list_of_reasons():
    assert Membership.EndReason is Treatment.EndReason is EndReason
    assert EndReason.values == ["completed", "dropout", "therapist", "transferred", "other"]


def test_administrators_keep_the_approaches_and_others_are_refused(client, administrator, therapist):
    url = reverse("clinic:approaches")
    sign_in(client, therapist)
    assert client.get(url).status_code == 403
    sign_in(client, administrator)
    page = client.get(url)
    assert page.status_code == 200
    formset = page.context["formset"]
    data = _formset_data(formset)
    data |= {"form-5-name_nb": "Emosjonsfokusert terapi", "form-5-name_en": "Emotion-focused therapy"}
    assert client.post(url, data).status_code == 302
    assert Approach.objects.filter(name_en="Emotion-focused therapy", key="").exists()
    duplicate = data | {"form-6-name_nb": "Kognitiv atferdsterapi", "form-6-name_en": "CBT again"}
    duplicate["form-TOTAL_FORMS"] = "7"
    added = Approach.objects.get(name_en="Emotion-focused therapy")
    duplicate |= {"form-INITIAL_FORMS": "6", "form-5-id": str(added.pk)}
    assert client.post(url, duplicate).status_code == 400
    assert AuditEvent.objects.filter(detail="approach: Emotion-focused therapy").exists()


def _formset_data(formset) -> dict[str, str]:
    data = {
        "form-TOTAL_FORMS": str(formset.total_form_count()),
        "form-INITIAL_FORMS": str(formset.initial_form_count()),
    }
    for index, form in enumerate(formset.initial_forms):
        approach = form.instance
        data |= {
            f"form-{index}-id": str(approach.pk),
            f"form-{index}-name_nb": approach.name_nb,
            f"form-{index}-name_en": approach.name_en,
        }
        if approach.active:
            data[f"form-{index}-active"] = "on"
    return data
