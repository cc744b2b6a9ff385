"""A rater jumps the player to noted times while rating, and after submitting sees where they
differ most from the reference rating."""

import pytest

from allianse.rating import services
from allianse.rating.models import Rating
from tests.browser.test_rating_segment import SCALE_ITEMS, _wait_until, assignment, video  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _reference(assignment):  # noqa: F811
    study, segment = assignment.study, assignment.segment
    (expert,) = services.assign(study=study, segments=[segment], raters=[study.leader], kind="expert", by=study.leader)
    answers = {item.id: "4" for item in services.instrument_of(expert).items if item.type == "scale"}
    entered = services.RatingInput(answers=answers, time_stamps={"i13_adherence": 6.0}, notes={"i13_adherence": "calm"})
    services.submit_rating(assignment=expert, entered=entered, by=study.leader)


def test_a_time_stamp_jumps_the_player_and_the_differences_follow_the_submit(
    live_server,
    signed_in_page,
    assignment,  # noqa: F811
):
    _reference(assignment)
    page = signed_in_page(assignment.rater)
    page.goto(f"{live_server.url}/rating/assignments/{assignment.public_id}/")
    _wait_until(page, "document.getElementById('player').readyState >= 1")

    page.fill("input[name=i13_adherence__time]", "0:09")
    page.fill("input[name=i13_adherence__note]", "the group calms down")
    page.click("#item-i13_adherence button.seek-stamp")
    _wait_until(page, "!player.seeking")
    assert page.evaluate("player.currentTime") == pytest.approx(7, abs=0.1), "0:09 of the recording is 7 s in"

    page.focus("#id_i01_adherence_0")
    page.keyboard.press("4")
    for index in range(SCALE_ITEMS - 1):
        page.keyboard.press("ArrowDown")
        page.keyboard.press("1" if index == 7 else "4")  # the 9th scale item, i05_adherence, is 3 below
    page.click("button[value=submit]")
    page.wait_for_url("**/rating/ratings/**")
    rating = Rating.objects.get(assignment=assignment)
    assert rating.time_stamps == {"i13_adherence": 9} and rating.notes == {"i13_adherence": "the group calms down"}

    first_row = page.locator("#differences tbody tr").first
    assert first_row.locator("th").inner_text().split(" – ")[0] in ("Item 5", "Ledd 5")
    assert first_row.locator("td").nth(2).inner_text() == "-3"
    assert page.locator(".timeline-mark").count() == 1 and page.locator(".timeline-bar").is_visible()

    _wait_until(page, "document.getElementById('player').readyState >= 1")
    page.click("table.comparison a.seek")
    _wait_until(page, "!player.seeking")
    assert page.evaluate("player.currentTime") == pytest.approx(7, abs=0.1)
    page.evaluate("player.currentTime = 0")
    page.click(".timeline-list a.seek")
    _wait_until(page, "!player.seeking")
    assert page.evaluate("player.currentTime") == pytest.approx(7, abs=0.1)
