"""Supervision of a group: who supervises it, whether the members' case formulations are shared
with them, their notes, and what a supervisor reads (signed summaries, events, the group's
aggregated measures per session). A signed summary also leaves as plain text for the journal."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Avg, Count, Q
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from allianse.accounts.models import Role, User

from .models import Attendance, MemberResponse, SessionSummary, SupervisionNote, Supervisor, TherapyGroup


class SupervisionError(ValueError):
    pass


def eligible_supervisors(group: TherapyGroup):
    """Staff with the supervisor role who are not the group's therapists nor already supervise it."""
    return (
        User.objects.filter(groups__name=Role.SUPERVISOR, is_active=True)
        .exclude(therapy_groups=group)
        .exclude(supervisions__group=group)
        .order_by("last_name", "first_name", "username")
    )


def add_supervisor(*, group: TherapyGroup, user: User, by: User, sees_case_formulations: bool) -> Supervisor:
    if not eligible_supervisors(group).filter(pk=user.pk).exists():
        raise SupervisionError(
            _("Only a staff member with the supervisor role who does not lead the group can supervise it.")
        )
    return Supervisor.objects.create(group=group, user=user, added_by=by, sees_case_formulations=sees_case_formulations)


def share_case_formulations(*, supervisor: Supervisor, shared: bool) -> None:
    supervisor.sees_case_formulations = shared
    supervisor.save(update_fields=["sees_case_formulations"])


def remove_supervisor(supervisor: Supervisor) -> None:
    supervisor.delete()


@transaction.atomic
def write_note(*, group: TherapyGroup, by: User, text: str, summary: SessionSummary | None = None) -> SupervisionNote:
    if not group.supervisors.filter(user=by).exists():
        raise SupervisionError(_("Only the group's supervisors write supervision notes."))
    if summary is not None and (summary.session.group_id != group.pk or not summary.is_signed):
        raise SupervisionError(_("Notes are written on the group's signed summaries."))
    return SupervisionNote.objects.create(group=group, summary=summary, text=text, written_by=by)


@dataclass(frozen=True)
class SessionMeasures:
    number: int
    starts_at: object
    present: int
    expected: int
    responses: int
    mean_score: float | None


def session_measures(group: TherapyGroup) -> list[SessionMeasures]:
    """Per group session: members present of those expected, how many answered their check, and
    the mean of the responses' primary scores: aggregates, no member's own answers."""
    sessions = group.sessions.order_by("number").annotate(
        present=Count("attendance", filter=Q(attendance__status=Attendance.Status.PRESENT), distinct=True),
        expected=Count("attendance", distinct=True),
    )
    scores = {
        row["session"]: row
        for row in MemberResponse.objects.filter(session__group=group)
        .values("session")
        .annotate(responses=Count("pk"), mean=Avg("primary_score"))
    }
    return [
        SessionMeasures(
            number=session.number,
            starts_at=session.starts_at,
            present=session.present,
            expected=session.expected,
            responses=scores.get(session.pk, {}).get("responses", 0),
            mean_score=scores.get(session.pk, {}).get("mean"),
        )
        for session in sessions
    ]


def summary_text(summary: SessionSummary) -> str:
    """The signed summary as plain text, to paste into the patient journal."""
    return render_to_string("groups/summary.txt", summary_document(summary)).strip() + "\n"


def summary_document(summary: SessionSummary) -> dict:
    session = summary.session
    return {
        "summary": summary,
        "session": session,
        "group": session.group,
        "attendance": session.attendance.select_related("membership__patient").order_by("membership__patient__code"),
        "events": summary.events.prefetch_related("members__patient"),
        "addenda": summary.addenda.select_related("written_by"),
    }
