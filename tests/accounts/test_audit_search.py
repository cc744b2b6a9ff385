"""The audit log in the product: search, one line per request, pages, and a patient's access log."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from allianse.accounts import audit_log
from allianse.accounts.models import AuditEvent, Role
from allianse.clinic.services import register_patient
from tests.conftest import make_user, sign_in
from tests.groups.conftest import add_members, make_group

VIEW, EXPORT = AuditEvent.Action.VIEW, AuditEvent.Action.EXPORT


@pytest.fixture
def administrator_client(client, administrator):
    sign_in(client, administrator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def patients(therapist):
    """Two patients of the therapist, each with their page read once by the therapist."""
    found = [
        register_patient(therapist=therapist, name="", language="nb", started_on=timezone.localdate()).patient
        for _ in range(2)
    ]
    for patient in found:
        AuditEvent.objects.create(actor=therapist, action=VIEW, object_type="Patient", patient=patient, detail="page")
    return found


def _rows(response) -> list[str]:
    """The lines of the log's table, as text."""
    page = response.content.decode()
    if "<tbody>" not in page:
        return []
    return page.split("<tbody>")[1].split("</tbody>")[0].split("</tr>")[:-1]


def _search(client, **query):
    return client.get(reverse("accounts:audit"), query)


def test_the_log_is_searched_by_patient_code(administrator_client, patients):
    first, second = patients
    response = _search(administrator_client, patient=first.code.lower())
    rows = _rows(response)
    assert response.status_code == 200 and len(rows) == 1
    assert first.code in rows[0] and "viewed page" in rows[0] and second.code not in response.content.decode()
    assert f"Export the access log of {first.code} (CSV)" in response.content.decode()
    assert "No patient has the code XXXX-XXXX." in _search(administrator_client, patient="XXXX-XXXX").content.decode()


def test_the_log_is_searched_by_staff_member_action_and_period(administrator_client, therapist, patients):
    colleague = make_user("colleague", Role.THERAPIST)
    AuditEvent.objects.create(actor=colleague, action=EXPORT, object_type="Patient", patient=patients[0], detail="x")
    old = AuditEvent.objects.create(actor=colleague, action=VIEW, object_type="Patient", detail="old look")
    old_at = timezone.now() - timedelta(days=40)
    AuditEvent.objects.filter(pk=old.pk).update(at=old_at)

    by_colleague = _rows(_search(administrator_client, actor=colleague.public_id))
    assert len(by_colleague) == 2 and all("colleague" in row for row in by_colleague)
    exports = _rows(_search(administrator_client, action="export"))
    assert len(exports) == 1 and "exported x" in exports[0]
    day = timezone.localdate(old_at)  # not today's date less 40 days: a change of summer time lies between
    in_period = _rows(_search(administrator_client, start=day.isoformat(), end=day.isoformat()))
    assert len(in_period) == 1 and "viewed old look" in in_period[0]
    backwards = _search(administrator_client, start=day.isoformat(), end=(day - timedelta(days=1)).isoformat())
    assert backwards.status_code == 400 and "The period cannot end before it starts." in backwards.content.decode()


def test_the_patients_a_page_shows_are_one_event_and_one_line(administrator_client, client, db, administrator):
    leader = make_user("leader", Role.THERAPIST)
    group = make_group(leader)
    members = add_members(group, leader, 7)
    sign_in(client, leader)
    assert client.get(reverse("groups:group", args=[group.public_id])).status_code == 200
    views = AuditEvent.objects.filter(action=VIEW, detail="group page")
    assert views.count() == 1 and views.get().patient_ids == {member.patient_id for member in members}
    sign_in(administrator_client, administrator)
    rows = [row for row in _rows(_search(administrator_client, actor=leader.public_id)) if "group page" in row]
    assert len(rows) == 1 and "viewed group page" in rows[0] and "7 patients" in rows[0]
    assert ", ".join(sorted(member.patient.code for member in members)) in rows[0]


def test_separate_requests_are_separate_lines(administrator_client, therapist, patients):
    _search(administrator_client)
    _search(administrator_client)
    reads = AuditEvent.objects.filter(detail="audit log")
    assert reads.count() == 2 and len({event.request_id for event in reads}) == 2


