from datetime import time, timedelta

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "allianse.accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_login_failed
        from django.core import checks

        from allianse import background

        from . import audit, extensions, middleware

        user_login_failed.connect(audit.record_failed_sign_in, dispatch_uid="allianse.accounts.failed_sign_in")
        user_locked_out.connect(audit.record_lockout, dispatch_uid="allianse.accounts.lockout")
        user_logged_in.connect(middleware.note_sign_in_time, dispatch_uid="allianse.accounts.sign_in_time")
        checks.register(extensions.check_patient_lookup)
        # Finished tasks are kept 30 days for the tasks page, then deleted.
        background.register_periodic(
            "prune_task_results",
            command="prune_db_task_results",
            args=("--min-age-days=30",),
            every=timedelta(weeks=1),
            at=time(3, 45),
        )
        # Audit events older than the clinic keeps them (AUDIT_RETENTION_DAYS) are deleted weekly.
        background.register_periodic(
            "prune_audit_log", command="prune_audit_log", args=(), every=timedelta(weeks=1), at=time(4)
        )


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin app with the two-factor site (installed in place of django.contrib.admin)."""

    default = False  # not the config of allianse.accounts itself
    default_site = "allianse.accounts.admin_site.StaffAdminSite"
