"""Time and peak memory of a research export of many responses (1,000,000 by default;
BENCH_RESEARCH_ROWS sets another number), in each format, against reading the same rows from the
database and throwing them away (the baseline: what any export must do).

The responses are written straight into a temporary SQLite database (one treatment of one session
per 1,000 responses, one link each). Each measurement runs in a fresh process, so its peak resident
memory (ru_maxrss) is its own: CSV and XLSX stream with constant memory; SPSS and Stata are written
whole by pyreadstat, so they hold the table as one typed frame.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

from bench.support import ROOT, migrated_env

ROWS = int(os.environ.get("BENCH_RESEARCH_ROWS", "1000000"))
PER_SESSION = 1000

FILL = """
import django, json, uuid
django.setup()
from django.db import connection
from django.utils import timezone
from allianse.accounts.models import User
from allianse.clinic.models import Patient, Session, Treatment
from allianse.feedback.models import Administration, Response
from allianse.instruments import registry
rows, per = {rows}, {per}
user = User.objects.create_user("bench")
now = timezone.now()
key = "alliance-patient"
instrument = registry.get(key)
answers = json.dumps({{"goal_1": 6, "goal_2": 5, "task_1": 6, "task_2": 2, "bond_1": 6, "bond_2": 6,
                      "rupture": True, "rupture_intensity": 3, "rupture_resolution": 4, "held_back": False}})
scores = json.dumps({{score.id: 5.0 for score in instrument.scores}})
admin_table, response_table = Administration._meta.db_table, Response._meta.db_table
with connection.cursor() as cursor:
    for start in range(0, rows, per):
        patient = Patient.objects.create()
        treatment = Treatment.objects.create(patient=patient, started_on=now.date())
        session = Session.objects.create(treatment=treatment, number=1, starts_at=now)
        count = min(per, rows - start)
        cursor.executemany(
            f"INSERT INTO {{admin_table}} (public_id, language, created_at, expires_at, session_id, instrument_key,"
            " respondent) VALUES (%s, 'nb', %s, %s, %s, %s, 'patient')",
            [(uuid.uuid4().hex, now, now, session.pk, key) for _ in range(count)],
        )
        cursor.execute(f"SELECT id FROM {{admin_table}} WHERE session_id = %s", [session.pk])
        links = [row[0] for row in cursor.fetchall()]
        cursor.executemany(
            f"INSERT INTO {{response_table}} (public_id, instrument_key, instrument_version, answers, missing_reasons,"
            " scores, bands, primary_score, submitted_at, administration_id, session_id, respondent, correction_reason)"
            " VALUES (%s, %s, %s, %s, '{{}}', %s, '{{}}', 5.0, %s, %s, %s, 'patient', '')",
            [(uuid.uuid4().hex, key, instrument.version, answers, scores, now, link, session.pk) for link in links],
        )
"""

MEASURE = """
import django, json, resource, time
django.setup()
from django.utils import timezone
from allianse.feedback.models import Response
from allianse.research import writers
from allianse.research.tables import Builder, Period
import pathlib, tempfile
table = Builder("k" * 64, Period(timezone.localdate(), timezone.localdate())).table("responses.alliance-patient")
form = "{form}"
start = time.perf_counter()
if form == "baseline":
    for _ in Response.objects.values_list("public_id", "answers", "scores").iterator(2000):
        pass
elif form == "csv":
    size = sum(len(line) for line in writers.csv_stream(table))
elif form == "xlsx":
    writers.xlsx_file(table, [table]).close()
else:
    with tempfile.TemporaryDirectory() as folder:
        writers.labelled_file(table, form, "en", pathlib.Path(folder))
seconds = time.perf_counter() - start
print(json.dumps({{"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def _python(env: dict[str, str], code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    return done.stdout


def run() -> list[dict]:
    with tempfile.TemporaryDirectory() as folder:
        env = migrated_env(folder, "127.0.0.1")
        _python(env, FILL.format(rows=ROWS, per=PER_SESSION))
        baseline = json.loads(_python(env, MEASURE.format(form="baseline")))
        results = []
        for form in ("csv", "xlsx", "sav", "dta"):
            measured = json.loads(_python(env, MEASURE.format(form=form)))
            results.append(
                {
                    "name": f"research export of {ROWS:,} responses: {form}",
                    "seconds": measured["seconds"],
                    "baseline_seconds": baseline["seconds"],
                    "ratio": measured["seconds"] / baseline["seconds"],
                    "note": f"peak {measured['peak_mb']:.0f} MB (reading alone: {baseline['peak_mb']:.0f} MB)",
                }
            )
        return results
