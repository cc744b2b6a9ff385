"""The home page: one section for each role the user holds, with that role's own items."""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from allianse.accounts.models import AuditEvent, Role
from allianse.feedback.models import Administration
from allianse.feedback.services import issue_check
from allianse.home import pages
from allianse.rating import consents, services
from allianse.rating.models import Purpose
from tests.conftest import make_user, sign_in
from tests.groups.conftest import add_members, add_session, make_group


def home(client, user) -> str:
    sign_in(client, user)
    response = client.get(reverse("home:home"))
    assert response.status_code == 200
    return response.content.decode()


def section(page: str, heading: str) -> str:
    """The part of the page from a section's heading to the end of its section."""
    return page.split(f">{heading}</h2>")[1].split("</section>")[0]


def test_a_rater_sees_their_assignments_by_state_and_their_progress(client, rater, assignments):
    page = home(client, rater)
    rating = section(page, "Segments to rate")
    assert "1 of 3 submitted" in rating
    for state, name in (("To do", "Ending"), ("Draft saved", "Middle"), ("Submitted", "Opening")):
        link = reverse("rating:rate", args=[assignments[name].public_id])
        assert f'<h3>{state}</h3>\n<ul>\n  <li><a href="{link}">{name}</a>' in rating
    assert "My patients" not in page and "The clinic" not in page


def test_a_course_leader_sees_their_study_with_its_progress_and_consent(
    client, leader, assignments, consent, therapist
):
    study = assignments["Opening"].study
    courses = section(home(client, leader), "Courses")
    assert f'<a href="{reverse("rating:study", args=[study.public_id])}">MBT-G course, meeting 7</a>' in courses
    assert "1 of 3 submitted" in courses and "in order" in courses
    consents.withdraw_consent(consent=consent, by=therapist)
    courses = section(client.get(reverse("home:home")).content.decode(), "Courses")
    assert "3 segments blocked: a consent is missing or withdrawn" in courses


def test_a_supervisor_sees_what_they_supervise_and_their_other_studies_apart(client, db):
    supervisor = make_user("supervisor", Role.SUPERVISOR)
    for name, purpose in (("Tuesday supervision", Purpose.SUPERVISION), ("Alliance study", Purpose.RESEARCH)):
        services.create_study(name=name, description="", instrument_key="mbt-g-aqs", purpose=purpose, leader=supervisor)
    page = home(client, supervisor)
    supervision = section(page, "Supervision")
    assert "Tuesday supervision" in supervision and "Alliance study" not in supervision
    assert "0 of 0 submitted" in supervision
    assert "Alliance study" in section(page, "Other rating studies you lead")
    assert "Courses" not in page


def test_a_group_therapist_sees_their_groups_and_this_weeks_sessions(client, therapist):
    group = make_group(therapist, name="Tirsdagsgruppa")
    members = add_members(group, therapist, 2)
    this_week = add_session(group, members)
    last_week = add_session(group, members, days_ago=7)
    make_group(make_user("other", Role.THERAPIST), name="Someone else's group")
    groups = section(home(client, therapist), "My groups")
    assert f'<a href="{reverse("groups:group", args=[group.public_id])}">Tirsdagsgruppa</a>' in groups
    assert "2 members" in groups
    assert f'<a href="{reverse("groups:session", args=[this_week.public_id])}">Tirsdagsgruppa, session 1:' in groups
    assert reverse("groups:session", args=[last_week.public_id]) not in groups
    assert "Someone else" not in groups


def test_a_therapist_sees_needs_attention_and_their_caseload_and_the_patients_are_audited(client, treatment):
    therapist = treatment.therapists.get()
    page = home(client, therapist)
    assert "Needs attention" in page
    patient = treatment.patient
    assert f'<a href="{reverse("caseload:patient", args=[patient.public_id])}">{patient.code}</a>' in section(
        page, "My patients"
    )
    assert patient.pk in AuditEvent.objects.get(actor=therapist, detail="home").patient_ids


def test_an_administrator_sees_the_clinics_staff_and_overdue_work(client, administrator, session, assignments):
    make_user("rater2", Role.RATER)
    gone = make_user("gone", Role.RATER)
    gone.is_active = False
    gone.save()
    issue_check(session=session, by=session.treatment.therapists.get())
    Administration.objects.update(expires_at=timezone.now() - timedelta(hours=1))
    clinic = section(home(client, administrator), "The clinic")
    for role, count in (("Therapist", 1), ("Administrator", 1), ("Rater", 2), ("Course leader", 1), ("Supervisor", 0)):
        assert f'<tr><th scope="row">{role}</th><td>{count}</td></tr>' in clinic
    assert (
        '<th scope="row">Patient checks whose link expired unanswered in the last four weeks</th><td>1</td>' in clinic
    )
    assert '<th scope="row">Rating assignments not yet submitted</th><td>2</td>' in clinic
    assert reverse("ruptures:overview") in clinic and reverse("ruptures:rules") in clinic


def test_the_overdue_work_is_counted_at_most_every_five_minutes(client, administrator, session):
    issue_check(session=session, by=session.treatment.therapists.get())
    Administration.objects.update(expires_at=timezone.now() - timedelta(hours=1))
    expired = '<th scope="row">Patient checks whose link expired unanswered in the last four weeks</th><td>{}</td>'
    assert expired.format(1) in section(home(client, administrator), "The clinic")
    Administration.objects.update(revoked_at=timezone.now())
    kept = section(home(client, administrator), "The clinic")
    assert expired.format(1) in kept and "These counts are at most five minutes old." in kept
    cache.delete(pages.WORK_COUNTS_KEY)  # as when the five minutes have passed
    assert expired.format(0) in section(home(client, administrator), "The clinic")


def test_a_member_of_staff_with_several_roles_sees_each_section(client, db):
    page = home(client, make_user("both", Role.THERAPIST, Role.RATER, Role.ADMINISTRATOR))
    for heading in ("My patients", "Segments to rate", "The clinic"):
        assert f">{heading}</h2>" in page
    assert page.index(">My patients</h2>") < page.index(">Segments to rate</h2>") < page.index(">The clinic</h2>")
