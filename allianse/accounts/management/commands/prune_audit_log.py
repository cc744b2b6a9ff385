"""`allianse prune_audit_log`: delete the audit events older than the clinic keeps them
(`AUDIT_RETENTION_DAYS`; 0 keeps every event), and the patient sets no event names any more.
Run weekly (a scheduled job); it deletes in batches of ids so that no long lock holds the log."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db.models import Exists, OuterRef
from django.utils import timezone

from allianse.accounts.models import AuditEvent, PatientSet

BATCH = 10_000


class Command(BaseCommand):
    help = "Delete audit events older than AUDIT_RETENTION_DAYS (run weekly)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, help="keep this many days instead of AUDIT_RETENTION_DAYS")

    def handle(self, *args, days: int | None = None, **options) -> None:
        days = settings.AUDIT_RETENTION_DAYS if days is None else days
        if days <= 0:
            self.stdout.write("The audit log keeps every event (AUDIT_RETENTION_DAYS is 0).")
            return
        before = timezone.now() - timedelta(days=days)
        deleted = 0
        while True:
            ids = list(AuditEvent.objects.filter(at__lt=before).order_by("at").values_list("pk", flat=True)[:BATCH])
            if not ids:
                break
            deleted += AuditEvent.objects.filter(pk__in=ids).delete()[0]
        unused = PatientSet.objects.filter(~Exists(AuditEvent.objects.filter(patient_set=OuterRef("pk"))))
        PatientSet.patients.through.objects.filter(patientset__in=unused).delete()
        sets = unused.delete()[0]
        self.stdout.write(f"{deleted} audit event(s) older than {days} days deleted, {sets} unused patient set(s).")
