"""The data set of `python -m bench scale`: a clinic of a health trust's size, written in bulk.

Size S is 30 therapists with 2,000 treatments of 16 to 46 sessions (31 on average) each, a patient's
and a therapist's check on most sessions, and an audit log of 500,000 rows; size L is ten times S
(300 therapists, 20,000 treatments, about 620,000 sessions, 5,000,000 audit rows). Answers come from
a fixed pool of checked and scored answer sets (the product's own scoring), chosen by a random
walk of each treatment's alliance so that drops, ruptures and absences give the signal rules work.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

SIZES = {"S": 1, "L": 10}
SEED = 20261129


@dataclass(frozen=True)
class Size:
    therapists: int
    treatments: int
    audit_rows: int

    @classmethod
    def named(cls, name: str) -> Size:
        factor = SIZES[name]
        return cls(therapists=30 * factor, treatments=2000 * factor, audit_rows=500_000 * factor)


def build(name: str, log=print) -> dict[str, int]:
    """Writes the data set into the (migrated, empty) database and returns what it holds."""
    from django.db import connection, transaction

    size = Size.named(name)
    rng = random.Random(SEED)
    staff = create_staff(size)
    pool = AnswerPool()
    for start in range(0, size.treatments, 500):
        with transaction.atomic():
            _treatments(staff["therapists"], range(start, min(start + 500, size.treatments)), pool, rng)
        log(f"  treatments {min(start + 500, size.treatments)}/{size.treatments}")
    _audit_rows(size, staff)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    return counts()


def counts() -> dict[str, int]:
    from allianse.accounts.models import AuditEvent
    from allianse.clinic.models import Session, Treatment
    from allianse.feedback.models import Response

    return {
        "treatments": Treatment.objects.count(),
        "sessions": Session.objects.count(),
        "responses": Response.objects.count(),
        "audit_rows": AuditEvent.objects.count(),
    }


def create_staff(size: Size) -> dict:
    """The therapists of `size` and an administrator, each with their role and a confirmed second
    factor: {"therapists": [...], "administrator": user}."""
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from allianse.accounts.models import Role, User

    groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}
    password = User(username="x")
    password.set_password("correct horse battery staple")
    users = User.objects.bulk_create(
        [User(username=f"therapist{i:04d}", password=password.password) for i in range(size.therapists)]
        + [User(username="administrator", password=password.password)]
    )
    therapists, administrator = users[:-1], users[-1]
    Group.user_set.through.objects.bulk_create(
        [Group.user_set.through(user=user, group=groups[Role.THERAPIST]) for user in therapists]
        + [Group.user_set.through(user=administrator, group=groups[Role.ADMINISTRATOR])]
    )
    TOTPDevice.objects.bulk_create(TOTPDevice(user=user, name="authenticator", confirmed=True) for user in users)
    return {"therapists": therapists, "administrator": administrator}


class AnswerPool:
    """Checked and scored answers of the patient's and therapist's checks at each alliance level,
    with and without a reported rupture, scored once and reused."""

    def __init__(self) -> None:
        from allianse.core.measures import check_answers, roles
        from allianse.demo.clinic import alliance_answers
        from allianse.feedback.services import PATIENT_CHECK, THERAPIST_CHECK
        from allianse.instruments import registry as instruments
        from allianse.instruments.links import scored_fields

        rng = random.Random(SEED)
        self.patient: dict[tuple[int, bool], list[dict]] = {}
        self.therapist: dict[tuple[int, bool], list[dict]] = {}
        for key, target in ((PATIENT_CHECK, self.patient), (THERAPIST_CHECK, self.therapist)):
            instrument = instruments.get(key)
            rupture = instrument.item_with_role(roles.RUPTURE).id
            intensity = instrument.item_with_role(roles.RUPTURE_INTENSITY).id
            resolution = instrument.item_with_role(roles.RUPTURE_RESOLUTION).id
            for level in range(1, 8):
                for ruptured in (False, True):
                    variants = []
                    for _ in range(4):
                        answers = {**alliance_answers(instrument, level, rng), rupture: ruptured}
                        if ruptured:
                            answers[intensity] = rng.randint(2, 5)
                            answers[resolution] = rng.randint(1, 4)
                        if key == PATIENT_CHECK:
                            answers[instrument.item_with_role(roles.HELD_BACK).id] = rng.random() < 0.1
                        else:
                            answers[instrument.item_with_role(roles.RUPTURE_KIND).id] = (
                                rng.choice(["withdrawal", "confrontation"]) if ruptured else None
                            )
                        answers = {k: v for k, v in answers.items() if v is not None}
                        checked = check_answers(instrument, answers)
                        assert checked.is_valid, checked.errors
                        variants.append(scored_fields(instrument, checked))
                    target[(level, ruptured)] = variants


def _treatments(therapists, numbers: range, pool: AnswerPool, rng: random.Random) -> None:
    from django.utils import timezone

    from allianse.clinic.models import Patient, Session, Treatment
    from allianse.feedback.models import Administration, Respondent, Response
    from allianse.feedback.services import PATIENT_CHECK, THERAPIST_CHECK

    now = timezone.now()
    patients = Patient.objects.bulk_create(Patient(code=f"B{n:07d}", language="nb") for n in numbers)
    lengths = {n: rng.randint(16, 46) for n in numbers}
    treatments = Treatment.objects.bulk_create(
        Treatment(
            patient=patient,
            started_on=(now - timedelta(days=7 * lengths[n] + 7)).date(),
            ended_on=(now - timedelta(days=3)).date() if rng.random() < 0.1 else None,
            end_reason=Treatment.EndReason.COMPLETED,
        )
        for n, patient in zip(numbers, patients, strict=True)
    )
    owners = {t.pk: therapists[n % len(therapists)] for n, t in zip(numbers, treatments, strict=True)}
    Treatment.therapists.through.objects.bulk_create(
        Treatment.therapists.through(treatment=t, user=owners[t.pk]) for t in treatments
    )
    sessions = Session.objects.bulk_create(
        Session(
            treatment=t,
            number=number,
            starts_at=now - timedelta(days=7 * (lengths[n] - number) + 1),
            attended=rng.random() > 0.08,
        )
        for n, t in zip(numbers, treatments, strict=True)
        for number in range(1, lengths[n] + 1)
    )
    links, answers = [], []
    level = {}
    for session in sessions:
        walk = level.get(session.treatment_id, rng.uniform(4.5, 6.5))
        walk = min(7.0, max(1.0, walk + rng.gauss(0, 0.6) - (1.5 if rng.random() < 0.05 else 0)))
        level[session.treatment_id] = walk + (5.5 - walk) * 0.2
        if not session.attended:
            continue
        therapist = owners[session.treatment_id]
        patient_link = Administration(
            session=session,
            patient_id=session.treatment.patient_id,
            instrument_key=PATIENT_CHECK,
            respondent=Respondent.PATIENT,
            created_by=therapist,
            expires_at=session.starts_at + timedelta(hours=72),
        )
        links.append(patient_link)
        ruptured = rng.random() < 0.07
        if rng.random() < 0.85:
            answers.append((patient_link, Respondent.PATIENT, None, pool.patient, round(walk), ruptured))
        if rng.random() < 0.75:
            therapist_link = Administration(
                session=session,
                instrument_key=THERAPIST_CHECK,
                respondent=Respondent.THERAPIST,
                created_by=therapist,
                expires_at=session.starts_at + timedelta(hours=72),
            )
            links.append(therapist_link)
            answers.append((therapist_link, Respondent.THERAPIST, therapist, pool.therapist, round(walk), ruptured))
    Administration.objects.bulk_create(links, batch_size=5000)
    Response.objects.bulk_create(
        (
            Response(
                administration=link,
                session=link.session,
                respondent=respondent,
                submitted_by=by,
                **{**rng.choice(table[(lvl, ruptured)]), "submitted_at": link.session.starts_at + timedelta(hours=1)},
            )
            for link, respondent, by, table, lvl, ruptured in answers
        ),
        batch_size=5000,
    )


def _audit_rows(size: Size, staff: dict) -> None:
    """The audit log a trust writes in some months: views, submissions and exports spread over
    180 days, most about one patient. On PostgreSQL written by the server itself (generate_series)."""
    from django.db import connection

    from allianse.accounts.models import AuditEvent
    from allianse.clinic.models import Patient

    first_patient = Patient.objects.order_by("pk").values_list("pk", flat=True).first()
    patients = Patient.objects.count()
    therapists = [user.pk for user in staff["therapists"]]
    table = AuditEvent._meta.db_table
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {table} (at, actor_id, action, object_type, object_id, patient_id, detail, ip_address,
                    request_id)
                SELECT now() - (i * interval '180 days' / %(rows)s), %(first_actor)s + (i %% %(actors)s),
                       (ARRAY['view','view','view','submit','export'])[1 + i %% 5], 'Patient', '',
                       %(first_patient)s + (i::bigint * 7919) %% %(patients)s, 'patient page', '10.0.0.1',
                       md5(i::text)::uuid
                FROM generate_series(1, %(rows)s) AS i""",
            {
                "rows": size.audit_rows,
                "first_actor": min(therapists),
                "actors": len(therapists),
                "first_patient": first_patient,
                "patients": patients,
            },
        )
