"""The check-link page: a large QR code, the short code and the start page's address, and a card
to print with only those."""

import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.urls import reverse

from allianse.feedback.services import issue_check


def card_of(html: str) -> str:
    (card,) = re.findall(r'<section class="check-card".*?</section>', html, flags=re.DOTALL)
    return card


def test_the_card_carries_the_qr_code_the_short_code_and_the_start_address(therapist_client, therapist, session):
    link = issue_check(session=session, by=therapist)
    html = therapist_client.get(reverse("feedback:check_link", args=[session.public_id])).content.decode()
    card = card_of(html)
    assert re.search(r'<div class="qr"><svg[^>]*>.*</svg></div>', card, flags=re.DOTALL)
    assert f'<p class="short-code" id="short-code">{link.short_code}</p>' in card
    assert '<strong class="start-url" id="start-url">http://testserver/c/</strong>' in card
    assert "data-print" in html and "feedback/print.js" in html and "feedback/card.css" in html


def test_the_card_speaks_the_patients_language_on_a_therapists_page_in_bokmal(therapist_client, therapist, session):
    patient = session.treatment.patient
    patient.language = "en"
    patient.save()
    issue_check(session=session, by=therapist)
    html = therapist_client.get(reverse("feedback:check_link", args=[session.public_id])).content.decode()
    assert '<html lang="nb">' in html
    assert "Scan the code with your phone" in card_of(html) and 'lang="en"' in card_of(html)


def test_the_print_stylesheet_keeps_only_the_card_on_a_small_page():
    path = finders.find("feedback/card.css")
    assert path is not None
    css = Path(path).read_text(encoding="utf-8")
    assert re.search(r"@page\s*\{[^}]*size:\s*A6", css)
    (printed,) = re.findall(r"@media print\s*\{(.*)\}", css, flags=re.DOTALL)
    hidden = re.search(r"([^{}]*)\{\s*display:\s*none", printed).group(1).split(",")
    assert {part.strip() for part in hidden} == {"header.top", "main > *:not(.card)", ".card > *:not(.check-card)"}
