"""`allianse reliability RATINGS.csv`: the reliability report of a long-format ratings CSV as JSON."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from allianse.core.stats import LEVELS, METHODS, read_ratings_csv, reliability_report


class Command(BaseCommand):
    help = (
        "Rater agreement per item (ICC, G- and D-study, Krippendorff's alpha, percent agreement) "
        "of a CSV with the columns segment, rater, item, value."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ratings", help="CSV file, one row per segment, rater and item")
        parser.add_argument("--method", choices=list(METHODS), default="all")
        parser.add_argument("--level", choices=LEVELS, default="interval", help="level for alpha")
        parser.add_argument("--raters", type=int, help="largest D-study (default: the raters in the data)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            frame = read_ratings_csv(options["ratings"])
            report = reliability_report(
                frame, method=options["method"], level=options["level"], raters=options["raters"]
            )
        except ValueError as error:  # MalformedRatings, or an impossible --raters
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(report, indent=2, allow_nan=False))
