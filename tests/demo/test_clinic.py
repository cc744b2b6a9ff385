"""The demo that `make run` loads builds without errors and shows what it promises."""

from django.core.management import call_command

from allianse.clinic.models import EndReason, Patient, Treatment
from allianse.demo.treatments import APPROACHES
from allianse.ruptures.models import Signal
from allianse.ruptures.overview import clinic_overview


def test_the_demo_builds_a_clinic_and_prints_logins_and_a_fresh_check_link(db, capsys):
    call_command("demo")
    out = capsys.readouterr().out
    assert Patient.objects.count() >= 12
    assert all(8 <= treatment.sessions.count() <= 30 for treatment in Treatment.objects.all())
    assert "therapist1" in out and "DEMO ONLY" in out
    assert any(line.startswith("http://") and "/c/" in line for line in out.splitlines())
    ended = Treatment.objects.exclude(ended_on=None)
    assert set(ended.values_list("end_reason", flat=True)) == set(EndReason.values)
    assert set(Treatment.objects.values_list("approach__key", flat=True)) == set(APPROACHES)
    details = set(Signal.objects.values_list("detail", flat=True))
    assert {"observer_only", "observer_none"} <= details  # the observer disagrees both ways
    figures = clinic_overview()
    assert all(rate.n for rate in figures.perspectives)  # patients, therapists and observers all rated
    shown = {rate.key for rate in figures.dropout_by_approach if rate.shown}
    assert {"relational", "cbt", "psychodynamic"} <= shown


def test_the_demo_adds_nothing_to_a_database_that_has_data(db, capsys, treatment):
    call_command("demo")
    assert Patient.objects.count() == 1
    assert "already has data" in capsys.readouterr().out
