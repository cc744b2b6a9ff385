"""Demo groups: a psychoeducational MBT group and a dynamic MBT-G group with a year of history.

The dynamic group is slow-open: members join and leave (one completes, one moves, one withdraws
and drops out after repeated absences), it goes through a conflict phase, and its therapists write
summaries with interpersonal events (signed ones, an addendum, and drafts). Five of its seven
current members have a borderline diagnosis (eligible for certification); the psychoeducational
group has four of eight, exactly half, which is not a majority. Texts are in Norwegian, as the
therapists of a Norwegian clinic would write them.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from allianse.clinic import services as clinic_services
from allianse.clinic.models import Patient
from allianse.core.measures import check_answers, roles
from allianse.groups import checks, services, signal_store, summaries
from allianse.groups.models import Attendance, GroupSession, MemberCheck, Membership, SessionSummary, TherapyGroup
from allianse.groups.series import ALLIANCE, CLIMATE, FACTORS
from allianse.instruments import registry as instruments
from allianse.ruptures import services as ruptures
from allianse.ruptures.models import EpisodeEvent, Outcome, RuptureEpisode

from .clinic import alliance_answers
from .group_stories import (
    AGREEMENTS,
    DYNAMIC,
    EARLIER_NOTES,
    LATE_WITHDRAWAL_NOTES,
    OTHER_FACTORS,
    PHASES,
    PSYCHOEDUCATIONAL,
    WITHDRAWAL_NOTES,
    Member,
    Story,
)


def build(context) -> None:
    """Build both demo groups, led by the demo therapists (context.therapists)."""
    patients = [treatment.patient for treatment in context.treatments[:6:3]]
    for story in (PSYCHOEDUCATIONAL, DYNAMIC):
        group = _build_group(context, story, list(patients) if story is DYNAMIC else [])
        leaders = " and ".join(sorted(therapist.username for therapist in group.therapists.all()))
        context.say(f"Group '{group.name}' ({leaders}, under My groups): {story.sessions} sessions; {story.highlights}")


@transaction.atomic
def _build_group(context, story: Story, individual_patients: list[Patient]) -> TherapyGroup:
    rng = context.rng
    lead, co = (context.therapists[index] for index in story.therapists)
    first = _session_start(context.now, story, 1)
    group = services.create_group(
        therapist=lead,
        co_therapist=co,
        name=story.name,
        kind=story.kind,
        cadence=TherapyGroup.Cadence.WEEKLY,
        duration_minutes=90,
        admission=story.admission,
        max_size=story.max_size,
        started_on=timezone.localtime(first).date(),
        factors_every=story.factors_every,
    )
    memberships: dict[int, Membership] = {}
    for number in range(1, story.sessions + 1):
        starts_at = _session_start(context.now, story, number)
        day = timezone.localtime(starts_at).date()
        for index, member in enumerate(story.members):
            if member.joins == number:
                patient = individual_patients.pop(0) if member.individual_patient and individual_patients else None
                memberships[index] = _join(group, lead, member, day, patient)
        session = _session(group, story, number, starts_at, memberships, rng)
        for index, member in enumerate(story.members):
            if member.leaves == number:
                services.end_membership(
                    membership=memberships[index], by=lead, ended_on=day, reason=member.reason, note=member.note
                )
        _answers(session, story, memberships, lead, rng, last=number == story.sessions)
        if number >= story.summaries_from:
            _summary(session, story, memberships, (lead, co), rng, draft=number > story.sessions - story.drafts)
    signal_store.refresh_group_signals(group=group)
    _work_episodes(story, memberships, (lead, co))
    return group


def _work_episodes(story: Story, memberships: dict[int, Membership], therapists) -> None:
    """The therapists work through the rupture episodes the signals opened with members.

    The withdrawing members' episodes follow their story: worked through stage by stage with notes,
    and closed as dropout when the member dropped out; one still open. Earlier episodes (a dip in
    the conflict phase, a member who has left) were explored in the group and closed; the newest
    ones are left open for needs attention.
    """
    withdrawing = {
        memberships[index].pk: member
        for index, member in enumerate(story.members)
        if member.withdraws_from and index in memberships
    }
    sessions = {session.number: session.starts_at for session in memberships[0].group.sessions.all()}
    episodes = RuptureEpisode.objects.filter(membership__in=memberships.values()).select_related(
        "membership", "first_group_session", "last_group_session"
    )
    for index, episode in enumerate(episodes.order_by("first_group_session__number", "id")):
        _date_history(episode, sessions)
        member, last = withdrawing.get(episode.membership_id), episode.last_group_session.number
        by = therapists[index % 2]
        if member and last >= member.withdraws_from:
            _notes(episode, WITHDRAWAL_NOTES if member.leaves else LATE_WITHDRAWAL_NOTES, by, sessions)
            if member.leaves:
                _close(episode, Outcome.DROPOUT, by, sessions[member.leaves])
        elif last < story.sessions - 4 or not episode.membership.is_current:
            _notes(episode, EARLIER_NOTES, by, sessions)
            outcome = Outcome.PARTLY if index % 3 == 2 else Outcome.RESOLVED
            _close(episode, outcome, by, sessions[min(last + 1, story.sessions)])


def _date_history(episode: RuptureEpisode, sessions: dict[int, datetime]) -> None:
    """The signals were computed at once at the end; date the episode as if they arrived session by session."""
    RuptureEpisode.objects.filter(pk=episode.pk).update(
        opened_at=sessions[episode.first_group_session.number] + timedelta(hours=2)
    )
    for event in episode.events.all():
        EpisodeEvent.objects.filter(pk=event.pk).update(at=sessions[event.data["session"]] + timedelta(hours=2))


def _notes(episode: RuptureEpisode, notes, by, sessions: dict[int, datetime]) -> None:
    """A note per stage, one session apart from the episode's first session, moving on after each."""
    for stage, (strategies, text) in enumerate(notes, start=1):
        at = sessions[min(episode.first_group_session.number + stage, max(sessions))] + timedelta(hours=3)
        ruptures.add_note(
            episode=episode, by=by, stage=stage, strategies=strategies, text=text, advance=stage < len(notes), at=at
        )


