"""The therapists' pages of a group: who may see them, what they show, and how many pages."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.urls import reverse

from allianse.accounts.models import AuditEvent
from allianse.clinic import services as clinic_services
from allianse.groups import checks, services, summaries
from allianse.groups.access import get_group_for_user
from allianse.groups.models import Membership, TherapyGroup
from tests.conftest import sign_in
from tests.groups.conftest import add_members, add_session, answer_all, link_for, long_ago, make_group

pytestmark = pytest.mark.usefixtures("english")
# 6 of them the sign-in session, the navigation (roles, whether the user takes part in a course) and
# the session save; 2 the audit event and the lookup of the set of members it names.
GROUP_PAGE_QUERIES = 22


def group_url(group) -> str:
    return reverse("groups:group", args=[group.public_id])


def test_a_co_therapist_sees_the_group(client, co_therapist, group, members):
    sign_in(client, co_therapist)
    response = client.get(group_url(group))
    assert response.status_code == 200
    assert members[0].patient.code in response.content.decode()


def test_the_access_helper_refuses_other_therapists(group, therapist, other_therapist):
    assert get_group_for_user(therapist, group.public_id) == group
    with pytest.raises(Http404):
        get_group_for_user(other_therapist, group.public_id)


def test_a_therapist_of_another_group_sees_nothing(outsider_client, group, members, group_session, therapist):
    checks.issue_member_checks(session=group_session, by=therapist)
    summary_url = reverse("groups:summary_start", args=[group_session.public_id])
    refused = [
        ("get", group_url(group)),
        ("get", reverse("groups:member", args=[members[0].public_id])),
        ("get", reverse("groups:session", args=[group_session.public_id])),
        ("get", reverse("groups:check_links", args=[group_session.public_id])),
        ("get", reverse("groups:member_new", args=[group.public_id])),
        ("get", reverse("groups:session_new", args=[group.public_id])),
        ("post", reverse("groups:checks_issue", args=[group_session.public_id])),
        ("post", reverse("groups:member_profile", args=[members[0].public_id])),
        ("post", reverse("groups:diagnosis_new", args=[members[0].public_id])),
        ("post", reverse("groups:member_end", args=[members[0].public_id])),
        ("post", summary_url),
    ]
    for method, url in refused:
        response = getattr(outsider_client, method)(url)
        assert response.status_code == 404, url
        assert members[0].patient.code not in response.content.decode()
    assert group.name not in outsider_client.get(reverse("groups:list")).content.decode()


def test_pages_need_a_verified_sign_in(client, group, members):
    response = client.get(group_url(group))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_creating_a_group_makes_you_its_therapist(therapist_client, therapist, co_therapist):
    data = {
        "name": "Onsdagsgruppa",
        "kind": "psychoeducational",
        "cadence": "weekly",
        "duration_minutes": 90,
        "admission": "closed",
        "max_size": 8,
        "started_on": "2026-02-04",
        "factors_every": 4,
        "ask_alliance": "on",
        "co_therapist": co_therapist.pk,
    }
    response = therapist_client.post(reverse("groups:group_new"), data)
    group = TherapyGroup.objects.get(name="Onsdagsgruppa")
    assert response["Location"] == group_url(group)
    assert set(group.therapists.all()) == {therapist, co_therapist}


def test_adding_a_member_and_recording_a_diagnosis(therapist_client, group):
    data = {"name": "", "language": "nb", "started_on": "2026-01-13", "description": "Kvinne, 27 år."}
    therapist_client.post(reverse("groups:member_new", args=[group.public_id]), data)
    membership = Membership.objects.get(group=group)
    url = reverse("groups:diagnosis_new", args=[membership.public_id])
    assert therapist_client.post(url, {"system": "icd10", "code": "borderline"}).status_code == 400
    therapist_client.post(url, {"system": "icd10", "code": "f60.31"})
    assert list(membership.patient.diagnoses.values_list("code", flat=True)) == ["F60.31"]


def test_ending_a_membership_through_the_member_page(therapist_client, group, members):
    url = reverse("groups:member_end", args=[members[0].public_id])
    therapist_client.post(url, {"ended_on": str(long_ago(1)), "reason": "dropout", "note": "Stopped coming"})
    members[0].refresh_from_db()
    assert (members[0].end_reason, members[0].end_note) == ("dropout", "Stopped coming")
    page = therapist_client.get(group_url(group)).content.decode()
    assert "Stopped coming" in page


def test_recording_a_session_with_attendance(therapist_client, therapist, group, members):
    data = {"starts_at": f"{long_ago(1)}T12:00", "therapists_present": [therapist.pk]}
    data.update({f"member_{m.public_id.hex}": "present" for m in members})
    data[f"member_{members[2].public_id.hex}"] = "absent_notice"
    response = therapist_client.post(reverse("groups:session_new", args=[group.public_id]), data)
    session = group.sessions.get()
    assert response["Location"] == reverse("groups:session", args=[session.public_id])
    assert session.attendance.get(membership=members[2]).status == "absent_notice"
    assert list(session.therapists_present.all()) == [therapist]


def test_the_links_page_shows_one_link_and_qr_per_present_member(therapist_client, group, members):
    session = add_session(group, members, absent=[members[0]])
    response = therapist_client.post(reverse("groups:checks_issue", args=[session.public_id]))
    page = therapist_client.get(response["Location"]).content.decode()
    assert page.count("<svg") == 3
    assert members[0].patient.code not in page
    for membership in members[1:]:
        assert reverse("groups:member_check", args=[link_for(session, membership).token]) in page


def test_eligibility_is_stated_with_its_reason(therapist_client, therapist, group, members):
    for membership in members[:2]:
        clinic_services.record_diagnosis(patient=membership.patient, by=therapist, system="icd10", code="F60.3")
    page = therapist_client.get(group_url(group)).content.decode()
    assert "2 of 4 current members have a borderline diagnosis: not eligible" in page
    clinic_services.record_diagnosis(patient=members[2].patient, by=therapist, system="icd11", code="6D10.1&6D11.5")
    page = therapist_client.get(group_url(group)).content.decode()
    assert "3 of 4 current members have a borderline diagnosis: eligible." in page


def test_former_members_do_not_count_for_eligibility(therapist_client, therapist, group, members):
    for membership in members[:3]:
        clinic_services.record_diagnosis(patient=membership.patient, by=therapist, system="icd10", code="F60.3")
    services.end_membership(membership=members[0], by=therapist, ended_on=long_ago(1), reason="transferred")
    page = therapist_client.get(group_url(group)).content.decode()
    assert "2 of 3 current members have a borderline diagnosis: eligible." in page


def test_the_group_page_shows_answers_in_the_table_and_the_heatmap(therapist_client, therapist, group, members):
    everyone = [*members, *add_members(group, therapist, 1)]
    session = add_session(group, everyone, absent=[members[3]])
    answer_all(session, members[:3], by=therapist, cohesion={members[0].pk: 1})
    page = therapist_client.get(group_url(group), {"measure": "cohesion"}).content.decode()
    assert page.count("<svg") >= 2  # heatmap and trajectory
    table = page[page.index('id="heatmap-table"') :]
    assert ">1.0<" in table and ">5.0<" in table
    assert "absent without notice" in table
    assert "present, no answer" in table
    assert "cohesion was 1.0" in page  # the withdrawal signal, explained


def test_the_cached_tables_follow_new_answers_summaries_and_the_language(therapist_client, therapist, group, members):
    session = add_session(group, members)
    before = therapist_client.get(group_url(group)).content.decode()
    assert "present, no answer" in before and "not written" in before
    answer_all(session, members[:1], by=therapist, cohesion={members[0].pk: 2})
    summaries.start_summary(session=session, by=therapist, language="en")
    after = therapist_client.get(group_url(group)).content.decode()
    assert ">2.0<" in after[after.index('id="heatmap-table"') :]
    assert "draft" in after[after.index('id="sessions"') :]
    therapist_client.cookies["django_language"] = "nb"
    norwegian = therapist_client.get(group_url(group)).content.decode()
    assert ">2,0<" in norwegian and "til stede, ikke svart" in norwegian


def test_a_members_line_is_shown_on_demand(therapist_client, therapist, group, members):
    session = add_session(group, members)
    answer_all(session, members, by=therapist)
    plain = therapist_client.get(group_url(group)).content.decode()
    chosen = therapist_client.get(group_url(group), {"member": [str(members[0].public_id)]}).content.decode()
    assert f'value="{members[0].public_id}" checked' in chosen
    assert plain.count(members[0].patient.code) < chosen.count(members[0].patient.code)


def test_therapeutic_factors_profile_is_shown(therapist_client, therapist, group, members):
    group.factors_every = 1
    group.save()
    session = add_session(group, members)
    answer_all(session, members, by=therapist)
    page = therapist_client.get(group_url(group)).content.decode()
    assert 'id="factor-table"' in page
    assert "Rated most helpful lately: Interpersonal learning, Cohesiveness, Hope." in page
    member_page = therapist_client.get(reverse("groups:member", args=[members[0].public_id])).content.decode()
    assert 'id="factor-table"' in member_page


def test_every_view_of_group_data_is_audited_per_member(therapist_client, therapist, group, members):
    before = AuditEvent.objects.count()
    therapist_client.get(group_url(group))
    events = AuditEvent.objects.order_by("pk")[before:]
    assert {patient_id for event in events for patient_id in event.patient_ids} == {m.patient_id for m in members}
    assert {(event.action, event.object_id, event.actor_id) for event in events} == {
        ("view", str(group.public_id), therapist.pk)
    }
    therapist_client.get(reverse("groups:member", args=[members[1].public_id]))
    latest = AuditEvent.objects.order_by("-pk").first()
    assert (latest.patient_id, latest.detail) == (members[1].patient_id, "member page")


def build_group(therapist, members: int, sessions: int, name: str):
    group = make_group(therapist, name=name)
    memberships = add_members(group, therapist, members)
    for number in range(sessions):
        absent = memberships[:1] if number % 2 else ()
        session = add_session(group, memberships, absent=absent, days_ago=sessions - number)
        answer_all(session, memberships[1:], by=therapist)
    return group


def test_the_group_page_query_count_does_not_grow_with_the_group(
    therapist_client, therapist, django_assert_max_num_queries
):
    small = build_group(therapist, 3, 2, "Small")
    large = build_group(therapist, 12, 4, "Large")
    for member in large.memberships.all()[:2]:
        clinic_services.record_diagnosis(patient=member.patient, by=therapist, system="icd10", code="F60.3")
    services.end_membership(
        membership=large.memberships.first(), by=therapist, ended_on=long_ago(1), reason="transferred"
    )
    counts = []
    for group in (small, large):
        # The first request of a session does more, and so does the first showing of a group's
        # members (it stores the set of them that the audit event names).
        therapist_client.get(group_url(group))
        with django_assert_max_num_queries(GROUP_PAGE_QUERIES) as queries:
            assert therapist_client.get(group_url(group)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_corrected_attendance_is_saved(therapist_client, group, members):
    session = add_session(group, members)
    data = {f"member_{m.public_id.hex}": "present" for m in members}
    data[f"member_{members[1].public_id.hex}"] = "absent_notice"
    page = therapist_client.post(reverse("groups:session_attendance", args=[session.public_id]), data, follow=True)
    assert session.attendance.get(membership=members[1]).status == "absent_notice"
    assert "was not saved" not in page.content.decode()


def test_attendance_with_a_member_left_out_is_refused_with_a_reason_and_nothing_changes(
    therapist_client, group, members
):
    session = add_session(group, members)
    data = {f"member_{m.public_id.hex}": "absent_notice" for m in members[1:]}
    page = therapist_client.post(reverse("groups:session_attendance", args=[session.public_id]), data, follow=True)
    assert "The attendance was not saved" in page.content.decode()
    assert set(session.attendance.values_list("status", flat=True)) == {"present"}
