from django.urls import reverse

from allianse.feedback.models import Response

ANSWERS = {
    "goal_1": "5",
    "goal_2": "5",
    "task_1": "5",
    "task_2": "3",
    "bond_1": "6",
    "bond_2": "6",
    "rupture": "yes",
    "rupture_kind": "withdrawal",
    "withdrawal_markers": ["minimal_response"],
    "rupture_intensity": "2",
    "rupture_resolution": "3",
}


def test_the_therapist_rates_the_session_from_the_session_page(therapist_client, session):
    url = reverse("feedback:therapist_check", args=[session.public_id])
    assert therapist_client.get(url).status_code == 200
    assert therapist_client.post(url, ANSWERS).status_code == 302
    stored = Response.objects.get(respondent="therapist")
    assert stored.answers["withdrawal_markers"] == ["minimal_response"] and stored.scores["alliance"] is not None


def test_a_new_rating_supersedes_the_old_and_both_are_kept(therapist_client, session):
    url = reverse("feedback:therapist_check", args=[session.public_id])
    therapist_client.post(url, ANSWERS)
    therapist_client.post(url, ANSWERS | {"goal_1": "7"})
    first, second = Response.objects.order_by("pk")
    assert second.supersedes == first and second.correction_reason


def test_it_refuses_other_therapists(outsider_client, session):
    url = reverse("feedback:therapist_check", args=[session.public_id])
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.post(url, ANSWERS).status_code == 404
    assert not Response.objects.exists()
