"""The FHIR test material of the shared test data (HL7 SDC, HL7 R4 examples, LHC-Forms, Helsenorge),
found beside the repository; a product response to export."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from allianse.feedback.services import issue_check, open_check, record_therapist_check, submit_check
from tests.api.conftest import api, outsider_api, password_only_api  # noqa: F401 (the API personas)

TESTDATA = Path(__file__).resolve().parents[2].parent / "shared" / "testdata" / "fhir"
RESOURCE_SUFFIXES = (".json", ".xml")


def fhir_files() -> list[Path]:
    """Every resource file of the folder (not the npm manifest), or one placeholder when the folder
    is missing, so that the tests depending on it fail under CI and are skipped elsewhere."""
    if not TESTDATA.is_dir():
        return [TESTDATA / "missing"]
    return sorted(
        path for path in TESTDATA.rglob("*") if path.suffix in RESOURCE_SUFFIXES and path.name != "package.json"
    )


def material(relative: str) -> Path:
    """A file of the shared FHIR test material (a failure under CI when it is missing)."""
    path = TESTDATA / relative
    if not path.is_file():
        message = f"FHIR test material missing: {path} (the shared test data sits beside the repository)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


PATIENT_ANSWERS = {
    "goal_1": 6,
    "goal_2": 5,
    "task_1": 6,
    "task_2": 2,
    "bond_1": 6,
    "bond_2": 7,
    "rupture": True,
    "rupture_intensity": 3,
    "rupture_resolution": 4,
    "held_back": False,
    "comment": "Litt vanskelig i dag.",
}


@pytest.fixture
def patient_response(session, therapist):
    """A patient's check of the session, as submitted through its link."""
    link = issue_check(session=session, by=therapist)
    return submit_check(administration=open_check(link.token), answers=PATIENT_ANSWERS).response


@pytest.fixture
def therapist_response(session, therapist):
    answers = {
        "goal_1": 5,
        "goal_2": 5,
        "task_1": 4,
        "task_2": 3,
        "bond_1": 6,
        "bond_2": 6,
        "rupture": False,
    }
    submission = record_therapist_check(session=session, therapist=therapist, answers=answers)
    assert submission.response is not None, submission.checked.errors
    return submission.response
