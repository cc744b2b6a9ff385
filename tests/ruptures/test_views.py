"""The rupture pages: who may see and change what, and pages whose queries do not grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from allianse.accounts.models import AuditEvent
from allianse.clinic.services import register_patient
from allianse.ruptures import rules, services, updates
from allianse.ruptures.models import RuptureEpisode, Signal
from tests.conftest import sign_in
from tests.groups.conftest import add_members, make_group
from tests.ruptures.conftest import add_session, alliance, conflict_signal, group_sessions, therapist_view


def with_rupture(treatment):
    for _ in range(4):
        add_session(treatment, patient=alliance(6), therapist=therapist_view(6))
    add_session(treatment, patient=alliance(3, rupture=True, rupture_intensity=4, rupture_resolution=2, held_back=True))
    updates.update_for_treatment(treatment=treatment, notify=False)
    return treatment


@pytest.fixture
def episode(treatment):
    with_rupture(treatment)
    return RuptureEpisode.objects.get(treatment=treatment)


def url(name, obj):
    return reverse(f"ruptures:{name}", args=[obj.public_id])


# --- the episode page ---


def test_the_treating_therapist_sees_the_episode_with_its_guide(therapist_client, episode):
    response = therapist_client.get(url("episode", episode))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kjenn igjen bruddmarkøren" in html  # stage 1 of the path for an unclear kind, in bokmål
    assert "I time 5 meldte pasienten om spenning" in html
    assert AuditEvent.objects.filter(patient=episode.treatment.patient, object_type="RuptureEpisode").exists()
    assert not Signal.objects.filter(episode=episode, seen_at__isnull=True).exists()


def test_the_history_tells_what_happened_in_whole_sentences(therapist_client, episode):
    add_session(episode.treatment, patient=alliance(6))
    updates.update_for_treatment(treatment=episode.treatment, notify=False)
    html = therapist_client.get(url("episode", episode)).content.decode()
    assert "Åpnet fra signalene i time 5." in html
    assert "Pasientens svar: alliansen er tilbake på tidligere nivå (time 6)." in html


def test_the_episode_page_speaks_english_too(client, therapist, episode):
    sign_in(client, therapist)
    client.cookies["django_language"] = "en"
    html = client.get(url("episode", episode)).content.decode()
    assert "Recognise the rupture marker" in html and "In session 5 the patient reported tension" in html


def test_it_refuses_other_therapists(outsider_client, episode):
    assert outsider_client.get(url("episode", episode)).status_code == 404
    post = outsider_client.post(url("episode_note", episode), {"stage": 1, "text": "x"})
    assert post.status_code == 404 and not episode.notes.exists()
    assert outsider_client.post(url("episode_close", episode), {"outcome": "resolved"}).status_code == 404


def test_an_administrator_does_not_see_episode_details(client, administrator, episode):
    sign_in(client, administrator)
    assert client.get(url("episode", episode)).status_code == 404


def test_the_episode_page_reads_a_fixed_number_of_queries(therapist_client, episode, therapist):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert therapist_client.get(url("episode", episode)).status_code == 200
        return len(queries)

    before = count()
    for _ in range(3):
        services.add_note(episode=episode, by=therapist, stage=1, strategies=["metacommunication"], text="tried")
        add_session(episode.treatment, patient=alliance(2))
    updates.update_for_treatment(treatment=episode.treatment, notify=False)
    assert count() == before


def test_a_note_is_written_and_the_stage_advanced_in_one_step(therapist_client, episode):
    response = therapist_client.post(
        url("episode_note", episode),
        {"stage": 1, "strategies": ["metacommunication"], "text": "I named it.", "advance": "on"},
    )
    assert response.status_code == 302 and response["Location"].endswith("#note_form")
    episode.refresh_from_db()
    assert episode.stage == 2 and episode.notes.get().text == "I named it."


def test_an_empty_note_is_refused_with_a_reason(therapist_client, episode):
    response = therapist_client.post(url("episode_note", episode), {"stage": 1})
    assert response.status_code == 400 and "Skriv et notat" in response.content.decode()


def test_kind_stage_and_closing_through_the_page(therapist_client, episode):
    therapist_client.post(
        url("episode_kind", episode), {"kind": "confrontation", "markers": ["defends_self"], "intensity": "3"}
    )
    therapist_client.post(url("episode_stage", episode), {"stage": 3})
    therapist_client.post(url("episode_close", episode), {"outcome": "partly_resolved", "note": "Better."})
    episode.refresh_from_db()
    assert (episode.kind, episode.markers, episode.intensity) == ("confrontation", ["defends_self"], 3)
    assert (episode.stage, episode.status, episode.outcome) == (3, "closed", "partly_resolved")
    late = therapist_client.post(url("episode_stage", episode), {"stage": 4}, follow=True)
    assert "avsluttet" in late.content.decode()
    episode.refresh_from_db()
    assert episode.stage == 3


def test_a_therapist_opens_an_episode_from_a_session(therapist_client, treatment):
    session = add_session(treatment, patient=alliance(6))
    page = therapist_client.get(reverse("caseload:session", args=[session.public_id]))
    assert url("episode_new", session) in page.content.decode()
    response = therapist_client.post(
        url("episode_new", session), {"kind": "withdrawal", "markers": ["denial"], "note": "Looked away when I asked."}
    )
    episode = RuptureEpisode.objects.get()
    assert response.status_code == 302 and response["Location"] == url("episode", episode)
    assert episode.opened_by is not None and episode.markers == ["denial"]


def test_opening_from_a_session_refuses_other_therapists(outsider_client, treatment):
    session = add_session(treatment, patient=alliance(6))
    assert outsider_client.post(url("episode_new", session), {"kind": "withdrawal"}).status_code == 404
    assert not RuptureEpisode.objects.exists()


# --- needs attention on the home page ---


def test_needs_attention_lists_the_episode_with_why_and_a_link_to_act(therapist_client, episode):
    html = therapist_client.get(reverse("caseload:home")).content.decode()
    assert "Trenger oppmerksomhet" in html
    assert episode.treatment.patient.code in html
    assert url("episode", episode) + "#note_form" in html
    assert "I time 5 meldte pasienten om spenning" in html


def test_needs_attention_puts_the_most_urgent_first(therapist_client, therapist, episode):
    calm = register_patient(therapist=therapist, name="", language="nb", started_on=episode.treatment.started_on)
    add_session(calm, patient=alliance(6, held_back=True), therapist=therapist_view(6))
    updates.update_for_treatment(treatment=calm, notify=False)
    html = therapist_client.get(reverse("caseload:home")).content.decode()
    assert html.index(episode.treatment.patient.code) < html.index(calm.patient.code)
    assert url("signals_episode", calm) in html and url("signals_acknowledge", calm) in html


def test_needs_attention_reads_a_fixed_number_of_queries(therapist_client, therapist):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert therapist_client.get(reverse("caseload:home")).status_code == 200
        return len(queries)

    def another_patient():
        return with_rupture(register_patient(therapist=therapist, name="", language="nb", started_on="2026-01-05"))

    another_patient()
    one = count()
    for _ in range(3):
        another_patient()
    assert count() == one


def test_needs_attention_comes_ten_at_a_time_most_urgent_first(therapist_client, therapist):
    for _ in range(12):
        with_rupture(register_patient(therapist=therapist, name="", language="nb", started_on="2026-01-05"))
    first = therapist_client.get(reverse("caseload:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert first.count('<li class="urgency-') == 10 and "1–10 of 12" in first and "?attention=2" in first
    second = therapist_client.get(reverse("caseload:home"), {"attention": 2}, HTTP_ACCEPT_LANGUAGE="nb")
    html = second.content.decode()
    assert html.count('<li class="urgency-') == 2 and "11–12 av 12" in html and "mer presserende" in html
    shown = AuditEvent.objects.filter(detail="needs attention").order_by("pk")
    assert [len(event.patient_ids) for event in shown] == [10, 2]  # only the patients on the page shown


def test_signals_become_an_episode_or_are_acknowledged_from_needs_attention(therapist_client, treatment):
    add_session(treatment, patient=alliance(6, held_back=True))
    updates.update_for_treatment(treatment=treatment, notify=False)
    response = therapist_client.post(url("signals_episode", treatment))
    episode = RuptureEpisode.objects.get()
    assert response["Location"] == url("episode", episode)
    add_session(treatment, patient=alliance(6), therapist=therapist_view(4))
    updates.update_for_treatment(treatment=treatment, notify=False)
    therapist_client.post(url("signals_acknowledge", treatment))
    assert not Signal.objects.filter(episode__isnull=True, acknowledged_at__isnull=True).exists()


def test_signal_actions_refuse_other_therapists(outsider_client, treatment):
    add_session(treatment, patient=alliance(6, held_back=True))
    updates.update_for_treatment(treatment=treatment, notify=False)
    assert outsider_client.post(url("signals_episode", treatment)).status_code == 404
    assert outsider_client.post(url("signals_acknowledge", treatment)).status_code == 404
    assert Signal.objects.get().acknowledged_at is None


# --- the patient page ---


def test_the_patient_page_marks_signals_and_episodes(therapist_client, episode):
    html = therapist_client.get(
        reverse("caseload:patient", args=[episode.treatment.patient.public_id])
    ).content.decode()
    assert url("episode", episode) in html
    assert "Brudd og signaler" in html
    assert "<svg" in html


def test_the_patient_page_reads_a_fixed_number_of_queries(therapist_client, therapist, treatment):
    page = reverse("caseload:patient", args=[treatment.patient.public_id])
    with_rupture(treatment)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert therapist_client.get(page).status_code == 200
        return len(queries)

    before = count()
    for _ in range(2):
        add_session(treatment, patient=alliance(6))
        add_session(treatment, patient=alliance(2, rupture=True, rupture_intensity=5, rupture_resolution=1))
    updates.update_for_treatment(treatment=treatment, notify=False)
    assert RuptureEpisode.objects.count() > 1
    assert count() == before


# --- administrators ---


def test_an_administrator_sees_the_clinic_overview_without_patients(client, administrator, therapist):
    codes = []
    for _ in range(4):
        treatment = with_rupture(register_patient(therapist=therapist, name="", language="nb", started_on="2026-01-05"))
        codes.append(treatment.patient.code)
    sign_in(client, administrator)
    response = client.get(reverse("ruptures:overview"), {"therapist": therapist.pk})
    html = response.content.decode()
    assert response.status_code == 200 and "Brudd i klinikken" in html
    assert not any(code in html for code in codes)
    assert response.context["figures"].with_ruptures == 4


def test_therapists_do_not_see_the_clinic_overview_or_the_rules(therapist_client):
    assert therapist_client.get(reverse("ruptures:overview")).status_code == 403
    assert therapist_client.get(reverse("ruptures:rules")).status_code == 403


def test_an_administrator_changes_a_threshold_and_a_bad_value_is_explained(client, administrator):
    sign_in(client, administrator)
    form = client.get(reverse("ruptures:rules")).context["form"]
    values = {name: field.initial for name, field in form.fields.items()}
    assert client.post(reverse("ruptures:rules"), values | {"z": 1}).status_code == 302
    assert rules.current_rules().z == 1.0
    refused = client.post(reverse("ruptures:rules"), values | {"intensity_threshold": 9, "z": 0})
    assert refused.status_code == 200 and "intensity_threshold" in refused.context["form"].errors
    assert rules.current_rules().intensity_threshold == 1


# --- the guide ---


@pytest.mark.parametrize("kind", ["withdrawal", "confrontation", "both", "unclear"])
def test_the_guide_reads_for_every_kind(therapist_client, kind):
    response = therapist_client.get(reverse("ruptures:guide"), {"kind": kind})
    assert response.status_code == 200 and "Hva du bør unngå" in response.content.decode()


# --- a group member's episode (allianse.groups.member_ruptures) ---


def test_the_groups_therapists_see_the_member_episode_with_the_withdrawal_path(
    client, therapist, co_therapist, member_episode, withdrawing
):
    for user in (therapist, co_therapist):
        sign_in(client, user)
        html = client.get(url("episode", member_episode)).content.decode()
        assert "Legg merke til tilbaketrekkingen" in html  # stage 1 of the withdrawal path, in bokmål
        assert withdrawing.patient.code in html and "Gruppemøte 5" in html
        assert reverse("groups:member", args=[withdrawing.public_id]) in html
        assert "samholdet for dette medlemmet 1,0" in html  # the group signal, explained
    assert AuditEvent.objects.filter(patient=withdrawing.patient, object_type="RuptureEpisode").count() == 2


def test_a_member_episode_shows_cohesion_before_during_and_after(
    therapist_client, therapist, member_episode, group, members
):
    group_sessions(group, members, 1, by=therapist, first_days_ago=21)
    therapist_client.cookies["django_language"] = "en"
    html = therapist_client.get(url("episode", member_episode)).content.decode()
    table = html[html.index('id="scores-title"') :]
    assert table.count('class="phase-before"') == 3 and table.count('class="phase-during"') == 1
    assert table.count('class="phase-after"') == 1
    assert "cohesion was 1.0, 16.0 standard deviations below their own earlier mean" in html


def test_a_therapist_of_another_group_is_refused_the_member_episode(outsider_client, member_episode):
    assert outsider_client.get(url("episode", member_episode)).status_code == 404
    for name, data in (
        ("episode_note", {"stage": 1, "text": "x"}),
        ("episode_stage", {"stage": 2}),
        ("episode_kind", {"kind": "confrontation"}),
        ("episode_close", {"outcome": "resolved"}),
    ):
        assert outsider_client.post(url(name, member_episode), data).status_code == 404
    member_episode.refresh_from_db()
    assert (member_episode.stage, member_episode.kind, member_episode.status) == (1, "withdrawal", "open")
    assert not member_episode.notes.exists()


def test_the_treating_therapist_of_the_patient_is_refused_a_group_they_do_not_lead(
    client, other_therapist, member_episode
):
    """Treating the patient individually is not leading their group: the episode is the group's."""
    register_patient(therapist=other_therapist, name="", language="nb", started_on="2026-01-05")
    sign_in(client, other_therapist)
    assert client.get(url("episode", member_episode)).status_code == 404


