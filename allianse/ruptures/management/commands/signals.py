"""`allianse signals SERIES.csv`: the rupture signals and episodes of a session series as JSON."""

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from allianse.core.measures import MissingRole
from allianse.core.signals import SignalRules, read_series_csv, signals_report
from allianse.feedback.services import PATIENT_CHECK
from allianse.instruments import registry as instruments

SHORT_FLAGS = {"low_threshold": "--low"}  # the short name the documentation uses


class Command(BaseCommand):
    help = (
        "Rupture signals (reported, held_back, drop, discrepancy, low, early, absence) and rupture episodes of a "
        "CSV with the columns treatment, session, alliance, rupture, held_back, attended and optionally "
        "therapist_alliance, rupture_intensity, rupture_resolution, therapist_rupture. Scales, the reliable "
        "change and the concern level come from the check's definition (--instrument)."
    )
    requires_system_checks = []  # reads a file; needs no database

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("series", help="CSV file, one row per session of a treatment")
        parser.add_argument("--instrument", default=PATIENT_CHECK, help="the check the series scores (%(default)s)")
        for name in SignalRules.thresholds():
            flags = [SHORT_FLAGS[name]] if name in SHORT_FLAGS else []
            flags.append("--" + name.replace("_", "-"))
            parser.add_argument(*flags, dest=name, type=float, help="default: the instrument's or the project's")

    def handle(self, *args: object, **options: object) -> None:
        try:
            instrument = instruments.get(str(options["instrument"]))
        except KeyError as error:
            raise CommandError(f"No instrument '{options['instrument']}' (see `allianse instruments`)") from error
        overrides = {name: options[name] for name in SignalRules.thresholds() if options[name] is not None}
        try:  # InvalidRules, MalformedSeries and MissingRole carry a message for people
            rules = SignalRules.for_instrument(instrument, overrides)
            report = signals_report(read_series_csv(str(options["series"]), rules.scales), rules)
        except (ValueError, MissingRole) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(report, ensure_ascii=False, allow_nan=False))
