"""The REST API: a therapist reads the signals and episodes of their own treatments only."""

import pytest
from django.urls import reverse

from allianse.accounts.models import AuditEvent
from allianse.ruptures import services, updates
from allianse.ruptures.models import RuptureEpisode, Signal
from tests.conftest import sign_in
from tests.ruptures.conftest import add_session, alliance, therapist_view


@pytest.fixture
def episode(treatment, therapist):
    for _ in range(4):
        add_session(treatment, patient=alliance(6), therapist=therapist_view(6))
    add_session(treatment, patient=alliance(3, rupture=True, rupture_intensity=4, rupture_resolution=2))
    updates.update_for_treatment(treatment=treatment, notify=False)
    episode = RuptureEpisode.objects.get()
    services.add_note(episode=episode, by=therapist, stage=1, strategies=["metacommunication"], text="Named it.")
    return episode


def test_a_therapist_lists_the_signals_of_their_treatments(therapist_client, episode):
    response = therapist_client.get(reverse("v1:ruptures-api:signal-list"))
    assert response.status_code == 200
    kinds = {item["kind"] for item in response.json()["results"]}
    assert {"reported", "drop", "low"} <= kinds
    first = response.json()["results"][0]
    assert first["patient_code"] == episode.treatment.patient.code and first["explanation_nb"]
    listed = AuditEvent.objects.get(detail="api signal list")
    assert episode.treatment.patient_id in listed.patient_ids


def test_a_therapist_reads_an_episode_with_its_notes(therapist_client, episode):
    response = therapist_client.get(reverse("v1:ruptures-api:episode-detail", args=[episode.public_id]))
    data = response.json()
    assert response.status_code == 200
    assert data["stages"] == 4 and data["first_session"] == 5
    assert data["notes"][0]["strategies"] == ["metacommunication"]


def test_lists_filter_by_treatment(therapist_client, episode):
    url = reverse("v1:ruptures-api:episode-list")
    assert therapist_client.get(url, {"treatment": episode.treatment.public_id}).json()["count"] == 1
    assert therapist_client.get(url, {"treatment": "00000000-0000-0000-0000-000000000000"}).json()["count"] == 0


def test_it_refuses_other_therapists(outsider_client, episode):
    assert outsider_client.get(reverse("v1:ruptures-api:episode-list")).json()["results"] == []
    assert outsider_client.get(reverse("v1:ruptures-api:signal-list")).json()["results"] == []
    detail = reverse("v1:ruptures-api:episode-detail", args=[episode.public_id])
    assert outsider_client.get(detail).status_code == 404
    signal = Signal.objects.first()
    assert outsider_client.get(reverse("v1:ruptures-api:signal-detail", args=[signal.public_id])).status_code == 404


def test_an_administrator_gets_no_episode_from_the_api(client, administrator, episode):
    sign_in(client, administrator)
    assert client.get(reverse("v1:ruptures-api:episode-detail", args=[episode.public_id])).status_code == 404


def test_it_needs_a_verified_sign_in(client, therapist, episode):
    client.force_login(therapist)  # password only, no second factor
    assert client.get(reverse("v1:ruptures-api:episode-list")).status_code == 403


def test_the_list_gives_the_sessions_numbers_as_the_episode_itself_does(therapist_client, episode):
    from allianse.ruptures.api import EpisodeSerializer

    add_session(episode.treatment, patient=alliance(6), therapist=therapist_view(6))
    updates.update_for_treatment(treatment=episode.treatment, notify=False)
    episode.refresh_from_db()
    (listed,) = therapist_client.get(reverse("v1:ruptures-api:episode-list")).json()["results"]
    detail = therapist_client.get(reverse("v1:ruptures-api:episode-detail", args=[episode.public_id])).json()
    direct = EpisodeSerializer(episode).data  # as the episode's changes answer, without the list's annotations
    numbers = ("first_session", "last_session", "recovery_session")
    assert (
        [listed[name] for name in numbers] == [detail[name] for name in numbers] == [direct[name] for name in numbers]
    )
    assert [listed[name] for name in numbers] == [5, 5, 6]  # back at 6 in session 6: recovered there
