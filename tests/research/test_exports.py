"""Research exports: pseudonymised tables of a period, in CSV, XLSX, SPSS and Stata, read back
with the libraries a researcher would use (pyreadstat, openpyxl, csv)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, timedelta

import pandas as pd
import pyreadstat
import pytest
from django.db.models.query import QuerySet
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from allianse import exports
from allianse.accounts.models import AuditEvent
from allianse.clinic.models import Session
from allianse.feedback.models import Response
from allianse.feedback.services import issue_check, submit_check
from allianse.instruments import registry as instruments
from allianse.research import writers
from allianse.research.models import ResearchProject
from allianse.research.pseudonyms import pseudonym
from allianse.research.tables import CHUNK, table_keys
from tests.conftest import sign_in

ANSWERS = {
    "goal_1": "6",
    "goal_2": "5",
    "task_1": "6",
    "task_2": "2",
    "bond_1": "6",
    "bond_2": "6",
    "rupture": "yes",
    "rupture_intensity": "3",
    "rupture_resolution": "4",
    "held_back": "no",
}
TODAY = timezone.localdate()


@pytest.fixture
def response(session, therapist) -> Response:
    link = issue_check(session=session, by=therapist)
    return submit_check(administration=link, answers=ANSWERS).response


@pytest.fixture
def project(administrator) -> ResearchProject:
    return ResearchProject.objects.create(name="Alliance and dropout", created_by=administrator)


@pytest.fixture
def admin_client(client, administrator):
    sign_in(client, administrator)
    return client


def export(
    client, project, table, file_format, start=TODAY - timedelta(days=30), end=TODAY + timedelta(days=1), **extra
):
    url = reverse("research:project", kwargs={"public_id": project.public_id})
    data = {"table": table, "file_format": file_format, "start": start, "end": end, "label_language": "en", **extra}
    return client.post(url, data)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_csv_carries_pseudonyms_coded_answers_and_no_patient_code(admin_client, project, response):
    reply = export(admin_client, project, f"responses.{response.instrument_key}", "csv")
    assert reply.status_code == 200
    text = body(reply).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 1
    row = rows[0]
    patient = response.session.treatment.patient
    assert row["patient"] == pseudonym(project.key, "P", patient.public_id)
    assert patient.code not in text and str(patient.public_id) not in text
    assert row["goal_1"] == "6"
    assert row["rupture"] == "1"  # yes/no coded 1/0
    assert float(row[f"score_{instruments.get(response.instrument_key).primary_score.id}"]) == pytest.approx(
        response.primary_score
    )


def test_a_csv_is_streamed_as_the_rows_are_read(admin_client, project, session, monkeypatch):
    for number in range(2, 6):
        Session.objects.create(treatment=session.treatment, number=number, starts_at=timezone.now())
    monkeypatch.setattr(exports, "BLOCK", 1)  # every line is handed on as soon as it is written
    read, chunk_sizes = [], []
    iterator = QuerySet.iterator

    def counted(queryset, chunk_size=None):
        chunk_sizes.append(chunk_size)
        for row in iterator(queryset, chunk_size):
            read.append(row)
            yield row

    monkeypatch.setattr(QuerySet, "iterator", counted)
    reply = export(admin_client, project, "sessions", "csv")
    assert reply.streaming
    assert read == []  # nothing is read before the body is sent
    content, text = iter(reply.streaming_content), ""
    while text.count("\n") < 2:  # the header and the first row
        text += next(content).decode("utf-8-sig")
    assert text.startswith("session,treatment")
    assert len(read) == 1 and chunk_sizes == [CHUNK]  # one row read, through a cursor read in chunks
    text += b"".join(content).decode()
    assert len(read) == 5 and text.count("\n") == 6


def test_every_export_is_audited(admin_client, project, response):
    export(admin_client, project, "sessions", "csv")
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT, object_id=str(project.public_id))
    assert event.detail.startswith("research sessions csv")


@pytest.mark.parametrize("file_format, reader", [("sav", pyreadstat.read_sav), ("dta", pyreadstat.read_dta)])
def test_spss_and_stata_files_read_back_with_variable_and_value_labels(
    admin_client, project, response, tmp_path, file_format, reader
):
    reply = export(admin_client, project, f"responses.{response.instrument_key}", file_format)
    assert reply.status_code == 200
    path = tmp_path / f"data.{file_format}"
    path.write_bytes(body(reply))
    frame, meta = reader(path)
    assert len(frame) == 1
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["patient"] == "patient"
    assert frame.loc[0, "goal_1"] == 6
    assert meta.variable_value_labels["rupture"] == {0: "no", 1: "yes"}
    assert frame.loc[0, "patient"] == pseudonym(project.key, "P", response.session.treatment.patient.public_id)


def test_labels_come_in_the_language_asked_for(admin_client, project, response, tmp_path):
    reply = export(admin_client, project, "sessions", "sav", label_language="nb")
    path = tmp_path / "sessions.sav"
    path.write_bytes(body(reply))
    _frame, meta = pyreadstat.read_sav(path)
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["attended"] == "møtte opp"
    assert meta.variable_value_labels["attended"] == {0: "nei", 1: "ja"}


@pytest.mark.parametrize("file_format, reader", [("sav", pyreadstat.read_sav), ("dta", pyreadstat.read_dta)])
def test_dates_and_times_read_back_as_they_are(admin_client, project, session, tmp_path, file_format, reader):
    reply = export(admin_client, project, "treatments", file_format)
    path = tmp_path / f"treatments.{file_format}"
    path.write_bytes(body(reply))
    frame, meta = reader(path)
    assert frame.loc[0, "started_on"] == pd.Timestamp(session.treatment.started_on)
    reply = export(admin_client, project, "sessions", file_format)
    path.write_bytes(body(reply))
    frame, meta = reader(path)
    started = session.starts_at.astimezone(UTC).replace(tzinfo=None)
    assert abs(frame.loc[0, "starts_at"] - pd.Timestamp(started)) < pd.Timedelta(milliseconds=1)


def test_an_spss_file_of_too_many_rows_is_refused_with_the_reason(admin_client, project, session, monkeypatch):
    Session.objects.create(treatment=session.treatment, number=2, starts_at=timezone.now())
    monkeypatch.setattr(writers, "ROW_LIMIT", 1)
    reply = export(admin_client, project, "sessions", "sav")
    assert reply.status_code == 200
    assert "Eksporter den som CSV" in reply.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
    assert body(export(admin_client, project, "sessions", "csv")).decode("utf-8-sig").count("\n") == 3


def test_a_workbook_holds_the_table_and_its_dictionary(admin_client, project, response):
    reply = export(admin_client, project, "sessions", "xlsx")
    workbook = load_workbook(io.BytesIO(body(reply)), read_only=True)
    data, dictionary = (list(sheet.values) for sheet in workbook.worksheets)
    assert data[0] == ("session", "treatment", "patient", "number", "starts_at", "attended")
    assert len(data) == 2
    assert [row[0] for row in dictionary[1:]] == list(data[0])
    assert dictionary[0][:5] == ("variable", "form", "label_nb", "label_en", "type")


def test_the_data_dictionary_describes_every_table_in_both_languages(admin_client, project):
    reply = admin_client.get(reverse("research:dictionary", kwargs={"public_id": project.public_id}))
    rows = list(csv.DictReader(io.StringIO(body(reply).decode("utf-8-sig"))))
    assert {row["form"] for row in rows} == {key for key, _title in table_keys()}
    rupture = next(row for row in rows if row["variable"] == "rupture" and row["form"].startswith("responses."))
    assert rupture["choices_en"] == "0, no | 1, yes"
    assert rupture["choices_nb"] == "0, nei | 1, ja"
    goal = next(row for row in rows if row["variable"] == "goal_1")
    assert (goal["type"], goal["validation"], goal["min"], goal["max"]) == ("integer", "integer", "1", "7")


def test_the_period_chooses_sessions_by_their_date(admin_client, project, session):
    Session.objects.create(treatment=session.treatment, number=5, starts_at=timezone.now() - timedelta(days=400))
    text = body(export(admin_client, project, "sessions", "csv")).decode("utf-8-sig")
    assert len(text.strip().splitlines()) == 2  # the header and the fixture's session of today


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "sav", "dta"])
def test_every_table_exports_from_a_new_clinic(admin_client, project, file_format):
    for key, _title in table_keys():
        assert export(admin_client, project, key, file_format).status_code == 200, key


def test_a_period_ending_before_it_starts_is_refused_and_nothing_exported(admin_client, project):
    reply = export(admin_client, project, "sessions", "csv", start=date(2026, 5, 1), end=date(2026, 4, 1))
    assert reply.status_code == 200
    assert "Perioden må begynne før eller samme dag som den slutter." in reply.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_only_administrators_export(therapist_client, project):
    assert therapist_client.get(reverse("research:projects")).status_code == 403
    url = reverse("research:project", kwargs={"public_id": project.public_id})
    assert therapist_client.post(url, {"table": "sessions", "file_format": "csv"}).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_an_administrator_creates_a_project_with_its_own_key(admin_client):
    reply = admin_client.post(reverse("research:projects"), {"name": "Dropout study", "description": "REK 2026/1"})
    created = ResearchProject.objects.get(name="Dropout study")
    assert reply.status_code == 302
    assert len(created.key) == 64 and created.key not in reply.content.decode()


def test_the_api_exports_for_an_administrator_and_refuses_others(admin_client, therapist, project, response):
    url = reverse("v1:research_export", kwargs={"public_id": project.public_id, "dataset_table": "sessions"})
    query = {"start": TODAY - timedelta(days=1), "end": TODAY}
    reply = admin_client.get(url, query)
    assert reply.status_code == 200
    assert body(reply).decode("utf-8-sig").startswith("session,treatment,patient")
    therapist_client = Client()
    sign_in(therapist_client, therapist)
    assert therapist_client.get(url, query).status_code == 403
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == 1


def test_the_api_refuses_an_spss_file_of_too_many_rows_with_the_reason(admin_client, project, session, monkeypatch):
    monkeypatch.setattr(writers, "ROW_LIMIT", 0)
    url = reverse("v1:research_export", kwargs={"public_id": project.public_id, "dataset_table": "sessions"})
    reply = admin_client.get(url, {"file_format": "sav"})
    assert reply.status_code == 400
    assert "CSV" in reply.json()["file_format"][0]
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_the_api_answers_a_bad_table_with_the_reason(admin_client, project):
    url = reverse("v1:research_export", kwargs={"public_id": project.public_id, "dataset_table": "nothing"})
    reply = admin_client.get(url)
    assert reply.status_code == 400
    assert "table" in reply.json()
