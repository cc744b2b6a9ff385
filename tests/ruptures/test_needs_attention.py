"""Needs attention ranked from light rows and read in full a page at a time: the same items in the
same order as sorting every item read in full, and the same queries whatever the caseload."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from allianse.clinic.services import register_patient
from allianse.groups import member_ruptures
from allianse.ruptures import pages
from allianse.ruptures.models import Recovery, RuptureEpisode, Signal
from allianse.ruptures.templatetags.ruptures import ATTENTION_PAGE
from tests.ruptures.conftest import add_session, alliance, conflict_signal

NOW = timezone.now()


def patient(therapist, *, started_days_ago: int = 100, ended: bool = False):
    treatment = register_patient(
        therapist=therapist, name="", language="nb", started_on=(NOW - timedelta(days=started_days_ago)).date()
    )
    if ended:
        treatment.ended_on = NOW.date()
        treatment.save()
    return treatment


def session_at(treatment, days_ago: float, **answers):
    session = add_session(treatment, patient=alliance(6, **answers) if answers else None)
    session.starts_at = NOW - timedelta(days=days_ago)
    session.save()
    return session


def signal(session, kind: str, *, seen=False, acknowledged=False, episode=None):
    return Signal.objects.create(
        treatment=session.treatment,
        session=session,
        kind=kind,
        detail=kind,
        explanation_en=f"{kind} in session {session.number}",
        explanation_nb=f"{kind} i time {session.number}",
        episode=episode,
        seen_at=NOW if seen else None,
        acknowledged_at=NOW if acknowledged else None,
    )


def episode(first, last=None, *, recovery=Recovery.PENDING, opened_days_ago: float = 1, **fields):
    return RuptureEpisode.objects.create(
        treatment=first.treatment,
        first_session=first,
        last_session=last or first,
        recovery=recovery,
        opened_at=NOW - timedelta(days=opened_days_ago),
        **fields,
    )


def full_sort(therapist) -> list:
    """Every item read in full and sorted in Python, as the list was read before it was ranked
    from light rows."""
    items = {}
    for found in RuptureEpisode.objects.filter(treatment__therapists=therapist, status="open").order_by("-opened_at"):
        items[("episode", found.pk)] = pages.AttentionItem(treatment=found.treatment, episode=found)
    for row in Signal.objects.current().filter(treatment__therapists=therapist):
        if row.episode_id and ("episode", row.episode_id) in items:
            items[("episode", row.episode_id)].signals.append(row)
        elif not row.episode_id and row.acknowledged_at is None and row.treatment.ended_on is None:
            items.setdefault(("treatment", row.treatment_id), pages.AttentionItem(row.treatment, None))
            items[("treatment", row.treatment_id)].signals.append(row)
    comments = pages._comments({row.session_id for item in items.values() for row in item.signals})
    for item in items.values():
        sessions = sorted({row.session.number: row.session_id for row in item.signals}.items())
        item.comments = [(number, comments[pk]) for number, pk in sessions if pk in comments]
    everything = [*items.values(), *member_ruptures.attention_items(therapist)]
    return sorted(sorted(everything, key=lambda item: item.latest, reverse=True), key=lambda item: item.urgency)


def content(item) -> tuple:
    """What the page shows of an item."""
    return (
        type(item).__name__,
        [p.pk for p in item.patients],
        item.episode.pk if item.episode else None,
        [s.pk for s in item.signals],
        [s.pk for s in item.shown_signals],
        [s.pk for s in item.new_signals],
        getattr(item, "comments", None),
        item.urgency,
        item.latest,
    )


@pytest.fixture
def caseload(therapist, other_therapist, member_episode, group):
    """Episodes recovered, not recovered, pending and without signals; new and seen signals of
    several kinds outside episodes; what is left out (acknowledged, retracted, of an ended
    treatment, another therapist's); ties; and a group member's episode and conflict in the group."""
    conflict_signal(group.sessions.order_by("-number").first(), explanation_en="conflict", explanation_nb="konflikt")
    pending = patient(therapist)
    first = session_at(pending, 20, comment="Du hørte ikke etter")
    episode(first, session_at(pending, 13), opened_days_ago=12)
    signal(first, "reported", episode=RuptureEpisode.objects.get(treatment=pending))
    signal(first, "held_back", seen=True, episode=RuptureEpisode.objects.get(treatment=pending))
    recovered = patient(therapist)
    start = session_at(recovered, 30)
    signal(start, "drop", seen=True, episode=episode(start, recovery=Recovery.RECOVERED, opened_days_ago=29))
    not_recovered = patient(therapist)
    start = session_at(not_recovered, 40)
    signal(start, "low", seen=True, episode=episode(start, recovery=Recovery.NOT_RECOVERED, opened_days_ago=39))
    opened_by_hand = patient(therapist)
    episode(session_at(opened_by_hand, 3), opened_days_ago=2, opened_by=therapist)
    absent = patient(therapist)
    signal(session_at(absent, 50), "low", seen=True)
    signal(session_at(absent, 5), "absence")
    # The same urgency and the same latest start: an episode, then treatments as the database orders them.
    for started in (300, 200):
        late = patient(therapist, started_days_ago=started)
        signal(session_at(late, 8, comment=f"started {started}"), "held_back")
        signal(session_at(late, 9), "discrepancy", seen=True)
    tied_episode = patient(therapist)
    tied = session_at(tied_episode, 8)
    signal(tied, "discrepancy", episode=episode(tied, opened_days_ago=7))
    early = patient(therapist)
    signal(session_at(early, 60), "early")
    signal(session_at(early, 61), "early", seen=True)
    left_out = patient(therapist)
    signal(session_at(left_out, 4), "low", acknowledged=True)
    Signal.objects.filter(pk=signal(session_at(left_out, 6), "drop").pk).update(retracted_at=NOW)
    ended = patient(therapist, ended=True)
    signal(session_at(ended, 2), "absence")
    signal(session_at(patient(other_therapist), 1), "absence")
    return therapist


def test_the_ranked_list_is_the_full_sort_item_for_item(caseload):
    expected = full_sort(caseload)
    ranked = pages.needs_attention(caseload)
    assert len(ranked) == len(expected) == 11
    assert [content(item) for item in ranked[: len(ranked)]] == [content(item) for item in expected]
    urgencies = [item.urgency for item in expected]
    assert urgencies == sorted(urgencies) and {0, 1, 2, 3, 4} <= set(urgencies)


def test_ties_keep_the_order_items_are_found_in(caseload):
    tied = [item for item in pages.needs_attention(caseload)[:] if item.urgency == 2]
    assert [item.episode is not None for item in tied] == [True, False, False]
    assert [item.comments for item in tied[1:]] == [[(1, "started 200")], [(1, "started 300")]]


def test_each_page_holds_its_slice_of_the_full_sort(caseload):
    expected = [content(item) for item in full_sort(caseload)]
    paginator = Paginator(pages.needs_attention(caseload), 4)
    shown = [[content(item) for item in paginator.page(number)] for number in paginator.page_range]
    assert shown == [expected[:4], expected[4:8], expected[8:]]
    assert content(pages.needs_attention(caseload)[-1]) == expected[-1]


def test_the_second_page_on_the_home_page(therapist_client, caseload):
    links = [
        reverse("caseload:patient", args=[item.patient.public_id]) if item.group is None else None
        for item in full_sort(caseload)
    ]
    html = therapist_client.get(reverse("caseload:home"), {"attention": 2}).content.decode()
    start = html.index('id="attention-title"')
    shown = html[start : html.index("</section>", start)]
    assert shown.count('<li class="urgency-') == len(links) - ATTENTION_PAGE == 1
    assert links[-1] in shown and not any(link in shown for link in links[:ATTENTION_PAGE] if link)


def caseload_of(therapist, size: int) -> None:
    for _ in range(size):
        treatment = patient(therapist)
        first = session_at(treatment, 10, comment="Nei")
        signal(first, "reported", episode=episode(first))
        signal(session_at(treatment, 3), "held_back")


def test_the_first_page_reads_the_same_queries_and_builds_only_what_it_shows(therapist):
    def first_page() -> tuple[int, list]:
        built = []

        def count(sender, **kwargs):
            built.append(sender)

        post_init.connect(count)
        try:
            with CaptureQueriesContext(connection) as queries:
                page = list(Paginator(pages.needs_attention(therapist), ATTENTION_PAGE).get_page(1))
        finally:
            post_init.disconnect(count)
        assert len(page) == ATTENTION_PAGE
        assert built.count(RuptureEpisode) <= ATTENTION_PAGE and built.count(Signal) <= ATTENTION_PAGE
        return len(queries)

    caseload_of(therapist, 5)
    small = first_page()
    caseload_of(therapist, 45)
    assert first_page() == small
