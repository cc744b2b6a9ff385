"""Property-based fuzzing of the forms patients, therapists and raters post, and of the command-line
parsers: whatever arrives, the answer is a page or a 4xx (never a 5xx) and a command ends with
its message (never a traceback)."""

from __future__ import annotations

import os
import string
from urllib.parse import urlencode

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allianse.feedback.services import issue_check
from tests.conftest import sign_in

FUZZ = settings(max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck))
FIELDS = ["goal_1", "goal_2", "task_1", "rupture", "rupture_kind", "withdrawal_markers", "comment", "held_back"]
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)  # a form body is UTF-8: no lone surrogates
VALUES = TEXT | st.sampled_from(["", "1", "7", "yes", "1e9", "-0", "\x00", "12:40", "99999:99"])
FORMS = st.dictionaries(st.sampled_from(FIELDS), st.lists(VALUES, max_size=3), max_size=len(FIELDS))


def _post_form(client: Client, url: str, fields: dict) -> int:
    body = [(name, value) for name, values in fields.items() for value in values]
    return client.post(url, urlencode(body), content_type="application/x-www-form-urlencoded").status_code


def test_the_patient_check_never_fails(session, therapist):
    @FUZZ
    @given(fields=FORMS)
    def check(fields):
        link = issue_check(session=session, by=therapist)
        assert _post_form(Client(), reverse("feedback:check", args=[link.token]), fields) < 500

    check()


def test_the_therapist_check_never_fails(session, therapist):
    client = Client()
    sign_in(client, therapist)

    @FUZZ
    @given(fields=FORMS)
    def check(fields):
        assert _post_form(client, reverse("feedback:therapist_check", args=[session.public_id]), fields) < 500

    check()


def test_the_rating_draft_never_fails(rater, assignment):
    client = Client()
    sign_in(client, rater)
    items = ["i01_adherence", "i01_quality", "i01_adherence__reason", "i01_adherence__time", "action"]

    @FUZZ
    @given(fields=st.dictionaries(st.sampled_from(items), st.lists(VALUES, max_size=2), max_size=len(items)))
    def check(fields):
        assert _post_form(client, reverse("rating:rate", args=[assignment.public_id]), fields) < 500

    check()


CSV_TEXT = st.text(alphabet=string.printable + "æøå;\x00", max_size=200)


@pytest.mark.parametrize(
    ("command", "args", "suffix"),
    [
        ("signals", [], ".csv"),
        ("reliability", [], ".csv"),
        ("score", ["alliance-patient"], ".csv"),
        ("score", ["alliance-patient"], ".json"),
    ],
)
def test_the_command_line_parsers_end_with_a_message(tmp_path, command, args, suffix):
    @FUZZ
    @given(
        text=CSV_TEXT
        | st.sampled_from(
            ["treatment;session;alliance;rupture;held_back;attended\na;1;5,5;0;0;1\n", "[[[", '{"goal_1": [1]}']
        )
    )
    def check(text):
        path = tmp_path / f"input{suffix}"
        path.write_text(text, encoding="utf-8")
        try:
            with open(os.devnull, "w") as output:
                call_command(command, *args, str(path), stdout=output)
        except CommandError:
            pass

    check()
