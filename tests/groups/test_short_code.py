"""A group member's short code: typed on the same start page as a patient's, it opens only that
member's own check, and shares the patients' codes, their messages and their limit on wrong tries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from allianse.clinic.models import CODE_ALPHABET
from allianse.feedback import short_codes
from allianse.feedback.services import issue_check
from allianse.feedback.views import WRONG_CODES
from allianse.groups import checks
from allianse.groups.models import MemberCheck, MemberResponse
from allianse.groups.reminders import send_due_reminders
from allianse.groups.sending import send_member_check_link
from tests.delivery.helpers import at_local
from tests.feedback.test_short_code import START, _no_earlier_tries  # noqa: F401 (autouse fixture)
from tests.groups.conftest import ALLIANCE_ANSWERS, CLIMATE_ANSWERS, link_for


@pytest.fixture
def links(group_session, members, therapist) -> list[MemberCheck]:
    checks.issue_member_checks(session=group_session, by=therapist)
    return [link_for(group_session, membership) for membership in members]


def member_url(link: MemberCheck) -> str:
    return reverse("groups:member_check", args=[link.token])


def test_each_member_link_gets_a_code_of_its_own_from_the_patients_alphabet(links):
    assert all(re.fullmatch(rf"[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}", link.short_code) for link in links)
    assert len({link.short_code for link in links}) == len(links)


def test_a_member_code_is_never_one_a_patients_link_has_had_nor_the_other_way(
    session, therapist, group_session, members, monkeypatch
):
    patient_link = issue_check(session=session, by=therapist)
    draws = iter([patient_link.short_code, "ABCD-EFGH", *(f"ABCD-EFG{digit}" for digit in "23456789")])
    monkeypatch.setattr(short_codes, "readable_code", lambda: next(draws))
    (first, *_others) = checks.issue_member_checks(session=group_session, by=therapist)
    assert first.short_code == "ABCD-EFGH"
    draws = iter(["ABCD-EFGH", "WXYZ-2345"])
    assert issue_check(session=session, by=therapist).short_code == "WXYZ-2345"


def test_a_member_types_their_code_and_lands_on_their_own_check(client, links, members):
    mine = links[1]
    response = client.post(START, {"code": mine.short_code.lower().replace("-", " ")})
    assert response.status_code == 302 and response.url == member_url(mine)
    page = client.get(response.url)
    assert page.status_code == 200 and 'value="group-climate"' in page.content.decode()
    answered = client.post(response.url, {**CLIMATE_ANSWERS, "instrument": "group-climate", "lang": "nb"})
    assert answered.status_code == 302
    assert MemberResponse.objects.get().membership == members[1]


def test_a_code_never_opens_another_members_form(client, links, group_session, therapist):
    landed = [client.post(START, {"code": link.short_code}).url for link in links]
    assert landed == [member_url(link) for link in links]
    old = links[0]
    checks.issue_member_checks(session=group_session, by=therapist)
    renewed = link_for(group_session, old.membership)
    assert renewed.short_code != old.short_code
    response = client.post(f"{START}?lang=en", {"code": old.short_code})
    assert response.status_code == 400 and "no longer open" in response.content.decode()


def test_a_member_who_switched_to_english_keeps_it_on_the_check(client, links):
    response = client.post(f"{START}?lang=en", {"code": links[0].short_code})
    assert response.url == f"{member_url(links[0])}?lang=en"


@pytest.mark.parametrize(("language", "words"), [("nb", "ikke lenger åpen"), ("en", "no longer open")])
def test_an_expired_member_code_says_so_in_the_members_language(client, links, language, words):
    MemberCheck.objects.filter(pk=links[0].pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.post(f"{START}?lang={language}", {"code": links[0].short_code})
    assert response.status_code == 400 and words in response.content.decode()


@pytest.mark.parametrize(("language", "words"), [("nb", "allerede besvart"), ("en", "already been answered")])
def test_a_used_member_code_says_the_check_was_answered(client, links, language, words):
    link = links[0]
    answers = {"group-climate": CLIMATE_ANSWERS, "alliance-patient": ALLIANCE_ANSWERS}
    for key in checks.pending_keys(link):
        checks.submit_member_check(token=link.token, instrument_key=key, answers=answers[key])
    response = client.post(f"{START}?lang={language}", {"code": link.short_code})
    assert response.status_code == 400 and words in response.content.decode()


def test_a_member_half_way_through_goes_on_with_the_next_part(client, links):
    link = links[0]
    checks.submit_member_check(token=link.token, instrument_key="group-climate", answers=CLIMATE_ANSWERS)
    response = client.post(START, {"code": link.short_code})
    assert response.url == member_url(link)
    assert 'value="alliance-patient"' in client.get(response.url).content.decode()


def test_wrong_codes_of_either_kind_count_towards_one_limit(client, links, session, therapist):
    patient_link = issue_check(session=session, by=therapist)
    MemberCheck.objects.filter(pk=links[0].pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    for _ in range(WRONG_CODES // 2):
        assert client.post(START, {"code": links[0].short_code}).status_code == 400
    for _ in range(WRONG_CODES - WRONG_CODES // 2):
        assert client.post(START, {"code": "ZZZZ-ZZZZ"}).status_code == 400
    for good in (patient_link.short_code, links[1].short_code):
        response = client.post(f"{START}?lang=en", {"code": good})
        assert response.status_code == 429 and "Too many codes" in response.content.decode()
    assert client.post(START, {"code": links[1].short_code}, REMOTE_ADDR="192.0.2.2").status_code == 302


def test_good_member_codes_do_not_count_towards_the_limit(client, links):
    for _ in range(WRONG_CODES + 2):
        assert client.post(START, {"code": links[0].short_code}).status_code == 302


def test_the_links_page_shows_each_members_code_and_the_start_address(therapist_client, links, group_session):
    therapist_client.cookies["django_language"] = "en"
    page = therapist_client.get(reverse("groups:check_links", args=[group_session.public_id])).content.decode()
    assert all(f'<p class="short-code">{link.short_code}</p>' in page for link in links)
    assert '<strong class="start-url">http://testserver/c/</strong>' in page


def test_a_therapist_of_another_group_sees_no_codes(outsider_client, links, group_session):
    response = outsider_client.get(reverse("groups:check_links", args=[group_session.public_id]))
    assert response.status_code == 404 and "Vi fant ikke denne siden." in response.content.decode()
    assert not any(link.short_code in response.content.decode() for link in links)


@pytest.mark.parametrize(
    ("language", "words"), [("nb", "Du kan også skrive koden"), ("en", "You can also type the code")]
)
def test_the_message_with_a_members_link_and_its_reminder_give_the_code(links, therapist, settings, language, words):
    link = links[0]
    MemberCheck.objects.filter(pk=link.pk).update(language=language)
    link.refresh_from_db()
    sent = send_member_check_link(link, "email", "kari@example.no", therapist)
    send_due_reminders(at_local(sent.sent_at, 12, after=timedelta(hours=24)))
    start = settings.SITE_URL + reverse("feedback:start")
    for message in mail.outbox:
        assert f"{words} {link.short_code} {'at' if language == 'en' else 'på'} {start}" in message.body
    assert len(mail.outbox) == 2
