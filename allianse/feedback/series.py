"""A treatment's session series: the patient's and therapist's scores side by side, read from
stored responses (never recomputed). The same frame feeds the chart, the table and the signals."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db.models import Max, Prefetch
from django.db.models.fields.json import KT

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
    """The `series_frame` columns of many treatments at once, from four queries and never a model
    instance (the daily run over every running treatment), with `session_id`, `starts_at` and the
    patient check's state: `answered`, `links` (live, unrevoked links) and `link_expires_at` (of
    the newest live link). `treatment` is the treatment's id as text; rows in treatment order.
    """
    sessions = pd.DataFrame.from_records(
        Session.objects.filter(treatment_id__in=treatment_ids)
        .order_by("treatment_id", "number")
        .values_list("id", "treatment_id", "number", "starts_at", "attended"),
        columns=["session_id", "treatment", "session", "starts_at", "attended"],
    )
    patient = _current_answers(treatment_ids, PATIENT_CHECK, "")
    therapist = _current_answers(treatment_ids, THERAPIST_CHECK, "therapist_")
    links = pd.DataFrame.from_records(
        Administration.objects.filter(
            session__treatment_id__in=treatment_ids, instrument_key=PATIENT_CHECK, revoked_at__isnull=True
        )
        .values("session_id")
        .annotate(newest=Max("created_at"))
        .values_list("session_id", "newest"),
        columns=["session_id", "newest"],
    )
    expiry = pd.DataFrame.from_records(
        Administration.objects.filter(
            session__treatment_id__in=treatment_ids, instrument_key=PATIENT_CHECK, revoked_at__isnull=True
        ).values_list("session_id", "created_at", "expires_at"),
        columns=["session_id", "newest", "link_expires_at"],
    )
    newest = links.merge(expiry, on=["session_id", "newest"]).drop_duplicates("session_id")
    frame = sessions.merge(patient, on="session_id", how="left").merge(therapist, on="session_id", how="left")
    frame = frame.merge(newest[["session_id", "link_expires_at"]], on="session_id", how="left")
    frame["answered"] = frame["answered"].fillna(False).astype(bool)
    frame["links"] = frame["link_expires_at"].notna()
    frame["attended"] = frame["attended"].astype(int)
    frame["treatment"] = frame["treatment"].astype(str)
    return frame.drop(columns=["therapist_answered"])


def _current_answers(treatment_ids: list[int], key: str, prefix: str) -> pd.DataFrame:
    """The scores and answers of the series columns from the current responses to one check, one
    row per session (extracted by the database, not decoded here)."""
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
    answers = {column: check.item_with_role(role).id for column, role in answer_roles.items()}
    fields = {f"s_{column}": KT(f"scores__{name}") for column, name in scores.items()}
    fields |= {f"a_{column}": KT(f"answers__{item}") for column, item in answers.items()}
    rows = (
        Response.objects.filter(session__treatment_id__in=treatment_ids, instrument_key=key, superseded_by__isnull=True)
        .annotate(**fields)
        .values_list("session_id", *fields)
    )
    frame = pd.DataFrame.from_records(rows, columns=["session_id", *fields])
    out = pd.DataFrame({"session_id": frame["session_id"], "answered": True})
    for column in scores:
        out[column] = pd.to_numeric(frame[f"s_{column}"], errors="coerce").astype(float)
    for column in answers:
        values = frame[f"a_{column}"]
        out[column] = _flags(values) if column in ("rupture", "held_back") else pd.to_numeric(values).astype(float)
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
