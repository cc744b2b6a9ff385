"""The outcome measure on the patient check's page: after the alliance questions, on the same
link, stored as a response of its own; left blank, nothing of it is stored."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from allianse.accounts.models import AuditEvent
from allianse.core.response_rates import Period
from allianse.feedback.models import Administration, Response
from allianse.feedback.response_rates import patient_check_links
from allianse.feedback.services import OUTCOME_CHECK, PATIENT_CHECK, issue_check

from .test_check_flow import GOOD

OUTCOME = {"own_wellbeing": "4", "close_relations": "6", "daily_life": "5", "overall": "7"}


@pytest.fixture
def link(session, therapist):
    return issue_check(session=session, by=therapist)


def url(link):
    return reverse("feedback:check", args=[link.token])


def test_the_page_asks_the_outcome_questions_after_the_alliance_questions(client, link):
    html = client.get(url(link)).content.decode()
    assert "Hvordan har du hatt det?" in html and 'name="own_wellbeing"' in html
    assert html.index('name="held_back"') < html.index('name="own_wellbeing"') < html.index("Send")
    english = client.get(url(link) + "?lang=en").content.decode()
    assert "How have you been in yourself?" in english


def test_both_are_stored_scored_and_audited_in_one_submit(client, link):
    assert client.post(url(link), GOOD | OUTCOME).status_code == 302
    alliance = Response.objects.get(instrument_key=PATIENT_CHECK)
    outcome = Response.objects.get(instrument_key=OUTCOME_CHECK)
    assert outcome.session_id == alliance.session_id and outcome.administration != alliance.administration
    assert outcome.scores["outcome"] == pytest.approx(5.5) and outcome.administration.patient_id == link.patient_id
    audited = AuditEvent.objects.filter(detail="patient check submitted", action=AuditEvent.Action.CREATE)
    assert sorted(event.object_id for event in audited) == sorted([str(alliance.public_id), str(outcome.public_id)])
    # a second tap stores nothing more
    client.post(url(link), GOOD | OUTCOME)
    assert Response.objects.count() == 2


def test_left_blank_only_the_check_is_stored(client, link):
    assert client.post(url(link), GOOD).status_code == 302
    assert list(Response.objects.values_list("instrument_key", flat=True)) == [PATIENT_CHECK]


def test_half_answered_it_asks_for_the_rest_and_stores_nothing(client, link):
    response = client.post(url(link), GOOD | {"own_wellbeing": "4"})
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r'class="item has-error" id="item-close_relations"', html)
    answered = html.split('id="item-own_wellbeing"')[1].split("</fieldset>")[0]
    assert (
        re.search(r'value="4"[^>]*checked', answered)
        and "has-error" not in html.split('id="item-own_wellbeing"')[0][-40:]
    )
    assert not Response.objects.exists()


def test_the_outcome_is_not_counted_as_a_check_link_of_its_own(client, link, session):
    client.post(url(link), GOOD | OUTCOME)
    assert Administration.objects.count() == 2
    day = timezone.localdate(session.starts_at)  # the clinic's date, which is not UTC's near midnight
    rows = patient_check_links(Period(day, day))
    assert [row["check"] for row in rows] == [f"{session.pk}:{PATIENT_CHECK}"]
