"""What the study pages show, built without the request: the study's assignments (a page at a
time, filtered), a submitted rating beside what blinding lets its viewer see, the consensus view,
and the time line of stamped items under a segment's player. Each page runs the same number of
queries whatever the study's size."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median
from typing import Any

import pandas as pd
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from allianse.accounts.models import User
from allianse.core.measures import Instrument

from . import comparison, consents, services
from .agreement import SCORE_PREFIX, kept_for_ratings, rating_values, ratings_frame
from .clock import format_clock
from .forms import RatingForm
from .models import Assignment, Rating, RatingDraft, RatingStudy, Segment
from .pages import player, shown_answer

ASSIGNMENTS_PER_PAGE = 50
STATES = ("submitted", "drafted", "open")


def item_label(item, language: str) -> str:
    return (item.label or item.text)[language]


# -- Time line under the player --------------------------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    seconds: float
    share: float  # where in the segment, 0 to 1
    item: str
    who: str
    note: str

    @property
    def clock(self) -> str:
        return format_clock(self.seconds)


def timeline(
    segment: Segment, instrument: Instrument, stamped: list[tuple[str, dict, dict]], language: str
) -> list[Mark]:
    """The stamped items of one or more ratings (who, time_stamps, notes), in time order, each
    with its place on the segment's bar. Stamps are recording times, as stored."""
    labels = {item.id: item_label(item, language) for item in instrument.items}
    length = segment.duration_seconds or 1
    marks = [
        Mark(
            seconds=float(seconds),
            share=min(max((float(seconds) - segment.start_seconds) / length, 0.0), 1.0),
            item=labels.get(item_id, item_id),
            who=who,
            note=notes.get(item_id, ""),
        )
        for who, stamps, notes in stamped
        for item_id, seconds in stamps.items()
    ]
    return sorted(marks, key=lambda mark: mark.seconds)


def withdrawn_segments(segments: list[Segment]) -> set[int]:
    """The segments (pks) whose recording someone withdrew consent from (their ratings are kept
    and marked), in a few queries however many recordings they come from."""
    recordings = {segment.recording_id: segment.recording for segment in segments}
    withdrawn = consents.withdrawn_recordings(list(recordings.values()))
    return {segment.pk for segment in segments if segment.recording_id in withdrawn}


# -- The study page -------------------------------------------------------------------------------------------


def study_assignments(study: RatingStudy) -> QuerySet[Assignment]:
    return study.assignments.select_related("rater", "segment").annotate(
        submitted=Exists(Rating.objects.filter(assignment=OuterRef("pk"))),
        drafted=Exists(RatingDraft.objects.filter(assignment=OuterRef("pk"))),
    )


def study_page(study: RatingStudy, viewer: User, *, state: str, segment: str, page: str | None) -> dict[str, Any]:
    """The study's assignments, filtered by state and segment, one page at a time, with the
    counts of the whole study from one aggregate query."""
    assignments = study_assignments(study)
    totals = study.assignments.aggregate(
        total=Count("pk"),
        submitted=Count("pk", filter=Q(Exists(Rating.objects.filter(assignment=OuterRef("pk"))))),
    )
    if state == "submitted":
        assignments = assignments.filter(submitted=True)
    elif state == "drafted":
        assignments = assignments.filter(submitted=False, drafted=True)
    elif state == "open":
        assignments = assignments.filter(submitted=False, drafted=False)
    segments = list(study.segments.select_related("recording"))
    chosen = next((candidate for candidate in segments if str(candidate.public_id) == segment), None)
    if chosen is not None:
        assignments = assignments.filter(segment=chosen)
    shown = Paginator(assignments.order_by("segment__name", "kind", "rater__username", "pk"), ASSIGNMENTS_PER_PAGE)
    codes = comparison.rater_codes(study)
    page_of = shown.get_page(page)
    for assignment in page_of:
        assignment.rater_label = comparison.rater_label(study, viewer, assignment.rater, codes)
    # Subqueries, not joins made distinct: a join has a row per assignment, thousands to sort.
    raters = User.objects.filter(pk__in=study.assignments.values("rater_id")).exclude(
        pk__in=Assignment.objects.filter(kind__in=Assignment.REFERENCE_KINDS).values("rater_id")
    )
    return {
        "study": study,
        "instrument": services.instruments.get(study.instrument_key),
        "segments": segments,
        "page": page_of,
        "totals": totals,
        "state": state if state in STATES else "",
        "segment_filter": str(chosen.public_id) if chosen else "",
        "withdrawn": withdrawn_segments(segments),
        "raters": [
            (rater, comparison.rater_label(study, viewer, rater, codes)) for rater in raters.order_by("username")
        ],
    }


