"""An object the user may not see answers exactly as an id no object has: same status, same page.

Otherwise a refusal (403 against 404, or a different page) would tell anyone which ids exist. Every
URL naming an object by id is walked on the demo clinic by a user holding every staff role except
administrator but reaching no object, once with existing ids and once with random ones.
"""

from __future__ import annotations

import io
import re
import uuid

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from allianse.accounts.models import Role
from allianse.clinic.models import Treatment
from tests.conftest import make_user, sign_in
from tests.test_every_page import DEMO, Rows, Values, routes, source

# Every kind of object reachable by id in a URL; each must be walked, on a page and in the API where it has one.
KINDS = {
    "clinic.Patient": {"page"},
    "clinic.Treatment": {"page", "api"},
    "clinic.Session": {"page", "api"},
    "groups.TherapyGroup": {"page", "api"},
    "groups.Membership": {"page", "api"},
    "groups.GroupSession": {"page", "api"},
    "groups.SessionSummary": {"page", "api"},
    "ruptures.RuptureEpisode": {"page", "api"},
    "rating.Recording": {"page", "api"},
    "rating.Segment": {"page"},
    "rating.RatingStudy": {"page", "api"},
    "rating.Assignment": {"page", "api"},
    "rating.Rating": {"page"},
    "rating.ConsentRecord": {"page", "api"},
    "courses.Course": {"page", "api"},
    "courses.Meeting": {"page", "api"},
    "courses.Participant": {"page", "api"},
    "feedback.Response": {"api"},
    "accounts.AccessToken": {"page"},
}
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|<meta name="csrf-token" content="[^"]*"')


def _fill(route, existing: bool) -> dict[str, str] | None:
    """The route's parameters with existing rows (each within the previous one), or with random ids;
    None when the demo has no such row or the route takes a parameter that is no object."""
    values, previous = {}, None
    for param in route.params:
        filler = source(route, param)
        if isinstance(filler, Values):
            values[param] = filler.words[0]
            continue
        if not isinstance(filler, Rows):
            return None
        rows = filler.candidates(None, previous, DEMO)
        previous = rows[0] if existing and rows else None
        if existing and previous is None:
            return None
        values[param] = Rows.value(previous)
    return values


def _body(response, path: str) -> bytes:
    text = response.content.decode()
    return CSRF_TOKEN.sub("", text.replace(path, "")).encode()


def _answer(client: Client, path: str):
    response = client.get(path)
    if response.status_code == 405:  # a form's target: what it answers to a submission
        response = client.post(path)
    return response.status_code, response["Content-Type"], _body(response, path)


@pytest.fixture
def outsider_client(db):
    call_command("demo", stdout=io.StringIO())
    outsider = make_user("outsider", Role.THERAPIST, Role.RATER, Role.COURSE_LEADER, Role.SUPERVISOR)
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
    sign_in(client, outsider)
    return client


def test_a_hidden_object_answers_as_an_unknown_id(outsider_client):
    walked: dict[str, set[str]] = {}
    differences = []
    for route in routes():
        objects = [source(route, param) for param in route.params]
        labels = [filler.label for filler in objects if isinstance(filler, Rows)]
        existing = _fill(route, existing=True)
        if not labels or existing is None:
            continue
        where = "api" if route.route.startswith("api/") else "page"
        hidden_path = reverse(route.name, kwargs=existing)
        unknown_path = reverse(route.name, kwargs=_fill(route, existing=False))
        hidden, unknown = _answer(outsider_client, hidden_path), _answer(outsider_client, unknown_path)
        if hidden != unknown:
            differences.append(f"{route.name}: {hidden_path} answers {hidden[:2]}, an unknown id {unknown[:2]}")
        if hidden[0] == 404:
            for label in labels:
                walked.setdefault(label, set()).add(where)
            if where == "page":
                assert "Vi fant ikke denne siden." in hidden[2].decode(), route.name
                assert "<nav " in hidden[2].decode(), route.name
            else:
                assert hidden[1] in ("application/json", "application/fhir+json"), route.name
    assert not differences, "\n".join(differences)
    missing = {label: sorted(where - walked.get(label, set())) for label, where in KINDS.items()}
    assert not {label: where for label, where in missing.items() if where}, missing


def test_the_api_answers_the_same_json_for_a_hidden_and_an_unknown_object(outsider_client):
    treatment = Treatment.objects.order_by("pk").first()
    hidden = outsider_client.get(reverse("v1:series", args=[treatment.public_id]))
    unknown = outsider_client.get(reverse("v1:series", args=[uuid.uuid4()]))
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json() == unknown.json() == {"detail": "Ikke funnet."}
