"""The patient's diagnoses moved from the groups app to clinic: recorded diagnoses are kept."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("clinic", "0001_initial"), ("groups", "0001_initial"), ("accounts", "0001_initial")]
AFTER = [("clinic", "0002_diagnosis"), ("groups", "0002_diagnosis_moves_to_clinic")]


@pytest.mark.django_db(transaction=True)
def test_diagnoses_recorded_before_the_move_are_kept():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    patient = old.get_model("clinic", "Patient").objects.create(name="Kari", language="nb")
    old.get_model("groups", "Diagnosis").objects.create(patient=patient, system="icd10", code="F60.3")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    kept = list(new.get_model("clinic", "Diagnosis").objects.values_list("patient_id", "system", "code"))
    assert kept == [(patient.pk, "icd10", "F60.3")]

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
