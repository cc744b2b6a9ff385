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
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from allianse.clinic import services as clinic_services
from allianse.clinic.models import Patient
from allianse.core.groups import ICD10, ICD11
from allianse.core.measures import check_answers
from allianse.groups import checks, services, signal_store, summaries
from allianse.groups.models import Attendance, GroupSession, MemberCheck, Membership, SessionSummary, TherapyGroup
from allianse.groups.series import ALLIANCE, CLIMATE
from allianse.instruments import registry as instruments
from allianse.ruptures import services as ruptures
from allianse.ruptures.models import EpisodeEvent, Outcome, RuptureEpisode

BORDERLINE = ((ICD10, "F60.31"),)
OTHER_FACTORS = ("universality", "information", "altruism", "family", "socializing", "imitation", "existential")


@dataclass(frozen=True)
class Member:
    description: str
    diagnoses: tuple[tuple[str, str], ...]
    joins: int = 1  # the first session
    leaves: int | None = None  # the last session
    reason: str = ""
    note: str = ""
    cohesion: float = 4.3  # the member's usual level (0-6)
    absent: frozenset[int] = frozenset()  # sessions missed with notice
    withdraws_from: int | None = None  # cohesion falls from here, absences without notice follow
    answers_when_withdrawn: float = 0.55  # the chance of answering a check once withdrawing
    formulation: str = ""
    individual_patient: bool = False  # also in individual therapy with the group's therapist
    language: str = "nb"


@dataclass(frozen=True)
class Event:
    members: tuple[int, ...]  # indexes into the story's members
    what: str
    failure: str
    intervention: str
    note: str = ""


@dataclass(frozen=True)
class Story:
    name: str
    kind: str
    admission: str
    max_size: int
    sessions: int
    days_since_last: int
    factors_every: int
    therapists: tuple[int, int]
    members: tuple[Member, ...]
    themes: tuple[str, ...]
    summaries_from: int
    drafts: int  # the latest this many summaries are drafts
    conflict: frozenset[int] = frozenset()
    events: dict[int, tuple[Event, ...]] = field(default_factory=dict)
    addenda: dict[int, str] = field(default_factory=dict)
    factor_profile: dict[str, float] = field(default_factory=dict)
    highlights: str = ""
    themes_text: str = "Tema medlemmene kom med (der og da): {theme}\nTema i rommet (her og nå): {here_and_now}"


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
    if key == CLIMATE:
        conflict = 4.4 if number in story.conflict else 1.1
        levels = {
            "engagement": cohesion - 0.2 + (0.4 if number in story.conflict else 0.0),
            "avoidance": 2.4 - 0.4 * (cohesion - 4.0),
            "conflict": conflict,
            "cohesion": cohesion,
        }
        return {f"{scale}_{i}": _item(levels[scale], 0, 6, rng) for scale in levels for i in (1, 2, 3)}
    if key == ALLIANCE:
        level = 5.3 + 0.5 * (cohesion - 4.3)
        answers = {item: _item(level, 1, 7, rng) for item in ("goal_1", "goal_2", "task_1", "bond_1", "bond_2")}
        answers["task_2"] = 8 - _item(level, 1, 7, rng)  # reversed item
        withdrawing = bool(member.withdraws_from and number >= member.withdraws_from)
        answers["rupture"] = "no"
        answers["held_back"] = "yes" if withdrawing else "no"
        return answers
    weights = {**dict.fromkeys(OTHER_FACTORS, 3.0), **story.factor_profile}
    growth = 0.02 * (number - member.joins)
    return {name: _item(weight + growth, 1, 5, rng) for name, weight in weights.items()}


def _item(level: float, low: int, high: int, rng: random.Random) -> int:
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


