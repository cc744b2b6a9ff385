"""The demo that `make run` loads builds without errors and shows what it promises."""

from django.core.management import call_command

from allianse.clinic.models import Patient, Treatment


def test_the_demo_builds_a_clinic_and_prints_logins_and_a_fresh_check_link(db, capsys):
    call_command("demo")
    out = capsys.readouterr().out
    assert Patient.objects.count() >= 12
    assert all(8 <= treatment.sessions.count() <= 30 for treatment in Treatment.objects.all())
    assert "therapist1" in out and "DEMO ONLY" in out
    assert any(line.startswith("http://") and "/c/" in line for line in out.splitlines())


def test_the_demo_adds_nothing_to_a_database_that_has_data(db, capsys, treatment):
    call_command("demo")
    assert Patient.objects.count() == 1
    assert "already has data" in capsys.readouterr().out
