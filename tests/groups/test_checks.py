"""The members' checks: one personal link each, only their own forms, each answered once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from allianse.accounts.models import AuditEvent
from allianse.feedback.services import LinkProblem
from allianse.groups import checks, services
from allianse.groups.models import GroupSignal, MemberCheck, MemberResponse
from allianse.instruments import registry as instruments
from tests.groups.conftest import ALLIANCE_ANSWERS, CLIMATE_ANSWERS, add_session, answer_all, link_for

CLIMATE = "group-climate"


def check_url(link: MemberCheck) -> str:
    return reverse("groups:member_check", args=[link.token])


def post_climate(client, link, **answers):
    data = {**CLIMATE_ANSWERS, **answers, "instrument": CLIMATE, "lang": "nb"}
    return client.post(check_url(link), data)


def test_each_present_member_gets_a_link_of_their_own(group, therapist, members):
    session = add_session(group, members, absent=[members[3]])
    issued = checks.issue_member_checks(session=session, by=therapist)
    assert sorted(link.membership_id for link in issued) == sorted(m.pk for m in members[:3])
    assert len({link.token for link in issued}) == 3
    assert all(link.instrument_keys == [CLIMATE, "alliance-patient"] for link in issued)


def test_therapeutic_factors_are_asked_at_the_groups_interval(group, therapist, members):
    group.factors_every = 2
    group.save()
    first = add_session(group, members, days_ago=7)
    second = add_session(group, members)
    assert checks.instruments_for(first, members[0]) == [CLIMATE, "alliance-patient"]
    assert checks.instruments_for(second, members[0])[-1] == "therapeutic-factors"


def test_therapeutic_factors_are_asked_at_a_members_last_session(group, therapist, members, group_session):
    services.end_membership(membership=members[0], by=therapist, ended_on=timezone.localdate(), reason="completed")
    assert checks.instruments_for(group_session, members[0])[-1] == "therapeutic-factors"
    assert "therapeutic-factors" not in checks.instruments_for(group_session, members[1])


def test_a_members_pages_are_not_stored(client, therapist, members, group_session):
    checks.issue_member_checks(session=group_session, by=therapist)
    link = link_for(group_session, members[0])
    pages = [
        (reverse("groups:member_check", args=[link.token]), 200),
        (reverse("groups:member_check", args=[link.token + "damaged"]), 410),
        (reverse("groups:member_thanks"), 200),
    ]
    for url, status in pages:
        response = client.get(url)
        assert response.status_code == status and "no-store" in response["Cache-Control"], url


def test_a_link_opens_only_its_own_members_form(client, therapist, members, group_session):
    checks.issue_member_checks(session=group_session, by=therapist)
    mine = link_for(group_session, members[0])
    response = post_climate(client, mine)
    assert response.status_code == 302
    stored = MemberResponse.objects.get()
    assert stored.membership == members[0]
    assert stored.scores["cohesion"] == 5.0
    others = MemberCheck.objects.exclude(pk=mine.pk)
    assert not MemberResponse.objects.filter(check_link__in=others).exists()


def test_the_member_form_shows_no_answers_of_others(client, therapist, members, group_session):
    answer_all(group_session, members[1:], by=therapist)
    mine = link_for(group_session, members[0])
    page = client.get(check_url(mine)).content.decode()
    for other in members[1:]:
        assert other.patient.code not in page
    assert members[0].patient.code not in page  # not even their own code
    assert 'value="group-climate"' in page


def test_a_link_leads_through_its_forms_and_then_cannot_be_reused(client, therapist, members, group_session):
    checks.issue_member_checks(session=group_session, by=therapist)
    link = link_for(group_session, members[0])
    assert post_climate(client, link)["Location"] == check_url(link) + "?lang=nb"
    assert 'value="alliance-patient"' in client.get(check_url(link)).content.decode()
    data = {**ALLIANCE_ANSWERS, "instrument": "alliance-patient", "lang": "nb"}
    assert client.post(check_url(link), data)["Location"].startswith(reverse("groups:member_thanks"))
    assert client.get(check_url(link)).status_code == 410
    assert post_climate(client, link, cohesion_1=0).status_code == 410
    assert MemberResponse.objects.count() == 2


def test_posting_the_same_form_twice_stores_it_once(client, therapist, members, group_session):
    checks.issue_member_checks(session=group_session, by=therapist)
    link = link_for(group_session, members[0])
    post_climate(client, link)
    post_climate(client, link, cohesion_1=0)
    assert MemberResponse.objects.filter(instrument_key=CLIMATE).count() == 1
    assert MemberResponse.objects.get(instrument_key=CLIMATE).answers["cohesion_1"] == 5


def test_missing_answers_are_shown_and_nothing_is_stored(client, therapist, members, group_session):
    checks.issue_member_checks(session=group_session, by=therapist)
    response = client.post(check_url(link_for(group_session, members[0])), {"instrument": CLIMATE, "lang": "en"})
    assert response.status_code == 400
    assert not MemberResponse.objects.exists()


def test_a_tampered_token_opens_nothing(client, therapist, members, group_session):
    checks.issue_member_checks(session=group_session, by=therapist)
    token = link_for(group_session, members[0]).token
    assert client.get(reverse("groups:member_check", args=[token[:-2] + "xx"])).status_code == 410
    assert client.get(reverse("feedback:check", args=[token])).status_code == 410  # nor an individual check


def test_an_expired_link_is_closed(therapist, members, group_session):
    link = checks.issue_member_checks(session=group_session, by=therapist)[0]
    MemberCheck.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(LinkProblem, match="expired"):
        checks.open_member_check(link.token)


def test_a_new_link_replaces_the_unused_one_and_skips_what_was_answered(therapist, members, group_session):
    first = checks.issue_member_checks(session=group_session, by=therapist)
    checks.submit_member_check(token=first[0].token, instrument_key=CLIMATE, answers=CLIMATE_ANSWERS)
    second = checks.issue_member_checks(session=group_session, by=therapist)
    replaced = {link.membership_id: link for link in second}
    assert replaced[first[0].membership_id].instrument_keys == ["alliance-patient"]
    with pytest.raises(LinkProblem):
        checks.open_member_check(first[1].token)
    answer_all(group_session, members, by=therapist)
    assert checks.issue_member_checks(session=group_session, by=therapist) == []


def test_answers_out_of_order_are_refused(therapist, members, group_session):
    link = checks.issue_member_checks(session=group_session, by=therapist)[0]
    with pytest.raises(LinkProblem):
        checks.submit_member_check(token=link.token, instrument_key="alliance-patient", answers=ALLIANCE_ANSWERS)
    with pytest.raises(LinkProblem):
        checks.submit_member_check(token=link.token, instrument_key="therapeutic-factors", answers={})


def test_an_answer_refreshes_the_signals_of_the_session(group, therapist, members, group_session):
    answer_all(group_session, members, by=therapist, cohesion={members[0].pk: 1})
    signal = GroupSignal.objects.get(session=group_session)
    assert (signal.membership, signal.detail) == (members[0], "cohesion_below_group")


def test_the_status_of_each_present_members_check(therapist, members, group_session):
    present = list(group_session.attendance.select_related("membership"))
    assert {status.state for status in checks.member_statuses(group_session, present)} == {"not_sent"}
    link = checks.issue_member_checks(session=group_session, by=therapist)[0]
    checks.submit_member_check(token=link.token, instrument_key=CLIMATE, answers=CLIMATE_ANSWERS)
    states = {s.membership.pk: s.state for s in checks.member_statuses(group_session, present)}
    assert states[link.membership_id] == "partly_answered"
    assert sorted(states.values()) == ["partly_answered", "sent", "sent", "sent"]


@pytest.mark.parametrize(
    "language, length, not_said",
    [
        ("nb", "Denne sjekken har 2 deler med til sammen {questions} spørsmål.", "minutt"),
        ("en", "This check has 2 parts with {questions} questions in all.", "minute"),
    ],
)
def test_the_member_check_states_its_length_counted_from_the_definitions(
    client, therapist, members, group_session, language, length, not_said
):
    link = checks.issue_member_checks(session=group_session, by=therapist)[0]
    counts = [instruments.get(key).question_count for key in link.instrument_keys]
    page = client.get(check_url(link) + f"?lang={language}").content.decode()
    assert length.format(questions=sum(shown for shown, _ in counts)) in page
    assert str(sum(most for _, most in counts)) in page.split('id="check-length"')[1].split("</p>")[0]
    assert not_said not in page


@pytest.mark.parametrize(
    "language, said, not_said",
    [("nb", "behandlerne i gruppa", "behandleren"), ("en", "the group's therapists", "your therapist")],
)
def test_the_members_alliance_form_is_about_the_groups_therapists(
    client, therapist, members, group_session, language, said, not_said
):
    checks.issue_member_checks(session=group_session, by=therapist)
    link = link_for(group_session, members[0])
    post_climate(client, link)
    page = client.get(check_url(link) + f"?lang={language}").content.decode()
    assert 'value="alliance-patient"' in page and escape(said) in page
    assert not_said not in page.lower() and "my therapist" not in page.lower()


def test_a_members_submitted_form_is_in_the_audit_log_without_the_answers(client, therapist, members, group_session):
    checks.issue_member_checks(session=group_session, by=therapist)
    post_climate(client, link_for(group_session, members[0]))
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_type="MemberResponse")
    assert event.object_id == str(MemberResponse.objects.get().public_id)
    assert event.patient_id == members[0].patient_id and event.actor is None
    assert event.detail == "patient check submitted"
