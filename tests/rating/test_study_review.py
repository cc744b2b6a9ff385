"""Item numbers and names, blinding of the comparison after submitting, rater codes, the
consensus view, self-assessment, and query counts that do not grow with the study."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from allianse.accounts.models import AuditEvent, Role
from allianse.rating import agreement, services, study_pages
from allianse.rating.models import Assignment, Rating, RatingStudy
from tests.conftest import make_user, sign_in

from .conftest import full_answers


def _submit(assignment, value: int, **changes):
    answers = {**full_answers(value), **changes}
    entered = services.RatingInput(answers=answers, time_stamps={"i13_adherence": 5.0}, notes={"i13_adherence": "calm"})
    return services.submit_rating(assignment=assignment, entered=entered, by=assignment.rater).rating


def _client(user) -> Client:
    """A second signed-in browser (the `*_client` fixtures share one client)."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    sign_in(client, user)
    return client


def _reference(study, segment, leader, value: int, **changes):
    (expert,) = services.assign(study=study, segments=[segment], raters=[leader], kind="expert", by=leader)
    return _submit(expert, value, **changes)


# -- Item number and name ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "section", "label"),
    [
        ("en", "13. Regulation of arousal", "Item 13 – Regulation of arousal – adherence"),
        ("nb", "13. Regulering av spenningsnivå", "Ledd 13 – Regulering av spenningsnivå – etterlevelse"),
    ],
)
def test_items_are_shown_by_number_and_name(client, assignment, leader, language, section, label):
    sign_in(client, assignment.rater)
    form = client.get(reverse("rating:rate", args=[assignment.public_id]), HTTP_ACCEPT_LANGUAGE=language)
    assert section in form.content.decode()
    rating = _submit(assignment, 4)
    page = client.get(reverse("rating:rating", args=[rating.public_id]), HTTP_ACCEPT_LANGUAGE=language)
    assert label in page.content.decode()


# -- Blinding of the comparison after submitting -------------------------------------------------------


def test_the_differences_are_shown_after_submitting_largest_first(rater_client, study, segment, assignment, leader):
    _reference(study, segment, leader, 4, i05_quality="1", i02_adherence="6")
    rating = _submit(assignment, 4)
    page = rater_client.get(reverse("rating:rating", args=[rating.public_id])).content.decode()
    differences = page[page.index('id="differences"') :]
    assert "Where you differ most" in differences
    first, second = differences.index("Item 5 – "), differences.index("Item 2 – ")
    assert first < second  # 3 points from the reference before 2


def test_a_study_released_by_its_leader_keeps_the_comparison_blind_until_then(
    rater_client, study, segment, assignment, leader
):
    leader_client = _client(leader)
    RatingStudy.objects.filter(pk=study.pk).update(reveal=RatingStudy.Reveal.RELEASED)
    _reference(study, segment, leader, 6)
    rating = _submit(assignment, 4)
    url = reverse("rating:rating", args=[rating.public_id])
    before = rater_client.get(url).content.decode()
    assert 'id="differences"' not in before and "once the study's leader releases them" in before
    assert "Expert reference rating" not in before
    assert leader_client.post(reverse("rating:release", args=[study.public_id])).status_code == 302
    after = rater_client.get(url).content.decode()
    assert 'id="differences"' in after and "Expert reference rating" in after


def test_a_study_waiting_for_every_rater_shows_nothing_before(study, segment, assignments, leader, client):
    RatingStudy.objects.filter(pk=study.pk).update(reveal=RatingStudy.Reveal.ALL_SUBMITTED)
    _reference(study, segment, leader, 6)
    first, second = assignments
    rating = _submit(first, 4)
    sign_in(client, first.rater)
    url = reverse("rating:rating", args=[rating.public_id])
    assert 'id="differences"' not in client.get(url).content.decode()
    _submit(second, 5)
    assert 'id="differences"' in client.get(url).content.decode()


