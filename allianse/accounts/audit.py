"""Writing the audit log: who read or changed health data, what, when and from where."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from .client_address import client_address
from .models import AuditEvent, PatientSet, User

# Keys the hash of a username nobody has, so the log shows repeated tries of one name without
# holding the name (it may be a mistyped password).
UNKNOWN_USERNAME_SALT = "allianse.accounts.audit.unknown_username"


def record(request: HttpRequest | None, action: str, obj: object, *, patient=None, detail: str = "") -> None:
    """One event about one object (and the patient it concerns, if any)."""
    record_many(request, action, [(obj, patient.pk if patient is not None else None)], detail=detail)


def record_many(
    request: HttpRequest | None, action: str, entries: Iterable[tuple[object, int | None]], *, detail: str = ""
) -> None:
    """One event per (object, patient id) pair, written in one query (distinct objects, such as the
    reminders one run sends)."""
    AuditEvent.objects.bulk_create(
        _event(request, action, detail, **_names(obj), patient_id=patient_id)
        for obj, patient_id in dict.fromkeys(entries)
    )


def _names(obj: object) -> dict[str, str]:
    # __class__ rather than type(): `request.user` is a lazy object that reports the class of the
    # user it wraps.
    return {"object_type": obj.__class__.__name__, "object_id": str(getattr(obj, "public_id", "") or "")}


def _event(request: HttpRequest | None, action: str, detail: str, **fields) -> AuditEvent:
    user = getattr(request, "user", None)
    return AuditEvent(
        actor=user if user is not None and user.is_authenticated else None,
        action=action,
        detail=detail[:200],
        ip_address=client_address(request) if request is not None else None,
        request_id=request_id(request),
        **fields,
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
    """One view event naming the set of patients a page or list shows (none when it shows none).
    Its cost does not grow with the list, nor differ between a list of one and of hundreds: two
    queries once the same patients have been shown before."""
    shown = {patient.pk: patient for patient in patients}
    if shown:
        kind = next(iter(shown.values())).__class__.__name__
        _event(request, AuditEvent.Action.VIEW, detail, object_type=kind, patient_set=patient_set(sorted(shown))).save()


def record_for_patients(
    request: HttpRequest | None, action: str, obj: object, patient_ids: Iterable[int], *, detail: str
) -> None:
    """One event about `obj` for the patients whose data it holds (so each patient's log lists it):
    with the patient, with the set of them, or without a patient if there are none (a group with no
    members yet)."""
    ids = sorted(set(patient_ids))
    if len(ids) > 1:
        _event(request, action, detail, **_names(obj), patient_set=patient_set(ids)).save()
    else:
        _event(request, action, detail, **_names(obj), patient_id=ids[0] if ids else None).save()


def patient_set(patient_ids: list[int]) -> PatientSet:
    """The stored set of these (sorted, distinct) patients, made the first time it is needed."""
    digest = hashlib.sha256(",".join(map(str, patient_ids)).encode()).hexdigest()
    found = PatientSet.objects.filter(digest=digest).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            made = PatientSet.objects.create(digest=digest)
            PatientSet.patients.through.objects.bulk_create(
                PatientSet.patients.through(patientset=made, patient_id=pk) for pk in patient_ids
            )
    except IntegrityError:  # stored meanwhile by a request showing the same patients
        return PatientSet.objects.get(digest=digest)
    return made


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
