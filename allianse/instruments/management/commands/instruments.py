"""`allianse instruments [KEY --json]`: the data dictionary of the shipped instruments."""

import json

from django.core.management.base import BaseCommand, CommandError

from allianse.instruments import registry as instruments


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
        self.stdout.write(json.dumps(instruments.data_dictionary(instrument), ensure_ascii=False, indent=2))
