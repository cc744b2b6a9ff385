"""`allianse signals SERIES.csv`: the rupture signals and episodes of a session series as JSON."""

import json
from dataclasses import fields

from django.core.management.base import BaseCommand, CommandError, CommandParser

from allianse.core.signals import SignalRules, read_series_csv, signals_report
from allianse.core.signals.series_input import DEFAULT_SCALE

SHORT_FLAGS = {"low_threshold": "--low"}  # the short name the documentation uses


class Command(BaseCommand):
    help = (
        "Rupture signals (reported, held_back, drop, discrepancy, low, absence) and rupture episodes of a "
        "CSV with the columns treatment, session, alliance, rupture, held_back, attended and optionally "
        "therapist_alliance, rupture_intensity, rupture_resolution, therapist_rupture."
    )
    requires_system_checks = []  # reads a file; needs no database and no app

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("series", help="CSV file, one row per session of a treatment")
        parser.add_argument(
            "--scale", nargs=2, type=float, default=DEFAULT_SCALE, metavar=("MIN", "MAX"), help="alliance scale"
        )
        for rule in fields(SignalRules):
            flags = [SHORT_FLAGS[rule.name]] if rule.name in SHORT_FLAGS else []
            flags.append("--" + rule.name.replace("_", "-"))
            parser.add_argument(
                *flags, dest=rule.name, type=type(rule.default), default=rule.default, help="default %(default)s"
            )

    def handle(self, *args: object, **options: object) -> None:
        try:  # InvalidRules and MalformedSeries are ValueErrors with a message for people
            rules = SignalRules.from_dict({rule.name: options[rule.name] for rule in fields(SignalRules)})
            report = signals_report(read_series_csv(options["series"], scale=tuple(options["scale"])), rules)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(report, ensure_ascii=False, allow_nan=False))
