"""One access helper per object type: a therapist reaches only the treatments they are part of."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Patient, Session, Treatment


def get_patient_for_user(user, public_id) -> tuple[Patient, list[Treatment]]:
    """The patient and those of their treatments the user is part of (newest first, at least one)."""
    patient = get_object_or_404(Patient, public_id=public_id)
    treatments = list(patient.treatments.filter(therapists=user))
    if not treatments:
        raise PermissionDenied
    return patient, treatments


def get_treatment_for_user(user, public_id) -> Treatment:
    treatment = get_object_or_404(Treatment.objects.select_related("patient"), public_id=public_id)
    if not treatment.therapists.filter(pk=user.pk).exists():
        raise PermissionDenied
    return treatment


def get_session_for_user(user, public_id) -> Session:
    session = get_object_or_404(Session.objects.select_related("treatment__patient"), public_id=public_id)
    if not session.treatment.therapists.filter(pk=user.pk).exists():
        raise PermissionDenied
    return session