PHASES = (
    "Åpning: Runde der alle sa kort hvordan uka hadde vært. Stille start.\n"
    "Arbeidsfase: Gruppa holdt seg lenge ved ett tema og klarte å utforske det sammen.\n"
    "Avslutning: Terapeutene oppsummerte, alle fikk si ett ord om timen.",
    "Åpning: Sen start fordi to kom for sent; terapeutene tok opp rammene.\n"
    "Arbeidsfase: Vekslende fokus, flere korte fortellinger uten at noen ble utforsket i dybden.\n"
    "Avslutning: Rolig, noen takket for tilbakemeldinger.",
    "Åpning: Et medlem tok raskt ordet og fortalte om en krangel hjemme.\n"
    "Arbeidsfase: Gruppa spurte nysgjerrig; terapeutene hjalp med å identifisere scenen.\n"
    "Avslutning: Kort oppsummering, avtale om å følge opp neste gang.",
)
AGREEMENTS = (
    "Avtalt til neste gang: fortsette med temaet fra i dag.\nFølge opp med et medlem: spørre hvordan uka har vært.",
    "Avtalt til neste gang: ta opp fraværet i gruppa.\nFølge opp med et medlem: ringe dersom hun ikke kommer.",
    "Avtalt til neste gang: ingen særskilte avtaler.\nFølge opp med et medlem: –",
)

# What the therapists wrote at each stage of the withdrawal path: (strategies tried, note).
WITHDRAWAL_NOTES = (
    (
        [],
        "Han sitter lenger ut i ringen, svarer kort og har vært borte uten å melde fra. Samholdet hans har "
        "falt flere ganger på rad, og han sa at han holdt noe tilbake.",
    ),
    (
        ["metacommunication", "acknowledge_own_part"],
        "Tok det opp i gruppa: sa at vi terapeuter har brukt mye tid på konflikten mellom to andre, og kanskje "
        "mistet ham av syne. Han trakk på skuldrene, men ble sittende og lytte.",
    ),
    (
        ["invite_feelings", "validate_reaction"],
        "Samtale med ham før gruppa (se tillegget til referatet fra møte 23). Han sa at det er utrygt når det "
        "krangles, og at ingen ville merket om han ble borte. Vi sa at vi hadde merket det.",
    ),
)
LATE_WITHDRAWAL_NOTES = (
    ([], "Hun har vært stillere siden de nye medlemmene kom, og svarer kort når hun blir spurt."),
    (
        ["metacommunication", "acknowledge_own_part"],
        "Sa i gruppa at vi terapeuter har vært mye opptatt av de nye, og spurte hvordan det har vært for henne. "
        "Hun sa at hun ikke vil være til bry. Vi følger opp neste gang.",
    ),
)
EARLIER_NOTES = (
    (
        ["metacommunication"],
        "Samholdet falt for dette medlemmet. Vi spurte i gruppa hvordan det var å være her nå, og "
        "medlemmet kunne si litt om det.",
    ),
)

PSYCHOEDUCATIONAL = Story(
    name="Psykoedukativ MBT-gruppe, høst",
    kind=TherapyGroup.Kind.PSYCHOEDUCATIONAL,
    admission=TherapyGroup.Admission.CLOSED,
    max_size=10,
    sessions=10,
    days_since_last=1,
    factors_every=6,
    therapists=(0, 1),
    themes=(
        "Temperament og følelser",
        "Hva er mentalisering?",
        "Følelser og hvordan de reguleres",
        "Mentalisering og mentaliserende holdning – hva er det?",
        "Tilknytning",
        "Tilknytning og mentalisering",
        "Personlighet og personlighetsforstyrrelser",
        "Hva er borderline personlighetsforstyrrelse?",
        "Når mentaliseringen svikter: psykisk ekvivalens, late-som og teleologisk modus",
        "Angst, skam og sinne",
    ),
    summaries_from=1,
    drafts=1,
    highlights="4 of 8 current members have a borderline diagnosis, exactly half: not eligible for certification.",
    themes_text="Tema for undervisningen: {theme}\nEksempler medlemmene kom med: {here_and_now}",
    factor_profile={"information": 4.3, "universality": 4.1, "hope": 3.8, "interpersonal_learning": 2.8},
    members=(
        Member(
            "Kvinne, 24 år, student. Raske svingninger i stemningsleie, selvskading i perioder.\n"
            "Søker mye kontakt og blir lett avvist. Motivert for gruppe.",
            BORDERLINE,
            cohesion=4.6,
        ),
        Member(
            "Mann, 31 år, i arbeid. Sinneutbrudd i nære relasjoner, skam etterpå.\n"
            "Skeptisk til gruppe, men vil forstå seg selv bedre.",
            ((ICD10, "F60.3"),),
            cohesion=3.9,
        ),
        Member(
            "Kvinne, 28 år, sykmeldt. Tilbaketrukket, lett overveldet av følelser.\n"
            "Har vanskelig for å snakke i grupper.",
            ((ICD10, "F33.1"),),
            cohesion=3.6,
        ),
        Member("Kvinne, 35 år, to barn. Ustabile relasjoner, sterk frykt for å bli forlatt.", BORDERLINE, cohesion=4.4),
        Member(
            "Mann, 22 år, arbeidsledig. Impulsivitet, rusmisbruk tidligere.\nØnsker struktur og kunnskap.",
            ((ICD10, "F60.30"),),
            cohesion=4.0,
        ),
        Member(
            "Kvinne, 41 år. Langvarig angst og unngåelse, mange avbrutte behandlinger.",
            ((ICD10, "F41.1"),),
            cohesion=4.2,
            absent=frozenset({4}),
        ),
        Member(
            "Mann, 26 år, student. Tomhetsfølelse og ensomhet, vansker med å stole på andre.",
            ((ICD10, "F34.1"),),
            cohesion=4.1,
        ),
        Member("Kvinne, 30 år, i arbeid. Perfeksjonisme og kritisk indre stemme.", ((ICD10, "F32.1"),), cohesion=4.5),
        Member(
            "Kvinne, 29 år. Kom til gruppa fra et annet behandlingssted.",
            BORDERLINE,
            cohesion=4.0,
            leaves=5,
            reason=Membership.EndReason.MOVED,
            note="Flyttet til Bergen; henvist videre.",
        ),
    ),
)

