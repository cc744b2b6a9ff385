"""The agreement report as PDF, in the reader's language, for the study's leader alone."""

import io

import pytest
from django.urls import reverse
from django.utils import formats, translation
from pypdf import PdfReader

from allianse.accounts.models import AuditEvent

from .test_agreement import AVERAGE, SINGLE, expected_alpha, expected_icc, expected_interval, rated_study

__all__ = ["rated_study"]


def pdf_text(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


@pytest.mark.parametrize(
    ("language", "decimal", "expected"),
    [
        ("en", ".", ["Agreement in", "4 segments, 3 raters.", "95% interval", "Per item"]),
        ("nb", ",", ["Samstemmighet i", "4 tidsavsnitt, 3 vurderere.", "95 %-intervall", "Per ledd"]),
    ],
)
def test_the_report_prints_the_pages_coefficients_in_the_readers_language(
    leader_client, rated_study, language, decimal, expected
):
    leader_client.cookies["django_language"] = language
    url = reverse("rating:agreement_pdf", args=[rated_study.public_id])
    text = " ".join(pdf_text(leader_client.get(url, HTTP_ACCEPT_LANGUAGE=language)).split())
    numbers = [
        f"{expected_icc(SINGLE):.2f}",
        f"{expected_icc(AVERAGE):.2f}",
        *(f"{bound:.2f}" for bound in expected_interval(SINGLE)),
    ]
    with translation.override(language):  # alpha written as the page writes it (two decimals, cut off)
        alpha = formats.number_format(expected_alpha(), 2)
    for part in [rated_study.name, *expected, alpha, *(number.replace(".", decimal) for number in numbers)]:
        assert part in text, part
    assert AuditEvent.objects.filter(detail="agreement as PDF").count() == 1
    page = leader_client.get(reverse("rating:agreement", args=[rated_study.public_id])).content.decode()
    assert url in page


def test_raters_and_others_get_404(rater_client, rated_study):
    assert rater_client.get(reverse("rating:agreement_pdf", args=[rated_study.public_id])).status_code == 404
