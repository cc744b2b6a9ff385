"""What the pages show, read from stored signals and episodes (never recomputed on a page view).

Each function reads with a fixed number of queries, whatever the caseload.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
from django.db.models import Case, DateField, DateTimeField, F, IntegerField, Max, Min, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Greatest, Least

from allianse.clinic.models import Treatment
from allianse.core.measures import Item, roles
from allianse.feedback.models import Response
from allianse.feedback.series import SessionRow, session_rows
from allianse.feedback.services import PATIENT_CHECK, THERAPIST_CHECK
from allianse.instruments import registry as instruments

from . import extensions, guide
from .attention import CLOSE_SUGGESTED, NOT_RECOVERED, QUIET, URGENCY
from .models import LOOSE, Recovery, RuptureEpisode, Signal
from .observers import observer_views


@dataclass
class AttentionItem:
    treatment: Treatment
    episode: RuptureEpisode | None
    signals: list[Signal] = field(default_factory=list)
    comments: list[tuple[int, str]] = field(default_factory=list)  # (session number, the patient's comment)

    group = None  # the template tells a patient's item from a group's (allianse.groups.member_ruptures) by this

    @property
    def patient(self):
        return self.treatment.patient

    @property
    def patients(self) -> list:
        return [self.treatment.patient]

    @property
    def new_signals(self) -> list[Signal]:
        return [signal for signal in self.signals if signal.is_new]

    @property
    def urgency(self) -> int:
        episode = self.episode
        return urgency(
            [signal.kind for signal in self.new_signals],
            episode.recovery if episode is not None else None,
            close_suggested=episode is not None and episode.close_suggested,
        )

    @property
    def latest(self) -> datetime:
        return latest_start(self.signals, self.episode)

    @property
    def shown_signals(self) -> list[Signal]:
        """The newest signals first, at most three: the item explains itself, the page has the rest."""
        chosen = self.new_signals or self.signals
        return sorted(chosen, key=lambda signal: (-signal.session.number, URGENCY[signal.kind]))[:3]


def urgency(new_kinds: list[str], recovery: str | None, *, close_suggested: bool) -> int:
    """An item's rank (lower first) from the kinds of its new signals and its episode's recovery
    (None without an episode)."""
    return ranked(min((URGENCY[kind] for kind in new_kinds), default=None), recovery, close_suggested=close_suggested)


def ranked(new: int | None, recovery: str | None, *, close_suggested: bool) -> int:
    """`urgency` from the most urgent rank of the new signals (None when none is new)."""
    ranks = [] if new is None else [new]
    if recovery is not None:
        if recovery == Recovery.NOT_RECOVERED:
            ranks.append(NOT_RECOVERED)
        ranks.append(CLOSE_SUGGESTED if close_suggested else QUIET)
    return min(ranks)


def needs_attention(therapist) -> AttentionList:
    """Open episodes and signals not yet dealt with, for the therapist's treatments and what the
    apps above add (`extensions.attention_sources`: the groups' members), most urgent first."""
    return AttentionList(therapist)


Key = tuple[str, int]  # ("episode", episode pk) or ("treatment", treatment pk) for signals outside episodes


@dataclass(frozen=True)
class Ranked:
    """An item of the therapist's treatments as the database ranks it, before it is read in full."""

    key: Key
    urgency: int
    latest: datetime


class AttentionList:
    """The needs-attention list in its order, for a Paginator. The items of the therapist's own
    treatments (thousands, for a caseload taken over with its history) are counted (1 query), then
    ranked by the database, which returns only the rows up to the end of the slice taken (1 query),
    whose items are read in full (3 queries): a page costs what it shows, and Python never sees the
    rest. The extension sources' items come in full (a therapist leads few groups) and are ranked
    among them here.

    The order: by urgency, then the latest session's start, newest first; ties keep the order the
    items are found in (open episodes newest opened first, then the signals outside episodes by
    treatment, newest started first, then the extension sources' items)."""

    def __init__(self, therapist) -> None:
        self.therapist = therapist
        self.others = _in_order([item for source in extensions.attention_sources for item in source(therapist)])
        self._count: int | None = None

    def __len__(self) -> int:
        if self._count is None:
            self._count = _treatment_count(self.therapist) + len(self.others)
        return self._count

    def __getitem__(self, index: int | slice):
        if not isinstance(index, slice):
            return self[index : index + 1 or None][0]
        start, stop, step = index.indices(len(self))
        if start >= stop:
            return []
        chosen = _in_order([*_treatment_ranks(self.therapist, stop), *self.others])[start:stop:step]
        loaded = _treatment_items([entry.key for entry in chosen if isinstance(entry, Ranked)])
        found = (loaded.get(entry.key) if isinstance(entry, Ranked) else entry for entry in chosen)
        return [item for item in found if item is not None]  # less only where an item was dealt with meanwhile

    def __iter__(self):
        return iter(self[:])


def _in_order(entries: list) -> list:
    """`entries` (with `urgency` and `latest`) most urgent first, then newest first; ties keep
    their order."""
    entries.sort(key=lambda entry: entry.latest, reverse=True)
    entries.sort(key=lambda entry: entry.urgency)
    return entries


def _treated_by(therapist) -> QuerySet:
    """The ids of the therapist's treatments, a subquery that spares joining the treatments."""
    return Treatment.therapists.through.objects.filter(user=therapist).values("treatment_id")


def _open_episodes(therapist):
    return RuptureEpisode.objects.filter(treatment__in=_treated_by(therapist), status=RuptureEpisode.Status.OPEN)


RUNNING = Q(treatment__ended_on__isnull=True)


def _loose_signals(therapist):
    return Signal.objects.loose().filter(RUNNING, treatment__in=_treated_by(therapist))


def _new_rank(path: str = "") -> Case:
    """A new signal's rank in `URGENCY` (`path` leads from the model queried to the signal), NULL
    for one seen or acknowledged."""
    dealt_with = Q(**{f"{path}seen_at__isnull": False}) | Q(**{f"{path}acknowledged_at__isnull": False})
    kinds: dict[int, list[str]] = {}
    for kind, rank in URGENCY.items():
        kinds.setdefault(rank, []).append(kind)
    ranks = (When(Q(**{f"{path}kind__in": chosen}), then=rank) for rank, chosen in sorted(kinds.items()))
    return Case(When(dealt_with, then=None), *ranks, output_field=IntegerField())


def _treatment_count(therapist) -> int:
    """How many items the therapist's treatments have: open episodes, and treatments with signals
    outside episodes (1 query)."""
    episodes = _open_episodes(therapist).order_by().values_list("pk")
    loose = _loose_signals(therapist).order_by().values_list("treatment_id").distinct()
    return episodes.union(loose, all=True).count()


SOURCES = ("episode", "treatment")  # the kind of `Key` of each part of `_treatment_ranks`' union


def _treatment_ranks(therapist, limit: int) -> list[Ranked]:
    """The first `limit` items of the therapist's treatments in the list's order, ranked by the
    database from its sums per item (1 query): each open episode's recovery and the latest start
    and most urgent new kind of its current signals, and the same of the loose signals per
    treatment. The urgency is `ranked` in SQL (every episode here is open: recovered
    suggests closing; a treatment's loose signals all seen rank as quiet). Kept apart in a union,
    since the OR of the two kinds of signal makes PostgreSQL scan every signal of the clinic."""
    current = Q(signals__retracted_at__isnull=True)
    last = F("last_session__starts_at")
    recovery = Case(
        When(recovery=Recovery.NOT_RECOVERED, then=NOT_RECOVERED),
        When(recovery=Recovery.RECOVERED, then=CLOSE_SUGGESTED),
        default=QUIET,
    )
    episodes = _open_episodes(therapist).annotate(
        source=Value(0),
        key=F("pk"),
        urgency=Least(Coalesce(Min(_new_rank("signals__"), filter=current), QUIET), recovery),
        latest=Greatest(last, Coalesce(Max("signals__session__starts_at", filter=current), last)),
        opened=F("opened_at"),
        started=Value(None, output_field=DateField()),
    )
    loose = (
        _loose_signals(therapist)
        .values("treatment_id")
        .annotate(
            source=Value(1),
            key=F("treatment_id"),
            urgency=Coalesce(Min(_new_rank()), QUIET),
            latest=Max("session__starts_at"),
            opened=Value(None, output_field=DateTimeField()),
            started=F("treatment__started_on"),
        )
    )
    columns = ("source", "key", "urgency", "latest", "opened", "started")
    union = episodes.order_by().values_list(*columns).union(loose.order_by().values_list(*columns), all=True)
    rows = union.order_by("urgency", "-latest", "source", "-opened", "-started", "key")[:limit]
    return [Ranked((SOURCES[source], key), urgency, latest) for source, key, urgency, latest, *_ties in rows]


def _treatment_items(keys: list[Key]) -> dict[Key, AttentionItem]:
    """The items of `keys` (ranked from the therapist's own treatments) in full, with the patient's
    comments in the sessions of the signals (3 queries). An episode closed or a signal acknowledged
    since the ranking is left out."""
    if not keys:
        return {}
    episodes = RuptureEpisode.objects.filter(
        pk__in=[pk for kind, pk in keys if kind == "episode"], status=RuptureEpisode.Status.OPEN
    ).select_related("treatment__patient", "first_session", "last_session", "recovery_session", "opened_by")
    items = {("episode", e.pk): AttentionItem(treatment=e.treatment, episode=e) for e in episodes}
    loose = [pk for kind, pk in keys if kind == "treatment"]
    loose_signals = LOOSE & RUNNING & Q(treatment__in=loose)
    signals = (
        Signal.objects.current()
        .filter(treatment__in={item.treatment.pk for item in items.values()} | set(loose))  # else a scan of all
        .filter(Q(episode__in=[pk for _kind, pk in items]) | loose_signals)
    )
    for signal in signals.select_related("session", "treatment__patient"):
        key = ("episode", signal.episode_id) if signal.episode_id else ("treatment", signal.treatment_id)
        items.setdefault(key, AttentionItem(treatment=signal.treatment, episode=None)).signals.append(signal)
    comments = _comments({signal.session_id for item in items.values() for signal in item.signals})
    for item in items.values():
        sessions = {signal.session.number: signal.session_id for signal in item.signals}
        item.comments = [(number, comments[pk]) for number, pk in sorted(sessions.items()) if pk in comments]
    return items


def _comments(session_ids: set[int]) -> dict[int, str]:
    """The patient's comment (the patient check's item with role comment) per session, where given."""
    if not session_ids:
        return {}
    key = instruments.get(PATIENT_CHECK).item_with_role(roles.COMMENT).id
    answers = Response.objects.filter(
        session_id__in=session_ids, instrument_key=PATIENT_CHECK, superseded_by__isnull=True
    ).values_list("session_id", "answers")
    return {session_id: given[key] for session_id, given in answers if given.get(key)}


# --- the episode page -------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreRow:
    phase: str  # before, during, after
    row: SessionRow


def episode_context(episode: RuptureEpisode) -> dict:
    """The episode with its guide, signals, notes, history and the scores around it; for a group
    member's episode, what `extensions.episode_details` add (the group's signals and the member's
    scores)."""
    repair = guide.get()
    kind_guide = repair.for_kind(episode.kind)
    context = {
        "episode": episode,
        "intensity_max": intensity_item().max,
        "patient": episode.patient,
        "guide": repair,
        "kind_guide": kind_guide,
        "stage": kind_guide.stage(episode.stage),
        "notes": list(episode.notes.select_related("author")),
        "events": list(episode.events.select_related("actor")),
    }
    if episode.is_member_episode:
        for details in extensions.episode_details:
            context |= details(episode) or {}
        return context
    scores = scores_around(episode)
    comment = instruments.get(PATIENT_CHECK).item_with_role(roles.COMMENT).id
    return context | {
        "treatment": episode.treatment,
        "observers": observer_views(episode.treatment.sessions.all()),
        "signals": list(episode.signals.current().select_related("session").order_by("session__number", "id")),
        "scores": scores,
        "comments": [
            (score.row.session.number, score.row.patient.answers[comment])
            for score in scores
            if score.phase == "during" and score.row.patient and score.row.patient.answers.get(comment)
        ],
    }


def intensity_item() -> Item:
    """The scale of an episode's intensity: the therapist check's item with role rupture_intensity
    (an episode takes the highest intensity the patient's and therapist's checks report)."""
    return instruments.get(THERAPIST_CHECK).item_with_role(roles.RUPTURE_INTENSITY)


def scores_around(episode: RuptureEpisode) -> list[ScoreRow]:
    """The patient's and therapist's scores before, during and after the episode."""
    phases = ((episode.phase_of(row.session.number), row) for row in session_rows(episode.treatment))
    return [ScoreRow(phase, row) for phase, row in phases if phase is not None]


# --- the patient page and the session page ------------------------------------------------------


@dataclass
class TreatmentRuptures:
    signals: list[Signal]
    episodes: list[RuptureEpisode]

    def markers(self, frame: pd.DataFrame, floor: float) -> pd.DataFrame:
        """One chart marker per session with signals, at the patient's score (or the floor of the
        scale where there is none, e.g. a missed session); the tooltip holds every explanation."""
        by_session: dict[int, list[str]] = {}
        for signal in self.signals:
            by_session.setdefault(signal.session.number, []).append(signal.explanation)
        scores = dict(zip(frame["session"], frame["alliance"], strict=True)) if len(frame) else {}
        records = [
            {
                "session": number,
                "value": floor if pd.isna(scores.get(number, float("nan"))) else scores[number],
                "explanation": " ".join(texts),
            }
            for number, texts in sorted(by_session.items())
        ]
        return pd.DataFrame.from_records(records, columns=["session", "value", "explanation"])

    def bands(self) -> pd.DataFrame:
        """Each episode as a band on the session axis, half a session either side."""
        records = [
            {"start": episode.first_session.number - 0.5, "end": episode.last_session.number + 0.5}
            for episode in self.episodes
        ]
        return pd.DataFrame.from_records(records, columns=["start", "end"])


def treatment_ruptures(treatment: Treatment) -> TreatmentRuptures:
    """Current signals and all episodes of a treatment (2 queries)."""
    return TreatmentRuptures(
        signals=list(treatment.signals.current().select_related("session").order_by("session__number", "id")),
        episodes=list(treatment.rupture_episodes.select_related("first_session", "last_session").order_by("opened_at")),
    )


def session_ruptures(session) -> dict:
    """A session's signals and the episodes that span it (2 queries)."""
    return {
        "session": session,
        "signals": list(session.signals.current().order_by("id")),
        "episodes": list(
            RuptureEpisode.objects.filter(
                treatment=session.treatment,
                first_session__number__lte=session.number,
                last_session__number__gte=session.number,
            ).order_by("opened_at")
        ),
    }


def latest_start(signals, episode: RuptureEpisode | None) -> datetime:
    """When an attention item's latest session started: its signals' sessions and the last session
    of its episode (a clinic Session or a GroupSession, see RuptureEpisode.span_last)."""
    starts = [signal.session.starts_at for signal in signals]
    if episode is not None:
        starts.append(episode.span_last.starts_at)
    return max(starts)
