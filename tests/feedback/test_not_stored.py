"""A patient's pages hold their link and answers: no browser or proxy may keep a copy."""

from __future__ import annotations

import pytest
from django.urls import reverse

from allianse.feedback.services import issue_check


@pytest.fixture
def link(session, therapist):
    return issue_check(session=session, by=therapist)


def assert_not_stored(response, status):
    assert response.status_code == status
    assert "no-store" in response["Cache-Control"]


def test_the_check_form_is_not_stored(client, link):
    assert_not_stored(client.get(reverse("feedback:check", args=[link.token])), 200)


def test_the_link_problem_page_is_not_stored(client, link):
    assert_not_stored(client.get(reverse("feedback:check", args=[link.token + "damaged"])), 410)


def test_the_thanks_and_start_pages_are_not_stored(client):
    assert_not_stored(client.get(reverse("feedback:thanks")), 200)
    assert_not_stored(client.get(reverse("feedback:start")), 200)
    assert_not_stored(client.post(reverse("feedback:start"), {"code": "WRONG"}), 400)
