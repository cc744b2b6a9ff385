"""From a new patient to an answered check in one go: the therapist creates the patient with a first
session and link, the patient types the short code on the start page and answers, and the therapist
sees the answer on the patient's page."""

import pytest
from django.urls import reverse

from tests.browser.test_patient_check_journey import _answer_check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_patient_answers_the_first_check_by_short_code(live_server, signed_in_page, phone_page, therapist):
    page = signed_in_page(therapist)
    page.goto(f"{live_server.url}{reverse('caseload:home')}")
    page.click("a[href='/patients/new/']")
    assert page.input_value("#id_first_session_at"), "the first session starts filled in"
    assert page.is_checked("#id_first_session") and page.is_checked("#id_check_link")
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/check-link/show/")

    code = page.inner_text("#short-code").strip()
    assert len(code) == 9 and code[4] == "-"
    assert page.inner_text("#start-url").strip() == f"{live_server.url}/c/"
    assert page.locator("button[data-print]").is_visible()
    page.emulate_media(media="print")
    assert page.locator("header.top").is_hidden() and page.locator("h1").is_hidden()
    assert page.locator("#short-code").is_visible() and page.locator("#check-card .qr svg").is_visible()
    page.emulate_media(media="screen")

    phone_page.goto(f"{live_server.url}/c/")
    assert phone_page.locator("html").get_attribute("lang") == "nb"
    phone_page.fill("#id_code", code.lower().replace("-", " "))
    phone_page.click("form button[type=submit]")
    phone_page.wait_for_url("**/c/*/")
    _answer_check(phone_page)
    phone_page.click("button[type=submit]")
    phone_page.wait_for_url("**/c/thanks/**")

    page.click("main p a")  # back to the session
    page.click("main p a")  # back to the patient
    page.wait_for_url("**/patients/*/")
    row = page.locator("#series-table + table tbody tr").first
    assert "6,0 (6,0/6,0/6,0)" in row.inner_text()
    assert "besvart" in row.inner_text()
