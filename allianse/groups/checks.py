"""The members' checks after a group session: one personal link per present member.

A link opens only its own member's forms, one instrument after another (group-climate, and where
the group asks for them alliance-patient about the group's therapists and therapeutic-factors),
accepts each answer once, and is used up when all are answered. Members need no account; the
link is a signed token, or its short code typed on feedback's start page (`short_code_target`), and
nothing on the member's pages shows another member's answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from allianse.core.measures import CheckedAnswers, Instrument, check_answers
from allianse.feedback import short_codes
from allianse.feedback.extensions import ShortCodeTarget
from allianse.feedback.services import LinkProblem, Submission
from allianse.instruments import registry as instruments
from allianse.instruments.links import scored_fields

from . import signal_store
from .models import Attendance, GroupSession, MemberCheck, MemberResponse, Membership
from .series import ALLIANCE, CLIMATE, FACTORS

SIGNAL_INSTRUMENTS = (CLIMATE, ALLIANCE)  # answers to these can change the group signals
RESPONDENT = "group_member"  # the wording a member's forms are shown in


@dataclass(frozen=True)
class CheckLength:
    """How long a member's check is: its parts, the questions always shown, and at most (when every
    follow-up question applies)."""

    parts: int
    questions: int
    at_most: int


def check_length(check: MemberCheck) -> CheckLength:
    counts = [instruments.get(key).question_count for key in check.instrument_keys]
    return CheckLength(
        parts=len(counts), questions=sum(shown for shown, _ in counts), at_most=sum(most for _, most in counts)
    )


def member_form_instrument(key: str) -> Instrument:
    """The instrument `key` as a group member reads it (about the group's therapists, not one)."""
    return instruments.get(key).worded_for(RESPONDENT)


def instruments_for(session: GroupSession, membership: Membership) -> list[str]:
    """What a present member is asked after `session`: group climate always; alliance with the
    therapists if the group asks it; therapeutic factors at the group's interval and at the
    member's last session."""
    group = session.group
    keys = [CLIMATE]
    if group.ask_alliance:
        keys.append(ALLIANCE)
    leaving = membership.ended_on is not None and membership.ended_on <= timezone.localtime(session.starts_at).date()
    if group.factors_due(session.number) or leaving:
        keys.append(FACTORS)
    return keys


def issue_member_checks(*, session: GroupSession, by, hours: int | None = None) -> list[MemberCheck]:
    """A new link for every present member who has something left to answer; their earlier
    unused links for this session stop working."""
    now = timezone.now()
    present = Attendance.objects.filter(session=session, status=Attendance.Status.PRESENT).select_related("membership")
    answered = set(MemberResponse.objects.filter(session=session).values_list("membership_id", "instrument_key"))
    issued = []
    with transaction.atomic():
        for attendance in present:
            membership = attendance.membership
            keys = [key for key in instruments_for(session, membership) if (membership.pk, key) not in answered]
            if not keys:
                continue
            MemberCheck.objects.filter(session=session, membership=membership, revoked_at__isnull=True).update(
                revoked_at=now
            )
            issued.append(
                MemberCheck.objects.create(
                    session=session,
                    membership=membership,
                    instrument_keys=keys,
                    language=membership.patient.language,
                    created_by=by,
                    expires_at=now + timedelta(hours=hours or settings.CHECK_LINK_HOURS),
                    short_code=short_codes.unused_code(),
                )
            )
    return issued


@dataclass(frozen=True)
class MemberStatus:
    """Where a present member's check after a session stands."""

    membership: Membership
    asked: list[str]
    answered: list[str]
    link_open: bool

    @property
    def state(self) -> str:
        if all(key in self.answered for key in self.asked):
            return "answered"
        if self.link_open:
            return "partly_answered" if self.answered else "sent"
        return "partly_answered" if self.answered else "not_sent"


def member_statuses(session: GroupSession, present: list[Attendance]) -> list[MemberStatus]:
    """The check status of each present member (two queries, whatever the number of members)."""
    answered: dict[int, list[str]] = {}
    for membership_id, key in MemberResponse.objects.filter(session=session).values_list(
        "membership_id", "instrument_key"
    ):
        answered.setdefault(membership_id, []).append(key)
    open_links = set(_open_links(session).values_list("membership_id", flat=True))
    return [
        MemberStatus(
            membership=row.membership,
            asked=instruments_for(session, row.membership),
            answered=answered.get(row.membership_id, []),
            link_open=row.membership_id in open_links,
        )
        for row in present
    ]


def live_checks(session: GroupSession) -> list[MemberCheck]:
    """The session's links that can still be answered, with their member, in member order."""
    checks = (
        _open_links(session)
        .select_related("membership__patient")
        .prefetch_related("responses")
        .order_by("membership__patient__code")
    )
    return [check for check in checks if pending_keys(check)]


def _open_links(session: GroupSession) -> QuerySet[MemberCheck]:
    """The session's links that are neither revoked nor expired (answered or not)."""
    return MemberCheck.objects.filter(session=session, revoked_at__isnull=True, expires_at__gt=timezone.now())


def pending_keys(check: MemberCheck) -> list[str]:
    done = {response.instrument_key for response in check.responses.all()}
    return [key for key in check.instrument_keys if key not in done]


def open_member_check(token: str) -> tuple[MemberCheck, str]:
    """The check behind a token and the instrument to answer next; LinkProblem if none."""
    public_id = MemberCheck.public_id_from_token(token)
    check = (
        MemberCheck.objects.filter(public_id=public_id).select_related("session__group", "membership").first()
        if public_id
        else None
    )
    if check is None:
        raise LinkProblem("invalid")
    return check, _next_key(check)


def short_code_target(code: str) -> ShortCodeTarget | None:
    """Where a short code typed on feedback's start page leads if a member's link holds it: to that
    link's own check (registered in `feedback.extensions`)."""
    check = MemberCheck.objects.filter(short_code=code).first()
    if check is None:
        return None
    try:
        _next_key(check)
    except LinkProblem as problem:
        return ShortCodeTarget(problem=problem.reason)
    return ShortCodeTarget(url=reverse("groups:member_check", args=[check.token]))


def _next_key(check: MemberCheck) -> str:
    """The instrument the member answers next; LinkProblem if all are answered or the link closed."""
    pending = pending_keys(check)
    if not pending:
        raise LinkProblem("used", check)
    if check.is_expired():
        raise LinkProblem("expired", check)
    return pending[0]


def submit_member_check(*, token: str, instrument_key: str, answers: dict[str, Any]) -> Submission:
    """Store the member's answers to the instrument the link asks next, once."""
    check, expected = open_member_check(token)
    return submit_opened_check(check=check, expected=expected, instrument_key=instrument_key, answers=answers)


def submit_opened_check(
    *, check: MemberCheck, expected: str, instrument_key: str, answers: dict[str, Any]
) -> Submission:
    """`submit_member_check` for a check just opened (`open_member_check` gave `check, expected`),
    so that the member's page need not open it twice."""
    if instrument_key != expected:
        raise LinkProblem("used" if instrument_key in check.instrument_keys else "invalid", check)
    checked = check_answers(instruments.get(instrument_key), answers)
    if not checked.is_valid:
        return Submission(checked=checked)
    return store_member_response(check=check, instrument_key=instrument_key, checked=checked)


def store_member_response(
    *,
    check: MemberCheck,
    instrument_key: str,
    checked: CheckedAnswers,
    submitted_at=None,
    refresh_signals: bool = True,
) -> Submission:
    """Score (core) and store one checked response; a duplicate returns the stored one.

    The signals the answers can change are refreshed in the same commit, computed before it
    (`signal_store.compute_member_signals`); `refresh_signals=False` leaves them as they are, for a
    caller that stores many responses and then refreshes the whole group at once
    (`signal_store.refresh_group_signals`).
    """
    fields = scored_fields(instruments.get(instrument_key), checked, submitted_at)
    signals = None
    if refresh_signals and instrument_key in SIGNAL_INSTRUMENTS:
        signals = signal_store.compute_member_signals(
            session=check.session, membership_id=check.membership_id, scores=fields["scores"]
        )
    try:
        with transaction.atomic():
            response = MemberResponse.objects.create(
                check_link=check, session=check.session, membership=check.membership, **fields
            )
            if signals is not None:
                signal_store.store_member_signals(signals)
    except IntegrityError:
        existing = check.responses.get(instrument_key=instrument_key)
        return Submission(checked=checked, response=existing, was_duplicate=True)
    return Submission(checked=checked, response=response)