def test_the_log_comes_in_pages_that_keep_a_request_whole(db, therapist):
    now = timezone.now()
    request = uuid.uuid4()
    kinds = [(None, 95), (request, 10), (None, 50)]  # newest first
    AuditEvent.objects.bulk_create(
        AuditEvent(actor=therapist, action=VIEW, object_type="Patient", request_id=request_id, detail="d")
        for request_id, count in kinds
        for _ in range(count)
    )
    for offset, event in enumerate(AuditEvent.objects.order_by("pk")):
        AuditEvent.objects.filter(pk=event.pk).update(at=now - timedelta(minutes=offset))
    everything = audit_log.search(audit_log.Filters())
    first = audit_log.page(everything, None)
    assert len(first.lines) == 96 and first.lines[-1].events == 10 and first.older
    second = audit_log.page(everything, first.older)
    assert len(second.lines) == 50 and second.older is None
    assert sum(line.events for line in [*first.lines, *second.lines]) == 155
    forged = audit_log.page(everything, "forged")
    # A cursor is signed with the time it was made, so compare the positions, not the text.
    assert forged.lines == first.lines and audit_log._read_cursor(forged.older) == audit_log._read_cursor(first.older)


def test_a_page_takes_the_same_queries_however_long_the_log(administrator_client, therapist, patients):
    def queries_with_more_events() -> int:
        AuditEvent.objects.bulk_create(
            AuditEvent(
                actor=therapist, action=VIEW, object_type="Patient", patient=patients[i % 2], request_id=uuid.uuid4()
            )
            for i in range(300)
        )
        with CaptureQueriesContext(connection) as context:
            _search(administrator_client)
        return len(context)

    assert queries_with_more_events() == queries_with_more_events()


def test_the_log_cannot_be_changed_from_its_pages(administrator_client, patients):
    before = list(AuditEvent.objects.values_list("pk", "detail"))
    assert administrator_client.post(reverse("accounts:audit"), {"detail": "changed"}).status_code == 405
    assert administrator_client.post(reverse("accounts:access_log"), {"patient": "x"}).status_code == 405
    assert list(AuditEvent.objects.filter(pk__in=[pk for pk, _ in before]).values_list("pk", "detail")) == before


def test_the_access_log_lists_only_one_patients_events_with_safe_cells(administrator_client, administrator, patients):
    first, second = patients
    mallory = make_user("mallory", Role.THERAPIST)
    mallory.first_name = '=HYPERLINK("http://example.org","x")'
    mallory.save()
    AuditEvent.objects.create(actor=mallory, action=VIEW, object_type="Patient", patient=first, detail="+SUM(1)")
    AuditEvent.objects.create(actor=mallory, action=VIEW, object_type="Patient", patient=second, detail="other")
    response = administrator_client.get(reverse("accounts:access_log"), {"patient": first.code})
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"] and first.code not in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["Time", "Staff member", "Username", "Action", "What", "Detail"]
    details = [row[5] for row in rows[1:]]
    assert details == ["page", "'+SUM(1)", "access log"]
    assert rows[2][1] == '\'=HYPERLINK("http://example.org","x")' and rows[2][2] == "mallory"
    assert "other" not in details
    export = AuditEvent.objects.get(action=EXPORT)
    assert (export.actor, export.patient, export.detail) == (administrator, first, "access log")


def test_the_access_log_speaks_the_users_language(administrator_client, patients):
    administrator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
    response = administrator_client.get(reverse("accounts:access_log"), {"patient": patients[0].code})
    header = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()[0]
    assert header == "Tidspunkt,Ansatt,Brukernavn,Handling,Hva,Detalj"


def test_the_access_log_needs_a_known_patient(administrator_client, patients):
    response = administrator_client.get(reverse("accounts:access_log"), {"patient": "NONE-NONE"}, follow=True)
    assert response.redirect_chain == [(reverse("accounts:audit"), 302)]
    assert "Search for the patient by their code first" in response.content.decode()
    assert not AuditEvent.objects.filter(action=EXPORT).exists()


def test_reading_the_log_by_patient_is_recorded(administrator_client, administrator, patients):
    _search(administrator_client, patient=patients[0].code)
    read = AuditEvent.objects.get(detail="audit log")
    assert (read.actor, read.patient, read.object_type) == (administrator, patients[0], "AuditLog")


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_log_page_speaks_both_languages(administrator_client, patients, language):
    administrator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = _search(administrator_client).content.decode()
    title = {"nb": "Tilgangslogg", "en": "Audit log"}[language]
    action = {"nb": "vist", "en": "viewed"}[language]
    assert f"<h1>{title}</h1>" in page and f"{action} page" in page
