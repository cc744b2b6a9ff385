"""Signals, rupture episodes with their notes and history, and the clinic's signal rules.

Signals are computed by the core (allianse.core.signals) and stored as they arrive; episodes are
the therapist's working record of one rupture and its repair. Changes go through services.py,
and every change of an episode is written as an immutable `EpisodeEvent`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from allianse.core.signals import Kind as CoreKind
from allianse.instruments.language import current_language


class SignalRuleSettings(models.Model):
    """The clinic's overrides of the signal thresholds (one row). Defaults and their sources live
    in allianse.core.signals.SignalRules; only values an administrator changed are stored here."""

    overrides = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("signal rules")
        verbose_name_plural = _("signal rules")

    def __str__(self) -> str:
        return str(_("Signal rules"))


class FirstScores(models.Model):
    """The clinic's first scores on an instrument (`rules.first_items`) as the daily run last read
    them, so that updating one treatment does not read every response (`rules.kept_first_items`)."""

    instrument_key = models.CharField(max_length=100, unique=True)
    items = models.BinaryField()  # the array in NumPy's .npy format
    read_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.instrument_key} {self.read_at:%Y-%m-%d %H:%M}"


class SignalKind(models.TextChoices):
    """The core's signal kinds (allianse.core.signals.Kind) with their labels."""

    REPORTED = CoreKind.REPORTED.value, _("reported tension")
    HELD_BACK = CoreKind.HELD_BACK.value, _("held something back")
    DROP = CoreKind.DROP.value, _("drop in alliance")
    DISCREPANCY = CoreKind.DISCREPANCY.value, _("patient and therapist disagree")
    LOW = CoreKind.LOW.value, _("low alliance")
    EARLY = CoreKind.EARLY.value, _("weak early alliance")
    ABSENCE = CoreKind.ABSENCE.value, _("absence after a rupture")


LOOSE = models.Q(episode__isnull=True, acknowledged_at__isnull=True)  # see SignalQuerySet.loose


class SignalQuerySet(models.QuerySet):
    def current(self) -> SignalQuerySet:
        """Signals that still fire on the data as it stands (not retracted by a later correction)."""
        return self.filter(retracted_at__isnull=True)

    def loose(self) -> SignalQuerySet:
        """Current signals outside any episode that the therapist has not acknowledged."""
        return self.current().filter(LOOSE)


class Signal(models.Model):
    """One signal of one session, as the core explained it (kind, detail, numbers, sentences)."""

    Kind = SignalKind

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    treatment = models.ForeignKey("clinic.Treatment", on_delete=models.PROTECT, related_name="signals")
    session = models.ForeignKey("clinic.Session", on_delete=models.PROTECT, related_name="signals")
    kind = models.CharField(max_length=20, choices=SignalKind)
    detail = models.CharField(max_length=40)
    value = models.FloatField(null=True, blank=True)
    threshold = models.FloatField(null=True, blank=True)
    explanation_en = models.TextField()
    explanation_nb = models.TextField()
    episode = models.ForeignKey(
        "RuptureEpisode", null=True, blank=True, on_delete=models.PROTECT, related_name="signals"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    retracted_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Set when a later correction of the data means the rule no longer fires.")
    )

    objects = SignalQuerySet.as_manager()

    class Meta:
        ordering = ["treatment", "session__number", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "kind", "detail"], name="one_signal_per_rule")]
        indexes = [models.Index(fields=["treatment", "acknowledged_at"])]

    def __str__(self) -> str:
        return f"{self.kind}/{self.detail} #{self.session_id}"

    @property
    def explanation(self) -> str:
        """The explanation in the active language (the core writes both)."""
        return self.explanation_en if current_language() == "en" else self.explanation_nb

    @property
    def is_new(self) -> bool:
        return self.seen_at is None and self.acknowledged_at is None


class EpisodeKind(models.TextChoices):
    WITHDRAWAL = "withdrawal", _("withdrawal")
    CONFRONTATION = "confrontation", _("confrontation")
    BOTH = "both", _("both withdrawal and confrontation")
    UNCLEAR = "unclear", _("not clear yet")


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("resolved")
    PARTLY = "partly_resolved", _("partly resolved")
    UNRESOLVED = "unresolved", _("unresolved")
    DROPOUT = "dropout", _("ended in dropout")


class Recovery(models.TextChoices):
    """What the patient's next checks say (the core's V-shape rule), shown as a suggestion only."""

    PENDING = "pending", _("waiting for the next checks")
    RECOVERED = "recovered", _("alliance back at the earlier level")
    NOT_RECOVERED = "not_recovered", _("alliance not back within the repair window")


# An episode belongs to an individual treatment (with its sessions) or to a member of a therapy
# group (with group sessions): a member drifting away from the group is a rupture too
# (docs/methods.md#member-ruptures).
_OF_TREATMENT = ("treatment", "first_session", "last_session")
_OF_MEMBER = ("membership", "first_group_session", "last_group_session")