def test_a_member_episode_is_worked_through_and_closed_through_the_page(therapist_client, member_episode):
    note = {"stage": 1, "strategies": ["metacommunication"], "text": "Spurte i gruppa.", "advance": "on"}
    assert therapist_client.post(url("episode_note", member_episode), note).status_code == 302
    therapist_client.post(url("episode_close", member_episode), {"outcome": "dropout", "note": "Sluttet."})
    member_episode.refresh_from_db()
    assert (member_episode.stage, member_episode.status, member_episode.outcome) == (2, "closed", "dropout")
    html = therapist_client.get(url("episode", member_episode)).content.decode()
    assert "Åpnet fra signalene i time 5." in html and "Spurte i gruppa." in html
    assert "avsluttet: endte i frafall" in html


def test_needs_attention_lists_member_episodes_and_conflict_in_the_group(therapist_client, member_episode, group):
    latest = group.sessions.order_by("-number").first()
    conflict_signal(
        latest,
        explanation_en="In session 5 the group's mean conflict was 4.5.",
        explanation_nb="I gruppemøte 5 var gruppas gjennomsnittlige konfliktnivå 4,5.",
    )
    html = therapist_client.get(reverse("caseload:home")).content.decode()
    assert url("episode", member_episode) + "#note_form" in html
    assert member_episode.patient.code in html and "samholdet for dette medlemmet 1,0" in html
    assert "I gruppemøte 5 var gruppas gjennomsnittlige konfliktnivå 4,5." in html
    assert reverse("groups:group", args=[group.public_id]) + "#signals" in html
    shown = AuditEvent.objects.filter(detail="needs attention")
    assert any(member_episode.patient.pk in event.patient_ids for event in shown)


