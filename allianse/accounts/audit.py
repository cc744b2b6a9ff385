"""Writing the audit log: who read or changed health data, what, when and from where."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest

from .models import AuditEvent


def record(request: HttpRequest | None, action: str, obj: object, *, patient=None, detail: str = "") -> None:
    """One event about one object (and the patient it concerns, if any)."""
    record_many(request, action, [(obj, patient.pk if patient is not None else None)], detail=detail)


def record_many(
    request: HttpRequest | None, action: str, entries: Iterable[tuple[object, int | None]], *, detail: str = ""
) -> None:
    """One event per (object, patient id) pair, written in one query, so a page listing many
    patients does not grow its query count with its length."""
    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    address = request.META.get("REMOTE_ADDR") if request is not None else None
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