def _close(episode: RuptureEpisode, outcome: str, by, when: datetime) -> None:
    ruptures.close_episode(episode=episode, by=by, outcome=outcome, at=when + timedelta(hours=4))


def _session_start(now: datetime, story: Story, number: int) -> datetime:
    weeks_back = story.sessions - number
    local = timezone.localtime(now) - timedelta(days=story.days_since_last + 7 * weeks_back)
    return local.replace(hour=12, minute=30, second=0, microsecond=0)


def _join(group: TherapyGroup, by, member: Member, day, patient: Patient | None) -> Membership:
    if patient is None:
        patient = Patient.objects.create(language=member.language)
    membership = services.add_member(
        group=group, by=by, started_on=day, patient=patient, description=member.description
    )
    if member.formulation:
        services.update_member_profile(
            membership=membership, by=by, description=member.description, case_formulation=member.formulation
        )
    for system, code in member.diagnoses:
        clinic_services.record_diagnosis(patient=patient, by=by, system=system, code=code)
    return membership


def _session(group, story: Story, number: int, starts_at, memberships, rng: random.Random) -> GroupSession:
    attendance = {}
    for index, membership in memberships.items():
        member = story.members[index]
        if not membership.is_current and membership.ended_on < timezone.localtime(starts_at).date():
            continue
        attendance[membership.pk] = _attendance(member, number, rng)
    therapists = list(group.therapists.all())
    present = therapists if number % 11 else therapists[:1]  # now and then a co-therapist is away
    return services.add_session(group=group, starts_at=starts_at, therapists_present=present, attendance=attendance)


def _attendance(member: Member, number: int, rng: random.Random) -> str:
    if number in member.absent:
        return Attendance.Status.ABSENT_NOTICE
    if member.withdraws_from and number > member.withdraws_from + 2 and number % 2 == (member.leaves or 0) % 2:
        return Attendance.Status.ABSENT_NO_NOTICE
    if rng.random() < 0.04:
        return Attendance.Status.ABSENT_NOTICE
    return Attendance.Status.PRESENT


def _answers(session: GroupSession, story: Story, memberships, by, rng: random.Random, *, last: bool) -> None:
    """The present members answer through their links; in the latest session not all have yet."""
    index_of = {membership.pk: index for index, membership in memberships.items()}
    link_hours = settings.CHECK_LINK_HOURS
    for check in checks.issue_member_checks(session=session, by=by):
        member = story.members[index_of[check.membership_id]]
        level = _cohesion(story, member, session.number, rng)
        for key in check.instrument_keys:
            if rng.random() > _answer_chance(member, session.number, last):
                continue
            answers = _instrument_answers(key, story, member, level, session.number, rng)
            checked = check_answers(instruments.get(key), answers)
            submitted_at = session.starts_at + timedelta(minutes=100 + rng.randint(0, 600))
            checks.store_member_response(
                check=check, instrument_key=key, checked=checked, submitted_at=submitted_at, refresh_signals=False
            )
    if not last:
        MemberCheck.objects.filter(session=session).update(expires_at=session.starts_at + timedelta(hours=link_hours))


