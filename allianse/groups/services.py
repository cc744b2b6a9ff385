"""Workflows of the groups app: groups, members over time, diagnoses, sessions and attendance."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from allianse.clinic.models import Patient

from . import signal_store
from .models import Attendance, GroupSession, Membership, TherapyGroup


class GroupRuleError(Exception):
    """A workflow refused because it would break a rule of the group; the message is for people."""


def create_group(
    *,
    therapist,
    name: str,
    kind: str,
    cadence: str,
    duration_minutes: int,
    admission: str,
    max_size: int,
    started_on: date,
    co_therapist=None,
    factors_every: int = 8,
    ask_alliance: bool = True,
) -> TherapyGroup:
    """A group led by `therapist`, with a co-therapist or alone."""
    with transaction.atomic():
        group = TherapyGroup.objects.create(
            name=name,
            kind=kind,
            cadence=cadence,
            duration_minutes=duration_minutes,
            admission=admission,
            max_size=max_size,
            started_on=started_on,
            factors_every=factors_every,
            ask_alliance=ask_alliance,
        )
        group.therapists.add(therapist, *([co_therapist] if co_therapist and co_therapist != therapist else []))
    return group


def _lock(group: TherapyGroup) -> None:
    """Lock the group's row until the transaction ends, so that concurrent joins respect its size
    and concurrent sessions get distinct numbers."""
    TherapyGroup.objects.select_for_update().filter(pk=group.pk).first()


def members_on(group: TherapyGroup, day: date) -> QuerySet[Membership]:
    """The memberships of `group` that include `day`."""
    return group.memberships.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day), started_on__lte=day)


def add_member(
    *,
    group: TherapyGroup,
    by,
    started_on: date,
    patient: Patient | None = None,
    name: str = "",
    language: str = "nb",
    description: str = "",
) -> Membership:
    """A patient joins the group: an existing patient, or a new pseudonymous one."""
    with transaction.atomic():
        _lock(group)
        if group.memberships.filter(ended_on__isnull=True).count() >= group.max_size:
            raise GroupRuleError(_("The group is full: it already has its maximum number of members."))
        if patient is None:
            patient = Patient.objects.create(name=name, language=language)
        elif group.memberships.filter(patient=patient, ended_on__isnull=True).exists():
            raise GroupRuleError(_("This patient is already a member of the group."))
        return Membership.objects.create(
            group=group, patient=patient, started_on=started_on, description=description, updated_by=by
        )


def end_membership(*, membership: Membership, by, ended_on: date, reason: str, note: str = "") -> Membership:
    """The member leaves; the membership stays as history, and rejoining starts a new one."""
    if not membership.is_current:
        raise GroupRuleError(_("This membership has already ended."))
    if ended_on < membership.started_on:
        raise GroupRuleError(_("A member cannot leave before they joined."))
    membership.ended_on, membership.end_reason, membership.end_note = ended_on, reason, note
    membership.updated_by = by
    membership.save(update_fields=["ended_on", "end_reason", "end_note", "updated_by", "updated_at"])
    return membership


def update_member_profile(*, membership: Membership, by, description: str, case_formulation: str) -> Membership:
    membership.description, membership.case_formulation, membership.updated_by = description, case_formulation, by
    membership.save(update_fields=["description", "case_formulation", "updated_by", "updated_at"])
    return membership


def add_session(
    *, group: TherapyGroup, starts_at: datetime, therapists_present, attendance: dict[int, str]
) -> GroupSession:
    """A group session with the therapists present and attendance per member (membership pk -> status)."""
    with transaction.atomic():
        _lock(group)
        number = (group.sessions.aggregate(last=Max("number"))["last"] or 0) + 1
        session = GroupSession.objects.create(group=group, number=number, starts_at=starts_at)
        session.therapists_present.set(therapists_present)
        record_attendance(session=session, attendance=attendance)
    return session


def record_attendance(*, session: GroupSession, attendance: dict[int, str]) -> None:
    """Set (or correct) attendance for the members of the session's day, then refresh its signals."""
    day = timezone.localtime(session.starts_at).date()
    members = set(members_on(session.group, day).values_list("pk", flat=True))
    unknown = set(attendance) - members
    if unknown:
        raise GroupRuleError(_("Attendance can only be recorded for members of the group on the session's day."))
    with transaction.atomic():
        # One statement for the whole group: a new row per member, or the member's row corrected.
        Attendance.objects.bulk_create(
            [Attendance(session=session, membership_id=pk, status=status) for pk, status in attendance.items()],
            update_conflicts=True,
            unique_fields=["session", "membership"],
            update_fields=["status"],
        )
        signal_store.refresh_session_signals(session=session)
