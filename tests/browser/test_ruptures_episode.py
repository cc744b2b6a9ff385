"""A therapist works through a rupture episode with the repair guide: from 'needs attention' to a
written note in two clicks, then the next stage, the guide in English, and closing."""

import pytest

from allianse.ruptures import updates
from allianse.ruptures.models import RuptureEpisode
from tests.ruptures.conftest import add_session, alliance, therapist_view

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def rupture(treatment):
    for _ in range(4):
        add_session(treatment, patient=alliance(6), therapist=therapist_view(6))
    add_session(
        treatment,
        patient=alliance(3, rupture=True, rupture_intensity=4, rupture_resolution=2, held_back=True),
        therapist=therapist_view(
            5,
            rupture=True,
            rupture_kind="withdrawal",
            rupture_intensity=3,
            rupture_resolution=2,
            withdrawal_markers=["minimal_response"],
        ),
    )
    updates.update_for_treatment(treatment=treatment, notify=False)
    return RuptureEpisode.objects.get()


def test_a_therapist_works_through_an_episode_with_the_guide(live_server, signed_in_page, therapist, rupture):
    page = signed_in_page(therapist)  # the home page, in bokmål
    attention = page.locator("section.attention")
    assert "Trenger oppmerksomhet" in attention.inner_text()
    assert "I time 5 meldte pasienten om spenning" in attention.inner_text()

    page.click("text=Arbeid med reparasjonen")  # click 1
    assert "Reparasjonsveileder: trinn 1 av 5" in page.inner_text("main")
    guide = page.locator("section.guide")
    assert "Legg merke til tilbaketrekkingen" in guide.inner_text()
    assert "Hva du bør unngå" in guide.inner_text() and "I kognitiv atferdsterapi" in guide.inner_text()

    page.check("text=Snakket om det som skjer mellom oss (metakommunikasjon)")
    page.fill("#id_text", "Sa at jeg merket at hun trakk seg unna da jeg presset på hjemmeoppgaven.")
    page.check("#id_advance")
    page.click("text=Lagre notatet")  # click 2: what was tried is written
    assert "Notatet ditt er lagret." in page.inner_text(".messages")
    assert "Reparasjonsveileder: trinn 2 av 5" in page.inner_text("main")
    assert "Rett oppmerksomheten mot bruddet og din egen del" in page.locator("section.guide").inner_text()
    assert "presset på hjemmeoppgaven" in page.inner_text("main")

    page.click("header >> text=English")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Repair guide: stage 2 of 5" in page.inner_text("main")
    assert "Attend to the rupture and your own part" in page.locator("section.guide").inner_text()
    assert "In session 5 the patient reported tension" in page.inner_text("main")

    page.check("input[name=outcome][value=resolved]")
    page.click("#close_form ~ form button[type=submit]")
    assert "The episode is closed." in page.inner_text(".messages")
    assert "closed: resolved" in page.inner_text("h1")
    assert page.locator("#note_form").count() == 0  # a closed episode takes no more notes
    rupture.refresh_from_db()
    assert (rupture.status, rupture.outcome, rupture.stage, rupture.notes.count()) == ("closed", "resolved", 2, 1)
