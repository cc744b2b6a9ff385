"""Workflows of the clinic app."""

from __future__ import annotations

from django.db import transaction
from django.db.models import OuterRef, Subquery

from allianse.feedback.deferred import Defer, run_now
from allianse.feedback.models import Response
from allianse.feedback.services import (
    PATIENT_CHECK,
    THERAPIST_CHECK,
    check_status,
    latest_response,
    open_link,
    patient_links,
)

from .models import Patient, Session, Treatment


def register_patient(*, therapist, name: str, language: str, started_on) -> Treatment:
    with transaction.atomic():
        patient = Patient.objects.create(name=name, language=language)
        treatment = Treatment.objects.create(patient=patient, started_on=started_on)
        treatment.therapists.add(therapist)
    return treatment


def add_session(*, treatment: Treatment, starts_at, attended: bool, defer: Defer = run_now) -> Session:
    """The next session; a missed one may be an absence after a rupture, so the signals are updated
    (handed to `defer`, as for a check)."""
    with transaction.atomic():
        Treatment.objects.select_for_update().filter(pk=treatment.pk).first()
        session = Session.objects.create(
            treatment=treatment, number=treatment.next_session_number(), starts_at=starts_at, attended=attended
        )
    if not attended:
        from allianse.ruptures.services import update_for_treatment  # ruptures reads clinic's series

        defer(lambda: update_for_treatment(treatment=treatment))
    return session


def caseload(therapist) -> list[Treatment]:
    """The therapist's active treatments, each with `latest` = the latest patient check (2 queries)."""
    latest = Response.objects.filter(
        session__treatment=OuterRef("pk"), instrument_key=PATIENT_CHECK, superseded_by__isnull=True
    ).order_by("-session__number")
    treatments = list(
        Treatment.objects.for_therapist(therapist)
        .filter(ended_on__isnull=True)
        .select_related("patient")
        .annotate(latest_id=Subquery(latest.values("pk")[:1]))
        .order_by("patient__code")
    )
    responses = Response.objects.select_related("session").in_bulk([t.latest_id for t in treatments if t.latest_id])
    for treatment in treatments:
        treatment.latest = responses.get(treatment.latest_id)
    return treatments


def session_context(session: Session) -> dict:
    """What the session page shows: the patient's check (status, link) and both responses."""
    administrations = patient_links(session)
    return {
        "session": session,
        "treatment": session.treatment,
        "patient": session.treatment.patient,
        "status": check_status(administrations),
        "open_link": open_link(administrations),
        "patient_response": latest_response(session, PATIENT_CHECK),
        "therapist_response": latest_response(session, THERAPIST_CHECK),
    }
