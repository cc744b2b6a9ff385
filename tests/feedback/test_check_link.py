"""The therapist's side of the patient's check link: issuing it and showing it with its QR code,
for the treating therapist only."""

import re

import pytest
from django.urls import reverse

from allianse.accounts.models import AuditEvent
from allianse.feedback.models import Administration
from allianse.feedback.services import issue_check


def issue_url(session) -> str:
    return reverse("feedback:issue_check", args=[session.public_id])


def show_url(session) -> str:
    return reverse("feedback:check_link", args=[session.public_id])


def test_the_therapist_issues_a_link_and_the_session_page_offers_it(therapist_client, therapist, session):
    response = therapist_client.post(issue_url(session))
    assert response.status_code == 302 and response.url == reverse("caseload:session", args=[session.public_id])
    link = Administration.objects.get(session=session)
    assert (link.instrument_key, link.patient, link.created_by) == (
        "alliance-patient",
        session.treatment.patient,
        therapist,
    )
    assert AuditEvent.objects.filter(detail="check link issued", patient=session.treatment.patient).exists()
    assert f'href="{show_url(session)}"' in therapist_client.get(response.url).content.decode()


def test_the_link_page_shows_the_link_and_its_qr_code(therapist_client, therapist, session, client):
    link = issue_check(session=session, by=therapist)
    response = therapist_client.get(show_url(session))
    page = response.content.decode()
    url = f"http://testserver{reverse('feedback:check', args=[link.token])}"
    assert response.status_code == 200
    assert f'<p class="link-box" id="check-url">{url}</p>' in page
    assert re.search(r'<div class="qr"><svg[^>]*>.*</svg></div>', page, flags=re.DOTALL)
    assert therapist_client.get(url).status_code == 200  # the link shown opens the patient's check


def test_without_a_live_link_the_page_goes_back_to_the_session(therapist_client, session):
    response = therapist_client.get(show_url(session))
    assert response.status_code == 302 and response.url == reverse("caseload:session", args=[session.public_id])


def test_a_link_is_issued_by_post_only(therapist_client, session):
    assert therapist_client.get(issue_url(session)).status_code == 405
    assert not Administration.objects.exists()


def test_another_therapist_can_neither_issue_nor_see_the_link(outsider_client, therapist, session):
    link = issue_check(session=session, by=therapist)
    assert outsider_client.post(issue_url(session)).status_code == 404
    response = outsider_client.get(show_url(session))
    assert response.status_code == 404 and link.token not in response.content.decode()
    assert list(Administration.objects.all()) == [link]


@pytest.mark.parametrize("password_only", [False, True], ids=["anonymous", "password only"])
def test_both_pages_need_a_verified_sign_in(client, therapist, session, password_only):
    issue_check(session=session, by=therapist)
    if password_only:
        client.force_login(therapist)
    for response in (client.post(issue_url(session)), client.get(show_url(session))):
        assert response.status_code == 302
        expected = reverse("accounts:two_factor") if password_only else reverse("accounts:login")
        assert response.url.startswith(expected)
    assert Administration.objects.count() == 1