def _answer_chance(member: Member, number: int, last: bool) -> float:
    if last:
        return 0.5
    if member.withdraws_from and number >= member.withdraws_from:
        return member.answers_when_withdrawn
    return 0.93


def _cohesion(story: Story, member: Member, number: int, rng: random.Random) -> float:
    level = member.cohesion + 0.025 * (number - member.joins)
    if number in story.conflict:
        level -= 0.9
    if member.withdraws_from and number >= member.withdraws_from:
        level -= 0.45 * (number - member.withdraws_from + 1)
    return min(6.0, max(0.0, level + rng.gauss(0, 0.25)))


def _instrument_answers(key: str, story, member, cohesion: float, number: int, rng: random.Random) -> dict:
    instrument = instruments.get(key)
    if key == CLIMATE:
        levels = {
            "engagement": cohesion - 0.2 + (0.4 if number in story.conflict else 0.0),
            "avoidance": 2.4 - 0.4 * (cohesion - 4.0),
            instrument.score_with_role(roles.CONFLICT).id: 4.4 if number in story.conflict else 1.1,
            instrument.score_with_role(roles.COHESION).id: cohesion,
        }
        return {
            item: _item(instrument, item, level, rng)
            for score, level in levels.items()
            for item in instrument.score(score).items
        }
    if key == ALLIANCE:
        answers = alliance_answers(instrument, 5.3 + 0.5 * (cohesion - 4.3), rng, spread=0.45)
        withdrawing = bool(member.withdraws_from and number >= member.withdraws_from)
        answers[instrument.item_with_role(roles.RUPTURE).id] = "no"
        answers[instrument.item_with_role(roles.HELD_BACK).id] = "yes" if withdrawing else "no"
        return answers
    weights = {**dict.fromkeys(OTHER_FACTORS, 3.0), **story.factor_profile}
    growth = 0.02 * (number - member.joins)
    factors = instruments.get(FACTORS)
    return {name: _item(factors, name, weight + growth, rng) for name, weight in weights.items()}


def _item(instrument, item_id: str, level: float, rng: random.Random) -> int:
    """An answer near `level`, within the item's scale."""
    low, high = instrument.item(item_id).bounds
    return min(high, max(low, round(level + rng.gauss(0, 0.45))))


def _summary(session, story: Story, memberships, therapists, rng: random.Random, *, draft: bool) -> None:
    writer, signer = therapists if session.number % 2 else therapists[::-1]
    summary = summaries.start_summary(session=session, by=writer, language="nb")
    theme = story.themes[(session.number - 1) % len(story.themes)]
    summaries.update_summary(
        summary=summary,
        by=signer,
        themes=story.themes_text.format(theme=theme, here_and_now=_here_and_now(story, session)),
        phases=PHASES[rng.randrange(len(PHASES))],
        agreements=AGREEMENTS[rng.randrange(len(AGREEMENTS))],
    )
    for event in story.events.get(session.number, ()):
        summaries.save_event(
            summary=summary,
            by=writer,
            members=[memberships[index] for index in event.members if index in memberships],
            what_happened=event.what,
            failure=event.failure,
            intervention=event.intervention,
            intervention_note=event.note,
        )
    written_at = session.starts_at + timedelta(hours=2)
    if draft:
        SessionSummary.objects.filter(pk=summary.pk).update(written_at=written_at, updated_at=written_at)
        return
    summaries.sign_summary(summary=summary, by=signer)
    signed_at = session.starts_at + timedelta(days=1, hours=1)
    SessionSummary.objects.filter(pk=summary.pk).update(
        written_at=written_at, updated_at=written_at, signed_at=signed_at
    )
    if session.number in story.addenda:
        addendum = summaries.add_addendum(summary=summary, by=writer, text=story.addenda[session.number])
        addendum.written_at = signed_at + timedelta(days=1)
        addendum.save(update_fields=["written_at"])


def _here_and_now(story: Story, session) -> str:
    if session.number in story.conflict:
        return "irritasjon og mistillit i gruppa; hvem bryr seg egentlig om hvem?"
    if story.kind == TherapyGroup.Kind.PSYCHOEDUCATIONAL:
        return "situasjoner fra uka der følelsene tok over"
    return "hvordan det var å si noe personlig her i dag"
