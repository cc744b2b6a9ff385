"""`allianse instruments [KEY --json]`: the data dictionary of the shipped instruments."""

import dataclasses
import json

from django.core.management.base import BaseCommand, CommandError

from allianse.feedback import instruments


class Command(BaseCommand):
    help = "List instrument keys and versions, or print one instrument's whole definition as JSON."

    def add_arguments(self, parser):
        parser.add_argument("key", nargs="?")
        parser.add_argument("--json", action="store_true", help="print the whole definition as JSON")

    def handle(self, *args, key=None, **options):
        if key is None:
            for instrument in instruments.all_instruments():
                self.stdout.write(f"{instrument.key}\t{instrument.version}\t{instrument.title['en']}")
            return
        try:
            instrument = instruments.get(key)
        except KeyError as error:
            known = ", ".join(i.key for i in instruments.all_instruments())
            raise CommandError(f"No instrument '{key}'. Known: {known}") from error
        definition = dataclasses.asdict(instrument)
        for score in definition["scores"]:
            score["range"] = list(instrument.score_range(next(s for s in instrument.scores if s.id == score["id"])))
        self.stdout.write(json.dumps(definition, ensure_ascii=False, indent=2))
