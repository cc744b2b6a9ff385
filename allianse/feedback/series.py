"""A treatment's session series: the patient's and therapist's scores side by side, read from
stored responses (never recomputed). The same frame feeds the chart, the table and the signals."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from django.db.models import Prefetch

from allianse.feedback.models import Administration, Response
from allianse.feedback.services import PATIENT_CHECK, THERAPIST_CHECK, check_status

SUBSCALES = ("goal", "task", "bond")


@dataclass(frozen=True)
class SessionRow:
    session: object
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
    """The signal engine's input columns (allianse.core.signals) for one treatment."""
    records = []
    for row in rows:
        patient, therapist = row.patient, row.therapist
        records.append(
            {
                "treatment": treatment_key,
                "session": row.session.number,
                "alliance": _score(patient, "alliance"),
                "therapist_alliance": _score(therapist, "alliance"),
                "rupture": _flag(patient, "rupture"),
                "rupture_intensity": _answer(patient, "rupture_intensity"),
                "rupture_resolution": _answer(patient, "rupture_resolution"),
                "held_back": _flag(patient, "held_back"),
                "therapist_rupture": _flag(therapist, "rupture"),
                "attended": 1 if row.session.attended else 0,
                **{name: _score(patient, name) for name in SUBSCALES},
                **{f"therapist_{name}": _score(therapist, name) for name in SUBSCALES},
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
