"""The short code of a patient's check and the start page where it is typed."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from allianse.clinic.models import CODE_ALPHABET
from allianse.feedback import short_codes
from allianse.feedback.services import issue_check, submit_check
from allianse.feedback.views import WRONG_CODES
from tests.feedback.test_check_flow import GOOD

START = "/c/"


@pytest.fixture(autouse=True)
def _no_earlier_tries():
    """The wrong codes are counted in the cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def link(session, therapist):
    return issue_check(session=session, by=therapist)


def test_a_patient_link_gets_a_grouped_code_from_the_unambiguous_alphabet(link):
    assert re.fullmatch(rf"[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}", link.short_code)
    assert not set("01OI") & set(CODE_ALPHABET)


def test_a_code_is_never_given_twice(session, therapist, monkeypatch):
    first = issue_check(session=session, by=therapist)
    draws = iter([first.short_code, first.short_code, "ABCD-EFGH"])
    monkeypatch.setattr(short_codes, "readable_code", lambda: next(draws))
    second = issue_check(session=session, by=therapist)
    assert second.short_code == "ABCD-EFGH"
    first.refresh_from_db()
    assert first.revoked_at is not None and first.short_code != second.short_code


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("abcd-efgh", "ABCD-EFGH"),
        ("ABCDEFGH", "ABCD-EFGH"),
        (" ab cd ef gh ", "ABCD-EFGH"),
        ("abcd–efgh", "ABCD-EFGH"),
        ("ABCD-EFG", None),
        ("ABCD-EFGHJ", None),
        ("ABCD-EFG0", None),
        ("", None),
    ],
)
def test_what_a_patient_types_is_read_in_any_case_with_or_without_dashes_and_spaces(typed, stored):
    assert short_codes.normalise(typed) == stored


def test_the_start_page_is_in_bokmal_with_a_switch_to_english(client):
    response = client.get(START)
    html = response.content.decode()
    assert response.status_code == 200 and '<html lang="nb">' in html and 'name="code"' in html
    assert 'href="?lang=en"' in html
    english = client.get(START, {"lang": "en"}).content.decode()
    assert '<html lang="en">' in english and "Type the code" in english


@pytest.mark.parametrize("typed", ["{code}", "{lower}", "{bare}"])
def test_a_good_code_leads_to_the_check_in_the_patients_language(client, link, typed):
    code = link.short_code
    typed = typed.format(code=code, lower=code.lower(), bare=code.replace("-", " "))
    response = client.post(START, {"code": typed})
    assert response.status_code == 302 and response.url == reverse("feedback:check", args=[link.token])
    assert client.get(response.url).status_code == 200


def test_a_patient_who_switched_to_english_keeps_it_on_the_check(client, link):
    response = client.post(f"{START}?lang=en", {"code": link.short_code})
    assert response.url == f"{reverse('feedback:check', args=[link.token])}?lang=en"


@pytest.mark.parametrize(
    ("language", "words"),
    [("nb", "Vi fant ikke denne koden"), ("en", "We could not find this code")],
)
def test_an_unknown_code_is_explained_in_the_patients_language(client, link, language, words):
    response = client.post(f"{START}?lang={language}", {"code": "ZZZZ-ZZZZ"})
    assert response.status_code == 400 and words in response.content.decode()


@pytest.mark.parametrize(
    ("language", "words"),
    [("nb", "ikke lenger åpen"), ("en", "no longer open")],
)
def test_an_expired_or_replaced_code_says_so(client, link, therapist, language, words):
    link.expires_at = timezone.now() - timedelta(minutes=1)
    link.save()
    response = client.post(f"{START}?lang={language}", {"code": link.short_code})
    assert response.status_code == 400 and words in response.content.decode()
    replaced = issue_check(session=link.session, by=therapist)
    issue_check(session=link.session, by=therapist)
    response = client.post(f"{START}?lang={language}", {"code": replaced.short_code})
    assert words in response.content.decode()


@pytest.mark.parametrize(
    ("language", "words"),
    [("nb", "allerede besvart"), ("en", "already been answered")],
)
def test_a_used_code_says_the_check_was_answered(client, link, language, words):
    submit_check(administration=link, answers=GOOD)
    response = client.post(f"{START}?lang={language}", {"code": link.short_code})
    assert response.status_code == 400 and words in response.content.decode()


@pytest.mark.parametrize(
    ("language", "words"),
    [("nb", "For mange koder"), ("en", "Too many codes")],
)
def test_after_too_many_wrong_codes_even_a_good_one_waits(client, link, language, words):
    for _ in range(WRONG_CODES):
        assert client.post(START, {"code": "ZZZZ-ZZZZ"}).status_code == 400
    response = client.post(f"{START}?lang={language}", {"code": link.short_code})
    assert response.status_code == 429 and words in response.content.decode()


def test_wrong_codes_are_counted_per_client_address(client, link):
    for _ in range(WRONG_CODES):
        client.post(START, {"code": "ZZZZ-ZZZZ"}, REMOTE_ADDR="192.0.2.1")
    assert client.post(START, {"code": link.short_code}, REMOTE_ADDR="192.0.2.1").status_code == 429
    assert client.post(START, {"code": link.short_code}, REMOTE_ADDR="192.0.2.2").status_code == 302


def test_good_codes_do_not_count_towards_the_limit(client, session, therapist):
    for _ in range(WRONG_CODES + 2):
        code = issue_check(session=session, by=therapist).short_code
        assert client.post(START, {"code": code}).status_code == 302
