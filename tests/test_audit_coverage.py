"""Every read of patient data leaves an audit row: each URL pattern is read (GET) by every role on
the demo clinic, with the URL list and parameters of `test_every_page`, so a new view is checked
without touching this file.

Two rules decide what must be audited, with no list of views:
- a page that shows a patient's code records an event with that patient's id;
- a page whose URL names an object linked to patients (by foreign keys up to a patient, or up to
  a group, whose members are patients) records an event with that patient's id, or, when the
  object belongs to no one patient (a group, a superior's consent), an event about it.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.db import models
from django.http import HttpResponse
from django.test import Client
from django.urls import resolve

from allianse.accounts.models import AuditEvent
from allianse.clinic.models import Patient
from tests.conftest import sign_in
from tests.test_every_page import DEMO, ROLES, Rows, routes, source, urls, user_for

# Pages that show patient codes without an event for each: each says why.
SHOWS_CODES_UNAUDITED = {
    # The audit log lists other events with their patients' codes; reading it is recorded with the
    # patient searched for (an event about the log itself otherwise).
    "accounts:audit",
}

GROUP_LABEL = "groups.TherapyGroup"
MAX_DEPTH = 7


def _patient_paths(model: type[models.Model], *, groups: bool = True, depth: int = 0) -> Iterator[tuple[str, ...]]:
    """The chains of forward foreign keys from `model` to a patient, or (`groups`) to a group,
    whose members are patients."""
    if model is Patient or (groups and model._meta.label == GROUP_LABEL):
        yield ()
        return
    if depth == MAX_DEPTH:
        return
    for field in model._meta.get_fields():
        if field.many_to_one and field.concrete and field.related_model is not model:
            for rest in _patient_paths(field.related_model, groups=groups, depth=depth + 1):
                yield (field.name, *rest)


def patient_linked(label: str, *, groups: bool = True) -> bool:
    return next(_patient_paths(apps.get_model(label), groups=groups), None) is not None


def patient_ids(obj: models.Model) -> set[int]:
    """The patient `obj` belongs to through its foreign keys, if any (a group's members are not
    counted: a group page records the members it shows, which the codes on it tell)."""
    found = set()
    for path in _patient_paths(type(obj), groups=False):
        target = obj
        for name in path:
            target = getattr(target, name) if target is not None else None
        if isinstance(target, Patient):
            found.add(target.pk)
    return found


def named_objects(route, url: str) -> list[models.Model]:
    """The rows the URL's parameters name (an unknown id names none)."""
    found = []
    for param, value in resolve(url).kwargs.items():
        filler = source(route, param)
        if isinstance(filler, Rows):
            row = apps.get_model(filler.label).objects.filter(public_id=value).first()
            if row is not None:
                found.append(row)
    return found


def body(response) -> str:
    """The text of the response (a recording's bytes are not read: they hold no codes)."""
    if not response.streaming:
        return response.content.decode(errors="replace")
    if response["Content-Type"].startswith(("text/", "application/json")):
        return b"".join(response.streaming_content).decode(errors="replace")
    return ""


def audit_problems(route, url: str, response, events: list[AuditEvent]) -> list[str]:
    if response.status_code != 200:
        return []
    problems = []
    recorded = {patient_id for event in events for patient_id in event.patient_ids}
    if route.name not in SHOWS_CODES_UNAUDITED:
        page = body(response)
        shown = {pk for pk, code in Patient.objects.values_list("pk", "code") if code in page}
        if shown - recorded:
            problems.append(f"shows {len(shown - recorded)} patient code(s) with no audit event for them")
    for obj in named_objects(route, url):
        if not patient_linked(obj._meta.label):
            continue
        expected = patient_ids(obj)
        if expected and not expected & recorded:
            problems.append(f"reads a {type(obj).__name__} of patient {sorted(expected)} with no event for them")
        elif not events:
            problems.append(f"reads a {type(obj).__name__} with no audit event")
    return problems


def test_every_read_of_patient_data_is_audited(db):
    call_command("demo", stdout=io.StringIO())
    problems: list[str] = []
    for role in ROLES[1:]:
        user = user_for(role)
        client = Client()
        sign_in(client, user)
        for route in routes():
            for url in urls(route, user, DEMO):
                last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
                response = client.get(url)
                events = list(AuditEvent.objects.filter(pk__gt=last))
                problems += [
                    f"{role} GET {url} ({route.name}): {p}" for p in audit_problems(route, url, response, events)
                ]
    assert not problems, "\n".join(problems)


def test_the_rules_see_patient_data_where_it_is():
    assert all(
        patient_linked(label)
        for label in ("clinic.Patient", "clinic.Session", "groups.Membership", "rating.Rating", "groups.GroupSession")
    )
    assert not patient_linked("groups.GroupSession", groups=False)
    assert not any(patient_linked(label) for label in ("accounts.User", "rating.RatingStudy"))


def test_a_page_showing_a_code_without_an_event_is_found(session):
    route = next(route for route in routes() if route.name == "caseload:session")
    url = f"/sessions/{session.public_id}/"
    page = HttpResponse(f"<p>{session.treatment.patient.code}</p>")
    assert audit_problems(route, url, page, []) == [
        "shows 1 patient code(s) with no audit event for them",
        f"reads a Session of patient [{session.treatment.patient.pk}] with no event for them",
    ]
    event = AuditEvent(action=AuditEvent.Action.VIEW, patient=session.treatment.patient)
    assert audit_problems(route, url, page, [event]) == []


def test_the_admin_shows_no_patient_data():
    """Django's admin writes no audit event, so no model of a patient's data is in it (groups and
    their sessions are, without their members), except the audit log, whose admin pages leave the
    patient out."""
    in_admin = {model._meta.label: model_admin for model, model_admin in admin.site._registry.items()}
    held = [label for label in in_admin if patient_linked(label, groups=False)]
    assert held == ["accounts.AuditEvent"]
    log = in_admin["accounts.AuditEvent"]
    assert "patient" in log.exclude and not {"patient", "patient__code"} & {*log.list_display, *log.search_fields}
