"""The session summary: either co-therapist writes and edits until it is signed; then addenda only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from allianse.groups import summaries
from allianse.groups.models import InterpersonalEvent, SessionSummary
from allianse.groups.services import GroupRuleError
from tests.conftest import sign_in
from tests.groups.conftest import add_session


@pytest.fixture
def draft(group_session, therapist):
    return summaries.start_summary(session=group_session, by=therapist, language="en")


def test_a_summary_starts_from_the_template_in_the_chosen_language(group_session, therapist):
    summary = summaries.start_summary(session=group_session, by=therapist, language="nb")
    assert summary.phases.startswith("Åpning:")
    assert "her og nå" in summary.themes
    assert summaries.summary_template("en")["phases"].startswith("Opening:")


def test_starting_twice_keeps_the_first_summary(group_session, therapist, co_therapist, draft):
    again = summaries.start_summary(session=group_session, by=co_therapist, language="nb")
    assert again == draft
    assert again.written_by == therapist


def test_either_co_therapist_edits_the_draft(draft, co_therapist):
    summaries.update_summary(summary=draft, by=co_therapist, themes="Shame", phases="Calm", agreements="Call A")
    draft.refresh_from_db()
    assert (draft.themes, draft.updated_by) == ("Shame", co_therapist)


def test_a_signed_summary_cannot_change(draft, therapist, co_therapist, members):
    summaries.sign_summary(summary=draft, by=co_therapist)
    with pytest.raises(summaries.SummarySigned):
        summaries.update_summary(summary=draft, by=therapist, themes="x", phases="y", agreements="z")
    with pytest.raises(summaries.SummarySigned):
        summaries.save_event(
            summary=draft, by=therapist, members=[], what_happened="x", failure="unclear", intervention="other"
        )
    with pytest.raises(summaries.SummarySigned):
        summaries.sign_summary(summary=draft, by=therapist)
    draft.refresh_from_db()
    assert draft.signed_by == co_therapist
    assert draft.themes.startswith("Themes the members brought")


def test_events_of_a_draft_can_be_changed_and_removed(draft, therapist, members):
    event = summaries.save_event(
        summary=draft,
        by=therapist,
        members=members[:2],
        what_happened="A turned away when B spoke of her mother.",
        failure=InterpersonalEvent.Failure.PSYCHIC_EQUIVALENCE,
        intervention=InterpersonalEvent.Intervention.STOP_AND_REWIND,
    )
    assert set(event.members.all()) == set(members[:2])
    summaries.save_event(
        summary=draft,
        by=therapist,
        event=event,
        members=members[:1],
        what_happened="Changed",
        failure="pretend_mode",
        intervention="focus_on_affect",
    )
    event.refresh_from_db()
    assert (event.what_happened, list(event.members.all())) == ("Changed", members[:1])
    summaries.remove_event(event=event, by=therapist)
    assert not draft.events.exists()


def test_addenda_only_after_signing(draft, therapist, co_therapist):
    with pytest.raises(GroupRuleError):
        summaries.add_addendum(summary=draft, by=therapist, text="Too early")
    summaries.sign_summary(summary=draft, by=therapist)
    summaries.add_addendum(summary=draft, by=co_therapist, text="B called on Thursday.")
    assert [a.text for a in draft.addenda.all()] == ["B called on Thursday."]


def test_the_co_therapist_edits_and_signs_through_the_pages(client, co_therapist, draft, members):
    sign_in(client, co_therapist)
    url = reverse("groups:summary", args=[draft.public_id])
    assert client.get(url).status_code == 200
    client.post(url, {"themes": "Envy", "phases": "Slow opening", "agreements": "Return to envy"})
    event_url = reverse("groups:event_new", args=[draft.public_id])
    data = {"members": [members[0].pk], "what_happened": "A left the room", "failure": "teleological"}
    client.post(event_url, {**data, "intervention": "regulate_arousal"})
    client.post(reverse("groups:summary_sign", args=[draft.public_id]), {"confirm": "on"})
    draft.refresh_from_db()
    assert (draft.themes, draft.signed_by, draft.events.count()) == ("Envy", co_therapist, 1)
    response = client.post(url, {"themes": "Rewritten", "phases": "", "agreements": ""})
    assert response.status_code == 400
    assert SessionSummary.objects.get().themes == "Envy"
    client.post(reverse("groups:addendum_new", args=[draft.public_id]), {"text": "Correction: B, not A."})
    page = client.get(url).content.decode()
    assert "Correction: B, not A." in page
    assert 'name="themes"' not in page


def test_a_therapist_of_another_group_cannot_read_or_sign(outsider_client, draft):
    assert outsider_client.get(reverse("groups:summary", args=[draft.public_id])).status_code == 404
    assert (
        outsider_client.post(reverse("groups:summary_sign", args=[draft.public_id]), {"confirm": "on"}).status_code
        == 404
    )
    draft.refresh_from_db()
    assert not draft.is_signed


def test_a_therapist_of_the_group_starts_the_summary_from_the_session(client, co_therapist, group_session):
    sign_in(client, co_therapist)
    response = client.post(reverse("groups:summary_start", args=[group_session.public_id]), {"language": "en"})
    summary = SessionSummary.objects.get(session=group_session)
    assert response.status_code == 302 and response.url == reverse("groups:summary", args=[summary.public_id])
    assert summary.written_by == co_therapist and summary.phases.startswith("Opening:")
    assert "Opening:" in client.get(response.url).content.decode()


def test_a_therapist_of_another_group_cannot_start_a_summary(outsider_client, group_session):
    url = reverse("groups:summary_start", args=[group_session.public_id])
    assert outsider_client.post(url, {"language": "en"}).status_code == 404
    assert not SessionSummary.objects.exists()


def test_starting_a_summary_needs_the_second_factor(client, therapist, group_session):
    client.force_login(therapist)
    response = client.post(reverse("groups:summary_start", args=[group_session.public_id]), {"language": "en"})
    assert response.url == reverse("accounts:two_factor") and not SessionSummary.objects.exists()


@pytest.fixture
def event(draft, therapist, members):
    return summaries.save_event(
        summary=draft,
        by=therapist,
        members=members[:2],
        what_happened="A turned away when B spoke of her mother.",
        failure=InterpersonalEvent.Failure.PSYCHIC_EQUIVALENCE,
        intervention=InterpersonalEvent.Intervention.STOP_AND_REWIND,
    )


def event_url(event) -> str:
    return reverse("groups:event", args=[event.summary.public_id, event.public_id])


def remove_url(event) -> str:
    return reverse("groups:event_remove", args=[event.summary.public_id, event.public_id])


CHANGED = {
    "what_happened": "B fell silent after A's joke",
    "failure": "pretend_mode",
    "intervention": "focus_on_affect",
}


def test_a_therapist_of_the_group_opens_and_changes_an_event(client, co_therapist, event, members):
    sign_in(client, co_therapist)
    page = client.get(event_url(event))
    assert page.status_code == 200 and "A turned away when B spoke of her mother." in page.content.decode()
    response = client.post(event_url(event), {**CHANGED, "members": [members[1].pk]})
    assert response.url == reverse("groups:summary", args=[event.summary.public_id])
    event.refresh_from_db()
    assert (event.what_happened, event.failure, event.intervention) == tuple(CHANGED.values())
    assert list(event.members.all()) == [members[1]]
    assert "B fell silent after A&#x27;s joke" in client.get(response.url).content.decode()


def test_an_event_of_a_signed_summary_stays_as_it_was(client, therapist, event, members):
    summaries.sign_summary(summary=event.summary, by=therapist)
    sign_in(client, therapist)
    assert client.post(event_url(event), {**CHANGED, "members": [members[1].pk]}).status_code == 400
    client.post(remove_url(event))
    event.refresh_from_db()
    assert event.what_happened == "A turned away when B spoke of her mother."


def test_a_therapist_of_another_group_can_neither_see_change_nor_remove_an_event(outsider_client, event, members):
    assert outsider_client.get(event_url(event)).status_code == 404
    assert outsider_client.post(event_url(event), {**CHANGED, "members": [members[1].pk]}).status_code == 404
    assert outsider_client.post(remove_url(event)).status_code == 404
    event.refresh_from_db()
    assert event.what_happened == "A turned away when B spoke of her mother." and event.members.count() == 2


def test_an_event_is_only_reached_through_its_own_summary(client, therapist, event, group, members):
    other_session = add_session(group, members, days_ago=7)
    other = summaries.start_summary(session=other_session, by=therapist, language="en")
    sign_in(client, therapist)
    assert client.get(reverse("groups:event", args=[other.public_id, event.public_id])).status_code == 404
    assert client.post(reverse("groups:event_remove", args=[other.public_id, event.public_id])).status_code == 404
    assert InterpersonalEvent.objects.filter(pk=event.pk).exists()


def test_a_therapist_of_the_group_removes_an_event(client, co_therapist, event):
    sign_in(client, co_therapist)
    assert client.get(remove_url(event)).status_code == 405
    response = client.post(remove_url(event))
    assert response.url == reverse("groups:summary", args=[event.summary.public_id])
    assert not InterpersonalEvent.objects.exists()
    assert "A turned away when B spoke of her mother." not in client.get(response.url).content.decode()


@pytest.mark.parametrize(
    "language, label, error",
    [
        ("nb", "Jeg har lest referatet; signering låser det", "Kryss av"),
        ("en", "I have read the summary; signing locks it", "Tick the box"),
    ],
)
def test_signing_asks_for_a_confirmation_first(client, co_therapist, draft, settings, language, label, error):
    settings.LANGUAGE_CODE = language
    sign_in(client, co_therapist)
    assert label in client.get(reverse("groups:summary", args=[draft.public_id])).content.decode()
    refused = client.post(reverse("groups:summary_sign", args=[draft.public_id]))
    draft.refresh_from_db()
    assert refused.status_code == 400 and error in refused.content.decode() and not draft.is_signed
    client.post(reverse("groups:summary_sign", args=[draft.public_id]), {"confirm": "on"})
    draft.refresh_from_db()
    assert draft.signed_by == co_therapist
