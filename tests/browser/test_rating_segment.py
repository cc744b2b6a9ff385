"""A rater rates a segment with the player and the keyboard; the draft saves itself on the way.
The recording is a real small WebM video, generated once per session as the demo makes them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from allianse.accounts.models import Role
from allianse.rating import consents, services
from allianse.rating.media import GeneratedRecording, session_recording
from allianse.rating.models import Purpose, Rating, RatingDraft
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCALE_ITEMS = 40  # 19 items x (adherence, quality) + 2 global ratings
SECONDS = 20


@pytest.fixture(scope="session")
def video() -> GeneratedRecording:
    recording = session_recording(SECONDS)
    assert recording.extension == "webm", "imageio-ffmpeg's encoder is missing, so no video could be made"
    return recording


@pytest.fixture
def assignment(settings, tmp_path, therapist, session, video):
    settings.MEDIA_ROOT = tmp_path
    patient = session.treatment.patient
    consents.record_consent(
        patient=patient, purpose=Purpose.COURSE, given_at=timezone.localdate(), document_reference="form", by=therapist
    )
    recording = services.store_recording(
        session=session,
        name="session.webm",
        head=video.data[:64],
        size=len(video.data),
        chunks=SimpleUploadedFile("session.webm", video.data).chunks(),
        purpose=Purpose.COURSE,
        title="",
        duration_seconds=SECONDS,
        by=therapist,
    )
    segment = services.add_segment(recording=recording, name="Opening", start_seconds=2, end_seconds=12, by=therapist)
    leader = make_user("leader", Role.COURSE_LEADER)
    study = services.create_study(
        name="Course", description="", instrument_key="mbt-g-aqs", purpose=Purpose.COURSE, leader=leader
    )
    services.add_to_study(study=study, segment=segment)
    rater = make_user("rater1", Role.RATER)
    return services.assign(study=study, segments=[segment], raters=[rater], kind="rater", by=leader)[0]


def _wait_until(page, expression: str, seconds: float = 10) -> None:
    """Poll an expression (page.wait_for_function evaluates strings, which the strict CSP forbids)."""
    for _ in range(int(seconds * 10)):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"still false after {seconds} s: {expression}")


def test_the_player_plays_the_segment_and_seeks_in_it(live_server, signed_in_page, assignment):
    """The player gets the segment's own file (2-12 s), so its clock runs 0-10 s. readyState 4 is
    HAVE_ENOUGH_DATA; `player` is the element's id, which the page's global names."""
    page = signed_in_page(assignment.rater)
    page.goto(f"{live_server.url}/rating/assignments/{assignment.public_id}/")
    _wait_until(page, "document.getElementById('player').readyState >= 1")
    assert page.evaluate("[player.tagName, player.videoWidth, player.videoHeight, Math.round(player.duration)]") == [
        "VIDEO",
        160,
        90,
        10,
    ]
    page.evaluate("player.muted = true; player.play().catch(() => null)")
    _wait_until(page, "player.readyState === 4 && player.currentTime > 2")
    page.evaluate("player.pause(); player.currentTime = 7")
    _wait_until(page, "!player.seeking && player.readyState === 4")
    assert page.evaluate("player.currentTime") == pytest.approx(7, abs=0.1)
    assert page.evaluate("player.error") is None


def test_a_rater_rates_a_segment_with_the_player_and_keyboard(live_server, signed_in_page, assignment):
    page = signed_in_page(assignment.rater)
    statuses = []
    streamed = []
    page.on("response", lambda response: "/stream/" in response.url and statuses.append(response.status))
    page.on("request", lambda request: "/stream/" in request.url and streamed.append(request.url))
    page.goto(f"{live_server.url}/rating/assignments/{assignment.public_id}/")
    _wait_until(page, "document.getElementById('player').readyState >= 1")
    assert page.evaluate("document.getElementById('player').currentTime") == pytest.approx(0, abs=0.2)
    assert 206 in statuses, "the player must get partial content so it can seek"
    assert all(f"/segments/{assignment.segment.public_id}/stream/" in url for url in streamed)

    page.focus("#id_i01_adherence_0")
    page.keyboard.press("5")
    page.evaluate("document.getElementById('player').currentTime = 5")
    page.keyboard.press("t")
    assert page.input_value("input[name=i01_adherence__time]") == "0:07", (
        "5 s into the segment is 0:07 of the recording"
    )
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.name") == "i01_quality"
    page.keyboard.press("3")

    _wait_until(page, "document.getElementById('save-status').textContent.length > 0")
    draft = RatingDraft.objects.get(assignment=assignment)
    assert draft.answers["i01_adherence"] == "5" and draft.time_stamps == {"i01_adherence": 7}

    for _ in range(SCALE_ITEMS - 2):
        page.keyboard.press("ArrowDown")
        page.keyboard.press("4")
    page.click("button[value=submit]")
    page.wait_for_url("**/rating/ratings/**")
    rating = Rating.objects.get(assignment=assignment)
    assert rating.answers["i01_adherence"] == 5 and rating.answers["i01_quality"] == 3
    assert rating.answers["global_quality"] == 4 and rating.time_stamps == {"i01_adherence": 7}
    assert not RatingDraft.objects.filter(assignment=assignment).exists()