def test_needs_attention_of_another_therapist_holds_no_member_episode(outsider_client, member_episode):
    html = outsider_client.get(reverse("caseload:home")).content.decode()
    assert member_episode.patient.code not in html


def test_needs_attention_reads_a_fixed_number_of_queries_with_groups(therapist_client, therapist, member_episode):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert therapist_client.get(reverse("caseload:home")).status_code == 200
        return len(queries)

    one = count()
    other = make_group(therapist, name="Torsdagsgruppa")
    others = add_members(other, therapist, 4)
    group_sessions(other, others, 4, by=therapist, first_days_ago=56)
    group_sessions(other, others, 1, by=therapist, first_days_ago=28, cohesion={others[1].pk: 0})
    assert RuptureEpisode.objects.count() == 2
    assert count() == one


def test_the_group_and_member_pages_link_the_open_episode(therapist_client, member_episode, group, withdrawing):
    link = url("episode", member_episode)
    assert link in therapist_client.get(reverse("groups:group", args=[group.public_id])).content.decode()
    assert link in therapist_client.get(reverse("groups:member", args=[withdrawing.public_id])).content.decode()


def test_the_api_leaves_member_episodes_out(therapist_client, member_episode):
    listed = therapist_client.get(reverse("v1:ruptures-api:episode-list")).json()
    assert (listed["count"], listed["results"]) == (0, [])
    detail = reverse("v1:ruptures-api:episode-detail", args=[member_episode.public_id])
    assert therapist_client.get(detail).status_code == 404


@pytest.mark.parametrize(
    "language, said",
    [("nb", "Pasientens kommentar etter time 5:"), ("en", "The patient's comment after session 5:")],
)
def test_the_patients_comment_is_shown_with_the_episode_and_in_needs_attention(
    client, therapist, treatment, settings, language, said
):
    settings.LANGUAGE_CODE = language
    for _ in range(4):
        add_session(treatment, patient=alliance(6), therapist=therapist_view(6))
    add_session(
        treatment,
        patient=alliance(3, rupture=True, rupture_intensity=4, rupture_resolution=2, comment="Du hørte ikke etter"),
    )
    updates.update_for_treatment(treatment=treatment, notify=False)
    episode = RuptureEpisode.objects.get(treatment=treatment)
    sign_in(client, therapist)
    for page in (client.get(url("episode", episode)), client.get(reverse("caseload:home"))):
        html = page.content.decode()
        assert said in html and "<q>Du hørte ikke etter</q>" in html
