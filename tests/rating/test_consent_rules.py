"""Whether a recording needs the therapist's superior's consent: a clinic setting an administrator
changes in the product, following the Django setting until then; others refused."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from allianse.accounts.models import AuditEvent
from allianse.rating import consents
from allianse.rating.models import RatingSettings
from tests.conftest import sign_in

from .conftest import upload

URL = reverse("rating:consent_rules")
LABEL = {"en": "Require the written consent of each therapist&#x27;s superior", "nb": "Krev skriftlig samtykke"}


def superior_box_checked(page: str) -> bool:
    return re.search(r'name="requires_superior_consent"[^>]*checked', page) is not None


@pytest.fixture
def administrator_client(client, administrator):
    sign_in(client, administrator)
    return client


@pytest.mark.parametrize("language", ["en", "nb"])
def test_an_administrator_requires_the_superiors_consent_and_it_is_audited(
    administrator_client, administrator, consent, session, therapist, wav, language
):
    administrator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = administrator_client.get(URL).content.decode()
    assert LABEL[language] in page and not superior_box_checked(page)
    response = administrator_client.post(URL, {"requires_superior_consent": "on"})
    assert response.status_code == 302 and response.url == URL
    assert RatingSettings.get().requires_superior_consent
    with pytest.raises(consents.ConsentMissing) as missing:
        upload(session, therapist, wav)
    assert [problem.code for problem in missing.value.problems] == ["superior_missing"]
    event = AuditEvent.objects.get(object_type="RatingSettings")
    assert (event.actor, event.action, event.detail) == (
        administrator,
        AuditEvent.Action.UPDATE,
        "consent rules: requires_superior_consent=True, group_superior_purposes=",
    )
    assert superior_box_checked(administrator_client.get(URL).content.decode())


def test_turned_off_again_the_patients_consent_is_enough(administrator_client, consent, session, therapist, wav):
    RatingSettings.objects.create(pk=1, requires_superior_consent=True)
    assert administrator_client.post(URL, {}).status_code == 302
    assert not RatingSettings.get().requires_superior_consent
    assert upload(session, therapist, wav).pk


def test_until_an_administrator_chooses_the_django_setting_decides(administrator_client, settings):
    settings.RECORDING_REQUIRES_SUPERIOR_CONSENT = True
    assert RatingSettings.get().requires_superior_consent
    assert superior_box_checked(administrator_client.get(URL).content.decode())
    assert not RatingSettings.objects.exists()


def test_the_therapist_is_told_what_the_clinic_requires(therapist_client):
    page = therapist_client.get(reverse("rating:superior_consents")).content.decode()
    assert "This clinic does not require your superior's consent" in page
    RatingSettings.objects.create(pk=1, requires_superior_consent=True)
    page = therapist_client.get(reverse("rating:superior_consents")).content.decode()
    assert "This clinic requires your superior's written consent" in page


def test_the_clinic_settings_page_lists_the_page(administrator_client):
    page = administrator_client.get(reverse("accounts:settings")).content.decode()
    assert f'href="{URL}"' in page


@pytest.mark.parametrize(
    "language, refusal",
    [("nb", "Du har ikke tilgang til denne siden."), ("en", "You do not have access to this page.")],
)
def test_a_therapist_is_refused_in_their_language(client, therapist, language, refusal):
    sign_in(client, therapist)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for response in (client.get(URL), client.post(URL, {"requires_superior_consent": "on"})):
        assert response.status_code == 403 and refusal in response.content.decode()
    assert not RatingSettings.objects.exists()
    assert not AuditEvent.objects.filter(object_type="RatingSettings").exists()
