"""Groups, members over time, diagnoses, sessions and attendance."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from allianse.clinic import services as clinic_services
from allianse.core.groups import InvalidCode
from allianse.groups import services
from allianse.groups.models import Attendance, GroupSignal, Membership
from tests.groups.conftest import add_members, add_session, long_ago, make_group


def test_a_group_has_one_or_two_therapists(therapist, co_therapist):
    assert set(make_group(therapist, co_therapist).therapists.all()) == {therapist, co_therapist}
    assert list(make_group(therapist, name="Alone").therapists.all()) == [therapist]
    assert list(make_group(therapist, therapist, name="Twice").therapists.all()) == [therapist]


def test_leaving_keeps_the_membership_as_history(group, therapist, members):
    leaving = members[0]
    services.end_membership(membership=leaving, by=therapist, ended_on=timezone.localdate(), reason="transferred")
    leaving.refresh_from_db()
    assert (leaving.is_current, leaving.end_reason) == (False, Membership.EndReason.TRANSFERRED)
    assert group.memberships.count() == 4
    assert group.memberships.filter(ended_on__isnull=True).count() == 3


def test_rejoining_starts_a_new_membership(group, therapist, members):
    patient = members[0].patient
    services.end_membership(membership=members[0], by=therapist, ended_on=long_ago(30), reason="dropout")
    again = services.add_member(group=group, by=therapist, patient=patient, started_on=long_ago(10))
    history = list(group.memberships.filter(patient=patient).order_by("started_on"))
    assert history == [members[0], again]
    assert [stay.is_current for stay in history] == [False, True]


def test_a_current_member_cannot_join_twice(group, therapist, members):
    with pytest.raises(services.GroupRuleError):
        services.add_member(group=group, by=therapist, patient=members[0].patient, started_on=long_ago())


def test_a_full_group_takes_no_new_member(therapist):
    small = make_group(therapist, max_size=2, name="Small")
    add_members(small, therapist, 2)
    with pytest.raises(services.GroupRuleError, match="full"):
        services.add_member(group=small, by=therapist, started_on=long_ago())


def test_a_member_cannot_leave_before_joining_or_twice(therapist, members):
    with pytest.raises(services.GroupRuleError):
        services.end_membership(membership=members[0], by=therapist, ended_on=long_ago(90), reason="other")
    services.end_membership(membership=members[0], by=therapist, ended_on=long_ago(5), reason="completed")
    with pytest.raises(services.GroupRuleError):
        services.end_membership(membership=members[0], by=therapist, ended_on=long_ago(1), reason="completed")


def test_memberships_on_a_day_follow_joining_and_leaving(group, therapist, members):
    services.end_membership(membership=members[0], by=therapist, ended_on=long_ago(20), reason="completed")
    late = services.add_member(group=group, by=therapist, started_on=long_ago(5))
    assert set(services.members_on(group, long_ago(30))) == set(members)
    assert set(services.members_on(group, long_ago(1))) == {*members[1:], late}


def test_diagnoses_are_stored_in_canonical_form(therapist, members):
    patient = members[0].patient
    diagnosis = clinic_services.record_diagnosis(patient=patient, by=therapist, system="icd11", code="6d10.1&6d11.5")
    assert diagnosis.code == "6D10.1&6D11.5"
    with pytest.raises(InvalidCode):
        clinic_services.record_diagnosis(patient=members[0].patient, by=therapist, system="icd10", code="BPD")


def test_sessions_are_numbered_and_record_attendance(group, members):
    first = add_session(group, members, days_ago=7)
    second = add_session(group, members, absent=[members[1]])
    assert (first.number, second.number) == (1, 2)
    statuses = dict(second.attendance.values_list("membership_id", "status"))
    assert statuses[members[1].pk] == Attendance.Status.ABSENT_NO_NOTICE
    assert set(second.therapists_present.all()) == set(group.therapists.all())


def test_attendance_only_for_members_of_that_day(group, therapist, members):
    outsider = make_group(therapist, name="Other")
    stranger = add_members(outsider, therapist, 1)[0]
    with pytest.raises(services.GroupRuleError):
        add_session(group, [*members, stranger])


def test_repeated_absence_is_stored_as_a_signal_of_the_member(group, members):
    add_session(group, members, absent=[members[0]], days_ago=14)
    add_session(group, members, days_ago=7)
    third = add_session(group, members, absent=[members[0]])
    signal = GroupSignal.objects.get(session=third)
    assert (signal.membership, signal.kind, signal.detail) == (members[0], "absence", "repeated_absence")
    assert "absent from session 3" in signal.explanation_en


def test_correcting_attendance_replaces_the_signals_of_the_session(group, members):
    add_session(group, members, absent=[members[0]], days_ago=7)
    second = add_session(group, members, absent=[members[0]])
    assert GroupSignal.objects.filter(session=second).count() == 1
    services.record_attendance(session=second, attendance={members[0].pk: Attendance.Status.PRESENT})
    assert GroupSignal.objects.filter(session=second).count() == 0


def test_correcting_an_earlier_session_updates_the_signals_of_later_ones(group, members):
    add_session(group, members, days_ago=14)
    second = add_session(group, members, days_ago=7)
    third = add_session(group, members, absent=[members[0]])
    assert not GroupSignal.objects.filter(session=third).exists()
    services.record_attendance(session=second, attendance={members[0].pk: Attendance.Status.ABSENT_NOTICE})
    assert not GroupSignal.objects.filter(session=second).exists()
    assert GroupSignal.objects.get(session=third).detail == "repeated_absence"


def test_attendance_is_written_in_one_statement_whatever_the_group_size(therapist):
    """Recording (and correcting) a session's attendance costs the same queries for 10 members as
    for 40: one statement writes every member's row."""

    def queries_for(size: int) -> tuple[int, int]:
        group = make_group(therapist, name=f"Group of {size}", max_size=size)
        members = add_members(group, therapist, size)
        session = add_session(group, members)
        counts = []
        for status in (Attendance.Status.ABSENT_NOTICE, Attendance.Status.PRESENT):
            with CaptureQueriesContext(connection) as queries:
                services.record_attendance(session=session, attendance={m.pk: status for m in members})
            counts.append(len(queries))
        assert set(session.attendance.values_list("status", flat=True)) == {Attendance.Status.PRESENT}
        assert session.attendance.count() == size
        return tuple(counts)

    assert queries_for(10) == queries_for(40)
