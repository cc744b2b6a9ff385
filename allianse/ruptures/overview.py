"""The clinic overview for administrators: aggregates only, never a patient, counted in SQL.

Every figure is an aggregate query over the selection, which enters each query as a subquery (never
as a list of ids: a clinic of a health trust has more treatments than a query may take
parameters), so the overview takes the same number of queries for ten treatments or a million.
Group members' stays count beside individual treatments where the same figure exists for them
(rupture episodes, their repair and dropout); the patients' and therapists' checks of sessions,
observers' ratings of recordings and approaches belong to individual treatments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from allianse.clinic.models import Approach, EndReason, Session, Treatment
from allianse.core.measures import roles
from allianse.core.signals import overview as figures
from allianse.core.signals.overview import OverviewFigures, Rate
from allianse.feedback.models import Response
from allianse.feedback.services import PATIENT_CHECK, THERAPIST_CHECK
from allianse.instruments import registry as instruments

from .models import Recovery, RuptureEpisode
from .observers import rated_sessions

ALL, INDIVIDUAL, GROUPS = "all", "individual", "groups"

Status = RuptureEpisode.Status
REPAIRED = Q(status=Status.CLOSED, outcome__in=figures.RESOLVED) | Q(status=Status.OPEN, recovery=Recovery.RECOVERED)
UNREPAIRED = Q(status=Status.CLOSED, outcome__in=figures.UNRESOLVED) | Q(
    status=Status.OPEN, recovery=Recovery.NOT_RECOVERED
)
ENDED = Q(ended_on__isnull=False)
DROPOUT = Q(end_reason=EndReason.DROPOUT)


@dataclass(frozen=True)
class Selection:
    """Units running at some time in the period, optionally one therapist's or one approach's
    treatments; `members`: individual treatments and group members' stays (ALL), or one of them."""

    start: date | None = None
    end: date | None = None
    therapist: Any = None
    approach: Approach | None = None
    members: str = ALL


def clinic_overview(selection: Selection | None = None) -> OverviewFigures:
    selection = selection or Selection()
    treatments, memberships = _treatments(selection), _memberships(selection)
    episodes = _episodes(selection, treatments, memberships)
    repair = _repair_counts(treatments, episodes, "treatment")
    for key, counts in _repair_counts(memberships, episodes, "membership").items():
        repair[key] = tuple(a + b for a, b in zip(repair.get(key, (0, 0, 0)), counts, strict=True))
    totals = episodes.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status=Status.OPEN)),
        **{outcome: Count("pk", filter=Q(status=Status.CLOSED, outcome=outcome)) for outcome in figures.OUTCOMES},
    )
    sessions, days = _resolution_times(episodes)
    return OverviewFigures(
        treatments=sum(total for total, _ended, _dropouts in repair.values()),
        with_ruptures=sum(total for key, (total, _e, _d) in repair.items() if key != "no_rupture"),
        episodes=totals["total"],
        open_episodes=totals["open"],
        outcomes={outcome: totals[outcome] for outcome in figures.OUTCOMES},
        median_sessions_to_resolution=figures.median_or_none(sessions),
        median_days_to_resolution=figures.median_or_none(days),
        dropout_groups=figures.dropout_groups({key: (ended, d) for key, (_t, ended, d) in repair.items()}),
        perspectives=_perspectives(selection, treatments),
        held_back_noticed=_held_back_noticed(selection, treatments),
        dropout_by_approach=_dropout_by_approach(treatments, memberships),
    )


def perspective_shares() -> tuple[Rate, ...]:
    """Only the share of individual treatments with a rupture per perspective (one query), for the
    home page."""
    selection = Selection(members=INDIVIDUAL)
    return _perspectives(selection, _treatments(selection))


def _membership_model():
    """Group memberships, known to this app only through the episode's link by name (the groups
    app sits above: see docs/architecture.md)."""
    return RuptureEpisode._meta.get_field("membership").related_model


def _running(units: QuerySet, selection: Selection) -> QuerySet:
    if selection.start:
        units = units.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=selection.start))
    if selection.end:
        units = units.filter(started_on__lte=selection.end)
    return units


