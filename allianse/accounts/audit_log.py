"""Reading the audit log: a search by patient, staff member, action and period, newest first, in
pages that follow on from a cursor (no count and no offset, so the thousandth page comes as fast as
the first at millions of rows), with the events one request wrote shown as one line; and one
patient's access log as CSV, for their request to see who has read their data."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core import signing
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from . import extensions
from .models import AuditEvent, PatientSet, User

PAGE_ROWS = 100
CURSOR_SALT = "allianse.accounts.audit_log.cursor"
# The time as an expression no index gives, to sort a patient's events by: they are found through
# the indexes on (patient, time) and (set, time) and then sorted (thousands of rows at most). Sorted
# by the time itself, PostgreSQL would rather walk the time index of the whole log and test each
# event, not knowing when the patient's events are: millions of rows read for a patient last seen
# long ago, or for a patient without events.
_UNINDEXED_TIME = Coalesce("at", "at")


class AuditLog:
    """The log itself, as the object of the events that record reading or exporting it."""


@dataclass(frozen=True)
class Filters:
    patient_code: str = ""
    actor: User | None = None
    action: str = ""
    start: date | None = None
    end: date | None = None


@dataclass
class Line:
    """One event, or the events of one request that did the same to the same kind of object."""

    at: datetime
    actor: User | None
    action: str
    object_type: str
    detail: str
    ip_address: str | None
    patients: dict = field(default_factory=dict)  # patient id -> patient, in order of appearance
    events: int = 0

    @property
    def patient_codes(self) -> str:
        """The patients, comma-separated: joined here since a line may name thousands."""
        return ", ".join(map(str, self.patients.values()))


@dataclass(frozen=True)
class Page:
    lines: list[Line]
    older: str | None  # the cursor of the next page, None on the last


def search(filters: Filters) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.select_related("actor", "patient").order_by("-at", "-id")
    if filters.patient_code:
        patient_id = extensions.patient_id_for_code(filters.patient_code)
        if patient_id is None:
            return events.none()
        events = events.filter(about_patient(patient_id)).order_by(_UNINDEXED_TIME.desc(), "-id")
    if filters.actor is not None:
        events = events.filter(actor=filters.actor)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.start:
        events = events.filter(at__gte=_day_start(filters.start))
    if filters.end:
        events = events.filter(at__lt=_day_start(filters.end + timedelta(days=1)))
    return events


def page(events: QuerySet[AuditEvent], cursor: str | None) -> Page:
    """Up to PAGE_ROWS events older than the cursor, and more if the last line's request goes on."""
    position = _read_cursor(cursor)
    if position is not None:
        events = _older_than(events, position)
    rows = list(events[: PAGE_ROWS + 1])
    more = len(rows) > PAGE_ROWS
    rows = rows[:PAGE_ROWS]
    if more and rows[-1].request_id is not None:
        more = _complete_last_line(events, rows)
    prefetch_related_objects(rows, _set_patients())  # once, for the rows shown
    return Page(lines=lines(rows), older=_write_cursor(rows[-1]) if more else None)


def _set_patients() -> Prefetch:
    """The patients of the events' sets, with only what the page shows of them (their code): a page
    may name thousands."""
    patients = PatientSet.patients.rel.model
    return Prefetch("patient_set__patients", queryset=patients._default_manager.only("code"))


def about_patient(patient_id: int) -> Q:
    """The events about one patient: with the patient, or naming a set the patient is in. The sets
    are read first (one query), so that each side is one index range on (patient or set, time)."""
    sets = list(
        PatientSet.patients.through.objects.filter(patient_id=patient_id).values_list("patientset_id", flat=True)
    )
    return Q(patient_id=patient_id) | Q(patient_set_id__in=sets) if sets else Q(patient_id=patient_id)


def lines(events: Iterable[AuditEvent]) -> list[Line]:
    actions = _action_names()
    grouped: dict[tuple, Line] = {}
    for event in events:
        key = _key(event)
        line = grouped.get(key)
        if line is None:
            line = grouped[key] = Line(
                at=event.at,
                actor=event.actor,
                action=actions.get(event.action, event.action),
                object_type=event.object_type,
                detail=event.detail,
                ip_address=event.ip_address,
            )
        line.events += 1
        if event.patient_id is not None:
            line.patients.setdefault(event.patient_id, event.patient)
        if event.patient_set is not None:
            for patient in event.patient_set.patients.all():
                line.patients.setdefault(patient.pk, patient)
    return list(grouped.values())


def access_log(patient_id: int) -> tuple[list[str], Iterator[list[str]]]:
    """Every event about one patient, oldest first: who, when, what. Headers and action names are
    translated now, in the language of the request, since the rows are written after it returns."""
    header = [_("Time"), _("Staff member"), _("Username"), _("Action"), _("What"), _("Detail")]
    actions = _action_names()
    events = (
        AuditEvent.objects.filter(about_patient(patient_id))
        .select_related("actor")
        .order_by(_UNINDEXED_TIME.asc(), "id")
    )

    def rows() -> Iterator[list[str]]:
        for event in events.iterator(chunk_size=2000):
            actor = event.actor
            yield [
                timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
                actor.display_name if actor else "",
                actor.username if actor else "",
                actions.get(event.action, event.action),
                event.object_type,
                event.detail,
            ]

    return header, rows()


def _action_names() -> dict[str, str]:
    """The actions' names in the current language, translated once rather than for each event."""
    return {value: str(label) for value, label in AuditEvent.Action.choices}


def _key(event: AuditEvent) -> tuple:
    if event.request_id is None:  # written before events had a request id
        return (event.pk,)
    return (event.request_id, event.action, event.object_type, event.detail)


def _complete_last_line(events: QuerySet[AuditEvent], rows: list[AuditEvent]) -> bool:
    """Add to `rows` the events right after them that belong to their last line, so that a line is
    not split between two pages; whether any older events are left."""
    key = _key(rows[-1])
    while True:
        following = list(_older_than(events, (rows[-1].at, rows[-1].pk))[:PAGE_ROWS])
        same = 0
        while same < len(following) and _key(following[same]) == key:
            same += 1
        rows.extend(following[:same])
        if same < len(following):
            return True
        if len(following) < PAGE_ROWS:
            return False


def _older_than(events: QuerySet[AuditEvent], position: tuple[datetime, int]) -> QuerySet[AuditEvent]:
    """Events after `position` in the log's order; written as a range on `at` so that an index on
    (column, at) serves it, however deep the page."""
    at, pk = position
    return events.filter(at__lte=at).exclude(at=at, pk__gte=pk)


def _write_cursor(event: AuditEvent) -> str:
    return signing.dumps([event.at.isoformat(), event.pk], salt=CURSOR_SALT, compress=True)


def _read_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """The position a cursor names; None for no cursor or one that was not made here."""
    if not cursor:
        return None
    try:
        at, pk = signing.loads(cursor, salt=CURSOR_SALT)
        return datetime.fromisoformat(at), int(pk)
    except (signing.BadSignature, ValueError, TypeError):
        return None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
