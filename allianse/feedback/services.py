"""Workflows of the feedback app: issue a check, open it, submit it, score it."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from allianse.clinic.models import Session
from allianse.core.measures import CheckedAnswers, check_answers, is_missing
from allianse.instruments import registry as instruments
from allianse.instruments.links import scored_fields

from . import events, extensions, short_codes
from .models import Administration, CheckStatus, Respondent, Response

PATIENT_CHECK = "alliance-patient"
THERAPIST_CHECK = "alliance-therapist"
# The outcome measure asked on the patient check's page, after its questions (stored as its own
# response, through an administration of its own made at the submit).
OUTCOME_CHECK = "outcome-patient"


class LinkProblem(Exception):
    """Why a check link cannot be answered: 'invalid', 'expired' or 'used'."""

    def __init__(self, reason: str, administration: Administration | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.administration = administration


class TreatmentEnded(Exception):
    """The session's treatment has ended: it gets no new check links."""


@dataclass(frozen=True)
class Submission:
    checked: CheckedAnswers
    response: Response | None = None
    was_duplicate: bool = False
    outcome: CheckedAnswers | None = None  # the outcome questions, when any was answered
    outcome_response: Response | None = None


def issue_check(*, session, by, instrument_key: str = PATIENT_CHECK, hours: int | None = None) -> Administration:
    """A new link for the patient, with its short code; earlier unanswered links for the same
    session stop working. An ended treatment gets none (`TreatmentEnded`)."""
    if session.treatment.ended_on is not None:
        raise TreatmentEnded
    now = timezone.now()
    patient = session.treatment.patient
    with transaction.atomic():
        Administration.objects.filter(
            session=session, instrument_key=instrument_key, revoked_at__isnull=True, responses__isnull=True
        ).update(revoked_at=now)
        return Administration.objects.create(
            session=session,
            patient=patient,
            instrument_key=instrument_key,
            respondent=Respondent.PATIENT,
            language=patient.language,
            created_by=by,
            expires_at=now + timedelta(hours=hours or settings.CHECK_LINK_HOURS),
            short_code=short_codes.unused_code(),
        )


def open_check(token: str) -> Administration:
    """The administration behind a link, if it can still be answered (one query): what the form
    asks before it is shown. An answered link says so even once it has expired."""
    return _open(public_id=Administration.public_id_from_token(token))


def short_code_url(typed: str) -> str:
    """The page a short code typed on the start page opens, if its link can still be answered: a
    patient's check (as `open_check`), else a link of another kind that a resolver registered in
    `extensions` holds (a group member's); LinkProblem if none can be answered."""
    code = short_codes.normalise(typed)
    if code is None:
        raise LinkProblem("invalid")
    try:
        return reverse("feedback:check", args=[_open(short_code=code).token])
    except LinkProblem as problem:
        if problem.reason != "invalid":
            raise
    target = extensions.resolve_short_code(code)
    if target is None:
        raise LinkProblem("invalid")
    if target.problem:
        raise LinkProblem(target.problem)
    return target.url


# Built once: resolving the subquery is most of the cost of building the form's one query.
_WITH_ANSWERED = Administration.objects.annotate(
    answered=Exists(Response.objects.filter(administration=OuterRef("pk")))
)


def _open(**lookup) -> Administration:
    administration = _get(_WITH_ANSWERED, **lookup)
    if administration.answered:  # type: ignore[attr-defined]  # the annotation just above
        raise LinkProblem("used", administration)
    return _unexpired(administration)


def find_link(token: str) -> Administration:
    """The administration behind a link that has neither expired nor been revoked, answered or
    not: a submit learns that from `submit_check`, which saves the patient one query's wait. Its
    session comes with it, which the response stored for it and the work it announces read."""
    queryset = Administration.objects.select_related("session")
    return _unexpired(_get(queryset, public_id=Administration.public_id_from_token(token)))


def _get(queryset, **lookup) -> Administration:
    try:
        return queryset.get(**lookup)
    except (Administration.DoesNotExist, ValidationError) as error:
        raise LinkProblem("invalid") from error


def _unexpired(administration: Administration) -> Administration:
    if administration.is_expired():
        raise LinkProblem("expired", administration)
    return administration