def _treatments(selection: Selection) -> QuerySet:
    if selection.members == GROUPS:
        return Treatment.objects.none()
    chosen = _running(Treatment.objects.all(), selection)
    if selection.therapist is not None:
        chosen = chosen.filter(therapists=selection.therapist)
    if selection.approach is not None:
        chosen = chosen.filter(approach=selection.approach)
    return Treatment.objects.filter(pk__in=chosen.values("pk"))


def _memberships(selection: Selection) -> QuerySet:
    """Group members' stays; none when one approach is chosen (a stay in a group records none)."""
    model = _membership_model()
    if selection.members == INDIVIDUAL or selection.approach is not None:
        return model.objects.none()
    chosen = _running(model.objects.all(), selection)
    if selection.therapist is not None:
        chosen = chosen.filter(group__therapists=selection.therapist)
    return model.objects.filter(pk__in=chosen.values("pk"))


def _in_period(selection: Selection, *fields: str) -> Q:
    """Dated within the period by the first of `fields` that is set (each a date-and-time path)."""
    found = Q()
    if selection.start:
        found &= _any(Q(**{f"{name}__date__gte": selection.start}) for name in fields)
    if selection.end:
        found &= _any(Q(**{f"{name}__date__lte": selection.end}) for name in fields)
    return found


def _any(conditions) -> Q:
    found = Q(pk__in=[])
    for condition in conditions:
        found |= condition
    return found


def _episodes(selection: Selection, treatments: QuerySet, memberships: QuerySet) -> QuerySet:
    """The episodes of the selection's units that began in the period."""
    own = Q(pk__in=[])
    if not treatments.query.is_empty():
        own |= Q(treatment__in=treatments.values("pk"))
    if not memberships.query.is_empty():
        own |= Q(membership__in=memberships.values("pk"))
    period = _in_period(selection, "first_session__starts_at", "first_group_session__starts_at")
    return RuptureEpisode.objects.filter(own).filter(period)


def _repair_counts(units: QuerySet, episodes: QuerySet, link: str) -> dict[str, tuple[int, int, int]]:
    """{repair status: (units, of them ended, of them in dropout)} in one query."""
    if units.query.is_empty():
        return {}
    theirs = episodes.filter(**{link: OuterRef("pk")})
    rows = (
        units.annotate(
            repair=Case(
                When(~Exists(theirs), then=Value("no_rupture")),
                When(Exists(theirs.filter(UNREPAIRED)), then=Value("unresolved")),
                When(~Exists(theirs.exclude(REPAIRED)), then=Value("resolved")),
                default=Value("in_progress"),
            )
        )
        .values("repair")
        .annotate(total=Count("pk"), ended=Count("pk", filter=ENDED), dropouts=Count("pk", filter=ENDED & DROPOUT))
        .order_by("repair")
    )
    return {row["repair"]: (row["total"], row["ended"], row["dropouts"]) for row in rows}


def _resolution_times(episodes: QuerySet) -> tuple[list[float], list[float]]:
    """Per resolved episode: sessions until the alliance was back (the recovery session, else the
    last session) and days from the rupture to closing."""
    rows = (
        episodes.filter(status=Status.CLOSED, outcome__in=figures.RESOLVED)
        .annotate(
            first_number=Coalesce("first_session__number", "first_group_session__number"),
            end_number=Coalesce("recovery_session__number", "last_session__number", "last_group_session__number"),
            first_at=Coalesce("first_session__starts_at", "first_group_session__starts_at"),
        )
        .values_list("first_number", "end_number", "first_at", "closed_at")
    )
    sessions, days = [], []
    for first, end, first_at, closed_at in rows:
        sessions.append(float(end - first))
        if closed_at and first_at:
            days.append(float((closed_at - first_at).days))
    return sessions, days


def _answered(instrument_key: str, selection: Selection, **session) -> QuerySet:
    """Current responses of `instrument_key` to sessions in the period (`session`: which ones)."""
    return Response.objects.filter(
        superseded_by__isnull=True,
        instrument_key=instrument_key,
        **{f"session__{name}": value for name, value in session.items()},
    ).filter(_in_period(selection, "session__starts_at"))


def _yes(instrument_key: str, role: str) -> Q:
    """Responses whose item with `role` was answered yes; nothing if the instrument has no such item."""
    items = instruments.get(instrument_key).items_with_role(role)
    return _any(Q(**{f"answers__{item.id}": True}) for item in items)


