"""A treatment's session series: the patient's and therapist's scores side by side, read from
stored responses (never recomputed). The same frame feeds the chart, the table and the signals."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db import connections
from django.db.models import FloatField, Prefetch, QuerySet, TextField
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from allianse.clinic.models import Session
from allianse.core.measures import Requirement, roles
from allianse.feedback.models import Administration, Response
from allianse.feedback.services import PATIENT_CHECK, THERAPIST_CHECK, check_status
from allianse.instruments import registry as instruments

# What the series reads from the patient's and the therapist's checks (checked at start-up).
REQUIRED = [
    *(
        requirement
        for key in (PATIENT_CHECK, THERAPIST_CHECK)
        for requirement in (
            Requirement(key, "score", role=roles.ALLIANCE, needed_by="the session series"),
            Requirement(key, "score", role=roles.SUBSCALE, single=False, needed_by="the session series"),
            Requirement(key, "item", role=roles.RUPTURE, types=("yes_no",), needed_by="the session series"),
        )
    ),
    Requirement(PATIENT_CHECK, "item", role=roles.RUPTURE_INTENSITY, types=("scale",), needed_by="the session series"),
    Requirement(PATIENT_CHECK, "item", role=roles.RUPTURE_RESOLUTION, types=("scale",), needed_by="the session series"),
    Requirement(PATIENT_CHECK, "item", role=roles.HELD_BACK, types=("yes_no",), needed_by="the session series"),
]


CHECKS = {PATIENT_CHECK: "", THERAPIST_CHECK: "therapist_"}  # the series' checks: the prefix of their columns
FLAGS = ("rupture", "held_back")  # the series' yes/no columns


@dataclass(frozen=True)
class SessionRow:
    session: Session
    status: str
    patient: Response | None
    therapist: Response | None


def session_rows(treatment) -> list[SessionRow]:
    """Every session with its check status and current patient and therapist responses (4 queries)."""
    current = Response.objects.filter(superseded_by__isnull=True)
    sessions = treatment.sessions.order_by("number").prefetch_related(
        Prefetch("responses", queryset=current, to_attr="current_responses"),
        Prefetch(
            "administrations",
            queryset=Administration.objects.filter(instrument_key=PATIENT_CHECK)
            .order_by("-created_at")
            .prefetch_related("responses"),
            to_attr="patient_administrations",
        ),
    )
    rows = []
    for session in sessions:
        by_key = {response.instrument_key: response for response in session.current_responses}
        rows.append(
            SessionRow(
                session=session,
                status=check_status(session.patient_administrations),
                patient=by_key.get(PATIENT_CHECK),
                therapist=by_key.get(THERAPIST_CHECK),
            )
        )
    return rows


def series_frame(treatment_key: str, rows: list[SessionRow]) -> pd.DataFrame:
    """The signal engine's input columns (allianse.core.signals) for one treatment, with the
    patient's and the therapist's subscales (`therapist_` before the therapist's score ids)."""
    patient_check, therapist_check = instruments.get(PATIENT_CHECK), instruments.get(THERAPIST_CHECK)
    alliance = patient_check.score_with_role(roles.ALLIANCE).id
    therapist_alliance = therapist_check.score_with_role(roles.ALLIANCE).id
    rupture, intensity, resolution, held_back = (
        patient_check.item_with_role(role).id
        for role in (roles.RUPTURE, roles.RUPTURE_INTENSITY, roles.RUPTURE_RESOLUTION, roles.HELD_BACK)
    )
    therapist_rupture = therapist_check.item_with_role(roles.RUPTURE).id
    patient_subscales = [score.id for score in patient_check.scores_with_role(roles.SUBSCALE)]
    therapist_subscales = [score.id for score in therapist_check.scores_with_role(roles.SUBSCALE)]
    records = []
    for row in rows:
        patient, therapist = row.patient, row.therapist
        records.append(
            {
                "treatment": treatment_key,
                "session": row.session.number,
                "alliance": _score(patient, alliance),
                "therapist_alliance": _score(therapist, therapist_alliance),
                "rupture": _flag(patient, rupture),
                "rupture_intensity": _answer(patient, intensity),
                "rupture_resolution": _answer(patient, resolution),
                "held_back": _flag(patient, held_back),
                "therapist_rupture": _flag(therapist, therapist_rupture),
                "attended": 1 if row.session.attended else 0,
                **{name: _score(patient, name) for name in patient_subscales},
                **{f"therapist_{name}": _score(therapist, name) for name in therapist_subscales},
            }
        )
    return pd.DataFrame.from_records(records)


def series_frames(treatment_ids: list[int]) -> pd.DataFrame:
    """The `series_frame` columns of many treatments at once, from three queries and never a model
    instance (the daily run over every running treatment), with `session_id`, `starts_at` and the
    patient check's state: `answered`, `links` (live, unrevoked links) and `link_expires_at` (of
    the newest live link). `treatment` is the treatment's id as text; rows in treatment order.
    """
    sessions = _frame(
        Session.objects.filter(treatment_id__in=treatment_ids)
        .order_by("treatment_id", "number")
        .annotate(starts_at_text=_as_text("starts_at"))
        .values_list("id", "treatment_id", "number", "attended", "starts_at_text"),
        id="session_id",
        treatment_id="treatment",
        number="session",
    )
    sessions["starts_at"] = _moments(sessions.pop("starts_at_text"))
    patient, therapist = _current_answers(treatment_ids)
    links = _frame(
        Administration.objects.filter(
            session__treatment_id__in=treatment_ids, instrument_key=PATIENT_CHECK, revoked_at__isnull=True
        )
        .order_by()
        .annotate(created=_as_text("created_at"), expires=_as_text("expires_at"))
        .values_list("session_id", "created", "expires"),
    )
    links = pd.DataFrame(
        {
            "session_id": links["session_id"],
            "created_at": _moments(links["created"]),
            "link_expires_at": _moments(links["expires"]),
        }
    )
    newest = links.sort_values(["session_id", "created_at"], kind="stable").drop_duplicates("session_id", keep="last")
    frame = sessions.merge(patient, on="session_id", how="left").merge(therapist, on="session_id", how="left")
    frame = frame.merge(newest[["session_id", "link_expires_at"]], on="session_id", how="left")
    frame["answered"] = frame["answered"].fillna(False).astype(bool)
    frame["links"] = frame["link_expires_at"].notna()
    frame["attended"] = frame["attended"].astype(int)
    frame["treatment"] = frame["treatment"].astype(str)
    return frame.drop(columns=["therapist_answered"])


def _frame(queryset: QuerySet, **renamed: str) -> pd.DataFrame:
    """The rows of a `values_list` queryset straight from the driver, as a frame with the query's
    column names (those in `renamed` renamed): over a few hundred thousand rows Django's conversion
    of each value (a float() for each score) costs more than the query."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return pd.DataFrame.from_records(cursor.fetchall(), columns=names).rename(columns=renamed)


def _as_text(field: str) -> Cast:
    """A time read as the database writes it: the driver makes a Python datetime of each value,
    which costs more than the query over a few hundred thousand sessions; `_moments` reads them all
    at once."""
    return Cast(field, output_field=TextField())


def _moments(texts: pd.Series) -> pd.Series:
    """Times as `_as_text` reads them (ISO 8601; without an offset in UTC, as SQLite keeps them)."""
    return pd.to_datetime(texts, utc=True, format="ISO8601")


def _current_answers(treatment_ids: list[int]) -> list[pd.DataFrame]:
    """The scores and answers of the series columns from the current responses to the patient's
    and the therapist's checks, a frame for each (`CHECKS` order), one row per session: one query,
    so one pass over the responses, the values extracted by the database, not decoded here."""
    wanted = [_wanted(key) for key in CHECKS]
    fields = {}
    for number, (scores, answers) in enumerate(wanted):
        fields |= {f"c{number}_s_{column}": _number(f"scores__{name}") for column, name in scores.items()}
        fields |= {
            f"c{number}_a_{column}": KT(f"answers__{item}") if column in FLAGS else _number(f"answers__{item}")
            for column, item in answers.items()
        }
    rows = (
        Response.objects.filter(
            session__treatment_id__in=treatment_ids, instrument_key__in=list(CHECKS), superseded_by__isnull=True
        )
        .order_by()
        .annotate(**fields)
        .values_list("session_id", "instrument_key", *fields)
    )
    frame = _frame(rows)
    return [
        _columns(frame[frame["instrument_key"] == key], f"c{number}_", *wanted[number], prefix=CHECKS[key])
        for number, key in enumerate(CHECKS)
    ]


def _number(path: str) -> Cast:
    """A number in a response's JSON (a score, a scale's answer), as the database's float."""
    return Cast(KT(path), output_field=FloatField())


