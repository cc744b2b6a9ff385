"""The patient page's outcome section: how the patient has been, session by session (the outcome
measure asked after the patient check), beside the alliance, with whether they are improving
against their own start (allianse.core.signals.outcome)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from django.utils.translation import gettext as _

from allianse.charts import cached_svg
from allianse.core.measures import Instrument, Score, reliable_change, roles
from allianse.core.signals import outcome_progress
from allianse.feedback.models import Response
from allianse.feedback.series import SessionRow
from allianse.feedback.services import OUTCOME_CHECK
from allianse.instruments import registry as instruments
from allianse.instruments.language import current_language
from allianse.instruments.templatetags.instrument_text import tr
from allianse.ruptures.rules import first_items, norms_min_treatments

from .charts import trajectory_spec


@dataclass(frozen=True)
class OutcomeRow:
    response: Response
    score: float | None
    answers: list[object]  # the answers to the score's items, in its order


def outcome_context(session_rows: list[SessionRow]) -> dict:
    """`outcome`: the instrument, its score, the rows, the chart and the progress, for
    `caseload/_outcome.html`, from the current responses `feedback.series.session_rows` fetched
    (no query of its own; two more to tell progress, once there are answers)."""
    instrument = instruments.get(OUTCOME_CHECK)
    score = instrument.score_with_role(roles.OUTCOME)
    responses = [
        response
        for row in session_rows
        for response in row.session.current_responses  # type: ignore[attr-defined]  # session_rows' prefetch
        if response.instrument_key == OUTCOME_CHECK
    ]
    rows = [
        OutcomeRow(response, response.scores.get(score.id), [response.answers.get(item) for item in score.items])
        for response in responses
    ]
    return {
        "outcome": {
            "instrument": instrument,
            "score": score,
            "items": [instrument.item(item) for item in score.items],
            "range": instrument.score_range(score),
            "rows": rows,
            "progress": _progress(instrument, score, rows) if rows else None,
            "chart_svg": _chart(instrument, score, rows) if any(row.score is not None for row in rows) else None,
        }
    }


def _frame(rows: list[OutcomeRow]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "treatment": "t",
            "session": [row.response.session.number for row in rows],
            "outcome": [float("nan") if row.score is None else row.score for row in rows],
        }
    )


def _progress(instrument: Instrument, score: Score, rows: list[OutcomeRow]) -> dict:
    change = reliable_change(instrument, score, first_items(OUTCOME_CHECK), norms_min_treatments())
    table = outcome_progress(_frame(rows), change, higher_is_better=score.better == "higher")
    record = table.iloc[0]
    return {"status": record["status"], "explanation": record[f"explanation_{current_language()}"]}


def _chart(instrument: Instrument, score: Score, rows: list[OutcomeRow]) -> str:
    frame = _frame(rows)
    points = pd.DataFrame(
        {"session": frame["session"], "perspective": "patient", "measure": "outcome", "value": frame["outcome"]}
    )
    labels = {"patient": _("Patient"), "outcome": tr(score.title), "session": _("Session"), "alliance": tr(score.title)}
    y_range = instrument.score_range(score)
    return cached_svg(
        points,
        {**labels, "scale": y_range},
        lambda: trajectory_spec(points, labels=labels, y_range=y_range, concern_below=None),
    )
