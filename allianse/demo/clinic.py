"""Demo clinic: three therapists and fourteen patients whose alliance series look real.

Series follow the patterns the rupture literature describes (docs/methods.md): most stable or
improving; withdrawal ruptures that dip and recover (V-shape, Stiles et al. 2004); a
confrontation rupture; one unrepaired rupture ending in dropout; patients who rate higher than
their therapist and the reverse.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.models import Group
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from allianse.accounts.models import Role, User
from allianse.clinic.models import Patient, Session, Treatment
from allianse.core.measures import Instrument, check_answers, roles
from allianse.feedback.models import Administration, Respondent
from allianse.feedback.services import PATIENT_CHECK, THERAPIST_CHECK, store_response
from allianse.instruments import registry as instruments

DEMO_PASSWORD = "allianse-demo"


@dataclass
class DemoContext:
    now: datetime
    rng: random.Random
    therapists: list[User] = field(default_factory=list)
    administrator: User | None = None
    treatments: list[Treatment] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def say(self, line: str) -> None:
        self.lines.append(line)


@dataclass(frozen=True)
class Story:
    """One patient's course: the patient's alliance level per session, with events."""

    sessions: int
    start: float
    trend: float
    therapist_offset: float
    dips: dict[int, float] = field(default_factory=dict)  # session -> depth of a dip
    confrontation: frozenset[int] = frozenset()
    withdrawal: frozenset[int] = frozenset()
    held_back: frozenset[int] = frozenset()
    missed: frozenset[int] = frozenset()
    dropout_after: int | None = None


STORIES = [
    Story(24, 4.6, 0.06, -0.2),
    Story(18, 5.2, 0.02, 0.1),
    Story(20, 4.8, 0.05, -0.4, dips={8: 2.2, 9: 1.0}, withdrawal=frozenset({8}), held_back=frozenset({7, 8})),
    Story(16, 5.0, 0.03, 0.0, dips={6: 2.0}, confrontation=frozenset({6}), missed=frozenset({7})),
    Story(
        12,
        4.4,
        -0.05,
        0.3,
        dips={9: 1.8, 10: 2.2, 11: 2.4, 12: 2.4},
        withdrawal=frozenset({9, 10}),
        held_back=frozenset({9, 10, 11}),
        missed=frozenset({12}),
        dropout_after=12,
    ),
    Story(30, 5.8, 0.01, -1.3),  # patient rates higher than the therapist
    Story(22, 3.9, 0.04, 1.2),  # therapist rates higher than the patient
    Story(14, 5.4, 0.0, -0.1, dips={10: 1.6}, withdrawal=frozenset({10}), held_back=frozenset({10})),
    Story(10, 4.9, 0.08, 0.0),
    Story(8, 5.5, 0.03, -0.3),
    Story(26, 4.2, 0.07, 0.2, dips={5: 1.9, 14: 2.1}, confrontation=frozenset({14}), withdrawal=frozenset({5})),
    Story(19, 5.1, 0.0, 0.0, held_back=frozenset({12})),
    Story(9, 3.3, -0.02, 0.0, dips={7: 0.8}),  # low and flat from the start: concern band, weak early alliance
    Story(15, 4.7, 0.05, -0.6),
]


def create_staff(context: DemoContext) -> None:
    names = [("therapist1", "Ingrid", "Berg"), ("therapist2", "Jonas", "Haug"), ("therapist3", "Amina", "Rahimi")]
    context.therapists = [demo_user(username, Role.THERAPIST, first, last) for username, first, last in names]
    context.administrator = demo_user("admin", Role.ADMINISTRATOR, "Kari", "Lund", superuser=True)


def demo_user(username: str, role: str, first: str, last: str, *, superuser: bool = False) -> User:
    user = User.objects.create_user(
        username=username,
        password=DEMO_PASSWORD,
        first_name=first,
        last_name=last,
        email=f"{username}@example.org",
        is_demo=True,
        is_staff=superuser,
        is_superuser=superuser,
    )
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return user


def build(context: DemoContext) -> None:
    create_staff(context)
    for index, story in enumerate(STORIES):
        therapists = [context.therapists[index % 3]]
        if index == 1:
            therapists.append(context.therapists[1])
        context.treatments.append(add_treatment(context, story, therapists))


@transaction.atomic
def add_treatment(context: DemoContext, story: Story, therapists: list[User]) -> Treatment:
    rng = context.rng
    start = context.now - timedelta(weeks=story.sessions + 1)
    patient = Patient.objects.create(language="en" if rng.random() < 0.2 else "nb")
    treatment = Treatment.objects.create(patient=patient, started_on=start.date())
    treatment.therapists.set(therapists)
    for number in range(1, story.sessions + 1):
        attended = number not in story.missed
        session = Session.objects.create(
            treatment=treatment,
            number=number,
            attended=attended,
            starts_at=(start + timedelta(weeks=number)).replace(hour=10, minute=0),
        )
        if attended and rng.random() > 0.06:
            _answer(session, PATIENT_CHECK, _patient_answers(story, number, rng), therapists[0])
        if attended and rng.random() > 0.15:
            _answer(session, THERAPIST_CHECK, _therapist_answers(story, number, rng), therapists[0])
    if story.dropout_after:
        treatment.ended_on = (start + timedelta(weeks=story.dropout_after + 1)).date()
        treatment.end_reason = Treatment.EndReason.DROPOUT
        treatment.save(update_fields=["ended_on", "end_reason"])
    return treatment


def _level(story: Story, number: int, rng: random.Random, offset: float = 0.0) -> float:
    instrument = instruments.get(PATIENT_CHECK)
    low, high = instrument.score_range(instrument.score_with_role(roles.ALLIANCE))
    value = story.start + story.trend * number - story.dips.get(number, 0.0) + offset + rng.gauss(0, 0.25)
    return min(high, max(low, value))


def alliance_answers(instrument: Instrument, level: float, rng: random.Random, spread: float = 0.5) -> dict[str, int]:
    """Answers near `level` to the items of the alliance score, a reversed item answered the other
    way round (min + max - value) so that it scores near `level` too."""
    answers = {}
    for item in map(instrument.item, instrument.score_with_role(roles.ALLIANCE).items):
        value = min(item.max, max(item.min, round(level + rng.gauss(0, spread))))
        answers[item.id] = item.min + item.max - value if item.reversed else value
    return answers


def _patient_answers(story: Story, number: int, rng: random.Random) -> dict:
    instrument = instruments.get(PATIENT_CHECK)
    rupture, intensity, resolution, held_back = (
        instrument.item_with_role(role).id
        for role in (roles.RUPTURE, roles.RUPTURE_INTENSITY, roles.RUPTURE_RESOLUTION, roles.HELD_BACK)
    )
    answers = alliance_answers(instrument, _level(story, number, rng), rng)
    noticed = number in story.withdrawal or number in story.confrontation
    answers[rupture] = noticed and (number in story.confrontation or rng.random() < 0.5)
    if answers[rupture]:
        answers[intensity] = rng.randint(3, 5)
        answers[resolution] = rng.randint(1, 3)
    answers[held_back] = number in story.held_back
    return answers


def _therapist_answers(story: Story, number: int, rng: random.Random) -> dict:
    instrument = instruments.get(THERAPIST_CHECK)
    answers = alliance_answers(instrument, _level(story, number, rng, story.therapist_offset), rng)
    noticed = number in story.confrontation or (number in story.withdrawal and rng.random() < 0.4)
    answers[instrument.item_with_role(roles.RUPTURE).id] = noticed
    if noticed:
        kind = "confrontation" if number in story.confrontation else "withdrawal"
        answers[instrument.item_with_role(roles.RUPTURE_KIND).id] = kind
        answers[instrument.item_with_role(roles.RUPTURE_INTENSITY).id] = rng.randint(2, 4)
        answers[instrument.item_with_role(roles.RUPTURE_RESOLUTION).id] = rng.randint(2, 4)
        if kind == "confrontation":
            marker_role, marker = roles.CONFRONTATION_MARKERS, "complaints_about_therapist"
        else:
            marker_role, marker = roles.WITHDRAWAL_MARKERS, "minimal_response"
        answers[instrument.item_with_role(marker_role).id] = [marker]
    return answers


def _answer(session: Session, key: str, answers: dict, therapist: User) -> None:
    respondent = Respondent.PATIENT if key == PATIENT_CHECK else Respondent.THERAPIST
    administration = Administration.objects.create(
        session=session,
        patient=session.treatment.patient if respondent == Respondent.PATIENT else None,
        instrument_key=key,
        respondent=respondent,
        created_by=therapist,
        expires_at=session.starts_at + timedelta(hours=72),
    )
    checked = check_answers(instruments.get(key), answers)
    if not checked.is_valid:
        raise ValueError(f"demo answers do not fit {key}: {checked.errors}")
    store_response(
        administration,
        checked,
        submitted_at=session.starts_at + timedelta(hours=1),
        submitted_by=therapist if respondent == Respondent.THERAPIST else None,
    )
