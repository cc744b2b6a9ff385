from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from allianse.core import groups as core_groups

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I, easy to read aloud


def readable_code() -> str:
    """Eight random characters of `CODE_ALPHABET` in two groups, such as 'K7QF-3M9X' (40 bits)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def new_patient_code() -> str:
    """A pseudonymous code: the only identifier staff see by default."""
    return readable_code()


class Language(models.TextChoices):
    NB = "nb", _("Norwegian (bokmål)")
    EN = "en", _("English")


class Patient(models.Model):
    """A pseudonymous patient: a code, optionally a name that never appears in URLs or logs."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("code"), max_length=12, unique=True, default=new_patient_code)
    name = models.CharField(_("name (optional)"), max_length=120, blank=True)
    language = models.CharField(_("preferred language"), max_length=2, choices=Language, default=Language.NB)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class EndReason(models.TextChoices):
    """Why a treatment or a group membership ended: one list for both, so that dropout (ended by the
    patient before the agreed end) is counted the same way everywhere."""

    COMPLETED = "completed", _("completed as planned")
    DROPOUT = "dropout", _("ended by the patient before the agreed end")
    THERAPIST = "therapist", _("ended by the therapist")
    TRANSFERRED = "transferred", _("transferred")
    OTHER = "other", _("other")


class Approach(models.Model):
    """A therapeutic approach a treatment follows. The defaults (seeded by a migration) have a `key`
    the clinic overview compares with published dropout figures; a clinic adds its own without one."""

    key = models.SlugField(max_length=30, blank=True, editable=False)
    name_nb = models.CharField(_("name in Norwegian"), max_length=80, unique=True)
    name_en = models.CharField(_("name in English"), max_length=80, unique=True)
    active = models.BooleanField(_("offered"), default=True, help_text=_("Only offered approaches can be chosen."))

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["key"], condition=~models.Q(key=""), name="unique_approach_key")]

    def __str__(self) -> str:
        return self.name_nb if (get_language() or "").startswith("nb") else self.name_en


class TreatmentQuerySet(models.QuerySet):
    def for_therapist(self, user) -> TreatmentQuerySet:
        return self.filter(therapists=user)


class Treatment(models.Model):
    EndReason = EndReason

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="treatments")
    therapists = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="treatments")
    started_on = models.DateField(_("started"))
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=20, choices=EndReason, blank=True)
    approach = models.ForeignKey(
        Approach, verbose_name=_("approach"), null=True, blank=True, on_delete=models.PROTECT, related_name="treatments"
    )

    objects = TreatmentQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on"]

    def __str__(self) -> str:
        return f"{self.patient.code} {self.started_on:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None

    def next_session_number(self) -> int:
        last = self.sessions.aggregate(models.Max("number"))["number__max"]
        return (last or 0) + 1


class Session(models.Model):
    """One therapy session of an individual treatment."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    treatment = models.ForeignKey(Treatment, on_delete=models.PROTECT, related_name="sessions")
    number = models.PositiveIntegerField(_("session number"))
    starts_at = models.DateTimeField(_("date and time"))
    attended = models.BooleanField(_("attended"), default=True)

    class Meta:
        ordering = ["treatment", "number"]
        constraints = [models.UniqueConstraint(fields=["treatment", "number"], name="unique_session_number")]

    def __str__(self) -> str:
        return f"{self.treatment.patient.code} #{self.number}"


class Diagnosis(models.Model):
    """A diagnosis recorded for a patient (ICD-10 or ICD-11); used for certification eligibility."""

    class System(models.TextChoices):
        ICD10 = core_groups.ICD10, _("ICD-10")
        ICD11 = core_groups.ICD11, _("ICD-11")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey("clinic.Patient", on_delete=models.PROTECT, related_name="diagnoses")
    system = models.CharField(_("classification"), max_length=10, choices=System, default=System.ICD10)
    code = models.CharField(_("code"), max_length=60)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["recorded_at"]

    def __str__(self) -> str:
        return f"{self.get_system_display()} {self.code}"
