"""The course leader's meeting page and a participant's page, in the browser."""

import pytest

from allianse.courses import services
from allianse.courses.models import Attendance, MeetingRole
from tests.courses import conftest as personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
leader, supervisor, course, participants = personas.leader, personas.supervisor, personas.course, personas.participants


def test_the_leader_sees_the_overlap_sets_roles_and_records_attendance(
    live_server, signed_in_page, course, participants
):
    (leader,) = course.leaders.all()
    meeting = course.meetings.get(number=3)
    page = signed_in_page(leader)
    page.locator("#courses").get_by_role("link", name="MBT-G 2026").click()
    assert "deler 15 minutter fra 12.00" in page.locator("#day-plan").inner_text()
    page.get_by_role("link", name="Møte 3").click()
    page.wait_for_url(f"{live_server.url}/courses/meetings/{meeting.public_id}/")

    page.get_by_text("Endre rollene").click()
    roles = page.locator("#roles")
    roles.get_by_label("p00", exact=True).first.check()
    roles.get_by_label("p01", exact=True).first.check()
    roles.get_by_role("button", name="Lagre rollene").click()
    assert "p00, p01" in page.locator("#roles dd").first.inner_text()

    attendance = page.locator("#attendance")
    attendance.get_by_label("p02").select_option("absent")
    attendance.get_by_label("p00").select_option("present")
    attendance.get_by_role("button", name="Lagre oppmøtet").click()
    assert page.locator(".messages").inner_text() == "Lagret."
    assert Attendance.objects.get(meeting=meeting, participant=participants[2]).status == "absent"


def test_a_participant_describes_their_character_and_sees_their_next_role(
    live_server, signed_in_page, course, participants
):
    own = participants[0]
    services.set_role(meeting=course.meetings.get(number=8), role=MeetingRole.Role.THEORY, participants=[own])
    page = signed_in_page(own.user)
    page.locator("#courses").get_by_role("link", name="Min side på kurset").click()
    page.wait_for_url(f"{live_server.url}/courses/participants/{own.public_id}/")
    assert "legger frem teori" in page.locator("#next-roles").inner_text()
    page.get_by_text("Beskriv karakteren").click()
    page.get_by_label("Karakterens navn").fill("Lise")
    page.locator("#id_character-character_description").fill("28 år, redd for å bli forlatt.")
    page.locator("#character").get_by_role("button", name="Lagre").click()
    assert "Lise" in page.locator("#character").inner_text()
    assert page.locator("#attendance").count() == 1
    page.goto(f"{live_server.url}/courses/meetings/{course.meetings.get(number=1).public_id}/")
    assert "Lise" in page.locator("#characters").inner_text()
