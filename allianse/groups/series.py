"""A group's members x sessions frame, read from stored attendance and responses (never rescored).

The same frame feeds the heatmap, the trajectory, the tables and the group signals
(allianse.core.signals.group). Two queries whatever the size of the group.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from django.db.models.fields.json import KT

from allianse.instruments import registry as instruments

from .models import Attendance, MemberResponse, TherapyGroup

CLIMATE = "group-climate"
ALLIANCE = "alliance-patient"
FACTORS = "therapeutic-factors"
CLIMATE_SCORES = ("engagement", "avoidance", "conflict", "cohesion")
SCORE_COLUMNS = (*CLIMATE_SCORES, "alliance")
SERIES_COLUMNS = ("member", "session", "status", "attended", *SCORE_COLUMNS)


@dataclass(frozen=True)
class GroupData:
    """`frame`: one row per member (membership pk) and session number of their membership, with
    attendance and scores (NaN = not answered). `factors`: one row per answered
    therapeutic-factors check, with `member`, `session` and one column per factor."""

    frame: pd.DataFrame
    factors: pd.DataFrame


def load_group_data(group: TherapyGroup) -> GroupData:
    """Three queries: attendance, the scores of the session checks, the answers about factors.

    The database reads the scores out of the stored JSON (a hundred sessions of twelve members are
    two thousand responses; decoding each one's JSON in Python took longer)."""
    responses = MemberResponse.objects.filter(session__group=group)
    attendance = Attendance.objects.filter(session__group=group).values_list(
        "membership_id", "session__number", "status"
    )
    scores = responses.filter(instrument_key__in=(CLIMATE, ALLIANCE)).values_list(
        "membership_id", "session__number", *[KT(f"scores__{name}") for name in SCORE_COLUMNS]
    )
    factors = responses.filter(instrument_key=FACTORS).values_list("membership_id", "session__number", "answers")
    return build_group_data(list(attendance), list(scores), list(factors))


def build_group_data(attendance: list[tuple], scores: list[tuple], factors: list[tuple]) -> GroupData:
    """`scores`: (member, session, *SCORE_COLUMNS) per response, numbers or their text (as the
    database gives them); a group-climate response has no alliance and an alliance response no
    climate scores, so each member and session takes the scores its responses have."""
    frame = pd.DataFrame(attendance, columns=["member", "session", "status"])
    frame["attended"] = (frame["status"] == Attendance.Status.PRESENT).astype(float)
    scored = pd.DataFrame(scores, columns=["member", "session", *SCORE_COLUMNS])
    scored = scored.astype(dict.fromkeys(SCORE_COLUMNS, float)).groupby(["member", "session"]).first()
    frame = frame.join(scored, on=["member", "session"])
    frame = frame.sort_values(["member", "session"], ignore_index=True).loc[:, list(SERIES_COLUMNS)]
    factor_ids = [item.id for item in instruments.get(FACTORS).items]
    answers = [{"member": m, "session": s, **values} for m, s, values in factors]
    return GroupData(frame=frame, factors=pd.DataFrame(answers, columns=["member", "session", *factor_ids]))


def signal_input(group: TherapyGroup, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame in the columns of allianse.core.signals.group."""
    columns = {"member": frame["member"].astype(str), "session": frame["session"], "attended": frame["attended"]}
    columns.update({name: frame[name] for name in ("cohesion", "conflict", "alliance")})
    return pd.DataFrame({"group": str(group.pk), **columns}, index=frame.index)
