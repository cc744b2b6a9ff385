"""`allianse fhir export|import|import-responses|list|export-response|export-treatment`.

Exit status 0 when the work is done (a Questionnaire that fits, responses read), 1 with the
reasons when it is refused; never a traceback on a file, whatever it holds.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import translation

from allianse.accounts import audit
from allianse.accounts.models import AuditEvent
from allianse.clinic.models import Treatment
from allianse.feedback.models import Response
from allianse.instruments import registry

from ... import messages, response_import, services
from ...resources import MAX_BYTES, Unreadable, parse


class Command(BaseCommand):
    help = "FHIR R4: export instruments, responses and treatments; import Questionnaires; read responses."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        export = commands.add_parser("export", help="print an instrument's Questionnaire as JSON")
        export.add_argument("key")
        commands.add_parser("list", help="list the instruments with their canonical URLs (imported ones too)")
        response = commands.add_parser("export-response", help="print a response and its scores as a Bundle")
        response.add_argument("response_id", help="the response's public id")
        treatment = commands.add_parser("export-treatment", help="print a treatment's data as a Bundle")
        treatment.add_argument("treatment_id", help="the treatment's public id")
        read = commands.add_parser("import", help="read a Questionnaire (JSON or XML) as an instrument definition")
        read.add_argument("path")
        read.add_argument("--save", action="store_true", help="store the instrument (not validated)")
        read.add_argument(
            "--validation-source", default="", help="with --save: where the instrument's validation is published"
        )
        responses = commands.add_parser(
            "import-responses", help="read QuestionnaireResponses, recompute their scores and report (stores nothing)"
        )
        responses.add_argument("path")
        target = responses.add_mutually_exclusive_group(required=True)
        target.add_argument("--instrument", help="the key of the instrument they answer (shipped or imported)")
        target.add_argument("--questionnaire", help="the FHIR Questionnaire file they answer")

    def handle(self, *args, action, **options):
        with translation.override("en"):
            try:
                getattr(self, "_" + action.replace("-", "_"))(**options)
            except DatabaseError as error:
                raise CommandError(
                    f"The database cannot be read ({error}); is it set up (`allianse migrate`)?"
                ) from error

    def _export(self, key, **options):
        self._print(services.questionnaire(self._instrument(key)))

    def _list(self, **options):
        for instrument in registry.all_instruments(imported=True):
            origin = "shipped" if registry.is_shipped(instrument.key) else "imported"
            url = services.questionnaire(instrument)["url"]
            self.stdout.write(f"{instrument.key}\t{instrument.version}\t{origin}\t{url}|{instrument.version}")

    def _export_response(self, response_id, **options):
        response = self._row(Response.objects.select_related("session__treatment__patient"), response_id, "response")
        answers, *scores = services.response_resources(response, in_bundle=True)
        audit.record(
            None, AuditEvent.Action.EXPORT, response, patient=response.session.treatment.patient, detail="fhir"
        )
        self._print(
            {
                "resourceType": "Bundle",
                "type": "collection",
                "entry": [
                    {"fullUrl": f"urn:uuid:{response.public_id}", "resource": answers},
                    *({"fullUrl": f"urn:uuid:{services.observation_uuid(response)}", "resource": s} for s in scores),
                ],
            }
        )

    def _export_treatment(self, treatment_id, **options):
        treatment = self._row(Treatment.objects.select_related("patient"), treatment_id, "treatment")
        bundle = services.treatment_bundle(treatment, services.treatment_responses(treatment))
        audit.record(None, AuditEvent.Action.EXPORT, treatment, patient=treatment.patient, detail="fhir bundle")
        self._print(bundle)

    def _import(self, path, save, validation_source, **options):
        raw = self._read(path)
        if save:
            outcome = services.import_questionnaire(
                raw, file_name=Path(path).name, user=None, validation_source=validation_source
            )
        else:
            outcome = services.read_questionnaire(raw)
        for line in messages.lines(outcome.notes):
            self.stderr.write(f"note: {line}")
        if not outcome.accepted:
            raise CommandError(self._refusal(path, outcome.problems))
        if outcome.stored is not None:
            audit.record(None, AuditEvent.Action.CREATE, outcome.stored, detail=f"fhir import {outcome.stored.key}")
            self.stderr.write(f"stored as {outcome.stored.key} {outcome.stored.version}")
        self.stdout.write(yaml.safe_dump(outcome.definition, allow_unicode=True, sort_keys=False))

    def _import_responses(self, path, instrument=None, questionnaire=None, **options):
        try:
            found = response_import.responses_in(self._read(path))
            source = parse(self._read(questionnaire), ("Questionnaire",)).data if questionnaire else None
        except Unreadable as error:
            raise CommandError(self._refusal(path, error.problems)) from error
        if instrument is not None:
            target = self._instrument(instrument)
            reports = [response_import.report_for_instrument(response, target) for response in found]
        else:
            reports = [response_import.report_for_questionnaire(response, source) for response in found]
        for report in reports:
            for line in messages.lines(report.problems):
                self.stderr.write(f"note: {report.id}: {line}")
        self._print([report.as_dict() for report in reports])

    def _instrument(self, key):
        try:
            return registry.get(key, imported=True)
        except KeyError as error:
            raise CommandError(f"No instrument '{key}' (see `allianse fhir list`)") from error

    def _row(self, queryset, public_id, kind):
        try:
            return queryset.get(public_id=public_id)
        except (queryset.model.DoesNotExist, ValidationError) as error:
            raise CommandError(f"No {kind} '{public_id}'") from error

    def _read(self, path) -> bytes:
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"{path}: no such file")
        if source.stat().st_size > MAX_BYTES:
            raise CommandError(f"{path}: larger than {MAX_BYTES // 1_000_000} MB")
        return source.read_bytes()

    def _refusal(self, path, problems) -> str:
        return "\n".join([f"{path}: refused", *(f"  {line}" for line in messages.lines(problems))])

    def _print(self, data):
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
