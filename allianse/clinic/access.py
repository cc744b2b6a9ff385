"""One access helper per object type: a therapist reaches only the treatments they are part of.

Another's object answers 404, exactly as an unknown id (allianse.accounts.access).
"""

from __future__ import annotations

from allianse.accounts.access import get_visible_or_404

from .models import Patient, Session, Treatment


def get_patient_for_user(user, public_id) -> tuple[Patient, list[Treatment]]:
    """The patient and those of their treatments the user is part of (newest first, at least one)."""
    patient = get_visible_or_404(
        Patient.objects, lambda found: found.treatments.filter(therapists=user).exists(), public_id=public_id
    )
    return patient, list(patient.treatments.filter(therapists=user).select_related("approach"))


def get_treatment_for_user(user, public_id) -> Treatment:
    return get_visible_or_404(
        Treatment.objects.select_related("patient"),
        lambda treatment: treatment.therapists.filter(pk=user.pk).exists(),
        public_id=public_id,
    )


def get_session_for_user(user, public_id) -> Session:
    return get_visible_or_404(
        Session.objects.select_related("treatment__patient"),
        lambda session: session.treatment.therapists.filter(pk=user.pk).exists(),
        public_id=public_id,
    )
