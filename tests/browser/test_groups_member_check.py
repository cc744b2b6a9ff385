"""A group member answers on a phone; the therapist then sees their answer in the heatmap."""

import pytest

from allianse.groups import checks
from tests.groups.conftest import add_members, add_session, make_group

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLIMATE_ITEMS = [f"{scale}_{i}" for scale in ("engagement", "avoidance", "conflict", "cohesion") for i in (1, 2, 3)]
ALLIANCE_ITEMS = ("goal_1", "goal_2", "task_1", "task_2", "bond_1", "bond_2")


def _heatmap(page, code: str) -> tuple[str, str]:
    """The heatmap's SVG and one member's cell in its table."""
    row = page.locator("#heatmap-table tbody tr", has=page.locator(f"th:has-text('{code}')"))
    return page.inner_html("#heatmap figure.chart"), row.locator("td").inner_text()


def test_a_member_answers_on_a_phone_and_the_therapist_sees_the_heatmap_change(
    live_server, phone_page, signed_in_page, therapist
):
    group = make_group(therapist)
    members = add_members(group, therapist, 3)
    session = add_session(group, members)
    link = next(
        check for check in checks.issue_member_checks(session=session, by=therapist) if check.membership == members[0]
    )

    page = signed_in_page(therapist)
    page.goto(f"{live_server.url}/groups/{group.public_id}/")
    before_svg, before_cell = _heatmap(page, members[0].patient.code)
    assert before_cell.split() == ["–", "til", "stede,", "ikke", "svart"]  # symbol, then words for screen readers

    phone_page.goto(f"{live_server.url}/g/{link.token}/")
    assert phone_page.locator("html").get_attribute("lang") == "nb"
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling on a phone"
    assert members[1].patient.code not in phone_page.content()
    phone_page.click("button[type=submit]")
    assert phone_page.locator(".errorlist").first.is_visible()
    for item in CLIMATE_ITEMS:
        phone_page.click(f"#item-{item} .scale label:nth-child(6)")  # 5 on the 0-6 scale
    phone_page.click("button[type=submit]")
    assert "Del 2 av 2" in phone_page.inner_text("main")
    for item in ALLIANCE_ITEMS:
        phone_page.click(f"#item-{item} .scale label:nth-child(6)")
    phone_page.check("input[name=rupture][value=no]")
    phone_page.check("input[name=held_back][value=no]")
    phone_page.click("button[type=submit]")
    phone_page.wait_for_url("**/g/thanks/**")
    assert "takk" in phone_page.inner_text("h1").lower()

    phone_page.goto(f"{live_server.url}/g/{link.token}/")
    assert "allerede brukt" in phone_page.inner_text("h1")

    page.reload()
    after_svg, after_cell = _heatmap(page, members[0].patient.code)
    assert after_cell == "5,0"
    assert after_svg != before_svg
