"""The patient's check: one link, one response, kind words when it cannot be used."""

import re
import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from allianse.accounts.models import AuditEvent
from allianse.feedback.models import Response
from allianse.feedback.services import LinkProblem, issue_check, open_check, submit_check

GOOD = {
    "goal_1": "6",
    "goal_2": "5",
    "task_1": "6",
    "task_2": "2",
    "bond_1": "6",
    "bond_2": "6",
    "rupture": "yes",
    "rupture_intensity": "3",
    "rupture_resolution": "4",
    "held_back": "no",
}


@pytest.fixture
def link(session, therapist):
    return issue_check(session=session, by=therapist)


def check_url(link):
    return reverse("feedback:check", args=[link.token])


def test_the_patient_opens_the_link_without_an_account_in_bokmal(client, link):
    response = client.get(check_url(link))
    assert response.status_code == 200
    assert 'lang="nb"' in response.content.decode()


def test_the_patient_can_switch_to_english(client, link):
    response = client.get(check_url(link) + "?lang=en")
    assert 'lang="en"' in response.content.decode() and "Send my answers" in response.content.decode()


def test_a_submitted_check_is_scored_and_stored_once(client, link):
    response = client.post(check_url(link), GOOD)
    assert response.status_code == 302
    stored = Response.objects.get()
    assert stored.scores["goal"] == 5.5 and stored.primary_score == pytest.approx(35 / 6)
    assert stored.answers["rupture"] is True and stored.answers["rupture_intensity"] == 3


def test_a_second_tap_stores_nothing_new_and_thanks_again(client, link):
    client.post(check_url(link), GOOD)
    again = client.post(check_url(link), GOOD, follow=True)
    assert Response.objects.count() == 1
    assert again.status_code == 200 and "Takk" in again.content.decode()


def test_a_retry_from_a_browser_that_lost_its_cookies_thanks_again(client, link):
    client.post(check_url(link), GOOD)
    client.cookies.clear()
    again = client.post(check_url(link), GOOD, follow=True)
    assert Response.objects.count() == 1
    assert again.status_code == 200 and "Takk" in again.content.decode()


@pytest.mark.parametrize("answers", [GOOD | {"goal_1": "1"}, GOOD | {"goal_1": "9"}], ids=["other", "invalid"])
def test_other_answers_to_a_used_link_are_refused_and_the_stored_response_kept(client, link, answers):
    submit_check(administration=open_check(link.token), answers=GOOD)
    client.cookies.clear()
    response = client.post(check_url(link), answers)
    assert response.status_code == 410 and "allerede" in response.content.decode()
    assert Response.objects.get().answers["goal_1"] == 6


def test_another_browser_reusing_the_link_is_told_it_was_used(client, link):
    submit_check(administration=open_check(link.token), answers=GOOD)
    client.cookies.clear()
    response = client.get(check_url(link))
    assert response.status_code == 410 and "allerede" in response.content.decode()


def test_an_answered_link_says_it_was_used_even_after_it_has_expired(client, link):
    submit_check(administration=open_check(link.token), answers=GOOD)
    link.expires_at = timezone.now() - timedelta(minutes=1)
    link.save()
    client.cookies.clear()
    response = client.get(check_url(link))
    assert response.status_code == 410 and "allerede" in response.content.decode()


def test_an_expired_link_says_so_kindly(client, link):
    link.expires_at = timezone.now() - timedelta(minutes=1)
    link.save()
    response = client.get(check_url(link) + "?lang=en")
    assert response.status_code == 410 and "no longer open" in response.content.decode()
    assert client.post(check_url(link), GOOD).status_code == 410
    assert not Response.objects.exists()


def test_a_tampered_link_is_not_found(client, link):
    response = client.get(check_url(link)[:-3] + "xyz/")
    assert response.status_code == 410
    assert "fant ikke" in response.content.decode()


def test_out_of_range_and_missing_answers_are_shown_next_to_the_item_and_nothing_is_stored(client, link):
    response = client.post(check_url(link) + "?lang=en", GOOD | {"goal_1": "9", "bond_2": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-goal_1"' in html and "choose one of the numbers" in html
    assert 'id="error-bond_2"' in html and "Please answer this question" in html
    assert not Response.objects.exists()


def test_a_new_link_closes_the_old_one(client, session, therapist, link):
    newer = issue_check(session=session, by=therapist)
    assert client.get(check_url(link)).status_code == 410
    assert client.get(check_url(newer)).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_of_one_link_store_one_response(session, therapist):
    link = issue_check(session=session, by=therapist)
    barrier = threading.Barrier(2)
    outcomes = []

    def submit():
        barrier.wait()
        try:
            submission = submit_check(administration=open_check(link.token), answers=GOOD)
            outcomes.append("same answers again" if submission.was_duplicate else "stored")
        except LinkProblem as problem:  # the loser opened the link after the winner's commit
            outcomes.append(f"link {problem.reason}")
        except Exception as error:  # a locked database or any other failure: refused below
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) in (["same answers again", "stored"], ["link used", "stored"]), outcomes
    assert Response.objects.filter(administration=link).count() == 1


def test_a_link_reads_the_same_every_time_it_is_shown(link, monkeypatch):
    first = link.token
    an_hour_later = time.time() + 3600
    monkeypatch.setattr(time, "time", lambda: an_hour_later)  # a timestamped token would read differently now
    assert link.token == first
    assert type(link).objects.get(pk=link.pk).token == first


@pytest.mark.parametrize(
    "language, invalid, thanks", [("nb", "Vi fant ikke denne sjekken", "Takk"), ("en", "We could not find", "Thank")]
)
def test_a_damaged_link_in_the_browser_that_answered_gets_the_invalid_link_page(
    client, link, language, invalid, thanks
):
    client.post(check_url(link), GOOD)
    damaged = ("A" if link.token[0] != "A" else "B") + link.token[1:]  # the end the browser remembers is unchanged
    for response in (
        client.get(reverse("feedback:check", args=[damaged]) + f"?lang={language}"),
        client.post(reverse("feedback:check", args=[damaged]) + f"?lang={language}", GOOD),
    ):
        page = response.content.decode()
        assert response.status_code == 410 and invalid in page and thanks not in page


@pytest.mark.parametrize(
    "language, note", [("nb", "Svar bare hvis du svarte ja ovenfor."), ("en", "Answer only if you answered yes above.")]
)
def test_the_follow_up_note_is_only_for_browsers_that_show_every_question(client, link, language, note):
    page = client.get(check_url(link) + f"?lang={language}").content.decode()
    hinted = re.findall(r"(<noscript>)?<p class=\"follow-up-hint\">([^<]*)</p>", page)
    assert hinted and all(wrapper == "<noscript>" and text == note for wrapper, text in hinted)


def test_every_page_has_the_favicon(client, link):
    page = client.get(check_url(link)).content.decode()
    (icon,) = re.findall(r'<link rel="icon" href="([^"]+)"', page)
    assert finders.find(icon.removeprefix(settings.STATIC_URL))


def test_a_submitted_check_is_in_the_audit_log_without_the_answers(client, link, session):
    client.post(check_url(link), GOOD)
    client.post(check_url(link), GOOD)  # a second tap: the same response, no second event
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE)
    assert event.object_id == str(Response.objects.get().public_id) and event.object_type == "Response"
    assert event.patient_id == session.treatment.patient_id and event.actor is None
    assert event.detail == "patient check submitted"