def _wanted(key: str) -> tuple[dict[str, str], dict[str, str]]:
    """The series columns of one check: scores (column: score id) and answers (column: item id)."""
    check = instruments.get(key)
    scores = {
        "alliance": check.score_with_role(roles.ALLIANCE).id,
        **{score.id: score.id for score in check.scores_with_role(roles.SUBSCALE)},
    }
    answer_roles = {"rupture": roles.RUPTURE}
    if key == PATIENT_CHECK:
        answer_roles |= {
            "rupture_intensity": roles.RUPTURE_INTENSITY,
            "rupture_resolution": roles.RUPTURE_RESOLUTION,
            "held_back": roles.HELD_BACK,
        }
    return scores, {column: check.item_with_role(role).id for column, role in answer_roles.items()}


def _columns(frame: pd.DataFrame, field: str, scores: dict, answers: dict, *, prefix: str) -> pd.DataFrame:
    """One check's series columns from its rows of `_current_answers` (fields named `field` + s_ or a_)."""
    out = pd.DataFrame({"session_id": frame["session_id"], "answered": True})
    for column in scores:
        out[column] = frame[f"{field}s_{column}"].astype(float)
    for column in answers:
        values = frame[f"{field}a_{column}"]
        out[column] = _flags(values) if column in FLAGS else values.astype(float)
    renamed = {"alliance": "therapist_alliance", "rupture": "therapist_rupture"} if prefix else {}
    return out.rename(columns=lambda c: renamed.get(c, f"{prefix}{c}" if c not in ("session_id",) else c))


def _flags(values: pd.Series) -> np.ndarray:
    """Yes/no answers as the database gives them out of JSON (true/false, 1/0, or missing): 1.0,
    0.0 or NaN, as `_flag` reads a response's answers."""
    text = values.astype(str).str.lower()
    return np.where(values.isna(), np.nan, np.where(text.isin(["true", "1"]), 1.0, 0.0))


def _score(response: Response | None, key: str) -> float:
    value = response.scores.get(key) if response else None
    return float("nan") if value is None else float(value)


def _answer(response: Response | None, key: str) -> float:
    value = response.answers.get(key) if response else None
    return float("nan") if value is None else float(value)


def _flag(response: Response | None, key: str) -> float:
    if response is None or key not in response.answers:
        return float("nan")
    return 1.0 if response.answers[key] else 0.0
