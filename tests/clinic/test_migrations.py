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


SHARED_BEFORE = [("clinic", "0002_diagnosis"), ("groups", "0003_member_check_short_code")]
SHARED_AFTER = [("clinic", "0003_treatment_approach_and_shared_end_reasons"), ("groups", "0004_shared_end_reasons")]


@pytest.mark.django_db(transaction=True)
def test_end_reasons_move_to_the_list_treatments_and_memberships_share():
    executor = MigrationExecutor(connection)
    executor.migrate(SHARED_BEFORE)
    old = executor.loader.project_state(SHARED_BEFORE).apps
    patient = old.get_model("clinic", "Patient").objects.create(name="", language="nb")
    treatment = old.get_model("clinic", "Treatment").objects.create(
        patient=patient, started_on="2026-01-05", ended_on="2026-03-01", end_reason="referred"
    )
    group = old.get_model("groups", "TherapyGroup").objects.create(name="Tirsdag", started_on="2026-01-05")
    Membership = old.get_model("groups", "Membership")
    left = [
        Membership.objects.create(
            group=group, patient=patient, started_on="2026-01-05", ended_on=f"2026-02-0{day}", end_reason=reason
        )
        for day, reason in ((1, "dropped_out"), (2, "moved"), (3, "completed"))
    ]

    executor = MigrationExecutor(connection)
    executor.migrate(SHARED_AFTER)
    new = executor.loader.project_state(SHARED_AFTER).apps
    assert new.get_model("clinic", "Treatment").objects.get(pk=treatment.pk).end_reason == "transferred"
    reasons = new.get_model("groups", "Membership").objects.filter(pk__in=[m.pk for m in left]).order_by("ended_on")
    assert list(reasons.values_list("end_reason", flat=True)) == ["dropout", "transferred", "completed"]
    keys = set(new.get_model("clinic", "Approach").objects.values_list("key", flat=True))
    assert keys == {"cbt", "psychodynamic", "mbt", "relational", "other"}

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
