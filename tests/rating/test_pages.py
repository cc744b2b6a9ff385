"""Pages of the rating app that the other modules do not reach: home, studies, navigation, bokmål."""

import pytest
from django.urls import reverse
from django.utils import translation

from allianse.accounts.models import Role
from allianse.rating import services
from allianse.rating.models import RatingStudy
from tests.conftest import sign_in


def test_the_rater_home_lists_assignments(rater_client, assignment):
    page = rater_client.get(reverse("rating:home")).content.decode()
    assert assignment.segment.name in page and "not started" in page


def test_the_navigation_links_raters_to_their_ratings(rater_client, assignment):
    assert f'href="{reverse("rating:home")}"' in rater_client.get(reverse("rating:home")).content.decode()


def test_the_navigation_has_no_rating_link_for_administrators_only(client, administrator):
    sign_in(client, administrator)
    response = client.get(reverse("rating:home"))
    assert f'href="{reverse("rating:home")}"' not in response.content.decode()


def test_a_leader_creates_a_study(leader_client):
    data = {"name": "Supervision group", "description": "", "instrument_key": "rupture-markers", "purpose": "research"}
    response = leader_client.post(reverse("rating:studies"), data)
    study = RatingStudy.objects.get()
    assert response.status_code == 302 and study.instrument_key == "rupture-markers"


def test_only_leaders_create_studies(rater_client):
    assert rater_client.get(reverse("rating:studies")).status_code == 403


def test_the_therapist_offers_a_segment_to_a_study(therapist_client, recording, segment, leader):
    study = services.create_study(
        name="Course", description="", instrument_key="mbt-g-aqs", purpose="course", leader=leader
    )
    url = reverse("rating:recording_add_to_study", args=[recording.public_id])
    therapist_client.post(url, {"segment": segment.pk, "study": study.pk})
    assert list(study.segments.all()) == [segment]


def test_a_study_for_another_purpose_is_not_offered(therapist_client, recording, segment, leader):
    study = services.create_study(
        name="Research", description="", instrument_key="mbt-g-aqs", purpose="research", leader=leader
    )
    url = reverse("rating:recording_add_to_study", args=[recording.public_id])
    therapist_client.post(url, {"segment": segment.pk, "study": study.pk})
    assert not study.segments.exists()


def test_the_rating_screen_speaks_bokmal(rater_client, assignment):
    page = rater_client.get(reverse("rating:rate", args=[assignment.public_id]), HTTP_ACCEPT_LANGUAGE="nb").content
    page = page.decode()
    assert "Lagre utkast" in page and "Send inn vurderingen" in page and "Stopp og spol tilbake" in page
    assert "de andre vurderingene og referansevurderingen" in page and "vurdereres" not in page


@pytest.mark.parametrize("language, rater", [("nb", "Vurderer"), ("en", "Rater")])
def test_a_rater_is_called_the_same_everywhere(language, rater):
    with translation.override(language):
        assert str(Role.RATER.label) == rater
