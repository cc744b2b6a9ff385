"""Writing the audit log: one call per read or change of health data."""

from __future__ import annotations

from django.http import HttpRequest

from .models import AuditEvent


def record(
    request: HttpRequest | None,
    action: str,
    obj: object,
    *,
    patient=None,
    detail: str = "",
) -> None:
    actor = getattr(request, "user", None) if request is not None else None
    AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=type(obj).__name__,
        object_id=str(getattr(obj, "public_id", "") or ""),
        patient=patient,
        detail=detail[:200],
        ip_address=request.META.get("REMOTE_ADDR") if request is not None else None,
    )


def record_many(request: HttpRequest, action: str, entries, *, detail: str = "") -> None:
    """One event per (object, patient id) pair, written in one query, so a page listing many
    patients does not grow its query count with its length; one event without a patient if
    `entries` is empty is the caller's choice (pass `[(obj, None)]`)."""
    actor = request.user if request.user.is_authenticated else None
    address = request.META.get("REMOTE_ADDR")
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor,
            action=action,
            object_type=type(obj).__name__,
            object_id=str(getattr(obj, "public_id", "") or ""),
            patient_id=patient_id,
            detail=detail[:200],
            ip_address=address,
        )
        for obj, patient_id in dict.fromkeys(entries)
    )