def submit_check(
    *,
    administration: Administration,
    answers: dict[str, Any],
    missing_reasons: dict[str, str] | None = None,
    outcome_answers: dict[str, Any] | None = None,
) -> Submission:
    """Store one response for a link (see `find_link`), once. Whether it was answered before is
    the unique constraint's to say at insert: the same answers again are a second tap or a retry
    and get the stored response back; other answers mean someone else is reusing the link
    (`LinkProblem('used')`). A new response is announced in the transaction that stores it.

    `outcome_answers` are the answers to the outcome measure asked on the patient check's page:
    left wholly blank, nothing is stored for it; otherwise they are checked with the check's own
    answers and stored as a response of their own in the same transaction, once."""
    _unexpired(administration)
    checked = check_answers(instruments.get(administration.instrument_key), answers, missing_reasons)
    outcome = _checked_outcome(administration, outcome_answers)
    if not checked.is_valid or (outcome is not None and not outcome.is_valid):
        if administration.responses.exists():
            raise LinkProblem("used", administration)
        return Submission(checked=checked, outcome=outcome)
    # All or none; inside a caller's transaction (the view's, with its audit row) that one is enough.
    with transaction.atomic(savepoint=False):
        submission = _announced(store_response(administration, checked, submitted_by=None))
        if outcome is not None and not submission.was_duplicate:
            submission = dataclasses.replace(
                submission, outcome=outcome, outcome_response=_store_outcome(administration, outcome)
            )
    assert submission.response is not None, "store_response always returns the stored response"
    if submission.was_duplicate and submission.response.answers != checked.answers:
        raise LinkProblem("used", administration)
    return submission


def _checked_outcome(administration: Administration, answers: dict[str, Any] | None) -> CheckedAnswers | None:
    if administration.instrument_key != PATIENT_CHECK or not answers:
        return None
    if all(is_missing(value) for value in answers.values()):
        return None
    return check_answers(instruments.get(OUTCOME_CHECK), answers)


def _store_outcome(administration: Administration, checked: CheckedAnswers) -> Response | None:
    """The outcome answers of a patient check, under an administration of their own (answered at once)."""
    own = Administration.objects.create(
        session=administration.session,
        patient_id=administration.patient_id,
        instrument_key=OUTCOME_CHECK,
        respondent=Respondent.PATIENT,
        language=administration.language,
        expires_at=timezone.now(),
    )
    return _announced(store_response(own, checked, submitted_by=None)).response


def record_therapist_check(*, session, therapist, answers: dict[str, Any]) -> Submission:
    """The therapist's own view of a session; a later one supersedes the earlier."""
    checked = check_answers(instruments.get(THERAPIST_CHECK), answers)
    if not checked.is_valid:
        return Submission(checked=checked)
    with transaction.atomic():
        # Checks of one session take turns from here, so each supersedes the one stored before it.
        Session.objects.select_for_update().only("pk").get(pk=session.pk)
        administration = Administration.objects.create(
            session=session,
            instrument_key=THERAPIST_CHECK,
            respondent=Respondent.THERAPIST,
            created_by=therapist,
            expires_at=timezone.now(),
        )
        previous = latest_response(session, THERAPIST_CHECK)
        return _announced(store_response(administration, checked, submitted_by=therapist, supersedes=previous))


def _announced(submission: Submission) -> Submission:
    """A new response is announced (`events.response_stored`) inside the transaction that stores
    it: it may raise rupture signals, which the apps above enqueue as work in that transaction."""
    if submission.response is not None and not submission.was_duplicate:
        events.response_stored.send(Response, response=submission.response)
    return submission


def store_response(
    administration, checked: CheckedAnswers, *, submitted_by, supersedes=None, submitted_at=None
) -> Submission:
    """Score and store a checked response once; a duplicate submit returns the stored one."""
    fields = scored_fields(instruments.get(administration.instrument_key), checked, submitted_at)
    try:
        with transaction.atomic():
            response = Response.objects.create(
                administration=administration,
                session=administration.session,
                respondent=administration.respondent,
                submitted_by=submitted_by,
                supersedes=supersedes,
                correction_reason="newer therapist rating" if supersedes else "",
                **fields,
            )
    except IntegrityError:
        existing = administration.responses.get(supersedes__isnull=True)
        return Submission(checked=checked, response=existing, was_duplicate=True)
    return Submission(checked=checked, response=response)


def latest_response(session, instrument_key: str) -> Response | None:
    return (
        Response.objects.filter(session=session, instrument_key=instrument_key, superseded_by__isnull=True)
        .order_by("-submitted_at")
        .first()
    )


def check_status(administrations: list[Administration], now=None) -> str:
    """Status of the patient's check for one session, from its administrations (newest first)."""
    if any(administration.responses.all() for administration in administrations):
        return CheckStatus.ANSWERED
    live = [a for a in administrations if a.revoked_at is None]
    if not live:
        return CheckStatus.NOT_SENT
    return CheckStatus.EXPIRED if live[0].is_expired(now) else CheckStatus.SENT


def patient_links(session) -> list[Administration]:
    """The session's patient check links, newest first, with their responses (2 queries): what
    `check_status` and `open_link` read."""
    return list(
        Administration.objects.filter(session=session, instrument_key=PATIENT_CHECK)
        .order_by("-created_at")
        .prefetch_related("responses")
    )


def open_link(administrations: list[Administration], now=None) -> Administration | None:
    """The live (unrevoked, unanswered, unexpired) link among a session's patient links (newest first)."""
    live = next((a for a in administrations if a.revoked_at is None and not a.responses.all()), None)
    return live if live is not None and not live.is_expired(now) else None


def session_link(session) -> Administration | None:
    """The session's live patient link, if any."""
    return open_link(patient_links(session))
