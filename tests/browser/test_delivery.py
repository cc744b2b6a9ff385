"""A therapist sends the patient's check link by SMS from the link page and sees, there and on the
session page, when it went; the message holds the link (read from the SMS file backend)."""

import re

import pytest
from django.urls import reverse

from allianse.feedback.services import issue_check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SENT_AT = re.compile(r"Status: sendt på SMS \d{2}\.\d{2}\.\d{4} \d{2}:\d{2}")


@pytest.fixture
def sms_dir(settings, tmp_path):
    settings.SMS_BACKEND = "allianse.delivery.sms.FileBackend"
    settings.SMS_FILE_DIR = tmp_path / "sms"
    return settings.SMS_FILE_DIR


def test_a_therapist_sends_the_check_link_by_sms(live_server, signed_in_page, therapist, session, sms_dir):
    link = issue_check(session=session, by=therapist)
    page = signed_in_page(therapist)
    page.goto(f"{live_server.url}{reverse('caseload:session', args=[session.public_id])}")
    assert "Status: opprettet" in page.inner_text("main")
    page.click(f"a[href='{reverse('feedback:check_link', args=[session.public_id])}']")
    page.wait_for_url("**/check-link/show/")
    assert page.inner_text("#short-code").strip() == link.short_code

    page.check("#send-link input[name=channel][value=sms]")
    page.fill("#send-link input[name=to]", "912 34 567")
    page.click("#send-link button[type=submit]")
    page.wait_for_url("**/check-link/show/")
    assert "Lenken ble sendt på SMS." in page.inner_text("main")
    assert SENT_AT.search(page.inner_text("#send-link"))
    assert "912 34 567" not in page.content() and "91234567" not in page.content()

    sent = "".join(path.read_text(encoding="utf-8") for path in sms_dir.glob("*.log"))
    assert sent.startswith("SMS to 91234567 at ")
    assert reverse("feedback:check", args=[link.token]) in sent

    page.click(f"a[href='{reverse('caseload:session', args=[session.public_id])}']")
    page.wait_for_url("**/sessions/*/")
    assert SENT_AT.search(page.inner_text("main"))
