"""Therapy groups, their members over time, group sessions, members' checks, summaries, diagnoses.

Group sessions are not clinic.Session (which belongs to one individual treatment): a group session
has attendance per member, and the members' checks and responses live here, scored by the same
core functions as the individual checks (allianse.core.measures).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from allianse.clinic.models import EndReason
from allianse.instruments.language import current_language
from allianse.instruments.links import ScoredAnswers, SignedLink


class TherapyGroup(models.Model):
    """A therapy group: its kind, its frame and its therapists (one, or two co-therapists)."""

    class Kind(models.TextChoices):
        PSYCHOEDUCATIONAL = "psychoeducational", _("psychoeducational MBT")
        DYNAMIC = "dynamic", _("dynamic MBT-G")
        OTHER = "other", _("other")

    class Cadence(models.TextChoices):
        WEEKLY = "weekly", _("weekly")
        FORTNIGHTLY = "fortnightly", _("every other week")
        OTHER = "other", _("other")

    class Admission(models.TextChoices):
        SLOW_OPEN = "slow_open", _("slow-open")
        CLOSED = "closed", pgettext_lazy("group", "closed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.DYNAMIC)
    cadence = models.CharField(_("meets"), max_length=20, choices=Cadence, default=Cadence.WEEKLY)
    duration_minutes = models.PositiveSmallIntegerField(_("length of a session (minutes)"), default=90)
    admission = models.CharField(_("admission"), max_length=20, choices=Admission, default=Admission.SLOW_OPEN)
    max_size = models.PositiveSmallIntegerField(_("maximum number of members"), default=9)
    therapists = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="therapy_groups")
    factors_every = models.PositiveSmallIntegerField(
        _("ask about therapeutic factors every n-th session"),
        default=8,
        help_text=_("Also asked of a member in their last session. 0 means only then."),
    )
    ask_alliance = models.BooleanField(
        _("also ask members about the alliance with the therapists"),
        default=True,
    )
    started_on = models.DateField(_("started"))
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def factors_due(self, session_number: int) -> bool:
        """Therapeutic factors are asked every `factors_every`-th session (e.g. 8, 16, ...)."""
        return self.factors_every > 0 and session_number % self.factors_every == 0


class Membership(models.Model):
    """One stay of a patient in a group. Leaving ends it; rejoining starts a new one (history kept)."""

    EndReason = EndReason  # the treatments' reasons (allianse.clinic): dropout is counted alike

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    group = models.ForeignKey(TherapyGroup, on_delete=models.PROTECT, related_name="memberships")
    patient = models.ForeignKey("clinic.Patient", on_delete=models.PROTECT, related_name="group_memberships")
    started_on = models.DateField(_("joined"))
    ended_on = models.DateField(_("left"), null=True, blank=True)
    end_reason = models.CharField(_("reason for leaving"), max_length=20, choices=EndReason, blank=True)
    end_note = models.CharField(_("note on leaving"), max_length=300, blank=True)
    description = models.TextField(
        _("short description"),
        blank=True,
        help_text=_("5 to 10 lines, as the MBT-G course asks: who the member is and what they struggle with."),
    )
    case_formulation = models.TextField(_("case formulation"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["started_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "patient"], condition=models.Q(ended_on__isnull=True), name="one_open_membership"
            )
        ]

    def __str__(self) -> str:
        return f"{self.patient.code} in {self.group}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


class GroupSession(models.Model):
    """One meeting of a group, with the co-therapists present and attendance per member."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    group = models.ForeignKey(TherapyGroup, on_delete=models.PROTECT, related_name="sessions")
    number = models.PositiveIntegerField(pgettext_lazy("group", "session number"))
    starts_at = models.DateTimeField(_("date and time"))
    therapists_present = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="group_sessions_led", verbose_name=_("therapists present")
    )

    class Meta:
        ordering = ["group", "number"]
        constraints = [models.UniqueConstraint(fields=["group", "number"], name="unique_group_session_number")]

    def __str__(self) -> str:
        return f"{self.group} #{self.number}"


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("present")
        ABSENT_NOTICE = "absent_notice", _("absent with notice")
        ABSENT_NO_NOTICE = "absent_no_notice", _("absent without notice")

    session = models.ForeignKey(GroupSession, on_delete=models.PROTECT, related_name="attendance")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="attendance")
    status = models.CharField(_("attendance"), max_length=20, choices=Status, default=Status.PRESENT)

    class Meta:
        ordering = ["session", "membership"]
        constraints = [models.UniqueConstraint(fields=["session", "membership"], name="one_attendance_per_member")]

    def __str__(self) -> str:
        return f"{self.membership} at {self.session}: {self.status}"

    @property
    def present(self) -> bool:
        return self.status == self.Status.PRESENT


