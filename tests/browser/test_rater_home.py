"""A rater signs in, lands on their home with their assignment and opens it."""

import pytest

from tests.browser import test_rating_segment as rating_segment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A rater with one assignment of a consenting patient's recorded session (a real small video).
video, assignment = rating_segment.video, rating_segment.assignment


def test_a_rater_lands_on_their_home_and_opens_their_assignment(live_server, signed_in_page, assignment):
    page = signed_in_page(assignment.rater)
    assert page.url == f"{live_server.url}/"
    section = page.locator("section", has=page.get_by_role("heading", name="Tidsavsnitt å vurdere"))
    assert "0 av 1 levert" in section.inner_text()
    assert page.locator("nav").get_by_role("link", name="Mine pasienter").count() == 0
    section.get_by_role("link", name="Opening").click()
    page.wait_for_url(f"{live_server.url}/rating/assignments/{assignment.public_id}/")
    assert page.locator("#player").count() == 1
