"""Who has answered: the members' response rates on the group page (allianse.core.response_rates),
the group members' column of the clinic overview's table, and per present member which of a
session's questionnaires they answered."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from allianse.core.response_rates import NO_CHECKS, Period, Rate, rates_by, response_rates, total_rate
from allianse.instruments import registry as instruments
from allianse.instruments.templatetags.instrument_text import tr

from .checks import MemberStatus, member_statuses
from .models import Attendance, GroupSession, MemberCheck, MemberResponse, Membership, TherapyGroup
from .pages import member_labels

COLUMN_TITLE = _("Group members' checks")  # the column of the clinic overview's table


def member_check_links(period: Period, *, therapist=None, group: TherapyGroup | None = None) -> list[dict]:
    """One row per member check link of the group sessions in `period` and per therapist of the
    group (optionally one therapist's groups, or one group), in one query: `check` (the session
    and member), `day`, `answered`, `member` (a membership id), `therapist` (a user id)."""
    links = MemberCheck.objects.filter(session__starts_at__date__range=(period.start, period.end))
    if therapist is not None:
        links = links.filter(session__group__therapists=therapist)
    if group is not None:
        links = links.filter(session__group=group)
    rows = links.annotate(answered=Exists(MemberResponse.objects.filter(check_link=OuterRef("pk")))).values_list(
        "session_id", "membership_id", "session__starts_at__date", "answered", "session__group__therapists"
    )
    return [
        {"check": f"{session}:{member}", "day": day, "answered": answered, "member": member, "therapist": therapist_id}
        for session, member, day, answered, therapist_id in rows
    ]


@dataclass(frozen=True)
class MemberRate:
    membership: Membership
    label: str
    rate: Rate


def group_rates_context(group: TherapyGroup, period: Period, memberships: list[Membership]) -> dict:
    """The group's rate over `period` and each member's (`memberships`: the group's, with their
    patients), members without checks in the period left out (one query)."""
    links = member_check_links(period, group=group)
    by_member = rates_by(response_rates(links, by=["member"]), "member")
    labels = member_labels(memberships)
    return {
        "rates_period": period,
        "group_rate": total_rate(response_rates(links)),
        "member_rates": [
            MemberRate(membership, labels[membership.pk], by_member.get(membership.pk, NO_CHECKS))
            for membership in memberships
            if membership.pk in by_member
        ],
    }


@dataclass(frozen=True)
class MemberAnswers:
    """A present member's check after a session: per questionnaire of the session, whether they
    were asked it and answered it."""

    status: MemberStatus
    cells: list[str]  # per column: answered, unanswered or not_asked

    @property
    def membership(self) -> Membership:
        return self.status.membership


def session_checks(session: GroupSession, present: list[Attendance]) -> dict:
    """The session's questionnaires as columns (titles from their definitions), each present
    member's answers to them, and whether anyone has something left to answer (two queries)."""
    statuses = member_statuses(session, present)
    keys = list(dict.fromkeys(key for status in statuses for key in status.asked))
    members = [MemberAnswers(status, [_cell(status, key) for key in keys]) for status in statuses]
    return {
        "check_columns": [tr(instruments.get(key).title) for key in keys],
        "member_answers": members,
        "someone_unanswered": any(status.state != "answered" for status in statuses),
    }


def _cell(status: MemberStatus, key: str) -> str:
    if key not in status.asked:
        return "not_asked"
    return "answered" if key in status.answered else "unanswered"