# -- A submitted rating -----------------------------------------------------------------------------------------


def rating_page(viewer: User, rating: Rating, language: str) -> dict[str, Any]:
    """The rating item by item beside the ratings blinding lets the viewer see, where it differs
    most from the reference and the other raters, and its stamps on the segment's time line."""
    assignment = rating.assignment
    study = assignment.study
    instrument = services.instrument_of(assignment)
    others = list(comparison.visible_ratings(viewer, assignment))
    codes = comparison.rater_codes(study)
    own_label = comparison.rater_label(study, viewer, assignment.rater, codes)
    columns = [
        other.assignment.get_kind_display().capitalize()
        if other.assignment.is_reference
        else comparison.rater_label(study, viewer, other.assignment.rater, codes)
        for other in others
    ]
    rows = [
        {
            "item": item,
            "label": item_label(item, language),
            "own": shown_answer(instrument, item, rating, language),
            "time": rating.time_stamps.get(item.id),
            "note": rating.notes.get(item.id, ""),
            "others": [shown_answer(instrument, item, other, language) for other in others],
        }
        for item in instrument.items
    ]
    history = []
    earlier = rating.supersedes
    while earlier is not None:
        history.append(earlier)
        earlier = earlier.supersedes
    segment = assignment.segment
    return {
        "rating": rating,
        "assignment": assignment,
        "instrument": instrument,
        "rows": rows,
        "others": others,
        "columns": columns,
        "own_label": own_label,
        "differences": comparison.differences(instrument, rating, others, language) if others else [],
        "waiting": not others and assignment.rater_id == viewer.pk,
        "history": history,
        "is_current": not hasattr(rating, "superseded_by"),
        "is_own": assignment.rater_id == viewer.pk,
        "leads": study.leader_id == viewer.pk,
        "current": services.current_rating(assignment),
        "player": player(segment.recording, segment),
        "segment": segment,
        "timeline": timeline(segment, instrument, [(own_label, rating.time_stamps, rating.notes)], language),
    }


# -- Consensus -------------------------------------------------------------------------------------------------


def current_rater_ratings(study: RatingStudy) -> QuerySet[Rating]:
    """The current ratings of the study's raters (not references or self-assessments)."""
    return Rating.objects.filter(
        services.not_superseded(), assignment__study=study, assignment__kind=Assignment.Kind.RATER
    )


def rater_ratings(study: RatingStudy, segment: Segment) -> list[Rating]:
    """The current rater ratings of one segment, with their raters (one query)."""
    ratings = current_rater_ratings(study).filter(assignment__segment=segment)
    return list(ratings.select_related("assignment__rater", "assignment__segment"))


def disagreement(frame: pd.DataFrame) -> pd.DataFrame:
    """Per segment and item of rater ratings: raters, lowest and highest value and the range."""
    items = frame[~frame["item"].str.startswith(SCORE_PREFIX)]
    table = items.groupby(["segment", "item"])["value"].agg(raters="count", low="min", high="max").reset_index()
    return table.assign(spread=table["high"] - table["low"])


def _disagreement(study: RatingStudy) -> pd.DataFrame:
    """`disagreement` of the study's current rater ratings."""
    frame = ratings_frame(rating_values(current_rater_ratings(study)), services.instruments.get(study.instrument_key))
    return disagreement(frame) if len(frame) else pd.DataFrame(columns=["segment", "item", "spread", "raters"])


