"""A treatment's session series: the patient's and therapist's scores side by side, read from
stored responses (never recomputed). The same frame feeds the chart, the table and the signals."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from django.db.models import Prefetch

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
