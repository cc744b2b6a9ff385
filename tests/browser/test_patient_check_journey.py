"""A patient answers the check on a phone; the therapist then sees the new point on the chart."""

import pytest

from allianse.feedback.services import issue_check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _answer_check(page):
    for item in ("goal_1", "goal_2", "task_1", "bond_1", "bond_2"):
        page.click(f"#item-{item} .scale label:nth-child(6)")
    page.click("#item-task_2 .scale label:nth-child(2)")
    page.check("input[name=rupture][value=yes]")
    page.click("#item-rupture_intensity .scale label:nth-child(3)")
    page.click("#item-rupture_resolution .scale label:nth-child(4)")
    page.check("input[name=held_back][value=no]")


def test_patient_answers_on_phone_and_therapist_sees_the_point(
    live_server, phone_page, signed_in_page, therapist, session
):
    link = issue_check(session=session, by=therapist)
    phone_page.goto(f"{live_server.url}/c/{link.token}/")
    assert phone_page.locator("html").get_attribute("lang") == "nb"
    assert phone_page.locator("#item-rupture_intensity").is_hidden()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the form must not scroll sideways on a phone"

    phone_page.click("button[type=submit]")
    assert phone_page.locator(".errorlist").first.is_visible()

    _answer_check(phone_page)
    phone_page.click("button[type=submit]")
    phone_page.wait_for_url("**/c/thanks/**")
    assert "Takk" in phone_page.inner_text("h1")

    page = signed_in_page(therapist)
    page.goto(f"{live_server.url}/patients/{session.treatment.patient.public_id}/")
    row = page.locator("#series-table + table tbody tr").first
    assert "6,0 (6,0/6,0/6,0)" in row.inner_text()  # task_2 = 2 is reversed to 6
    assert page.locator("figure.chart svg path[aria-roledescription], figure.chart svg .mark-symbol path").count() >= 1


def test_patient_can_switch_to_english(live_server, phone_page, therapist, session):
    link = issue_check(session=session, by=therapist)
    phone_page.goto(f"{live_server.url}/c/{link.token}/")
    phone_page.click("text=English")
    assert phone_page.locator("html").get_attribute("lang") == "en"
    assert "therapist" in phone_page.inner_text("main").lower()
