"""`allianse refresh_overview`: count the unfiltered clinic overview and keep it
(`ruptures.overview_snapshots`); run daily, after `update_ruptures`."""

from django.core.management.base import BaseCommand

from allianse.ruptures import overview_snapshots


class Command(BaseCommand):
    help = "Count the clinic overview of the whole clinic and keep it for the day (run daily)."

    def handle(self, *args, **options) -> None:
        overview_snapshots.refresh()
        self.stdout.write("The clinic overview is counted and kept.")
