"""The therapist's response rates: how many of their patients' checks were answered over a period,
and this week's checks still unanswered, per patient, each with a new link one click away."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from itertools import groupby

from allianse.clinic.models import Patient, Session
from allianse.core.response_rates import Period, response_rates, total_rate, week_of
from allianse.feedback.models import Administration, CheckStatus, Respondent
from allianse.feedback.response_rates import patient_check_links
from allianse.feedback.services import check_status


@dataclass(frozen=True)
class Unanswered:
    session: Session
    status: str  # a CheckStatus other than answered


@dataclass
class PatientChecks:
    patient: Patient
    unanswered: list[Unanswered] = field(default_factory=list)


def rates_context(therapist, *, period: Period, today: date) -> dict:
    """The therapist's rate over `period` and this week's unanswered checks (three queries)."""
    week = week_of(today)
    return {
        "period": period,
        "rate": total_rate(response_rates(patient_check_links(period, therapist=therapist))),
        "week": week,
        "patients": unanswered_by_patient(therapist, week),
    }


def unanswered_by_patient(therapist, week: Period) -> list[PatientChecks]:
    """The sessions in `week` of the therapist's treatments whose patient check has links, none of
    them answered, grouped by patient (two queries)."""
    links = (
        Administration.objects.filter(
            respondent=Respondent.PATIENT,
            session__treatment__therapists=therapist,
            session__starts_at__date__range=(week.start, week.end),
        )
        .select_related("session__treatment__patient")
        .prefetch_related("responses")
        .order_by(
            "session__treatment__patient__code", "session__starts_at", "session_id", "instrument_key", "-created_at"
        )
    )
    patients: dict[int, PatientChecks] = {}
    for _check, check_links in groupby(links, key=lambda link: (link.session_id, link.instrument_key)):
        newest_first = list(check_links)
        session = newest_first[0].session
        status = check_status(newest_first)
        if status != CheckStatus.ANSWERED:
            patient = session.treatment.patient
            patients.setdefault(patient.pk, PatientChecks(patient)).unanswered.append(Unanswered(session, status))
    return list(patients.values())