def test_a_blind_study_shows_raters_by_code(study, segment, assignments, leader, client):
    leader_client = _client(leader)
    RatingStudy.objects.filter(pk=study.pk).update(naming=RatingStudy.Naming.CODES)
    first, second = assignments
    _submit(second, 5)
    rating = _submit(first, 4)
    sign_in(client, first.rater)
    page = client.get(reverse("rating:rating", args=[rating.public_id])).content.decode()
    assert ">R2<" in page and second.rater.username not in page
    agreement_page = leader_client.get(reverse("rating:agreement", args=[study.public_id])).content.decode()
    assert second.rater.username in agreement_page  # the leader sees names where the study allows
    RatingStudy.objects.filter(pk=study.pk).update(naming=RatingStudy.Naming.CODES_FOR_ALL)
    agreement_page = leader_client.get(reverse("rating:agreement", args=[study.public_id])).content.decode()
    assert second.rater.username not in agreement_page and ">R2<" in agreement_page


# -- Consensus ---------------------------------------------------------------------------------------------


def test_the_leader_records_a_consensus_that_becomes_the_reference(rater_client, study, segment, assignments, leader):
    leader_client = _client(leader)
    _reference(study, segment, leader, 2)
    first, second = assignments
    rating = _submit(first, 4)
    _submit(second, 6, i05_quality="1")
    url = reverse("rating:consensus_segment", args=[study.public_id, segment.public_id])
    page = leader_client.get(url).content.decode()
    assert page.index("Item 5 – ") < page.index("Item 1 – ")  # most disputed first
    assert "calm" in page and 'data-seek="5"' in page  # notes and noted times side by side
    response = leader_client.post(url, full_answers(5))
    assert response.status_code == 302
    consensus = Rating.objects.get(assignment__kind=Assignment.Kind.CONSENSUS)
    assert consensus.answers["i01_adherence"] == 5
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SUBMIT, object_type="Rating", detail="consensus").exists()
    reference = agreement.reference_frame(services.current_ratings(study), services.instrument_of(first))
    assert set(reference["value"]) == {5.0}  # the consensus, not the expert's 2
    page = rater_client.get(reverse("rating:rating", args=[rating.public_id])).content.decode()
    assert "Consensus reference rating" in page
    leader_client.post(url, full_answers(4))
    assert Rating.objects.filter(assignment__kind=Assignment.Kind.CONSENSUS).count() == 2
    assert services.current_consensus(study, segment).answers["i01_adherence"] == 4


def test_the_consensus_overview_follows_new_and_corrected_ratings(study, segment, assignments, leader):
    """The disagreement table is kept between views; a new or corrected rating is seen at once."""
    first, second = assignments
    rating = _submit(first, 4)
    (row,) = study_pages.consensus_overview(study, "en")["rows"]
    assert (row["spread"], row["raters"]) == (0.0, 1)
    _submit(second, 4, i05_quality="1")
    (row,) = study_pages.consensus_overview(study, "en")["rows"]
    assert (row["spread"], row["raters"]) == (3.0, 2)
    entered = services.RatingInput(answers={**full_answers(4), "i05_quality": "6"}, time_stamps={}, notes={})
    services.correct_rating(rating=rating, entered=entered, reason="misread the scale", by=first.rater)
    (row,) = study_pages.consensus_overview(study, "en")["rows"]
    assert (row["spread"], row["raters"]) == (5.0, 2)


def test_only_the_leader_reaches_the_consensus_view(rater_client, study, segment):
    assert rater_client.get(reverse("rating:consensus", args=[study.public_id])).status_code == 404
    url = reverse("rating:consensus_segment", args=[study.public_id, segment.public_id])
    assert rater_client.post(url, full_answers(5)).status_code == 404
    assert not Rating.objects.exists()


# -- Self-assessment ----------------------------------------------------------------------------------


def test_the_therapist_who_led_the_session_assesses_themselves_against_the_reference(
    study, segment, therapist, leader, assignments, client
):
    _reference(study, segment, leader, 3)
    _submit(assignments[0], 6)
    (own,) = services.assign(study=study, segments=[segment], raters=[therapist], kind="self", by=leader)
    rating = _submit(own, 5, i07_quality="7")
    sign_in(client, therapist)
    page = client.get(reverse("rating:rating", args=[rating.public_id])).content.decode()
    assert "Where your rating differs most from the reference" in page
    assert page.index("Item 7 – ") < page.index("Item 1 – ")
    assert "Expert reference rating" in page and assignments[0].rater.username not in page
    assert "Mean of the other raters" not in page
    assert "rater" not in agreement.study_agreement(study, "en").frame.query("rater == 'therapist'")["rater"].tolist()


