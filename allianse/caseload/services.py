"""Workflows of the therapist's pages that span the clinic and the patient's check."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from allianse.clinic import services as clinic
from allianse.clinic.models import Session, Treatment
from allianse.feedback import services as feedback
from allianse.feedback.models import Administration


@dataclass(frozen=True)
class NewPatient:
    treatment: Treatment
    session: Session | None = None
    link: Administration | None = None


def register_patient(
    *,
    therapist,
    name: str,
    language: str,
    started_on,
    approach=None,
    first_session: bool = False,
    first_session_at=None,
    check_link: bool = False,
) -> NewPatient:
    """A new patient under the therapist's care and, if asked, the first session (attended) and the
    patient's check link for it: all of it or, if any part fails, none."""
    with transaction.atomic():
        treatment = clinic.register_patient(
            therapist=therapist, name=name, language=language, started_on=started_on, approach=approach
        )
        if not first_session:
            return NewPatient(treatment)
        session = clinic.add_session(treatment=treatment, starts_at=first_session_at, attended=True)
        link = feedback.issue_check(session=session, by=therapist) if check_link else None
    return NewPatient(treatment, session, link)