DYNAMIC = Story(
    name="Dynamisk MBT-gruppe, tirsdag",
    kind=TherapyGroup.Kind.DYNAMIC,
    admission=TherapyGroup.Admission.SLOW_OPEN,
    max_size=9,
    sessions=40,
    days_since_last=2,
    factors_every=8,
    therapists=(0, 2),
    themes=(
        "å bli oversett av en venninne",
        "konflikt med sjefen om en vakt",
        "savn etter en avdød bestemor",
        "en krangel med en samboer",
        "å være alene i helgene",
        "mor som ringer for ofte",
        "jobbintervju og frykt for å bli vurdert",
    ),
    summaries_from=20,
    drafts=2,
    highlights="members joined and left, a conflict phase in sessions 21-25, a member withdrew and dropped out "
    "(his rupture episode worked through and closed as dropout) and another is withdrawing now (an open episode "
    "at stage 2); summaries signed (one with an addendum) and two drafts; 5 of 7 with a borderline diagnosis: "
    "eligible.",
    conflict=frozenset(range(21, 26)),
    factor_profile={"interpersonal_learning": 4.2, "cohesion": 4.0, "catharsis": 3.7, "hope": 3.6, "information": 2.6},
    members=(
        Member(
            "Kvinne, 27 år, barnehageassistent. Selvskading og suicidale kriser tidligere.\n"
            "Sterke reaksjoner på avvisning; blir lett sint og angrer etterpå.\n"
            "Har gått i psykoedukativ gruppe. Også i individualterapi.",
            ((ICD10, "F60.31"),),
            cohesion=4.2,
            individual_patient=True,
            formulation="Hovedmønster: når hun opplever seg oversett, blir følelsen av å være verdiløs sann "
            "(psykisk ekvivalens), og hun angriper før hun selv blir avvist. I gruppa viser det seg når "
            "andre får oppmerksomhet. Mål: stoppe opp, sette ord på følelsen og undersøke hva de andre "
            "faktisk mente.",
        ),
        Member(
            "Mann, 34 år, snekker. Eksplosivt sinne, har mistet flere jobber.\n"
            "Snakker gjerne om andre, sjeldnere om seg selv.",
            ((ICD11, "6D10.1&6D11.5"),),
            cohesion=4.0,
        ),
        Member(
            "Kvinne, 45 år, sykepleier. Tilbakevendende depresjon, lite borderlineproblematikk.\n"
            "Tar ofte en omsorgsrolle i gruppa.",
            ((ICD10, "F33.1"),),
            cohesion=4.8,
            leaves=16,
            reason=Membership.EndReason.COMPLETED,
            note="Avsluttet etter plan.",
        ),
        Member(
            "Kvinne, 23 år, student. Ustabilt selvbilde, kaotiske relasjoner.\n"
            "Intellektualiserer når det blir vanskelig (late-som-modus).",
            ((ICD10, "F60.3"),),
            cohesion=4.1,
            absent=frozenset({9, 31}),
        ),
        Member(
            "Mann, 29 år, lagerarbeider. Trakk seg unna venner det siste året.\nUsikker på om gruppe er noe for ham.",
            ((ICD10, "F60.31"),),
            cohesion=4.0,
            withdraws_from=22,
            leaves=28,
            reason=Membership.EndReason.DROPPED_OUT,
            note="Kom ikke tilbake etter konfliktfasen; svarte ikke på telefon.",
        ),
        Member(
            "Kvinne, 38 år, frisør. Kronisk tomhetsfølelse og impulsivitet.\nMye skam knyttet til oppveksten.",
            ((ICD11, "6D10.2&6D11.5"),),
            cohesion=4.3,
            leaves=12,
            reason=Membership.EndReason.MOVED,
            note="Flyttet til Trondheim.",
        ),
        Member(
            "Mann, 25 år, butikkansatt. Unnvikende, mye angst i sosiale situasjoner.",
            ((ICD10, "F40.1"),),
            cohesion=3.8,
            individual_patient=True,
            language="en",
        ),
        Member(
            "Kvinne, 32 år, lærer. Intense, korte forelskelser og brudd; selvskading i perioder.",
            ((ICD10, "F60.31"),),
            joins=18,
            cohesion=3.9,
            withdraws_from=34,
            answers_when_withdrawn=0.93,  # she still answers; her answers show it
        ),
        Member(
            "Kvinne, 26 år. Henvist fra DPS etter innleggelse. Mye mistillit til behandlere.",
            ((ICD10, "F60.3"),),
            joins=30,
            cohesion=3.7,
        ),
        Member(
            "Mann, 40 år, ufør. Tilbakevendende depresjon og misbruk i remisjon.",
            ((ICD10, "F33.2"),),
            joins=33,
            cohesion=3.9,
        ),
    ),
    events={
        21: (
            Event(
                (0, 4),
                "Hun ble sint da han kom 20 minutter for sent, og sa at han 'ikke bryr seg om gruppa'. "
                "Han ble taus resten av timen.",
                "psychic_equivalence",
                "stop_and_rewind",
                "Vi stoppet og gikk tilbake til øyeblikket før hun ble sint; hun kunne etter hvert si at hun ble redd "
                "for at gruppa skulle gå i oppløsning.",
            ),
        ),
        22: (
            Event(
                (1,),
                "Han forklarte lenge og abstrakt hvorfor konflikter 'alltid handler om barndommen', uten å "
                "kjenne på noe selv.",
                "pretend_mode",
                "focus_on_affect",
                "Spurte hva han kjente akkurat nå; han ble usikker, men mindre belærende.",
            ),
        ),
        23: (
            Event(
                (0, 1),
                "De to beskyldte hverandre for å ta over gruppa. Resten av gruppa ble stille.",
                "psychic_equivalence",
                "regulate_arousal",
                "Senket tempoet, snakket om hvor høyt spenningsnivået var, og inviterte de stille inn.",
            ),
            Event(
                (4,),
                "Han sa at han vurderer å slutte fordi 'det ikke er noe poeng'.",
                "teleological",
                "explore",
                "Spurte nysgjerrig hva som skulle til for at det ble et poeng; han ville ikke si mer.",
            ),
        ),
        24: (
            Event(
                (0, 3),
                "Den ene forsvarte den andre ved å si at hun 'bare er sånn'; hun følte seg gjort mindre.",
                "psychic_equivalence",
                "challenge",
            ),
        ),
        25: (
            Event(
                (0, 1),
                "De to klarte å snakke om forrige ukes krangel og hva de hver for seg hadde tenkt.",
                "unclear",
                "acknowledge",
                "Roste at de kunne se saken fra hverandres side.",
            ),
        ),
        34: (
            Event(
                (7, 8),
                "Det nye medlemmet spurte om gruppa 'snakker om meg når jeg ikke er her'.",
                "teleological",
                "relationship",
                "Snakket om hvordan det er å være ny, og om terapeutenes ansvar for rammene.",
            ),
        ),
    },
    addenda={
        23: "Tillegg: Medlemmet som ville slutte, ringte dagen etter og sa at han vil komme neste gang. "
        "Terapeutene avtalte en samtale med ham før gruppa.",
    },
)