def test_no_one_else_may_assess_themselves_on_the_session(study, segment, leader, rater):
    leader_client = _client(leader)
    other_therapist = make_user("other", Role.THERAPIST)
    for person in (other_therapist, rater):
        with pytest.raises(services.SelfAssessmentRefused):
            services.assign(study=study, segments=[segment], raters=[person], kind="self", by=leader)
    data = {"segments": [segment.pk], "raters": [other_therapist.pk], "kind": "self"}
    response = leader_client.post(reverse("rating:study", args=[study.public_id]), data, follow=True)
    assert "did not lead the session" in response.content.decode()
    assert not Assignment.objects.filter(kind=Assignment.Kind.SELF).exists()


def test_a_self_assessment_is_not_shown_to_the_raters(study, segment, therapist, leader, assignments, rater_client):
    (own,) = services.assign(study=study, segments=[segment], raters=[therapist], kind="self", by=leader)
    _submit(own, 2)
    rating = _submit(assignments[0], 4)
    page = rater_client.get(reverse("rating:rating", args=[rating.public_id])).content.decode()
    assert "Self-assessment" not in page
    self_rating = Rating.objects.get(assignment=own)
    assert rater_client.get(reverse("rating:rating", args=[self_rating.public_id])).status_code == 404


# -- The same queries whatever the study's size -----------------------------------------------------------


def _build(study, recording, therapist, leader, segments: int, raters: int) -> list:
    people = [make_user(f"r{segments}x{n}", Role.RATER) for n in range(raters)]
    for number in range(segments):
        segment = services.add_segment(
            recording=recording, start_seconds=number, end_seconds=number + 1, by=therapist, name=f"S{number}"
        )
        services.add_to_study(study=study, segment=segment)
        for index, person in enumerate(people):
            (assignment,) = services.assign(study=study, segments=[segment], raters=[person], kind="rater", by=leader)
            if index < raters - 1:
                _submit(assignment, 2 + (number + index) % 5)
        _reference(study, segment, leader, 4)
    return people


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_study_pages_run_the_same_queries_whatever_the_size(recording, therapist, leader, leader_client):
    counts = []
    for segments, raters in ((2, 3), (4, 6)):  # 4x the assignments
        study = services.create_study(
            name=f"Size {segments}", description="", instrument_key="mbt-g-aqs", purpose="course", leader=leader
        )
        people = _build(study, recording, therapist, leader, segments, raters)
        segment = study.segments.first()
        urls = [
            reverse("rating:study", args=[study.public_id]),
            reverse("rating:study", args=[study.public_id]) + "?state=submitted&page=1",
            reverse("rating:agreement", args=[study.public_id]),
            reverse("rating:calibration", args=[study.public_id, people[0].public_id]),
            reverse("rating:consensus", args=[study.public_id]),
            reverse("rating:consensus_segment", args=[study.public_id, segment.public_id]),
        ]
        counts.append([_queries(leader_client, url) for url in urls])
    assert counts[0] == counts[1]


def test_the_pages_of_assignments_keep_the_filters(recording, therapist, leader, leader_client, monkeypatch):
    monkeypatch.setattr(study_pages, "ASSIGNMENTS_PER_PAGE", 2)
    study = services.create_study(
        name="Paged", description="", instrument_key="mbt-g-aqs", purpose="course", leader=leader
    )
    _build(study, recording, therapist, leader, 2, 4)  # 4 submitted of each segment: 2 pages
    segment = study.segments.order_by("pk").first()
    url = reverse("rating:study", args=[study.public_id]) + f"?state=submitted&segment={segment.public_id}"
    first = leader_client.get(url).content.decode()
    assert "page 1 of 2" in first and f'href="?state=submitted&amp;segment={segment.public_id}&amp;page=2"' in first
    second = leader_client.get(url + "&page=2").content.decode()
    assert f'href="?state=submitted&amp;segment={segment.public_id}&amp;page=1"' in second
