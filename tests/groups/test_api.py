"""The groups' REST API: a therapist's own groups only, every read of member data audited, the pages' services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from allianse.accounts.models import AuditEvent
from allianse.clinic import services as clinic_services
from allianse.groups import services
from allianse.groups.models import Attendance, GroupSession, MemberCheck
from tests.api import conftest as personas
from tests.groups.conftest import add_members, add_session, answer_all, long_ago, make_group

UNKNOWN = "00000000-0000-0000-0000-000000000000"
api, outsider_api, password_only_api = personas.api, personas.outsider_api, personas.password_only_api  # API personas


def new_session(group, members, **overrides) -> dict:
    return {
        "starts_at": timezone.now().isoformat(),
        "therapists_present": [str(therapist.public_id) for therapist in group.therapists.all()],
        "attendance": {str(member.public_id): "present" for member in members},
        **overrides,
    }


def endpoints(group, session, members):
    """Every endpoint as (method, url, body, status when allowed), keyed by a name for the test ids."""
    return {
        "group list": ("get", reverse("v1:groups-api:groups"), None, 200),
        "group": ("get", reverse("v1:groups-api:group", args=[group.public_id]), None, 200),
        "heatmap": ("get", reverse("v1:groups-api:heatmap", args=[group.public_id]), None, 200),
        "record a session": (
            "post",
            reverse("v1:groups-api:sessions", args=[group.public_id]),
            new_session(group, members),
            201,
        ),
        "check links": ("post", reverse("v1:groups-api:check_links", args=[session.public_id]), None, 201),
    }


NAMES = ["group list", "group", "heatmap", "record a session", "check links"]
OF_ONE_GROUP = NAMES[1:]


def audited_patients(events) -> set[int]:
    """The patients the events cover, each alone or in the set a list names."""
    return {patient_id for event in events for patient_id in event.patient_ids}


def call(client, group, session, members, name):
    method, url, body, _status = endpoints(group, session, members)[name]
    return getattr(client, method)(url, body, format="json")


@pytest.mark.parametrize("name", NAMES)
def test_the_groups_therapist_may_use_every_endpoint(api, group, group_session, members, name):
    expected = endpoints(group, group_session, members)[name][3]
    assert call(api, group, group_session, members, name).status_code == expected
    assert members[0].patient_id in audited_patients(AuditEvent.objects.filter(actor__username="therapist"))


@pytest.mark.parametrize("name", OF_ONE_GROUP)
def test_it_refuses_other_therapists_and_stores_nothing(outsider_api, group, group_session, members, name):
    assert call(outsider_api, group, group_session, members, name).status_code == 404
    assert GroupSession.objects.count() == 1 and not MemberCheck.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("name", NAMES)
def test_it_refuses_a_sign_in_without_the_second_factor(password_only_api, group, group_session, members, name):
    assert call(password_only_api, group, group_session, members, name).status_code == 403
    assert GroupSession.objects.count() == 1 and not MemberCheck.objects.exists()
    assert not AuditEvent.objects.exists()


def test_the_group_list_leaves_out_other_therapists_groups(outsider_api, group, members):
    assert outsider_api.get(reverse("v1:groups-api:groups")).json()["results"] == []
    assert not AuditEvent.objects.exists()


def test_unknown_objects_are_not_found(api):
    assert api.get(reverse("v1:groups-api:group", args=[UNKNOWN])).status_code == 404
    assert api.post(reverse("v1:groups-api:check_links", args=[UNKNOWN])).status_code == 404


def test_the_group_list_shows_the_frame_the_size_and_the_eligibility_with_its_reason(
    api, therapist, co_therapist, group, members
):
    for membership in members[:2]:
        clinic_services.record_diagnosis(patient=membership.patient, by=therapist, system="icd10", code="F60.3")
    services.end_membership(membership=members[3], by=therapist, ended_on=long_ago(1), reason="transferred")
    make_group(co_therapist, name="Not mine")
    response = api.get(reverse("v1:groups-api:groups"), headers={"accept-language": "en"})
    [shown] = response.json()["results"]
    assert shown["public_id"] == str(group.public_id) and shown["name"] == "Tirsdagsgruppa"
    assert (shown["kind"], shown["cadence"], shown["duration_minutes"], shown["max_size"]) == (
        "dynamic",
        "weekly",
        90,
        12,
    )
    assert shown["therapists"] == ["therapist", "co_therapist"] and shown["current_members"] == 3
    assert shown["eligibility"] == {
        "eligible": True,
        "members": 3,
        "borderline": 2,
        "reason": "2 of 3 current members have a borderline diagnosis: eligible.",
    }
    audited = AuditEvent.objects.filter(detail="api group list", action="view")
    assert audited_patients(audited) == {membership.patient_id for membership in members[:3]}


def test_the_eligibility_reason_is_in_the_users_language(api, group):
    response = api.get(reverse("v1:groups-api:groups"), headers={"accept-language": "nb"})
    reason = response.json()["results"][0]["eligibility"]["reason"]
    assert reason == "Gruppa har ingen medlemmer nå, så den oppfyller ikke kravet ennå."


def test_the_group_shows_members_by_code_sessions_with_attendance_and_latest_signals(api, therapist, group, members):
    session = add_session(group, members, absent=[members[3]])
    answer_all(session, members[:3], by=therapist, cohesion={members[0].pk: 1})
    members[0].patient.name = "Kari Nordmann"
    members[0].patient.save()
    response = api.get(reverse("v1:groups-api:group", args=[group.public_id]), headers={"accept-language": "en"})
    shown = response.json()
    assert "Kari" not in response.content.decode()
    assert [member["code"] for member in shown["members"]] == [member.patient.code for member in members]
    first = shown["members"][0]
    assert first["public_id"] == str(members[0].public_id) and first["started_on"] == long_ago().isoformat()
    assert first["ended_on"] is None and first["end_reason"] == ""
    assert any("cohesion was 1.0" in signal["explanation"] for signal in first["signals"])
    assert shown["sessions"] == [
        {
            "public_id": str(session.public_id),
            "number": 1,
            "starts_at": shown["sessions"][0]["starts_at"],
            "present": 3,
            "members": 4,
        }
    ]
    assert isinstance(shown["signals"], list) and shown["eligibility"]["members"] == 4
    audited = AuditEvent.objects.filter(detail="api group", action="view", object_id=str(group.public_id))
    assert audited_patients(audited) == {member.patient_id for member in members}


def test_the_heatmap_gives_members_by_sessions_with_null_for_no_answer(api, therapist, group, members):
    first = add_session(group, members, absent=[members[3]], days_ago=7)
    answer_all(first, members[:2], by=therapist, cohesion={members[0].pk: 2})
    later = add_members(group, therapist, 1, started_on=timezone.localdate())[0]
    add_session(group, [*members, later])
    response = api.get(reverse("v1:groups-api:heatmap", args=[group.public_id]))
    heatmap = response.json()
    assert heatmap["sessions"] == [1, 2]
    rows = {row["public_id"]: row for row in heatmap["members"]}
    answered, silent, absent = (rows[str(member.public_id)]["cells"][0] for member in members[1:4])
    assert rows[str(members[0].public_id)]["cells"][0]["cohesion"] == 2
    assert answered == {
        "session": 1,
        "status": "present",
        "attended": True,
        "engagement": 4.0,
        "avoidance": 2.0,
        "conflict": 1.0,
        "cohesion": 5.0,
    }
    assert silent["attended"] is True and silent["cohesion"] is None
    assert absent["status"] == "absent_no_notice" and absent["attended"] is False and absent["engagement"] is None
    assert [cell["session"] for cell in rows[str(later.public_id)]["cells"]] == [2]
    audited = AuditEvent.objects.filter(detail="api group heatmap")
    assert audited_patients(audited) == {member.patient_id for member in [*members, later]}


def test_a_session_is_recorded_with_attendance_through_the_pages_service(api, therapist, group, members):
    body = new_session(
        group,
        members,
        attendance={
            **{str(member.public_id): "present" for member in members[:3]},
            str(members[3].public_id): "absent_notice",
        },
    )
    response = api.post(reverse("v1:groups-api:sessions", args=[group.public_id]), body, format="json")
    assert response.status_code == 201
    session = GroupSession.objects.get()
    assert response.json()["public_id"] == str(session.public_id) and response.json()["number"] == 1
    assert {row["code"]: row["status"] for row in response.json()["attendance"]}[members[3].patient.code] == (
        "absent_notice"
    )
    assert set(session.therapists_present.all()) == set(group.therapists.all())
    assert Attendance.objects.filter(session=session, status="present").count() == 3
    created = AuditEvent.objects.filter(action="create", object_id=str(session.public_id))
    assert audited_patients(created) == {member.patient_id for member in members}


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Give the attendance of every member of the group on the session's day, and of no one else."),
        ("nb", "Oppgi oppmøtet til hvert medlem av gruppa den dagen gruppemøtet er, og ikke til noen andre."),
    ],
)
def test_a_session_without_every_members_attendance_is_refused_in_the_users_language(
    api, group, members, language, message
):
    body = new_session(group, members[:3])
    url = reverse("v1:groups-api:sessions", args=[group.public_id])
    response = api.post(url, body, format="json", headers={"accept-language": language})
    assert response.status_code == 400 and response.json() == {"attendance": [message]}
    assert not GroupSession.objects.exists() and not AuditEvent.objects.exists()


def test_only_the_groups_therapists_can_be_recorded_as_present(api, other_therapist, group, members):
    body = new_session(group, members, therapists_present=[str(other_therapist.public_id)])
    url = reverse("v1:groups-api:sessions", args=[group.public_id])
    response = api.post(url, body, format="json", headers={"accept-language": "en"})
    assert response.status_code == 400
    assert response.json() == {"therapists_present": ["Only the group's therapists can be recorded as present."]}
    assert not GroupSession.objects.exists()


def test_a_member_who_joined_after_the_session_day_is_refused(api, therapist, group, members):
    joined = add_members(group, therapist, 1, started_on=timezone.localdate())
    body = new_session(group, [*members, *joined], starts_at=(timezone.now() - timedelta(days=3)).isoformat())
    response = api.post(reverse("v1:groups-api:sessions", args=[group.public_id]), body, format="json")
    assert response.status_code == 400 and not GroupSession.objects.exists()


def test_check_links_are_absolute_and_open_each_present_members_form(api, client, group, members):
    session = add_session(group, members, absent=[members[3]])
    response = api.post(reverse("v1:groups-api:check_links", args=[session.public_id]))
    links = response.json()
    assert response.status_code == 201
    assert {link["member"] for link in links} == {str(member.public_id) for member in members[:3]}
    assert all(link["url"].startswith("http://testserver/g/") for link in links)
    assert links[0]["instrument_keys"][0] == "group-climate" and links[0]["expires_at"]
    assert client.get(links[0]["url"].removeprefix("http://testserver")).status_code == 200
    created = AuditEvent.objects.filter(action="create", detail="api links", object_id=str(session.public_id))
    assert audited_patients(created) == {member.patient_id for member in members[:3]}


def test_the_schema_lists_the_group_paths(api):
    paths = api.get(reverse("v1:schema"), {"format": "json"}).json()["paths"]
    assert {
        "/api/v1/groups/",
        "/api/v1/groups/{public_id}/",
        "/api/v1/groups/{public_id}/heatmap/",
        "/api/v1/groups/{public_id}/sessions/",
        "/api/v1/group-sessions/{public_id}/check-links/",
    } <= set(paths)
    assert set(paths["/api/v1/groups/{public_id}/sessions/"]) == {"post"}
