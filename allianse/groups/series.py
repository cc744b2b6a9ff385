"""A group's members x sessions frame, read from stored attendance and responses (never rescored).

The same frame feeds the heatmap, the trajectory, the tables and the group signals
(allianse.core.signals.group), in two queries whatever the size of the group; the signals
refreshed after a member's answers read only that member's series and the sessions around.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from django.db.models import Q
from django.db.models.fields.json import KT

from allianse.core.measures import Requirement, roles
from allianse.instruments import registry as instruments

from .models import Attendance, MemberResponse, TherapyGroup

CLIMATE = "group-climate"
ALLIANCE = "alliance-patient"
FACTORS = "therapeutic-factors"
# What the group pages and signals read from the members' checks (checked at start-up).
REQUIRED = [
    Requirement(CLIMATE, "score", role=roles.CLIMATE, single=False, needed_by="the group pages"),
    Requirement(CLIMATE, "score", role=roles.COHESION, needed_by="the group pages and signals"),
    Requirement(CLIMATE, "score", role=roles.CONFLICT, needed_by="the group signals"),
    Requirement(ALLIANCE, "score", role=roles.ALLIANCE, needed_by="the group pages and signals"),
    Requirement(FACTORS, "score", role=roles.FACTOR_PROFILE, needed_by="the factor profile"),
]


@dataclass(frozen=True)
class GroupScores:
    """The ids of the scores the group pages and signals read, looked up by role in the definitions:
    group-climate's scores with role climate (in the order the pages show them), its cohesion and
    conflict scores, and alliance-patient's alliance score."""

    climate: tuple[str, ...]
    cohesion: str
    conflict: str
    alliance: str

    @property
    def columns(self) -> tuple[str, ...]:
        """The score columns of the frame, each once."""
        return tuple(dict.fromkeys((*self.climate, self.cohesion, self.conflict, self.alliance)))


def group_scores() -> GroupScores:
    climate = instruments.get(CLIMATE)
    return GroupScores(
        climate=tuple(score.id for score in climate.scores_with_role(roles.CLIMATE)),
        cohesion=climate.score_with_role(roles.COHESION).id,
        conflict=climate.score_with_role(roles.CONFLICT).id,
        alliance=instruments.get(ALLIANCE).score_with_role(roles.ALLIANCE).id,
    )


def factor_ids() -> tuple[str, ...]:
    """The therapeutic factors profiled: the items of therapeutic-factors' score with role factor_profile."""
    return instruments.get(FACTORS).score_with_role(roles.FACTOR_PROFILE).items


@dataclass(frozen=True)
class GroupData:
    """`frame`: one row per member (membership pk) and session number of their membership, with
    attendance and scores (NaN = not answered), a column per score of `GroupScores` named by its
    id. `factors`: one row per answered therapeutic-factors check, with `member`, `session` and
    one column per factor (`factor_ids`)."""

    frame: pd.DataFrame
    factors: pd.DataFrame


def load_group_data(group: TherapyGroup) -> GroupData:
    """Three queries: attendance, the scores of the session checks, the answers about factors."""
    factors = MemberResponse.objects.filter(session__group=group, instrument_key=FACTORS).values_list(
        "membership_id", "session__number", "answers"
    )
    answers = [{"member": m, "session": s, **values} for m, s, values in factors]
    return GroupData(
        frame=load_group_frame(group), factors=pd.DataFrame(answers, columns=["member", "session", *factor_ids()])
    )


def load_group_frame(group: TherapyGroup, rows: Q | None = None) -> pd.DataFrame:
    """`GroupData.frame` in two queries (attendance, the scores of the session checks): of every
    member and session of `group`, or only of the `rows`, a condition on `membership` and
    `session` (say, one member's series and a few sessions of everyone).

    The database reads the scores out of the stored JSON (a hundred sessions of twelve members are
    two thousand responses; decoding each one's JSON in Python took longer)."""
    rows = Q(session__group=group) & (rows or Q())
    attendance = Attendance.objects.filter(rows).values_list("membership_id", "session__number", "status")
    scores = MemberResponse.objects.filter(rows, instrument_key__in=(CLIMATE, ALLIANCE)).values_list(
        "membership_id", "session__number", *[KT(f"scores__{name}") for name in group_scores().columns]
    )
    return build_frame(list(attendance), list(scores))


def build_frame(attendance: list[tuple], scores: list[tuple]) -> pd.DataFrame:
    """`scores`: (member, session, *GroupScores.columns) per response, numbers or their text (as
    the database gives them); a group-climate response has no alliance and an alliance response no
    climate scores, so each member and session takes the scores its responses have."""
    columns = list(group_scores().columns)
    frame = pd.DataFrame(attendance, columns=["member", "session", "status"])
    frame["attended"] = (frame["status"] == Attendance.Status.PRESENT).astype(float)
    scored = pd.DataFrame(scores, columns=["member", "session", *columns])
    scored = scored.astype(dict.fromkeys(columns, float)).groupby(["member", "session"]).first()
    frame = frame.join(scored, on=["member", "session"])
    return frame.sort_values(["member", "session"], ignore_index=True).loc[
        :, ["member", "session", "status", "attended", *columns]
    ]


def signal_input(group: TherapyGroup, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame in the columns of allianse.core.signals.group."""
    scores = group_scores()
    columns = {"member": frame["member"].astype(str), "session": frame["session"], "attended": frame["attended"]}
    columns.update(cohesion=frame[scores.cohesion], conflict=frame[scores.conflict], alliance=frame[scores.alliance])
    return pd.DataFrame({"group": str(group.pk), **columns}, index=frame.index)
