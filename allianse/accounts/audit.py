"""Writing the audit log: who read or changed health data, what, when and from where."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from .client_address import client_address
from .models import AuditEvent, User

# Keys the hash of a username nobody has, so the log shows repeated tries of one name without
# holding the name (it may be a mistyped password).
UNKNOWN_USERNAME_SALT = "allianse.accounts.audit.unknown_username"


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
    address = client_address(request) if request is not None else None
    shared_id = request_id(request)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor,
            action=action,
            # __class__ rather than type(): `request.user` is a lazy object that reports the
            # class of the user it wraps.
            object_type=obj.__class__.__name__,
            object_id=str(getattr(obj, "public_id", "") or ""),
            patient_id=patient_id,
            detail=detail[:200],
            ip_address=address,
            request_id=shared_id,
        )
        for obj, patient_id in dict.fromkeys(entries)
    )


def request_id(request: HttpRequest | None) -> uuid.UUID:
    """The id shared by every event of one request (set on the request the first time it is asked
    for); an event written outside a request gets one of its own."""
    if request is None:
        return uuid.uuid4()
    if not hasattr(request, "audit_request_id"):
        request.audit_request_id = uuid.uuid4()
    return request.audit_request_id


def record_patients_shown(request: HttpRequest | None, patients: Iterable, *, detail: str) -> None:
    """One view event per patient a page or list shows, in one query."""
    record_many(request, AuditEvent.Action.VIEW, [(patient, patient.pk) for patient in patients], detail=detail)


def record_for_patients(
    request: HttpRequest | None, action: str, obj: object, patient_ids: Iterable[int], *, detail: str
) -> None:
    """One event about `obj` per patient whose data it holds (so each patient's log lists it), in one
    query; one event without a patient if there are none (a group with no members yet)."""
    record_many(request, action, [(obj, patient_id) for patient_id in patient_ids] or [(obj, None)], detail=detail)


def record_failed_sign_in(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    """A failed password check (Django's `user_login_failed` signal): the account that was tried,
    or, for a username nobody has, a keyed hash of it; never the password."""
    _record_sign_in_failure(request, str(credentials.get(User.USERNAME_FIELD) or ""), detail="password")


def record_lockout(sender, request: HttpRequest, username: str | None, ip_address: str | None, **kwargs) -> None:
    """Sign-in refused for too many failures for the account or from the address (django-axes'
    `user_locked_out` signal, sent at the failure that reaches the limit and at every try after)."""
    _record_sign_in_failure(request, username or "", detail="locked out after repeated failures")


def _record_sign_in_failure(request: HttpRequest | None, username: str, *, detail: str) -> None:
    account = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
    digest = salted_hmac(UNKNOWN_USERNAME_SALT, username, algorithm="sha256").hexdigest()
    AuditEvent.objects.create(
        action=AuditEvent.Action.LOGIN_FAILED,
        object_type=User.__name__,
        object_id=str(account.public_id) if account is not None else "",
        detail=detail if account is not None else f"{detail}, unknown username, hash {digest}",
        ip_address=client_address(request) if request is not None else None,
        request_id=request_id(request),
    )
