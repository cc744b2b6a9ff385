"""The observer as the third perspective: a rupture-marker rating of a session's recording attaches
to that session, shows on the session, patient and episode pages, and disagreeing with the
patient and the therapist is a signal."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from allianse.rating import consents, services
from allianse.rating.media import session_wav
from allianse.rating.models import Assignment, Purpose
from allianse.ruptures.models import Signal
from allianse.ruptures.observers import observer_views
from allianse.ruptures.services import open_episode
from allianse.ruptures.updates import update_for_treatment
from tests.conftest import make_user
from tests.rating.conftest import upload
from tests.ruptures.conftest import TENSE, add_session, alliance, therapist_view

MARKER = {"withdrawal_markers": ["minimal_response"], "rupture_significance": 4, "resolution_extent": 3}
NO_MARKER = {"rupture_significance": 1}
NOT_OBSERVED = {"resolution_extent": "not_observed"}
NOTICED = {"rupture": True, "rupture_kind": "withdrawal", "rupture_intensity": 3, "rupture_resolution": 2}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def leader(db):
    return make_user("leader", "course_leader")


def observe(session, leader, *answer_sets: dict) -> None:
    """Each answer set a rupture-marker rating of the session's recording by its own observer,
    through the rating app's own services (consent, recording, segment, study, assignment)."""
    therapist = session.treatment.therapists.first()
    consents.record_consent(
        patient=session.treatment.patient,
        purpose=Purpose.COURSE,
        given_at=timezone.localdate(),
        document_reference="journal note",
        by=therapist,
    )
    recording = upload(session, therapist, session_wav(4))
    segment = services.add_segment(recording=recording, name="Whole", start_seconds=0, end_seconds=4, by=therapist)
    study = services.create_study(
        name=f"Ruptures {session.pk}",
        description="",
        instrument_key="rupture-markers",
        purpose=Purpose.COURSE,
        leader=leader,
    )
    services.add_to_study(study=study, segment=segment)
    raters = [make_user(f"observer{session.pk}-{index}", "rater") for index in range(len(answer_sets))]
    assignments = services.assign(study=study, segments=[segment], raters=raters, kind=Assignment.Kind.RATER, by=leader)
    for assignment, answers in zip(assignments, answer_sets, strict=True):
        submitted = services.submit_rating(
            assignment=assignment,
            entered=services.RatingInput(answers=answers, missing_reasons=NOT_OBSERVED),
            by=assignment.rater,
        )
        assert not submitted.errors, submitted.errors


def details(treatment) -> set[tuple[int, str]]:
    return set(Signal.objects.filter(treatment=treatment).current().values_list("session__number", "detail"))


def test_an_observer_rating_attaches_to_its_session_and_queues_the_signal_update(treatment, leader):
    first = add_session(treatment, patient=alliance(5), therapist=therapist_view(5))
    second = add_session(treatment, patient=alliance(5), therapist=therapist_view(5))
    queued = DBTaskResult.objects.count()
    observe(second, leader, MARKER, NO_MARKER)
    views = observer_views(treatment.sessions.all())
    assert first.pk not in views
    assert (views[second.pk].ratings, views[second.pk].ruptures, views[second.pk].significance) == (2, 1, 4)
    assert views[second.pk].markers == ("minimal_response",)
    assert DBTaskResult.objects.count() == queued + 2  # one update per stored rating


def test_an_observer_seeing_a_rupture_nobody_reported_is_a_signal(treatment, leader):
    add_session(treatment, patient=alliance(5), therapist=therapist_view(5))
    quiet = add_session(treatment, patient=alliance(5), therapist=therapist_view(5))
    observe(quiet, leader, MARKER)
    update_for_treatment(treatment=treatment, notify=False)
    assert (2, "observer_only") in details(treatment)
    signal = Signal.objects.get(treatment=treatment, detail="observer_only")
    assert (
        signal.kind == "discrepancy" and "observatør" in signal.explanation_nb and "observer" in signal.explanation_en
    )
    assert signal.episode is not None  # a rupture in one perspective is worked through like the others


def test_a_reported_rupture_the_observers_did_not_code_is_a_signal(treatment, leader):
    add_session(treatment, patient=alliance(5), therapist=therapist_view(5))
    tense = add_session(treatment, patient=TENSE, therapist=therapist_view(3, **NOTICED))
    observe(tense, leader, NO_MARKER)
    update_for_treatment(treatment=treatment, notify=False)
    found = details(treatment)
    assert (2, "observer_none") in found and (2, "observer_only") not in found


def test_agreeing_observers_raise_no_observer_signal(treatment, leader):
    add_session(treatment, patient=alliance(5), therapist=therapist_view(5))
    calm = add_session(treatment, patient=alliance(5), therapist=therapist_view(5))
    observe(calm, leader, NO_MARKER)
    update_for_treatment(treatment=treatment, notify=False)
    assert not {detail for _number, detail in details(treatment)} & {"observer_only", "observer_none"}


def test_the_three_perspectives_show_on_the_session_patient_and_episode_pages(
    therapist_client, therapist, treatment, leader
):
    add_session(treatment, patient=alliance(5), therapist=therapist_view(5))
    seen = add_session(treatment, patient=TENSE, therapist=therapist_view(3, **NOTICED))
    observe(seen, leader, MARKER, MARKER)
    episode = open_episode(session=seen, by=therapist)
    pages = [
        reverse("caseload:session", args=[seen.public_id]),
        reverse("caseload:patient", args=[treatment.patient.public_id]),
        reverse("ruptures:episode", args=[episode.public_id]),
    ]
    for url in pages:
        html = therapist_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Rupture as patient, therapist and observer saw it" in html, url
        assert "rupture (2 of 2 ratings)" in html, url
    norwegian = therapist_client.get(pages[0], HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert "Observatør" in norwegian