def _only(kept: tuple[str, ...], empty: tuple[str, ...]) -> models.Q:
    return models.Q(**{f"{name}__isnull": False for name in kept}, **{f"{name}__isnull": True for name in empty})


SCORE_WINDOW = 3  # sessions shown before and after an episode


class RuptureEpisode(models.Model):
    """One rupture and its repair, with a patient in individual treatment or with a group member.

    Exactly one of `treatment` (with `first_session`/`last_session`) and `membership` (with
    `first_group_session`/`last_group_session`) is set; a database constraint holds it.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    treatment = models.ForeignKey(
        "clinic.Treatment", null=True, blank=True, on_delete=models.PROTECT, related_name="rupture_episodes"
    )
    membership = models.ForeignKey(
        "groups.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="rupture_episodes"
    )
    kind = models.CharField(_("kind of rupture"), max_length=20, choices=EpisodeKind, default=EpisodeKind.UNCLEAR)
    markers = models.JSONField(_("markers"), default=list, blank=True)
    intensity = models.PositiveSmallIntegerField(_("intensity"), null=True, blank=True)
    first_session = models.ForeignKey(
        "clinic.Session", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_session = models.ForeignKey(
        "clinic.Session", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_group_session = models.ForeignKey(
        "groups.GroupSession", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_group_session = models.ForeignKey(
        "groups.GroupSession", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    stage = models.PositiveSmallIntegerField(_("stage reached"), default=1)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome, blank=True)
    recovery = models.CharField(max_length=20, choices=Recovery, default=Recovery.PENDING)
    recovery_session = models.ForeignKey(
        "clinic.Session", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_by_signal = models.ForeignKey(
        Signal, null=True, blank=True, on_delete=models.PROTECT, related_name="opened_episodes"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["treatment", "status"]), models.Index(fields=["membership", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=_only(_OF_TREATMENT, _OF_MEMBER) | _only(_OF_MEMBER, _OF_TREATMENT),
                name="episode_of_treatment_or_member",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.public_id}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_member_episode(self) -> bool:
        return self.membership_id is not None

    @property
    def patient(self):
        return self.membership.patient if self.is_member_episode else self.treatment.patient

    @property
    def therapists(self):
        """Who may see and work on the episode: the treatment's therapists, or the group's."""
        return self.membership.group.therapists if self.is_member_episode else self.treatment.therapists

    @property
    def span_first(self):
        """The episode's first session: a clinic Session, or a GroupSession for a member."""
        return self.first_group_session if self.is_member_episode else self.first_session

    @property
    def span_last(self):
        return self.last_group_session if self.is_member_episode else self.last_session

    def phase_of(self, number: int) -> str | None:
        """Where a session lies against the episode: "before" or "after" (within SCORE_WINDOW
        sessions), "during", or None. After a repair attempt, the next checks tell whether it held."""
        first, last = self.span_first.number, self.span_last.number
        if first - SCORE_WINDOW <= number < first:
            return "before"
        if first <= number <= last:
            return "during"
        if last < number <= last + SCORE_WINDOW:
            return "after"
        return None

    @property
    def close_suggested(self) -> bool:
        return self.is_open and self.recovery == Recovery.RECOVERED


class EpisodeStageNote(models.Model):
    """What the therapist tried at one stage of the repair, in their own words."""

    episode = models.ForeignKey(RuptureEpisode, on_delete=models.PROTECT, related_name="notes")
    stage = models.PositiveSmallIntegerField(_("stage"))
    strategies = models.JSONField(_("what was tried"), default=list, blank=True)
    text = models.TextField(_("note"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.episode_id} stage {self.stage}"


class EpisodeEvent(models.Model):
    """One change of an episode. Rows are only ever added (the episode's history)."""

    class Action(models.TextChoices):
        OPENED = "opened", _("opened")
        SIGNAL_JOINED = "signal_joined", _("signal joined")
        KIND_CHANGED = "kind_changed", _("kind or markers changed")
        STAGE_CHANGED = "stage_changed", _("stage changed")
        NOTE_ADDED = "note_added", _("note added")
        RECOVERY_CHANGED = "recovery_changed", _("recovery updated")
        CLOSED = "closed", _("closed")

    episode = models.ForeignKey(RuptureEpisode, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=20, choices=Action)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    at = models.DateTimeField()
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.episode_id} {self.action}"


class OverviewSnapshot(models.Model):
    """The clinic overview of the whole clinic for one choice of units (`overview.ALL`,
    `INDIVIDUAL`, `GROUPS`), with the response rates of the last four weeks, counted by the daily
    `allianse refresh_overview` so that the unfiltered overview and the administrator's home read
    it rather than count a trust's data on each view."""

    members = models.CharField(max_length=20, unique=True)
    computed_at = models.DateTimeField()
    figures = models.JSONField()
    response_rates = models.JSONField()  # of the last four weeks up to `computed_at`

    def __str__(self) -> str:
        return f"overview {self.members} at {self.computed_at:%Y-%m-%d %H:%M}"
