"""The clinic's reminder and contact rules, set by an administrator in the product: changed,
explained when a value cannot work, audited, listed on the clinic settings page; others refused."""

from __future__ import annotations

from datetime import time

import pytest
from django.conf import settings
from django.urls import reverse

from allianse.accounts.models import AuditEvent
from allianse.delivery.models import DeliverySettings
from tests.conftest import sign_in

URL = reverse("delivery:settings")
VALUES = {
    "keep_contact_details": "on",
    "reminder_after_hours": "24",
    "quiet_hours_start": "21:00",
    "quiet_hours_end": "08:00",
}


@pytest.fixture
def english(client, administrator):
    sign_in(client, administrator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_page_shows_the_current_rules_with_help(english):
    page = english.get(URL).content.decode()
    assert "<h1>Reminders and contact details</h1>" in page
    assert 'name="reminder_after_hours" value="24"' in page and 'value="21:00"' in page and 'value="08:00"' in page
    assert "One reminder goes this many hours after a link was sent" in page


def test_an_administrator_changes_the_rules_and_the_change_is_audited(english, administrator):
    changed = VALUES | {"reminder_after_hours": "6", "quiet_hours_start": "22:30"}
    del changed["keep_contact_details"]
    response = english.post(URL, changed)
    assert response.status_code == 302 and response.url == URL
    clinic = DeliverySettings.get()
    assert (clinic.keep_contact_details, clinic.reminder_after_hours) == (False, 6)
    assert (clinic.quiet_hours_start, clinic.quiet_hours_end) == (time(22, 30), time(8, 0))
    event = AuditEvent.objects.get(object_type="DeliverySettings")
    assert (event.actor, event.action) == (administrator, AuditEvent.Action.UPDATE)
    assert event.detail == "delivery settings: keep_contact_details, reminder_after_hours, quiet_hours_start"
    page = english.get(URL).content.decode()
    assert "The reminder and contact rules are saved." in page and 'value="22:30"' in page


def test_saving_the_same_rules_changes_nothing_and_writes_no_audit_row(english):
    assert english.post(URL, VALUES).status_code == 302
    assert not AuditEvent.objects.filter(object_type="DeliverySettings").exists()


@pytest.mark.parametrize(
    "language, hours, error",
    [
        ("en", "72", "Links close after 72 hours, so a later reminder would never go."),
        ("nb", "72", "Lenker stenger etter 72 timer, så en senere påminnelse ville aldri blitt sendt."),
        ("en", "0", "Choose at least 1 hour."),
    ],
)
def test_a_reminder_that_could_never_go_is_explained(english, language, hours, error):
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = english.post(URL, VALUES | {"reminder_after_hours": hours})
    assert response.status_code == 200 and error in response.content.decode()
    assert DeliverySettings.get().reminder_after_hours == 24
    assert not AuditEvent.objects.filter(object_type="DeliverySettings").exists()


def test_the_clinic_settings_page_lists_the_page(english):
    page = english.get(reverse("accounts:settings")).content.decode()
    assert f'href="{URL}"' in page and "Reminders and contact details" in page


@pytest.mark.parametrize(
    "language, refusal",
    [("nb", "Du har ikke tilgang til denne siden."), ("en", "You do not have access to this page.")],
)
def test_a_therapist_is_refused_in_their_language(client, therapist, language, refusal):
    sign_in(client, therapist)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for response in (client.get(URL), client.post(URL, VALUES | {"reminder_after_hours": "2"})):
        assert response.status_code == 403 and refusal in response.content.decode()
    assert DeliverySettings.get().reminder_after_hours == 24
    assert not AuditEvent.objects.filter(object_type="DeliverySettings").exists()
