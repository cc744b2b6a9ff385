"""The courses' REST API: the pages' permissions and services, both ways."""

from __future__ import annotations

from django.urls import reverse

from allianse.accounts.models import AuditEvent, Role
from allianse.courses import services
from allianse.courses.models import Attendance, MeetingRole
from tests.api.conftest import signed_in
from tests.conftest import make_user


def url(name: str, obj) -> str:
    return reverse(f"v1:courses-api:{name}", args=[obj.public_id])


def test_the_course_shows_its_plan_with_the_overlap_and_is_not_found_by_others(course, participants, outsider):
    response = signed_in(participants[0].user).get(url("course", course))
    assert response.status_code == 200
    body = response.json()
    assert len(body["meetings"]) == 8 and len(body["participants"]) == 12
    assert body["day_plan"]["overlaps"] == [{"first": 2, "second": 3, "minutes": 15, "confirmed": False}]
    assert signed_in(outsider).get(url("course", course)).status_code == 404
    listed = signed_in(participants[0].user).get(reverse("v1:courses-api:courses")).json()
    assert [entry["title"] for entry in listed["results"]] == ["MBT-G 2026"]


def test_the_leader_enrols_past_capacity_onto_the_waiting_list_and_a_supervisor_cannot(
    course, participants, leader, supervisor
):
    newcomer = make_user("newcomer", Role.THERAPIST)
    data = {"user": str(newcomer.public_id)}
    assert signed_in(supervisor).post(url("course_participants", course), data, format="json").status_code == 404
    response = signed_in(leader).post(url("course_participants", course), data, format="json")
    assert response.status_code == 201 and response.json()["status"] == "waiting"
    bad = signed_in(leader).post(url("course_participants", course), {"user": "nobody"}, format="json")
    assert bad.status_code == 400


def test_the_leader_proposes_the_rota_and_sets_roles_and_attendance(course, participants, leader):
    client = signed_in(leader)
    rota = client.post(url("course_rota", course)).json()
    assert sorted(rota, key=int) == [str(n) for n in range(1, 9)] and all(len(pair) == 2 for pair in rota.values())

    meeting = course.meetings.get(number=1)
    ids = [str(p.public_id) for p in participants]
    roles = client.put(url("course_meeting_roles", meeting), {"clinical": ids[4:5], "theory": ids[5:6]}, format="json")
    assert roles.status_code == 200 and roles.json()["clinical"][0]["id"] == ids[4]
    three = client.put(url("course_meeting_roles", meeting), {"co_therapist": ids[:3]}, format="json")
    assert three.status_code == 400
    assert len(services.people_in(meeting, MeetingRole.Role.CO_THERAPIST)) == 2

    attendance = client.put(
        url("course_meeting_attendance", meeting), {ids[0]: "present", ids[1]: "absent"}, format="json"
    )
    assert attendance.status_code == 200
    assert Attendance.objects.get(participant=participants[1]).status == "absent"
    wrong = client.put(url("course_meeting_attendance", meeting), {ids[0]: "late"}, format="json")
    assert wrong.status_code == 400


def test_a_participant_cannot_change_roles_or_attendance(course, participants):
    meeting = course.meetings.get(number=1)
    client = signed_in(participants[0].user)
    assert client.put(url("course_meeting_roles", meeting), {"clinical": []}, format="json").status_code == 404
    assert client.put(url("course_meeting_attendance", meeting), {}, format="json").status_code == 404
    assert "attendance" not in client.get(url("course_meeting", meeting)).json()


def test_the_participant_sends_their_preparation_and_is_warned_of_a_long_description(participants, leader):
    own = participants[0]
    long_text = "\n".join(f"linje {n}" for n in range(11))
    data = {
        "group_account": "Ukentlig, 90 minutter.",
        "case_formulation": "Utkast.",
        "descriptions": [{"label": "A", "text": "Kort."}, {"label": "B", "text": long_text}],
        "send": True,
    }
    assert signed_in(leader).put(url("course_preparation", own), data, format="json").status_code == 403
    assert signed_in(participants[1].user).put(url("course_preparation", own), data, format="json").status_code == 404
    response = signed_in(own.user).put(url("course_preparation", own), data, format="json")
    assert response.status_code == 200 and response.json()["warnings"] == {"longer_than_10_lines": ["B"]}
    detail = signed_in(leader).get(url("course_participant", own)).json()
    assert detail["preparation"]["descriptions"] == 2 and detail["preparation"]["sent_at"]
    assert AuditEvent.objects.filter(detail="preparation (api)", actor=own.user).exists()


def test_the_dossier_is_read_by_the_participant_and_the_supervisor_only(participants, supervisor, outsider):
    own = participants[0]
    for user in (own.user, supervisor):
        body = signed_in(user).get(url("course_dossier", own)).json()
        assert body["all_met"] is False and {r["key"] for r in body["requirements"]} >= {"group", "attendance", "video"}
    for user in (participants[1].user, outsider):
        assert signed_in(user).get(url("course_dossier", own)).status_code == 404
