from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    THERAPIST = "therapist", _("Therapist")
    ADMINISTRATOR = "administrator", _("Administrator")
    RATER = "rater", _("Rater")
    COURSE_LEADER = "course_leader", _("Course leader")
    SUPERVISOR = "supervisor", _("Supervisor")


class User(AbstractUser):
    """A staff member. Roles are Django groups named by `Role` values; one person can hold several."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    is_demo = models.BooleanField(
        default=False, help_text=_("Demo account: may see its current sign-in code while DEBUG is on.")
    )
    # Until when an administrator lets the account set up a second factor after the password alone
    # (after a reset); otherwise only the session that came through an enrolment link may.
    may_enrol_until = models.DateTimeField(null=True, blank=True, editable=False)

    def has_role(self, role: str) -> bool:
        if not hasattr(self, "_role_cache"):
            self._role_cache = set(self.groups.values_list("name", flat=True))
        return role in self._role_cache

    @property
    def is_therapist(self) -> bool:
        return self.has_role(Role.THERAPIST)

    @property
    def is_administrator(self) -> bool:
        return self.has_role(Role.ADMINISTRATOR)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class PatientSet(models.Model):
    """The patients one page or list showed, stored once however often the same patients are
    shown again: an event of a list names its set rather than taking a row per patient. Found by
    the hash of the sorted ids (`audit.patient_set`)."""

    digest = models.CharField(max_length=64, unique=True)
    patients = models.ManyToManyField("clinic.Patient", related_name="+")

    def __str__(self) -> str:
        return self.digest[:12]


class AuditEvent(models.Model):
    """Who read or changed health data, what, when and from where. Rows are never changed.

    An event concerns one patient (`patient`) or, when a page or list showed several, the set of
    them (`patient_set`): one row per request and patients shown."""

    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        EXPORT = "export", _("exported")
        SUBMIT = "submit", _("submitted")
        LOGIN = "login", _("signed in")
        LOGIN_FAILED = "login_failed", _("failed to sign in")
        API_CALL = "api_call", _("called the API")

    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, db_index=False)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64, blank=True)
    patient = models.ForeignKey("clinic.Patient", null=True, blank=True, on_delete=models.PROTECT, db_index=False)
    # A set still named is kept by the database's foreign key: Django's own check (PROTECT) would read
    # the log for every set `prune_audit_log` deletes, seconds at millions of rows.
    patient_set = models.ForeignKey(PatientSet, null=True, blank=True, on_delete=models.DO_NOTHING, db_index=False)
    detail = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # The same for every event one request writes, so the log can show them as one line.
    request_id = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-at"]
        # The audit log is read newest first, in pages that follow on from a (time, id) cursor, and
        # searched by patient, staff member or action within a period: one index per way in, each
        # ending in the time so that a period or a cursor is one range of it. Nothing else is
        # indexed (a foreign key's own index is the start of these), so that a write stays cheap.
        indexes = [
            models.Index(fields=["at", "id"], name="accounts_audit_at_id"),
            models.Index(fields=["patient", "at"]),
            models.Index(fields=["patient_set", "at"], name="accounts_audit_set_at"),
            models.Index(fields=["actor", "at"], name="accounts_audit_actor_at"),
            models.Index(fields=["action", "at"], name="accounts_audit_action_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}"

    @property
    def patient_ids(self) -> set[int]:
        """The patients the event concerns (those of its set read from the database)."""
        if self.patient_set_id is not None:
            return set(self.patient_set.patients.values_list("pk", flat=True))
        return {self.patient_id} if self.patient_id is not None else set()


class ApiPart(models.TextChoices):
    """The parts of the REST API a token may reach; each API view declares its part (`api_part`)."""

    CLINIC = "clinic", _("Patients and sessions")
    FEEDBACK = "feedback", _("Checks and series")
    RUPTURES = "ruptures", _("Rupture signals and episodes")
    GROUPS = "groups", _("Groups")
    RATING = "rating", _("Video rating")
    COURSES = "courses", _("Courses")
    FHIR = "fhir", _("FHIR")
    RESEARCH = "research", _("Research")


class ServiceAccount(models.Model):
    """An account for another system (not a person): it signs in with tokens only, never on the pages,
    and reaches what its roles allow within its tokens' scope."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="service_account")
    description = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.user.username


class AccessToken(models.Model):
    """A secret for the REST API. Only the SHA-256 hash of the secret is kept (the secret is shown
    once, when made); `prefix`, the start of the secret, finds the row to compare the hash with."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("Personal")
        SERVICE = "service", _("Service account")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    can_write = models.BooleanField(default=False)
    parts = models.JSONField(default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    def is_usable(self, now) -> bool:
        return self.revoked_at is None and now < self.expires_at and self.user.is_active

    def part_labels(self) -> list[str]:
        return [str(ApiPart(part).label) for part in self.parts if part in ApiPart.values]