def consensus_overview(study: RatingStudy, language: str) -> dict[str, Any]:
    """The study's segments ordered by how much their raters disagree (the sum of the items'
    ranges), each with its most disputed items and whether a consensus is recorded."""
    instrument = services.instruments.get(study.instrument_key)
    table = kept_for_ratings(
        "disagreement", current_rater_ratings(study), (study.pk, study.instrument_key), lambda: _disagreement(study)
    )
    segments = {str(segment.public_id): segment for segment in study.segments.select_related("recording")}
    agreed = set(
        Rating.objects.filter(
            assignment__study=study, assignment__kind=Assignment.Kind.CONSENSUS, superseded_by__isnull=True
        ).values_list("assignment__segment__public_id", flat=True)
    )
    labels = {item.id: item_label(item, language) for item in instrument.items}
    totals = table.groupby("segment").agg(spread=("spread", "sum"), raters=("raters", "max"))
    disputed = table[table["spread"] > 0].sort_values(["segment", "spread"], ascending=[True, False], kind="stable")
    top: dict[str, list[tuple[str, float]]] = {}
    for row in disputed.groupby("segment").head(3).itertuples():
        top.setdefault(row.segment, []).append((labels.get(row.item, row.item), row.spread))
    rows = [
        {
            "segment": segments[public_id],
            "spread": float(total.spread),
            "raters": int(total.raters),
            "items": top.get(public_id, []),
            "agreed": segments[public_id].public_id in agreed,
        }
        for public_id, total in totals.iterrows()
        if public_id in segments
    ]
    rated = {row["segment"].pk for row in rows}
    rows.sort(key=lambda row: -row["spread"])
    unrated = [segment for segment in segments.values() if segment.pk not in rated]
    return {
        "study": study,
        "instrument": instrument,
        "rows": rows,
        "unrated": unrated,
        "withdrawn": withdrawn_segments(list(segments.values())),
    }


def consensus_initial(instrument: Instrument, ratings: list[Rating], current: Rating | None) -> dict[str, Any]:
    """The form starts from the recorded consensus, else from each item's median rating (rounded)."""
    if current is not None:
        answers = dict(current.answers)
    else:
        answers = {}
        for item in instrument.items:
            values = [r.answers[item.id] for r in ratings if isinstance(r.answers.get(item.id), int | float)]
            if item.type == "scale" and values:
                answers[item.id] = str(round(median(values)))
    return answers


def consensus_segment(
    study: RatingStudy, segment: Segment, ratings: list[Rating], viewer: User, form: RatingForm, language: str
) -> dict[str, Any]:
    """One segment (its `rater_ratings`): its clip, the raters' values and notes side by side,
    items ordered by disagreement, the stamped items of every rater on the time line, and the
    consensus form."""
    instrument = form.instrument
    ratings = sorted(ratings, key=lambda r: r.assignment_id)
    codes = comparison.rater_codes(study)
    names = [comparison.rater_label(study, viewer, r.assignment.rater, codes) for r in ratings]
    rows = []
    for item in instrument.items:
        values = [r.answers.get(item.id) for r in ratings]
        numbers = [value for value in values if isinstance(value, int | float)]
        rows.append(
            {
                "item": item,
                "label": item_label(item, language),
                "cells": [
                    {
                        "answer": shown_answer(instrument, item, r, language),
                        "time": r.time_stamps.get(item.id),
                        "note": r.notes.get(item.id, ""),
                    }
                    for r in ratings
                ],
                "spread": (max(numbers) - min(numbers)) if len(numbers) > 1 else 0,
            }
        )
    rows.sort(key=lambda row: -row["spread"])
    stamped = [(name, r.time_stamps, r.notes) for name, r in zip(names, ratings, strict=True)]
    return {
        "study": study,
        "segment": segment,
        "instrument": instrument,
        "names": names,
        "rows": rows,
        "form": form,
        "player": player(segment.recording, segment),
        "timeline": timeline(segment, instrument, stamped, language),
    }