def _perspectives(selection: Selection, treatments: QuerySet) -> tuple[Rate, ...]:
    """Per perspective, the treatments it rated in the period and those with a rupture in its view."""
    if treatments.query.is_empty():
        return figures.perspective_rates({})
    counted: dict[str, Any] = {}
    for key, instrument_key in (("patient", PATIENT_CHECK), ("therapist", THERAPIST_CHECK)):
        answered = _answered(instrument_key, selection, treatment=OuterRef("pk"))
        counted[f"{key}_rated"] = Count("pk", filter=Exists(answered))
        counted[f"{key}_rupture"] = Count("pk", filter=Exists(answered.filter(_yes(instrument_key, roles.RUPTURE))))
    sessions = Session.objects.filter(treatment=OuterRef("pk")).filter(_in_period(selection, "starts_at"))
    counted["observer_rated"] = Count("pk", filter=Exists(sessions.filter(rated_sessions())))
    counted["observer_rupture"] = Count("pk", filter=Exists(sessions.filter(rated_sessions(rupture=True))))
    found = treatments.aggregate(**counted)
    return figures.perspective_rates(
        {key: (found[f"{key}_rated"], found[f"{key}_rupture"]) for key in figures.PERSPECTIVES}
    )


def _held_back_noticed(selection: Selection, treatments: QuerySet) -> Rate:
    """Sessions in which the patient held back negative feelings and the therapist answered the
    check: in how many the therapist noticed (reported a rupture, or something held back where the
    therapist check asks it)."""
    key, published = "held_back_noticed", figures.HELD_BACK_NOTICED_PUBLISHED
    if treatments.query.is_empty():
        return Rate(key, 0, 0, published)
    therapist = _answered(THERAPIST_CHECK, selection, pk=OuterRef("pk"))
    held_back = _answered(PATIENT_CHECK, selection, pk=OuterRef("pk")).filter(_yes(PATIENT_CHECK, roles.HELD_BACK))
    noticed = therapist.filter(_yes(THERAPIST_CHECK, roles.RUPTURE) | _yes(THERAPIST_CHECK, roles.HELD_BACK))
    found = (
        Session.objects.filter(treatment__in=treatments.values("pk"))
        .filter(Exists(held_back), Exists(therapist))
        .aggregate(n=Count("pk"), noticed=Count("pk", filter=Exists(noticed)))
    )
    return Rate(key, found["noticed"], found["n"], published)


def _dropout_by_approach(treatments: QuerySet, memberships: QuerySet) -> tuple[Rate, ...]:
    """Dropout among ended treatments per approach (every approach offered or with an ended
    treatment, those compared with published figures first), without one, and among group members."""
    ended = treatments.filter(ENDED).values("pk")
    approaches = (
        Approach.objects.annotate(
            ended=Count("treatments", filter=Q(treatments__in=ended)),
            dropouts=Count("treatments", filter=Q(treatments__in=ended) & Q(treatments__end_reason=EndReason.DROPOUT)),
        )
        .filter(Q(active=True) | Q(ended__gt=0))
        .order_by("pk")
        if not treatments.query.is_empty()
        else Approach.objects.none()
    )
    rates = [
        Rate(_approach_key(a), a.dropouts, a.ended, figures.DROPOUT_PUBLISHED.get(a.key), str(a)) for a in approaches
    ]
    rates.sort(key=lambda rate: rate.published is None)
    labels = _fixed_labels()
    for key, units in (
        ("not_recorded", treatments.filter(approach__isnull=True)),
        ("group_members", memberships),
    ):
        if not units.query.is_empty():
            found = units.aggregate(ended=Count("pk", filter=ENDED), dropouts=Count("pk", filter=ENDED & DROPOUT))
            rates.append(Rate(key, found["dropouts"], found["ended"], None, labels[key]))
    return tuple(rates)


def _approach_key(approach: Approach) -> str:
    return approach.key or f"approach-{approach.pk}"


def _fixed_labels() -> dict[str, str]:
    return {"not_recorded": _("Approach not recorded"), "group_members": _("Group members")}


def rate_labels() -> dict[str, str]:
    """The names of the dropout rates by approach, in the current language (one query)."""
    return {**{_approach_key(a): str(a) for a in Approach.objects.all()}, **_fixed_labels()}
