"""The course pages for the leader, a supervisor, a participant and someone else, both ways."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.urls import reverse
from icalendar import Calendar
from pypdf import PdfReader

from allianse.accounts.models import AuditEvent, Role
from allianse.courses import services
from allianse.courses.models import Attendance, Course, MeetingRole, SupervisionNote
from tests.conftest import make_user
from tests.courses.conftest import client_for


@pytest.fixture
def meeting(course):
    return course.meetings.get(number=3)


def _status(user, url, method="get", **data) -> int:
    return getattr(client_for(user), method)(url, data).status_code


def test_the_course_page_is_seen_by_its_people_and_by_nobody_else(course, participants, leader, supervisor, outsider):
    url = reverse("courses:course", args=[course.public_id])
    for user in (leader, supervisor, participants[0].user):
        assert _status(user, url) == 200
    assert _status(outsider, url) == 404
    page = client_for(participants[0].user).get(url).content.decode()
    assert "Overlap" in page and "15" in page
    assert reverse("courses:course_edit", args=[course.public_id]) not in page


@pytest.mark.parametrize("name", ["course_edit", "day_plan", "participants", "rota", "meeting_new"])
def test_the_leaders_pages_refuse_everyone_else_as_not_found(name, course, participants, leader, supervisor, outsider):
    url = reverse(f"courses:{name}", args=[course.public_id])
    assert _status(leader, url) == 200
    for user in (supervisor, participants[0].user, outsider):
        assert _status(user, url) == 404


def test_the_leaders_meeting_page_has_the_forms_and_a_participants_has_not(meeting, participants, leader):
    url = reverse("courses:meeting", args=[meeting.public_id])
    leaders_page = client_for(leader).get(url).content.decode()
    participants_page = client_for(participants[0].user).get(url).content.decode()
    attendance = reverse("courses:meeting_change", args=[meeting.public_id, "attendance"])
    assert attendance in leaders_page and attendance not in participants_page


def test_only_the_leader_records_attendance_and_a_supervisor_writes_notes(meeting, participants, leader, supervisor):
    url = reverse("courses:meeting_change", args=[meeting.public_id, "attendance"])
    field = f"attendance-{participants[0].public_id}"
    assert _status(participants[1].user, url, "post", **{field: "present"}) == 404
    assert _status(supervisor, url, "post", **{field: "present"}) == 404
    assert _status(leader, url, "post", **{field: "absent"}) == 302
    assert Attendance.objects.get(participant=participants[0]).status == "absent"

    note_url = reverse("courses:meeting_change", args=[meeting.public_id, "note"])
    note = {"note-participant": participants[0].pk, "note-basis": "role_play", "note-text": "Godt fokus."}
    assert _status(participants[1].user, note_url, "post", **note) == 404
    assert _status(supervisor, note_url, "post", **note) == 302
    assert SupervisionNote.objects.get().written_by == supervisor


def test_the_leader_sets_two_co_therapists_and_is_told_when_choosing_three(meeting, participants, leader):
    url = reverse("courses:meeting_change", args=[meeting.public_id, "roles"])
    three = {"roles-co_therapist": [p.pk for p in participants[:3]]}
    response = client_for(leader).post(url, three)
    assert response.status_code == 400 and "To deltakere spiller koterapeuter" in response.content.decode()
    assert _status(leader, url, "post", **{"roles-co_therapist": [participants[0].pk, participants[1].pk]}) == 302
    assert services.people_in(meeting, MeetingRole.Role.CO_THERAPIST) == participants[:2]


def test_a_participant_sees_their_own_page_and_dossier_but_not_anothers(participants, leader, supervisor, outsider):
    own, other = participants[0], participants[1]
    for name in ("participant", "dossier"):
        url = reverse(f"courses:{name}", args=[own.public_id])
        for user in (own.user, leader, supervisor):
            assert _status(user, url) == 200
        for user in (other.user, outsider):
            assert _status(user, url) == 404


def test_only_the_participant_changes_their_own_page(participants, leader):
    url = reverse("courses:participant", args=[participants[0].public_id])
    data = {"part": "character", "character-character_name": "Lise", "character-character_description": "28 år."}
    assert _status(leader, url, "post", **data) == 403
    assert _status(participants[0].user, url, "post", **data) == 302
    participants[0].refresh_from_db()
    assert participants[0].character_name == "Lise"


@pytest.mark.parametrize(
    ("language", "warning"),
    [
        ("nb", "Beskrivelsen av Pasient A er lengre enn 10 linjer; kurset ber om 5 til 10."),
        ("en", "The description of Pasient A is longer than 10 lines; the course asks for 5 to 10."),
    ],
)
def test_a_description_longer_than_ten_lines_is_kept_with_a_warning(participants, language, warning):
    client = client_for(participants[0].user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = reverse("courses:participant", args=[participants[0].public_id])
    data = {
        "part": "preparation",
        "preparation-group_account": "Ukentlig gruppe, 90 minutter.",
        "preparation-label_0": "Pasient A",
        "preparation-text_0": "\n".join(f"linje {n}" for n in range(12)),
        "preparation-label_1": "Pasient B",
        "preparation-text_1": "Kort.",
        "send": "1",
    }
    response = client.post(url, data, follow=True)
    page = response.content.decode()
    assert warning in page
    state = services.preparation_state(participants[0], 0)
    assert (state.descriptions, state.long_descriptions, state.sent_at is not None) == (2, 1, True)


def test_someone_without_the_role_cannot_create_a_course_and_a_leader_can(leader):
    therapist = make_user("plain", Role.THERAPIST)
    data = {"title": "MBT-G 2027", "language": "nb", "capacity": 12, "attendance_threshold": 75}
    assert _status(therapist, reverse("courses:list"), "post", **data) == 403
    assert _status(leader, reverse("courses:list"), "post", **data) == 302
    assert Course.objects.get(title="MBT-G 2027").leaders.get() == leader


def test_the_plan_pdf_reads_in_either_language(course, participants):
    client = client_for(participants[0].user)
    url = reverse("courses:plan_pdf", args=[course.public_id])
    for language, words in (("nb", ("Dagsplan", "Møte 1")), ("en", ("Day plan", "Meeting 1"))):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.get(url)
        assert response["Content-Type"] == "application/pdf"
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
        assert course.title in text and all(word in text for word in words)
    assert AuditEvent.objects.filter(action="export", detail="course plan pdf").count() == 2


def test_the_dossier_pdf_says_each_requirement_and_why(participants, leader):
    response = client_for(leader).get(reverse("courses:dossier_pdf", args=[participants[0].public_id]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Ingen MBT-gruppe er oppgitt ennå." in text or "No MBT group is named yet." in text


def test_a_participants_calendar_has_every_meeting_and_their_role(course, participants):
    meeting = course.meetings.get(number=2)
    services.set_role(meeting=meeting, role=MeetingRole.Role.CO_THERAPIST, participants=participants[:2])
    client = client_for(participants[0].user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("courses:participant_calendar", args=[participants[0].public_id]))
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 8
    second = next(event for event in events if str(event["uid"]).startswith(str(meeting.public_id)))
    assert second.decoded("dtstart").hour == 9 and second.decoded("dtend").hour == 16
    assert "Your role: co-therapist in the role play" in str(second["description"])
    assert (
        _status(participants[1].user, reverse("courses:participant_calendar", args=[participants[0].public_id])) == 404
    )
