"""`allianse fhir ...`: exit status 0 when done, 1 with the reasons when refused; never a traceback,
on any file of the shared test data or on garbage."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire

from allianse.fhir.models import ImportedInstrument
from allianse.instruments import registry
from tests.fhir.conftest import TESTDATA, fhir_files, material

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]


def run(*arguments: str) -> int:
    """The exit status `allianse fhir ...` ends with: Django's command runner turns a CommandError into
    its message on standard error and status 1 (run in this process, so the test database stays open)."""
    try:
        call_command("fhir", *arguments)
    except CommandError as error:
        sys.stderr.write(f"CommandError: {error}\n")
        return error.returncode
    return 0


@pytest.mark.parametrize(
    ("relative", "status"),
    [("sdc/questionnaire-sdc-profile-example-PHQ9.json", 0), ("fhir-r4-core/Questionnaire-qs1.json", 1)],
)
def test_the_command_exits_0_for_a_fitting_questionnaire_and_1_for_a_refused_one(relative, status):
    finished = subprocess.run(
        [sys.executable, "-m", "allianse", "fhir", "import", str(material(relative))],
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "allianse.settings_test"},
        cwd=REPO,
        check=False,
    )
    assert finished.returncode == status, finished.stderr
    assert "Traceback" not in finished.stderr


def test_export_prints_the_questionnaire_as_json(capsys):
    assert run("export", "alliance-patient") == 0
    resource = json.loads(capsys.readouterr().out)
    Questionnaire.model_validate(resource)
    assert resource["url"].endswith("/Questionnaire/alliance-patient")


def test_export_of_an_unknown_key_is_refused(capsys):
    assert run("export", "no-such-instrument") == 1
    assert "No instrument 'no-such-instrument'" in capsys.readouterr().err


@pytest.mark.parametrize("path", fhir_files(), ids=lambda path: path.name)
def test_import_of_every_test_file_exits_0_or_1_with_reasons_and_no_traceback(path, capsys):
    path = material(path.relative_to(TESTDATA).as_posix())
    status = run("import", str(path))
    output = capsys.readouterr()
    assert "Traceback" not in output.err
    if status == 0:
        assert "items:" in output.out
    else:
        assert status == 1 and "refused" in output.err and "  " in output.err


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00\xff\xfe garbage",
        b"[" * 100_000,
        b"{}",
        b'{"resourceType": 3}',
        b"<x/>",
        b"<?xml version='1.0'?>",
        b'{"resourceType": "Questionnaire", "status": "active", "item": [{"type": "group"}]}',
        b'<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><Questionnaire xmlns="http://hl7.org/fhir">&b;</Questionnaire>',
    ],
)
def test_garbage_is_refused_without_a_traceback(tmp_path, capsys, content):
    path = tmp_path / "input.json"
    path.write_bytes(content)
    assert run("import", str(path)) == 1
    output = capsys.readouterr()
    assert "Traceback" not in output.err and "refused" in output.err
    assert run("import-responses", str(path), "--instrument", "alliance-patient") == 1
    assert "Traceback" not in capsys.readouterr().err


def test_a_missing_file_is_refused(capsys):
    assert run("import", "/no/such/file.json") == 1
    assert "no such file" in capsys.readouterr().err


def test_import_save_stores_a_not_validated_instrument_that_is_listed_exported_and_scores_responses(capsys):
    questionnaire = material("sdc/questionnaire-sdc-profile-example-PHQ9.json")
    assert run("import", str(questionnaire), "--save") == 0
    stored = ImportedInstrument.objects.get()
    instrument = registry.get(stored.key, imported=True)
    assert instrument.validated is False and stored.imported_by is None
    capsys.readouterr()
    assert run("list") == 0
    assert f"{stored.key}\t" in capsys.readouterr().out
    assert run("export", stored.key) == 0
    exported = json.loads(capsys.readouterr().out)
    Questionnaire.model_validate(exported)
    assert exported["derivedFrom"] == [
        "http://hl7.org/fhir/uv/sdc/Questionnaire/questionnaire-sdc-profile-example-PHQ9|0.0.1"
    ]
    response = material("sdc/questionnaireresponse-sdc-profile-example-PHQ9.json")
    assert run("import-responses", str(response), "--instrument", stored.key) == 0
    (report,) = json.loads(capsys.readouterr().out)
    assert report["stored_scores"] == {"h1_ts": 13.0}
    assert report["recomputed_scores"] == {"h1_ts": 10.0}
    # The same key again is refused.
    assert run("import", str(questionnaire), "--save") == 1
    assert "exists already" in capsys.readouterr().err


def test_a_recorded_validation_source_marks_the_import_validated():
    questionnaire = material("helsenorge-refero/scoring/choice-radio-button/q.json")
    assert (
        run("import", str(questionnaire), "--save", "--validation-source", "Test form of the Helsenorge renderer") == 0
    )
    assert registry.get(ImportedInstrument.objects.get().key, imported=True).validated is True


def test_import_responses_against_a_questionnaire_file_reports_the_glasgow_total(capsys):
    status = run(
        "import-responses",
        str(material("fhir-r4-core/QuestionnaireResponse-gcs.json")),
        "--questionnaire",
        str(material("fhir-r4-core/Questionnaire-gcs.json")),
    )
    assert status == 0
    (report,) = json.loads(capsys.readouterr().out)
    assert report["weights_total"] == 13


def test_a_shipped_instrument_exported_imports_again(tmp_path, capsys):
    assert run("export", "rupture-markers") == 0
    path = tmp_path / "rupture-markers.json"
    path.write_text(capsys.readouterr().out)
    assert run("import", str(path)) == 0
    # Stored under its key it would shadow the shipped one: refused.
    assert run("import", str(path), "--save") == 1
    assert "exists already" in capsys.readouterr().err


def test_export_treatment_and_response_print_valid_bundles(patient_response, capsys):
    treatment = patient_response.session.treatment
    assert run("export-treatment", str(treatment.public_id)) == 0
    Bundle.model_validate(json.loads(capsys.readouterr().out))
    assert run("export-response", str(patient_response.public_id)) == 0
    bundle = json.loads(capsys.readouterr().out)
    Bundle.model_validate(bundle)
    assert [entry["resource"]["resourceType"] for entry in bundle["entry"]] == ["QuestionnaireResponse", "Observation"]
    assert run("export-treatment", "not-a-uuid") == 1