class MemberCheck(SignedLink):
    """A member's personal link after a group session: one or more instruments, each answered once.

    The link carries a signed token of the public id (unguessable without the server's key, like
    feedback's Administration); it opens only this member's forms, in order, and expires. Its short
    code is typed on feedback's start page instead, and comes from the same namespace as patients'
    codes (`feedback.short_codes.unused_code`).
    """

    link_salt = "allianse.groups.member-check"

    session = models.ForeignKey(GroupSession, on_delete=models.PROTECT, related_name="checks")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="checks")
    instrument_keys = models.JSONField()
    short_code = models.CharField(max_length=9, unique=True, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"check {self.public_id}"


class MemberResponse(ScoredAnswers):
    """A member's submitted answers to one instrument of a check. Never edited."""

    check_link = models.ForeignKey(MemberCheck, on_delete=models.PROTECT, related_name="responses")
    session = models.ForeignKey(GroupSession, on_delete=models.PROTECT, related_name="responses")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="responses")

    class Meta:
        ordering = ["submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["check_link", "instrument_key"], name="one_response_per_check_instrument")
        ]

    def __str__(self) -> str:
        return f"{self.instrument_key} {self.submitted_at:%Y-%m-%d}"


class GroupSignal(models.Model):
    """A stored group signal (allianse.core.signals.group): derived, replaced when its session changes."""

    group = models.ForeignKey(TherapyGroup, on_delete=models.CASCADE, related_name="signals")
    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="signals")
    membership = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.CASCADE, related_name="signals"
    )  # empty: about the whole group
    kind = models.CharField(max_length=20)
    detail = models.CharField(max_length=40)
    value = models.FloatField()
    threshold = models.FloatField()
    explanation_en = models.TextField()
    explanation_nb = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-session__number", "kind"]

    def __str__(self) -> str:
        return f"{self.kind} ({self.detail}) at {self.session}"

    @property
    def explanation(self) -> str:
        """The explanation in the active language (the core writes both)."""
        return self.explanation_en if current_language() == "en" else self.explanation_nb


class SessionSummary(models.Model):
    """The co-therapists' summary (referat) of a group session. Signed means immutable;
    later corrections are addenda."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.OneToOneField(GroupSession, on_delete=models.PROTECT, related_name="summary")
    themes = models.TextField(_("themes"), blank=True)
    phases = models.TextField(
        _("the session's phases"),
        blank=True,
        help_text=_("How the opening, the working phase and the closing went."),
    )
    agreements = models.TextField(_("agreements for next time"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="group_summaries_written"
    )
    written_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="group_summaries_updated"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="group_summaries_signed",
    )
    signed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"summary of {self.session}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class InterpersonalEvent(models.Model):
    """An interpersonal event (hendelse) of a session: who, what happened, where the mentalizing
    failed and what the therapists did (MBT-G; docs/methods.md#interpersonal-events)."""

    class Failure(models.TextChoices):
        PSYCHIC_EQUIVALENCE = "psychic_equivalence", _("psychic equivalence")
        PRETEND_MODE = "pretend_mode", _("pretend mode (pseudo-mentalizing)")
        TELEOLOGICAL = "teleological", _("teleological mode")
        UNCLEAR = "unclear", _("unclear or none")

    class Intervention(models.TextChoices):
        STOP_AND_REWIND = "stop_and_rewind", _("stop and rewind")
        FOCUS_ON_AFFECT = "focus_on_affect", _("focus on affects")
        REGULATE_AROUSAL = "regulate_arousal", _("regulating arousal")
        CHALLENGE = "challenge", _("challenging unwarranted beliefs")
        ACKNOWLEDGE = "acknowledge", _("acknowledging good mentalizing")
        EXPLORE = "explore", _("exploring with a not-knowing stance")
        RELATIONSHIP = "relationship", _("focus on the relationship with the therapists")
        OTHER = "other", _("other")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    summary = models.ForeignKey(SessionSummary, on_delete=models.PROTECT, related_name="events")
    members = models.ManyToManyField(Membership, related_name="events", verbose_name=_("who"), blank=True)
    what_happened = models.TextField(_("what happened"))
    failure = models.CharField(_("where the mentalizing failed"), max_length=30, choices=Failure)
    intervention = models.CharField(_("what the therapists did"), max_length=30, choices=Intervention)
    intervention_note = models.TextField(_("how it went"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"event in {self.summary}"


class SummaryAddendum(models.Model):
    """A correction or addition to a signed summary; the summary itself stays as signed."""

    summary = models.ForeignKey(SessionSummary, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField(_("addendum"))
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["written_at", "pk"]

    def __str__(self) -> str:
        return f"addendum to {self.summary}"


class Supervisor(models.Model):
    """A supervisor of one group: reads its signed summaries and interpersonal events, its
    recordings under the consent gate and its aggregated measures, and writes supervision notes;
    reads the members' case formulations only while the group's therapists share them."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    group = models.ForeignKey(TherapyGroup, on_delete=models.CASCADE, related_name="supervisors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervisions")
    sees_case_formulations = models.BooleanField(_("may read the members' case formulations"), default=False)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="one_supervision_per_group_and_user")]

    def __str__(self) -> str:
        return f"{self.user} supervises {self.group}"


class SupervisionNote(models.Model):
    """A supervisor's note on a group, or on one of its signed summaries; the group's therapists
    read it. Never edited: a later note follows an earlier one."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    group = models.ForeignKey(TherapyGroup, on_delete=models.PROTECT, related_name="supervision_notes")
    summary = models.ForeignKey(
        SessionSummary, null=True, blank=True, on_delete=models.PROTECT, related_name="supervision_notes"
    )
    text = models.TextField(_("supervision note"))
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["written_at", "pk"]

    def __str__(self) -> str:
        return f"supervision note on {self.summary or self.group}"
