"""Workflows of the clinic app."""

from __future__ import annotations

from django.db import transaction

from allianse.core.groups import normalise_code

from . import events
from .models import Diagnosis, Patient, Session, Treatment


def register_patient(*, therapist, name: str, language: str, started_on, approach=None) -> Treatment:
    with transaction.atomic():
        patient = Patient.objects.create(name=name, language=language)
        treatment = Treatment.objects.create(patient=patient, started_on=started_on, approach=approach)
        treatment.therapists.add(therapist)
    return treatment


def add_session(*, treatment: Treatment, starts_at, attended: bool) -> Session:
    """The next session. A missed one is announced (`events.session_missed`) inside the transaction
    that stores it: it may be an absence after a rupture, which the apps above (rupture signals)
    enqueue as work in that transaction, as for a check."""
    with transaction.atomic():
        Treatment.objects.select_for_update().filter(pk=treatment.pk).first()
        session = Session.objects.create(
            treatment=treatment, number=treatment.next_session_number(), starts_at=starts_at, attended=attended
        )
        if not attended:
            events.session_missed.send(Session, session=session)
    return session


class AlreadyEnded(Exception):
    """The treatment has ended already: its end stays as recorded."""


def end_treatment(*, treatment: Treatment, ended_on, reason: str) -> Treatment:
    """End a running treatment on `ended_on` for one of `EndReason`. Announced
    (`events.treatment_ended`) in the same transaction, so that the apps above stop its checks and
    reminders with it."""
    with transaction.atomic():
        locked = Treatment.objects.select_for_update().get(pk=treatment.pk)
        if locked.ended_on is not None:
            raise AlreadyEnded
        treatment.ended_on, treatment.end_reason = ended_on, reason
        treatment.save(update_fields=["ended_on", "end_reason"])
        events.treatment_ended.send(Treatment, treatment=treatment)
    return treatment


def record_diagnosis(*, patient: Patient, by, system: str, code: str) -> Diagnosis:
    """A diagnosis in its canonical form (core.groups.normalise_code raises InvalidCode otherwise)."""
    return Diagnosis.objects.create(patient=patient, system=system, code=normalise_code(system, code), recorded_by=by)
