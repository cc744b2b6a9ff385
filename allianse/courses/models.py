"""A course in mentalization-based group therapy (seed 002): its meetings and their day plan, its
participants with their groups, preparation, characters and roles, attendance, presented videos
and supervision notes. Scoring exercises are rating studies (`allianse.rating`) tied to a meeting."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Course(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=160)
    organiser = models.CharField(_("organiser"), max_length=160, blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="nb")
    learning_goals = models.TextField(_("learning goals"), blank=True)
    capacity = models.PositiveSmallIntegerField(_("number of places"), default=12)
    attendance_threshold = models.PositiveSmallIntegerField(
        _("attendance needed for the dossier (per cent of the meetings held)"), default=75
    )
    preparation_due = models.DateField(_("preparation due"), null=True, blank=True)
    leaders = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="courses_led", verbose_name=_("leaders"))
    supervisors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="courses_supervised", blank=True, verbose_name=_("supervisors")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Meeting(models.Model):
    class Mode(models.TextChoices):
        PSYCHOEDUCATIONAL = "psychoeducational", _("role play of psychoeducational group therapy")
        DYNAMIC = "dynamic", _("role play of dynamic group therapy")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="meetings")
    number = models.PositiveSmallIntegerField(pgettext_lazy("course", "meeting number"))
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    theme = models.TextField(_("theme"), blank=True)
    mode = models.CharField(_("role play"), max_length=20, choices=Mode, default=Mode.DYNAMIC)
    role_play_topic = models.CharField(_("topic of the role play"), max_length=200, blank=True)
    theory = models.TextField(_("theory"), blank=True)
    items = models.JSONField(_("items of the MBT-G rating scale taught"), default=list, blank=True)
    scores_video = models.BooleanField(_("scoring of a video sequence"), default=False)
    scoring_study = models.OneToOneField(
        "rating.RatingStudy", null=True, blank=True, on_delete=models.SET_NULL, related_name="course_meeting"
    )

    class Meta:
        ordering = ["course", "number"]
        constraints = [models.UniqueConstraint(fields=["course", "number"], name="unique_course_meeting_number")]

    def __str__(self) -> str:
        return f"{self.course} {self.number}"


class DayBlock(models.Model):
    """A time block of the course's day plan (no meeting), or of one meeting's own plan, which then
    replaces the course's plan for that day."""

    class Kind(models.TextChoices):
        ROLE_PLAY = "role_play", _("role play")
        THEORY = "theory", _("theory and video demonstration")
        SUPERVISION = "supervision", _("supervision and teaching")
        LUNCH = "lunch", _("lunch")
        BREAK = "break", _("break")
        SCORING = "scoring", _("scoring of a video sequence")
        OTHER = "other", _("other")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="blocks")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="blocks")
    starts = models.TimeField(_("starts"))
    ends = models.TimeField(_("ends"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    description = models.CharField(_("description"), max_length=200, blank=True)
    overlap_confirmed = models.BooleanField(
        _("overlap intended"), default=False, help_text=_("The block overlaps another on purpose.")
    )

    class Meta:
        ordering = ["starts", "ends", "pk"]
        constraints = [models.CheckConstraint(condition=models.Q(ends__gt=models.F("starts")), name="block_has_length")]

    def __str__(self) -> str:
        return f"{self.starts:%H.%M}–{self.ends:%H.%M} {self.kind}"


class Participant(models.Model):
    """A staff member's place on a course, or on its waiting list."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("enrolled")
        WAITING = "waiting", _("on the waiting list")
        WITHDRAWN = "withdrawn", _("withdrawn")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="course_places")
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.ENROLLED)
    joined_at = models.DateTimeField(default=timezone.now)
    group = models.ForeignKey(
        "groups.TherapyGroup",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="course_places",
        verbose_name=_("MBT group in Allianse"),
    )
    group_declaration = models.TextField(
        _("MBT group run elsewhere"), blank=True, help_text=_("A short description if the group is not in Allianse.")
    )
    aims_at_mbt_g = models.BooleanField(_("the treatment aims at MBT-G"), default=False)
    character_name = models.CharField(_("character's name"), max_length=80, blank=True)
    character_description = models.TextField(_("character"), blank=True)

    class Meta:
        ordering = ["joined_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["course", "user"], name="one_place_per_course")]

    def __str__(self) -> str:
        return f"{self.user} on {self.course}"


class Preparation(models.Model):
    """What a participant sends the leader before the start: an account of the group and its frame,
    a short description of each patient, and a draft case formulation of one member."""

    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="preparation")
    group_account = models.TextField(_("the group and its frame"), blank=True)
    case_formulation = models.TextField(_("draft case formulation of one member"), blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"preparation of {self.participant}"


class PatientDescription(models.Model):
    """One patient of the participant's group, in a few lines (5–10, as the course asks)."""

    preparation = models.ForeignKey(Preparation, on_delete=models.CASCADE, related_name="descriptions")
    label = models.CharField(_("patient"), max_length=40)
    text = models.TextField(_("description"))
    membership = models.ForeignKey("groups.Membership", null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.label


class Reading(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="readings")
    title = models.CharField(_("title"), max_length=300)
    reference = models.CharField(_("reference"), max_length=300, blank=True)
    read_by = models.ManyToManyField(Participant, related_name="readings_read", blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """Attendance at a meeting; an absence announced ahead is kept out of the rota."""

    class Status(models.TextChoices):
        PRESENT = "present", _("present")
        ANNOUNCED = "announced", _("absence announced")
        ABSENT = "absent", _("absent")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(_("attendance"), max_length=12, choices=Status)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "participant"], name="one_course_attendance")]

    def __str__(self) -> str:
        return f"{self.participant} at {self.meeting}: {self.status}"


class MeetingRole(models.Model):
    class Role(models.TextChoices):
        CO_THERAPIST = "co_therapist", _("co-therapist in the role play")
        CLINICAL = "clinical", _("presents clinical material")
        THEORY = "theory", _("presents theory")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="roles")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=Role)

    class Meta:
        ordering = ["meeting", "role", "participant"]
        constraints = [models.UniqueConstraint(fields=["meeting", "participant", "role"], name="one_meeting_role_each")]

    def __str__(self) -> str:
        return f"{self.participant}: {self.role} at {self.meeting}"


class VideoPresentation(models.Model):
    """A participant showed an excerpt of their own group therapy on video at a meeting."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="videos")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="videos")
    recording = models.ForeignKey(
        "rating.Recording", null=True, blank=True, on_delete=models.PROTECT, related_name="course_presentations"
    )
    consent_confirmed = models.BooleanField(_("the patients' written consent is on record"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting__number", "pk"]

    def __str__(self) -> str:
        return f"video by {self.participant} at {self.meeting}"


class SupervisionNote(models.Model):
    class Basis(models.TextChoices):
        RECORDING = "recording", _("a recording")
        ROLE_PLAY = "role_play", _("a role play")
        SUMMARY = "summary", _("a session summary")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="supervision_notes")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="supervision_notes"
    )
    basis = models.CharField(_("based on"), max_length=12, choices=Basis)
    text = models.TextField(_("note"))
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-written_at"]

    def __str__(self) -> str:
        return f"supervision of {self.participant}"
