"""Who has answered in a group: the group page's rates and the session page's answers per member."""

import re

from django.urls import reverse

from allianse.groups import checks
from tests.groups.conftest import CLIMATE_ANSWERS, add_members, add_session, answer_all, link_for


def session_url(session) -> str:
    return reverse("groups:session", args=[session.public_id])


def checks_section(html: str) -> str:
    return re.search(r'<section class="card" id="checks">.*?</section>', html, flags=re.DOTALL).group(0)


def member_row(html: str, code: str) -> str:
    return re.search(rf"<tr><th scope=\"row\">{code}</th>.*?</tr>", html, flags=re.DOTALL).group(0)


def test_the_group_page_shows_the_groups_rate_and_each_members(therapist_client, therapist, group, members):
    first = add_session(group, members, days_ago=7)
    answer_all(first, members[1:], by=therapist)  # four links, three answered
    answer_all(add_session(group, members[:2], absent=members[2:], days_ago=1), members[:2], by=therapist)
    html = therapist_client.get(reverse("groups:group", args=[group.public_id])).content.decode()
    section = re.search(r'<section class="card" id="response-rates">.*?</section>', html, flags=re.DOTALL).group(0)
    assert "Hele gruppa: 5 av 6 (83\u00a0%)" in section
    silent = re.search(rf">{members[0].patient.code}</a></th><td>(.*?)</td>", section, flags=re.DOTALL).group(1)
    assert silent.startswith("1 av 2 (50\u00a0%)")
    talkative = re.search(rf">{members[1].patient.code}</a></th><td>(.*?)</td>", section, flags=re.DOTALL).group(1)
    assert talkative.startswith("2 av 2 (100\u00a0%)")


def test_the_group_page_rate_keeps_to_the_period_asked_for(therapist_client, therapist, group, members):
    answer_all(add_session(group, members, days_ago=40), members, by=therapist)
    url = reverse("groups:group", args=[group.public_id])
    assert 'Hele gruppa: <span class="muted">ingen sjekker</span>' in therapist_client.get(url).content.decode()
    html = therapist_client.get(url, {"start": "2000-01-01"}).content.decode()
    assert "Hele gruppa: 4 av 4 (100\u00a0%)" in html


def test_the_session_page_says_which_questionnaire_each_member_answered(therapist_client, therapist, group, members):
    session = add_session(group, members)
    checks.issue_member_checks(session=session, by=therapist)
    link = link_for(session, members[0])
    checks.submit_member_check(token=link.token, instrument_key="group-climate", answers=CLIMATE_ANSWERS)
    html = checks_section(therapist_client.get(session_url(session)).content.decode())
    assert '<th scope="col">Hvordan var gruppa i dag?</th><th scope="col">Hvordan var timen?</th>' in html
    partly = member_row(html, members[0].patient.code)
    assert re.search(r"<td>besvart</td><td><strong>ikke besvart</strong></td>\s*<td>åpen lenke</td>", partly)
    assert "Lag lenker til medlemmene som ikke har svart" in html


def test_the_session_page_in_english(therapist_client, therapist, group, members, english):
    session = add_session(group, members)
    checks.issue_member_checks(session=session, by=therapist)
    html = checks_section(therapist_client.get(session_url(session)).content.decode())
    assert '<th scope="col">How was the group today?</th>' in html
    assert "<strong>not answered</strong>" in member_row(html, members[0].patient.code)
    assert "Make links for the members who have not answered" in html


def test_the_button_is_gone_when_everyone_present_has_answered(therapist_client, therapist, group, members, english):
    session = add_session(group, members, absent=members[3:])
    answer_all(session, members[:3], by=therapist)
    html = checks_section(therapist_client.get(session_url(session)).content.decode())
    assert "Make links for the members who have not answered" not in html and "Show open links" not in html
    assert "Every member present has answered everything this session asks." in html
    assert members[3].patient.code not in html


def test_the_session_page_query_count_does_not_grow_with_the_members(
    therapist_client, therapist, group, members, django_assert_max_num_queries
):
    counts = []
    for extra in (0, 6):
        memberships = members + add_members(group, therapist, extra)
        session = add_session(group, memberships)
        answer_all(session, memberships[1:], by=therapist)
        with django_assert_max_num_queries(26) as queries:  # 5 of them the Recordings section's
            assert therapist_client.get(session_url(session)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_another_therapist_is_refused_the_session_page(outsider_client, group, members):
    session = add_session(group, members)
    assert outsider_client.get(session_url(session)).status_code == 404
