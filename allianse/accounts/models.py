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


class AuditEvent(models.Model):
    """Who read or changed health data, what, when and from where. Rows are never changed."""

    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        EXPORT = "export", _("exported")
        SUBMIT = "submit", _("submitted")
        LOGIN = "login", _("signed in")
        LOGIN_FAILED = "login_failed", _("failed to sign in")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64, blank=True)
    patient = models.ForeignKey("clinic.Patient", null=True, blank=True, on_delete=models.PROTECT)
    detail = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # The same for every event one request writes, so the log can show them as one line.
    request_id = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-at"]
        # The audit log is searched by patient, staff member or action within a period, newest first.
        indexes = [
            models.Index(fields=["patient", "at"]),
            models.Index(fields=["actor", "at"], name="accounts_audit_actor_at"),
            models.Index(fields=["action", "at"], name="accounts_audit_action_at"),
            models.Index(fields=["request_id"], name="accounts_audit_request"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}"
