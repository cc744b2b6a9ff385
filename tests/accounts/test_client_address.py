"""The client's address behind a proxy: X-Forwarded-For counts only from a trusted proxy."""

import pytest
from django.urls import reverse

from allianse.accounts.client_address import client_address
from allianse.accounts.models import AuditEvent
from allianse.feedback.views import WRONG_CODES

PROXY = "10.0.0.5"
START = reverse("feedback:start")


@pytest.fixture
def behind_proxy(settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = [PROXY, "10.0.0.6"]


def test_without_a_proxy_the_header_is_ignored(rf, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert client_address(request) == PROXY


def test_a_header_from_an_untrusted_address_is_ignored(rf, behind_proxy):
    request = rf.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert client_address(request) == "203.0.113.9"


def test_a_trusted_proxys_header_gives_the_right_most_untrusted_address(rf, behind_proxy):
    written_by_client = "192.0.2.66"
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{written_by_client}, 198.51.100.7, 10.0.0.6")
    assert client_address(request) == "198.51.100.7"


@pytest.mark.parametrize("header", ["", "not-an-address", "10.0.0.6"])
def test_a_trusted_proxy_without_a_usable_client_address_counts_as_the_client(rf, behind_proxy, header):
    assert client_address(rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=header)) == PROXY


def test_the_audit_log_records_the_client_behind_a_trusted_proxy(therapist_client, session, behind_proxy):
    url = reverse("caseload:session", args=[session.public_id])
    therapist_client.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    therapist_client.get(url, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.8")
    shown = AuditEvent.objects.filter(detail="session page").order_by("pk")
    assert list(shown.values_list("ip_address", flat=True)) == ["198.51.100.7", "203.0.113.9"]


def test_wrong_codes_are_counted_per_client_behind_the_proxy(client, db, behind_proxy):
    for _ in range(WRONG_CODES):
        client.post(START, {"code": "ZZZZ-ZZZZ"}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    limited = client.post(START, {"code": "ZZZZ-ZZZZ"}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    other = client.post(START, {"code": "ZZZZ-ZZZZ"}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert (limited.status_code, other.status_code) == (429, 400)
