"""`allianse score KEY ANSWERS.json|RESPONSES.csv`: score one response, or a CSV of many."""

import json
from pathlib import Path

import pandas as pd
from django.core.management.base import BaseCommand, CommandError

from allianse.core.measures import ScoringInputError, check_answers, score_frame, score_response
from allianse.core.tables import UnreadableTable, read_csv_table
from allianse.instruments import registry as instruments


class Command(BaseCommand):
    help = "Score one response (JSON object of item id -> answer) or a CSV with one row per response."

    def add_arguments(self, parser):
        parser.add_argument("key")
        parser.add_argument("path")
        parser.add_argument("--output", help="CSV to write (default: standard output)")

    def handle(self, *args, key, path, output=None, **options):
        try:
            instrument = instruments.get(key)
        except KeyError as error:
            raise CommandError(f"No instrument '{key}' (see `allianse instruments`)") from error
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"{path}: no such file")
        if source.suffix.lower() == ".csv":
            self._score_csv(instrument, source, output)
        else:
            self._score_json(instrument, source)

    def _score_json(self, instrument, source):
        try:
            answers = json.loads(source.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as error:
            raise CommandError(f"{source}: not valid JSON ({error})") from error
        except RecursionError as error:
            raise CommandError(f"{source}: not valid JSON (nested too deeply)") from error
        if not isinstance(answers, dict):
            raise CommandError(f"{source}: expected a JSON object of item id -> answer")
        unknown = sorted(set(answers) - {item.id for item in instrument.items})
        if unknown:
            raise CommandError(f"{source}: unknown item id(s) for {instrument.key}: {', '.join(unknown)}")
        checked = check_answers(instrument, answers)
        if not checked.is_valid:
            problems = "; ".join(f"{item}: {code}" for item, code in checked.errors.items())
            raise CommandError(f"{source}: invalid answers ({problems})")
        result = score_response(instrument, checked.answers)
        self.stdout.write(json.dumps({"scores": result.scores, "bands": result.bands}, indent=2))

    def _score_csv(self, instrument, source, output):
        try:
            frame = read_csv_table(source, dtype=str, keep_default_na=False, na_values=[""])
        except UnreadableTable as error:
            raise CommandError(str(error)) from error
        item_ids = {item.id for item in instrument.items}
        if not item_ids & set(frame.columns):
            raise CommandError(f"{source}: no column matches an item id of {instrument.key}")
        try:
            scores = score_frame(instrument, frame)
        except ScoringInputError as error:
            raise CommandError(f"{source}: {error}") from error
        pd.concat([frame, scores], axis=1).to_csv(output or self.stdout, index=False)
