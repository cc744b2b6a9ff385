"""The therapist's response rates page and the one-click new link for an unanswered check."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from allianse.accounts.models import AuditEvent
from allianse.clinic.models import Session
from allianse.clinic.services import register_patient
from allianse.feedback.models import Administration
from allianse.feedback.services import issue_check
from tests.ruptures.conftest import alliance, store

URL = reverse("caseload:response_rates")


def new_session(treatment, *, days_ago: int = 0) -> Session:
    return Session.objects.create(
        treatment=treatment,
        number=treatment.next_session_number(),
        starts_at=timezone.now() - timedelta(days=days_ago),
        attended=True,
    )


def new_treatment(therapist):
    return register_patient(therapist=therapist, name="", language="nb", started_on=timezone.localdate())


def test_the_page_shows_the_rate_with_its_counts_and_this_weeks_unanswered_checks(therapist_client, therapist):
    waiting = new_treatment(therapist)
    answered = new_treatment(therapist)
    store(new_session(answered), "alliance-patient", alliance(6))
    store(new_session(answered), "alliance-patient", alliance(5))
    renewed = new_session(answered)
    issue_check(session=renewed, by=therapist)
    store(renewed, "alliance-patient", alliance(5))  # a renewed link answered: one check, answered
    unanswered = new_session(waiting)
    issue_check(session=unanswered, by=therapist)
    new_session(waiting)  # no link made: not a check
    html = therapist_client.get(URL).content.decode()
    assert "3 av 4 (75\u00a0%)" in html and "95\u00a0%-intervall" in html
    assert waiting.patient.code in html and reverse("caseload:resend_check", args=[unanswered.public_id]) in html
    assert answered.patient.code not in html


def test_a_period_outside_the_checks_shows_none_and_a_reversed_period_is_explained(therapist_client, therapist):
    session = new_session(new_treatment(therapist), days_ago=40)
    store(session, "alliance-patient", alliance(6))
    assert "1 av 1 (100\u00a0%)" not in therapist_client.get(URL).content.decode()  # the last four weeks
    start = (timezone.localdate() - timedelta(days=45)).isoformat()
    assert "1 av 1 (100\u00a0%)" in therapist_client.get(URL, {"start": start}).content.decode()
    html = therapist_client.get(URL, {"start": "2026-05-10", "end": "2026-05-01"}).content.decode()
    assert "Perioden kan ikke slutte før den begynner." in html


def test_the_unanswered_checks_shown_are_audited(therapist_client, therapist):
    session = new_session(new_treatment(therapist))
    issue_check(session=session, by=therapist)
    therapist_client.get(URL)
    event = AuditEvent.objects.get(detail="response rates: unanswered checks")
    assert (event.actor, event.patient_ids) == (therapist, {session.treatment.patient_id})


def test_another_therapist_sees_only_their_own_and_cannot_renew_a_link(outsider_client, therapist):
    session = new_session(new_treatment(therapist))
    issue_check(session=session, by=therapist)
    html = outsider_client.get(URL).content.decode()
    assert session.treatment.patient.code not in html and "ingen sjekker" in html
    response = outsider_client.post(reverse("caseload:resend_check", args=[session.public_id]))
    assert response.status_code == 404 and Administration.objects.count() == 1


def test_a_new_link_replaces_the_old_is_audited_and_leads_to_the_link_page(therapist_client, therapist):
    session = new_session(new_treatment(therapist))
    old = issue_check(session=session, by=therapist)
    response = therapist_client.post(reverse("caseload:resend_check", args=[session.public_id]))
    assert response.url == reverse("feedback:check_link", args=[session.public_id])
    old.refresh_from_db()
    new = Administration.objects.exclude(pk=old.pk).get()
    assert old.revoked_at is not None and new.revoked_at is None and new.session == session
    event = AuditEvent.objects.get(detail="check link reissued")
    assert (event.actor, event.patient, event.object_id) == (therapist, session.treatment.patient, str(new.public_id))


def test_an_answered_check_gets_no_new_link(therapist_client, therapist):
    session = new_session(new_treatment(therapist))
    store(session, "alliance-patient", alliance(6))
    response = therapist_client.post(reverse("caseload:resend_check", args=[session.public_id]), follow=True)
    assert Administration.objects.count() == 1 and "har allerede svart" in response.content.decode()


def test_the_page_reads_the_same_number_of_queries_whatever_the_number_of_patients(
    therapist_client, therapist, django_assert_max_num_queries
):
    counts = []
    for patients in (1, 6):
        while therapist.treatments.count() < patients:
            treatment = new_treatment(therapist)
            store(new_session(treatment), "alliance-patient", alliance(6))
            issue_check(session=new_session(treatment), by=therapist)
        # At most 18: the first view of a list of patients also stores their set (five queries).
        with django_assert_max_num_queries(18) as queries:
            assert therapist_client.get(URL).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
