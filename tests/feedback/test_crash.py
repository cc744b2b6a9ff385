"""A server killed in the middle of storing a check loses nothing already stored, and the link it
was answering still works: the response is one transaction, committed whole or not at all."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SETUP = """
import django; django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.utils import timezone
from allianse.clinic.models import Session
from allianse.clinic.services import register_patient
from allianse.feedback.services import issue_check, open_check, submit_check
from tests.conftest import make_user
therapist = make_user("therapist", "therapist")
treatment = register_patient(therapist=therapist, name="", language="nb", started_on=timezone.localdate())
first = Session.objects.create(treatment=treatment, number=1, starts_at=timezone.now())
submit_check(administration=issue_check(session=first, by=therapist), answers=ANSWERS)
second = Session.objects.create(treatment=treatment, number=2, starts_at=timezone.now())
print(issue_check(session=second, by=therapist).token)
"""

CRASH = """
import os, sys
import django; django.setup()
from django.db import transaction
from allianse.feedback.services import open_check, submit_check
with transaction.atomic():
    submission = submit_check(administration=open_check(sys.argv[1]), answers=ANSWERS)
    assert submission.response is not None
    os._exit(9)  # killed after the insert, before the commit
"""

CHECK = """
import sys
import django; django.setup()
from django.db import connection
from allianse.feedback.models import Response
from allianse.feedback.services import open_check, submit_check
with connection.cursor() as cursor:
    cursor.execute("PRAGMA integrity_check")
    print(cursor.fetchone()[0])
print(Response.objects.count())
print(submit_check(administration=open_check(sys.argv[1]), answers=ANSWERS).response is not None)
print(Response.objects.count())
"""

ANSWERS = (
    'ANSWERS = {"goal_1": 6, "goal_2": 5, "task_1": 6, "task_2": 2, "bond_1": 6, "bond_2": 6, '
    '"rupture": False, "held_back": False}\n'
)


def _run(script: str, env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", ANSWERS + script, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_a_killed_submit_keeps_earlier_answers_and_leaves_the_link_open(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path}/crash.sqlite3",
        "SECRET_KEY": "crash-test",
        "DEBUG": "0",
        "ALLIANSE_VAR_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "allianse.settings",
    }
    setup = _run(SETUP, env)
    assert setup.returncode == 0, setup.stderr
    token = setup.stdout.split()[-1]

    crash = _run(CRASH, env, token)
    assert crash.returncode == 9, crash.stderr

    check = _run(CHECK, env, token)
    assert check.returncode == 0, check.stderr
    assert check.stdout.split() == ["ok", "1", "True", "2"]
