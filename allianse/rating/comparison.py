"""What a person sees of the other ratings of a segment: whether the study's blinding lets them
see anything yet, how raters are named (codes in blind studies), and where their rating differs
most from the reference rating and from the other raters, item by item, largest first."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import fmean

from django.db.models import Exists, Min, OuterRef, QuerySet

from allianse.accounts.models import User
from allianse.core.measures import Instrument

from .models import Assignment, Rating, RatingStudy, Segment


def rater_codes(study: RatingStudy) -> dict[int, str]:
    """R1, R2, ... for the study's raters in the order they were first assigned (one query)."""
    firsts = (
        Assignment.objects.filter(study=study)
        .exclude(kind__in=Assignment.REFERENCE_KINDS)
        .values("rater_id")
        .annotate(first=Min("pk"))
        .order_by("first")
    )
    return {row["rater_id"]: f"R{number}" for number, row in enumerate(firsts, start=1)}


def shows_names(study: RatingStudy, viewer: User) -> bool:
    """Names for everyone in an open study; for the leader only in a study blind to raters."""
    if study.naming == RatingStudy.Naming.NAMES:
        return True
    return study.naming == RatingStudy.Naming.CODES and study.leader_id == viewer.pk


def rater_label(study: RatingStudy, viewer: User, rater: User, codes: dict[int, str]) -> str:
    """How `viewer` sees `rater` in this study: a name or a code (a reference rater by name)."""
    if shows_names(study, viewer) or rater.pk not in codes:
        return rater.display_name
    return codes[rater.pk]


def segment_fully_rated(study: RatingStudy, segment: Segment) -> bool:
    """Has every rater assigned to the segment in the study submitted?"""
    waiting = Assignment.objects.filter(study=study, segment=segment, kind=Assignment.Kind.RATER).exclude(
        Exists(Rating.objects.filter(assignment=OuterRef("pk")))
    )
    return not waiting.exists()


def may_see_others(viewer: User, assignment: Assignment) -> bool:
    """Blinding (RatingStudy.reveal): the leader always; anyone else only after submitting their
    own rating of the segment, and then as the study's rule allows."""
    study = assignment.study
    if study.leader_id == viewer.pk:
        return True
    own = Rating.objects.filter(
        assignment__study=study, assignment__segment=assignment.segment, assignment__rater=viewer
    )
    if not own.exists():
        return False
    if study.reveal == RatingStudy.Reveal.RELEASED:
        return study.released_at is not None
    if study.reveal == RatingStudy.Reveal.ALL_SUBMITTED:
        return segment_fully_rated(study, assignment.segment)
    return True


def visible_ratings(viewer: User, assignment: Assignment) -> QuerySet[Rating]:
    """The current ratings of the segment that `viewer` may compare with theirs: none while the
    study keeps them blind; a self-assessment is compared with the reference ratings only; nobody
    but the leader sees a therapist's self-assessment."""
    current = Rating.objects.filter(
        assignment__study=assignment.study, assignment__segment=assignment.segment, superseded_by__isnull=True
    ).exclude(assignment=assignment)
    if not may_see_others(viewer, assignment):
        return current.none()
    if assignment.is_self_assessment:
        current = current.filter(assignment__kind__in=Assignment.REFERENCE_KINDS)
    elif assignment.study.leader_id != viewer.pk:
        current = current.exclude(assignment__kind=Assignment.Kind.SELF)
    return current.select_related("assignment__rater").order_by("assignment__kind", "assignment__pk")


def reference_values(ratings: list[Rating]) -> dict[str, float]:
    """Per item, the segment's reference: the consensus rating where there is one, else the mean
    of the expert ratings (as in calibration: agreement.reference_frame)."""
    references = [rating for rating in ratings if rating.assignment.is_reference]
    consensus = [rating for rating in references if rating.assignment.kind == Assignment.Kind.CONSENSUS]
    return _means(consensus or references)


def _means(ratings: list[Rating]) -> dict[str, float]:
    values: dict[str, list[float]] = {}
    for rating in ratings:
        for key, value in rating.answers.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                values.setdefault(key, []).append(float(value))
    return {key: fmean(found) for key, found in values.items()}


@dataclass(frozen=True)
class Difference:
    item_id: str
    label: str
    own: float
    reference: float | None
    others: float | None

    @property
    def from_reference(self) -> float | None:
        return None if self.reference is None else self.own - self.reference

    @property
    def from_others(self) -> float | None:
        return None if self.others is None else self.own - self.others

    @property
    def largest(self) -> float:
        return max(abs(value) for value in (self.from_reference, self.from_others, 0.0) if value is not None)


def differences(instrument: Instrument, own: Rating, others: list[Rating], language: str) -> list[Difference]:
    """The scale items where `own` differs from the reference or from the mean of the other raters
    (raters' ratings only, not self-assessments), largest difference first; items that agree, or
    have nothing to compare with, are left out."""
    reference = reference_values(others)
    raters = _means([rating for rating in others if rating.assignment.kind == Assignment.Kind.RATER])
    rows = []
    for item in instrument.items:
        value = own.answers.get(item.id)
        if item.type != "scale" or not isinstance(value, int | float):
            continue
        row = Difference(
            item.id, (item.label or item.text)[language], float(value), reference.get(item.id), raters.get(item.id)
        )
        if row.largest > 0:
            rows.append(row)
    return sorted(rows, key=lambda row: -row.largest)
