"""Observer rating: recordings of sessions, consent to use them, segments, rating studies,
assignments, drafts and immutable ratings (including expert and consensus reference ratings)."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

RECORDINGS_DIR = "recordings"


class Purpose(models.TextChoices):
    """What a recording is used for; a written consent covers one purpose
    (docs/methods.md#recording-consent)."""

    SUPERVISION = "supervision", _("supervision")
    COURSE = "course", _("course")
    RESEARCH = "research", _("research")


def superior_consent_default() -> bool:
    """Until an administrator chooses, the clinic follows `RECORDING_REQUIRES_SUPERIOR_CONSENT`."""
    return settings.RECORDING_REQUIRES_SUPERIOR_CONSENT


def group_superior_purposes_default() -> list[str]:
    """The MBT-G course asks for the superior's consent to use a group recording (docs/recordings.md)."""
    return [Purpose.COURSE.value]


class RatingSettings(models.Model):
    """The clinic's choices for recordings (one row, `get()`)."""

    requires_superior_consent = models.BooleanField(
        _("require the written consent of each therapist's superior"), default=superior_consent_default
    )
    group_superior_purposes = models.JSONField(
        _("purposes for which a group recording needs the consent of each group therapist's superior"),
        default=group_superior_purposes_default,
        blank=True,
    )

    class Meta:
        verbose_name = _("recording settings")
        verbose_name_plural = _("recording settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def get(cls) -> RatingSettings:
        """The stored row; before an administrator saves one, the defaults, unsaved, so that they
        follow the Django setting."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class ConsentRecord(models.Model):
    """A written consent on record: a patient's, a group member's (per membership: a member who
    joins later gives their own), or a therapist's superior's where the clinic requires it (the
    MBT-G course requires written consent from the patients and possibly the therapist's superior:
    docs/methods.md#recording-consent).

    Exactly one of `patient`, `membership` and `therapist` is set. A consent is valid from
    `given_at` until it is withdrawn; withdrawal blocks every recording it covered at once (see
    consents.consent_problems). `form_file_name` is the scanned signed form, if one was uploaded
    (kept like recordings, served only to those who keep the consent).
    """

    class Kind(models.TextChoices):
        PATIENT = "patient", _("patient's consent")
        MEMBER = "member", _("group member's consent")
        SUPERIOR = "superior", _("superior's consent")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.PATIENT)
    patient = models.ForeignKey(
        "clinic.Patient", null=True, blank=True, on_delete=models.PROTECT, related_name="consents"
    )
    membership = models.ForeignKey(
        "groups.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="consents"
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="superior_consents"
    )
    superior_name = models.CharField(_("superior's name"), max_length=120, blank=True)
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose)
    given_at = models.DateField(_("written consent given on"))
    document_reference = models.CharField(
        _("where the signed document is kept"),
        max_length=200,
        help_text=_("For example the journal note or archive reference of the signed form."),
    )
    form_file_name = models.CharField(max_length=60, blank=True, editable=False)
    form_content_type = models.CharField(max_length=40, blank=True, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-given_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="patient", patient__isnull=False, membership__isnull=True, therapist__isnull=True)
                    | models.Q(kind="member", patient__isnull=True, membership__isnull=False, therapist__isnull=True)
                    | models.Q(kind="superior", patient__isnull=True, membership__isnull=True, therapist__isnull=False)
                ),
                name="consent_names_one_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.purpose} {self.given_at:%Y-%m-%d}"

    def is_valid(self, now=None) -> bool:
        now = now or timezone.now()
        return self.withdrawn_at is None and self.given_at <= timezone.localdate(now)

    @property
    def form_path(self) -> Path:
        return Path(settings.MEDIA_ROOT) / RECORDINGS_DIR / self.form_file_name


class Recording(models.Model):
    """A video or audio file of a session, kept on disk under MEDIA_ROOT/recordings/ (never under
    the web root) by a random name, with its size and SHA-256; streamed only through the app.

    It records either an individual session or a group session (exactly one). Once its file is
    deleted (`file_deleted_at`, e.g. after a withdrawal) the row stays, so ratings keep their context.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(
        "clinic.Session", null=True, blank=True, on_delete=models.PROTECT, related_name="recordings"
    )
    group_session = models.ForeignKey(
        "groups.GroupSession", null=True, blank=True, on_delete=models.PROTECT, related_name="recordings"
    )
    purpose = models.CharField(_("used for"), max_length=12, choices=Purpose)
    title = models.CharField(_("title"), max_length=120, blank=True)
    file_name = models.CharField(max_length=60, unique=True, editable=False)
    content_type = models.CharField(max_length=40)
    size_bytes = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    duration_seconds = models.FloatField(_("length in seconds"), null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    file_deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    file_deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(session__isnull=False, group_session__isnull=True)
                    | models.Q(session__isnull=True, group_session__isnull=False)
                ),
                name="recording_of_one_session",
            )
        ]

    def __str__(self) -> str:
        return self.title or str(self.public_id)

    @property
    def recorded(self):
        """The session recorded: a `clinic.Session` or a `groups.GroupSession`."""
        return self.session if self.session_id is not None else self.group_session

    @property
    def is_group(self) -> bool:
        return self.group_session_id is not None

    @property
    def file_deleted(self) -> bool:
        return self.file_deleted_at is not None

    @property
    def path(self) -> Path:
        return Path(settings.MEDIA_ROOT) / RECORDINGS_DIR / self.file_name

    @property
    def is_video(self) -> bool:
        return self.content_type.startswith("video/")


class Segment(models.Model):
    """A named time range of a recording: the whole session, a 5-minute segment, an excerpt.

    Raters are sent only the segment, never the whole recording: its own file, cut from the
    recording on first play and kept beside it with its size and SHA-256 (`file_name` empty until then).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recording = models.ForeignKey(Recording, on_delete=models.PROTECT, related_name="segments")
    name = models.CharField(_("name"), max_length=120)
    start_seconds = models.FloatField(_("start (seconds)"))
    end_seconds = models.FloatField(_("end (seconds)"))
    file_name = models.CharField(max_length=60, blank=True, editable=False)
    content_type = models.CharField(max_length=40, blank=True, editable=False)
    size_bytes = models.PositiveBigIntegerField(null=True, editable=False)
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recording", "start_seconds"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_seconds__gte=0, end_seconds__gt=models.F("start_seconds")),
                name="segment_has_positive_length",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def path(self) -> Path:
        return Path(settings.MEDIA_ROOT) / RECORDINGS_DIR / self.file_name

    @property
    def duration_seconds(self) -> float:
        return self.end_seconds - self.start_seconds


class RatingStudy(models.Model):
    """A set of segments rated by a set of raters with one instrument: a course's scoring
    exercise, a supervision group or a research study. Agreement is computed per study.

    Blinding: a rater sees the others' and the reference ratings of a segment only after
    submitting their own, and then as `reveal` allows; `naming` says who sees raters' names and
    who their codes (R1, R2, ... in the order they joined the study).
    """

    class Reveal(models.TextChoices):
        OWN_SUBMITTED = "own", _("once the rater has submitted their own rating")
        ALL_SUBMITTED = "all", _("once every rater of the segment has submitted")
        RELEASED = "released", _("once the leader releases them")

    class Naming(models.TextChoices):
        NAMES = "names", _("everyone sees the raters' names")
        CODES = "codes", _("raters see codes, the leader sees names")
        CODES_FOR_ALL = "codes_for_all", _("everyone, the leader too, sees codes")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    instrument_key = models.CharField(_("rating scale"), max_length=60)
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose)
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="led_studies")
    segments = models.ManyToManyField(Segment, related_name="studies", blank=True)
    reveal = models.CharField(
        _("raters see the other ratings"), max_length=10, choices=Reveal, default=Reveal.OWN_SUBMITTED
    )
    naming = models.CharField(_("raters are named"), max_length=14, choices=Naming, default=Naming.NAMES)
    released_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "rating studies"

    def __str__(self) -> str:
        return self.name

    @property
    def is_blind(self) -> bool:
        return self.naming != self.Naming.NAMES


class Assignment(models.Model):
    """One person asked to rate one segment in a study: as a rater, to give a reference rating
    (an expert's, or the consensus agreed by the group) against which raters are calibrated, or
    as the therapist who led the session, to rate their own work against the reference
    (self-assessment; only for a segment of a session they led, see access.led_session)."""

    class Kind(models.TextChoices):
        RATER = "rater", _("rating")
        EXPERT = "expert", _("expert reference rating")
        CONSENSUS = "consensus", _("consensus reference rating")
        SELF = "self", _("self-assessment")

    REFERENCE_KINDS = (Kind.EXPERT, Kind.CONSENSUS)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    study = models.ForeignKey(RatingStudy, on_delete=models.PROTECT, related_name="assignments")
    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, related_name="assignments")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="rating_assignments")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.RATER)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["study", "segment", "rater"]
        constraints = [
            models.UniqueConstraint(fields=["study", "segment", "rater", "kind"], name="one_assignment_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.segment} → {self.rater}"

    @property
    def is_reference(self) -> bool:
        return self.kind in self.REFERENCE_KINDS

    @property
    def is_self_assessment(self) -> bool:
        return self.kind == self.Kind.SELF


class RatingDraft(models.Model):
    """The unfinished rating of an assignment, saved as the rater goes (raw form values)."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="draft")
    answers = models.JSONField(default=dict)
    missing_reasons = models.JSONField(default=dict)
    time_stamps = models.JSONField(default=dict)
    notes = models.JSONField(default=dict)
    saved_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"draft {self.assignment_id}"


class Rating(models.Model):
    """A submitted rating. Never edited: a correction is a new row that supersedes it, with a reason.

    `time_stamps` maps item ids to seconds into the recording ("item 18 at 12:40"); `notes` maps
    item ids to the rater's note on what they saw there.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="ratings")
    instrument_key = models.CharField(max_length=60)
    instrument_version = models.CharField(max_length=20)
    answers = models.JSONField()
    missing_reasons = models.JSONField(default=dict)
    time_stamps = models.JSONField(default=dict)
    notes = models.JSONField(default=dict)
    scores = models.JSONField(default=dict)
    submitted_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    correction_reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)

    class Meta:
        ordering = ["submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"], condition=models.Q(supersedes__isnull=True), name="one_rating_per_assignment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument_key} {self.submitted_at:%Y-%m-%d}"
