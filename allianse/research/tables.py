"""The tables of a research dataset for one project and period: their columns and their rows,
read in chunks (`QuerySet.iterator`) so that an export of a million responses holds one chunk at a
time. Every identifier is the project's pseudonym; no code, name or free text of a patient leaves."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from allianse.clinic.models import Session, Treatment
from allianse.feedback.models import Response
from allianse.groups.models import MemberResponse, Membership
from allianse.instruments import registry as instruments
from allianse.rating.models import Rating
from allianse.ruptures.models import RuptureEpisode, Signal

from .columns import Coded, Column, ItemColumns, Text, both, column, yes_no
from .pseudonyms import pseudonym

CHUNK = 2000


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @classmethod
    def unbounded(cls) -> Period:
        return cls(date.min, date.max)

    def times(self, field: str) -> dict:
        """A filter on a time field: from the start of the first day to the end of the last, in
        the clinic's time zone (a range on the column itself, which its index serves)."""
        zone = timezone.get_current_timezone()
        bounds = {}
        if self.start > date.min:
            bounds[f"{field}__gte"] = datetime.combine(self.start, time.min, zone)
        if self.end < date.max:
            bounds[f"{field}__lt"] = datetime.combine(self.end + timedelta(days=1), time.min, zone)
        return bounds


@dataclass(frozen=True)
class Table:
    key: str
    title: Text
    columns: list[Column]
    rows: Callable[[], Iterator[list]]


class Builder:
    """Builds the tables of one project's dataset for one period."""

    def __init__(self, key: str, period: Period) -> None:
        self.key, self.period = key, period
        # Patients, treatments and sessions recur row after row; a bounded cache keeps memory constant.
        self.id = functools.lru_cache(maxsize=65536)(functools.partial(pseudonym, key))
        # A row's own object comes once: caching it would only push the recurring ones out.
        self.own_id = functools.partial(pseudonym, key)

    def table(self, table_key: str) -> Table:
        name, _dot, instrument_key = table_key.partition(".")
        if instrument_key:
            return getattr(self, name)(instruments.get(instrument_key))
        return getattr(self, name)()

    # --- individual therapy -------------------------------------------------------------------

    def treatments(self) -> Table:
        reason = Coded("end_reason", _("reason for ending"), Treatment._meta.get_field("end_reason").choices)
        columns = [
            column("treatment", _("treatment")),
            column("patient", _("patient")),
            column("therapists", _("therapists")),
            column("started_on", _("started"), "date"),
            column("ended_on", _("ended"), "date"),
            reason.column,
            column("sessions", _("sessions"), "integer", minimum=0),
        ]
        therapists_through = Treatment.therapists.through
        period = self.period

        def rows():
            treatments = (
                Treatment.objects.filter(started_on__lte=period.end)
                .exclude(ended_on__lt=period.start)
                .annotate(session_count=Count("sessions"))
                .order_by("pk")
                .values_list(
                    "pk", "public_id", "patient__public_id", "started_on", "ended_on", "end_reason", "session_count"
                )
            )
            therapists: dict[int, list[str]] = {}
            for treatment_id, user_id in therapists_through.objects.values_list("treatment_id", "user_id").iterator(
                CHUNK
            ):
                therapists.setdefault(treatment_id, []).append(self.id("U", user_id))
            for pk, public_id, patient, started, ended, end_reason, count in treatments.iterator(CHUNK):
                yield [
                    self.own_id("T", public_id),
                    self.id("P", patient),
                    ";".join(sorted(therapists.get(pk, ()))),
                    started,
                    ended,
                    reason(end_reason),
                    count,
                ]

        return Table("treatments", both(_("Treatments")), columns, rows)

    def sessions(self) -> Table:
        columns = [
            column("session", _("session")),
            column("treatment", _("treatment")),
            column("patient", _("patient")),
            column("number", _("session number"), "integer", minimum=1),
            column("starts_at", _("date and time"), "datetime"),
            yes_no("attended", _("attended")),
        ]

        def rows():
            sessions = (
                Session.objects.filter(**self.period.times("starts_at"))
                .order_by("pk")
                .values_list(
                    "public_id",
                    "treatment__public_id",
                    "treatment__patient__public_id",
                    "number",
                    "starts_at",
                    "attended",
                )
            )
            for public_id, treatment, patient, number, starts_at, attended in sessions.iterator(CHUNK):
                yield [
                    self.own_id("S", public_id),
                    self.id("T", treatment),
                    self.id("P", patient),
                    number,
                    starts_at,
                    int(attended),
                ]

        return Table("sessions", both(_("Sessions")), columns, rows)

    def responses(self, instrument) -> Table:
        items = ItemColumns(instrument)
        respondent = Coded("respondent", _("respondent"), Response._meta.get_field("respondent").choices)
        columns = [
            column("response", _("response")),
            column("session", _("session")),
            column("treatment", _("treatment")),
            column("patient", _("patient")),
            respondent.column,
            column("submitted_at", _("submitted"), "datetime"),
            column("version", _("version of the instrument")),
            *items.columns,
        ]

        def rows():
            responses = (
                Response.objects.filter(
                    instrument_key=instrument.key,
                    superseded_by__isnull=True,
                    **self.period.times("session__starts_at"),
                )
                .order_by("pk")
                .values_list(
                    "public_id",
                    "session__public_id",
                    "session__treatment__public_id",
                    "session__treatment__patient__public_id",
                    "respondent",
                    "submitted_at",
                    "instrument_version",
                    "answers",
                    "scores",
                )
            )
            for public_id, session, treatment, patient, who, submitted, version, answers, scores in responses.iterator(
                CHUNK
            ):
                yield [
                    self.own_id("R", public_id),
                    self.id("S", session),
                    self.id("T", treatment),
                    self.id("P", patient),
                    respondent(who),
                    submitted,
                    version,
                    *items.cells(answers, scores),
                ]

        return Table(f"responses.{instrument.key}", instrument.title, columns, rows)

    def signals(self) -> Table:
        kind = Coded("kind", _("kind of signal"), Signal._meta.get_field("kind").choices)
        columns = [
            column("signal", _("signal")),
            column("session", _("session")),
            column("treatment", _("treatment")),
            column("patient", _("patient")),
            kind.column,
            column("detail", _("rule")),
            column("value", _("value"), "number"),
            column("threshold", _("threshold"), "number"),
            column("created_at", _("raised"), "datetime"),
            yes_no("acknowledged", _("acknowledged")),
            yes_no("retracted", _("retracted")),
        ]

        def rows():
            signals = (
                Signal.objects.filter(**self.period.times("session__starts_at"))
                .order_by("pk")
                .values_list(
                    "public_id",
                    "session__public_id",
                    "treatment__public_id",
                    "treatment__patient__public_id",
                    "kind",
                    "detail",
                    "value",
                    "threshold",
                    "created_at",
                    "acknowledged_at",
                    "retracted_at",
                )
            )
            for (
                public_id,
                session,
                treatment,
                patient,
                what,
                detail,
                value,
                threshold,
                created,
                acked,
                retracted,
            ) in signals.iterator(CHUNK):
                yield [
                    self.own_id("X", public_id),
                    self.id("S", session),
                    self.id("T", treatment),
                    self.id("P", patient),
                    kind(what),
                    detail,
                    value,
                    threshold,
                    created,
                    int(acked is not None),
                    int(retracted is not None),
                ]

        return Table("signals", both(_("Signals")), columns, rows)

    def episodes(self) -> Table:
        field = RuptureEpisode._meta.get_field
        coded = {
            name: Coded(name, field(name).verbose_name, field(name).choices)
            for name in ("kind", "status", "outcome", "recovery")
        }
        columns = [
            column("episode", _("rupture episode")),
            column("treatment", _("treatment")),
            column("membership", _("group membership")),
            column("patient", _("patient")),
            coded["kind"].column,
            column("intensity", _("intensity"), "integer"),
            column("stage", _("stage reached"), "integer", minimum=1, maximum=6),
            coded["status"].column,
            coded["outcome"].column,
            coded["recovery"].column,
            column("opened_at", _("opened"), "datetime"),
            column("closed_at", _("closed"), "datetime"),
        ]

        def rows():
            episodes = (
                RuptureEpisode.objects.filter(**self.period.times("opened_at"))
                .order_by("pk")
                .values_list(
                    "public_id",
                    "treatment__public_id",
                    "membership__public_id",
                    "treatment__patient__public_id",
                    "membership__patient__public_id",
                    "kind",
                    "intensity",
                    "stage",
                    "status",
                    "outcome",
                    "recovery",
                    "opened_at",
                    "closed_at",
                )
            )
            for (public_id, treatment, membership, patient, member_patient, kind, intensity, stage, status, outcome,
                 recovery, opened, closed) in episodes.iterator(CHUNK):  # fmt: skip
                yield [
                    self.own_id("E", public_id),
                    self.id("T", treatment),
                    self.id("M", membership),
                    self.id("P", patient or member_patient),
                    coded["kind"](kind),
                    intensity,
                    stage,
                    coded["status"](status),
                    coded["outcome"](outcome),
                    coded["recovery"](recovery),
                    opened,
                    closed,
                ]

        return Table("episodes", both(_("Rupture episodes")), columns, rows)

    # --- groups --------------------------------------------------------------------------------

    def memberships(self) -> Table:
        reason = Coded("end_reason", _("reason for leaving"), Membership._meta.get_field("end_reason").choices)
        columns = [
            column("membership", _("group membership")),
            column("group", _("group")),
            column("patient", _("patient")),
            column("started_on", _("joined"), "date"),
            column("ended_on", _("left"), "date"),
            reason.column,
        ]

        def rows():
            memberships = (
                Membership.objects.filter(started_on__lte=self.period.end)
                .exclude(ended_on__lt=self.period.start)
                .order_by("pk")
                .values_list(
                    "public_id", "group__public_id", "patient__public_id", "started_on", "ended_on", "end_reason"
                )
            )
            for public_id, group, patient, started, ended, end_reason in memberships.iterator(CHUNK):
                yield [
                    self.own_id("M", public_id),
                    self.id("G", group),
                    self.id("P", patient),
                    started,
                    ended,
                    reason(end_reason),
                ]

        return Table("memberships", both(_("Group memberships")), columns, rows)

    def member_responses(self, instrument) -> Table:
        items = ItemColumns(instrument)
        columns = [
            column("response", _("response")),
            column("group_session", _("group session")),
            column("group", _("group")),
            column("membership", _("group membership")),
            column("patient", _("patient")),
            column("submitted_at", _("submitted"), "datetime"),
            column("version", _("version of the instrument")),
            *items.columns,
        ]

        def rows():
            responses = (
                MemberResponse.objects.filter(instrument_key=instrument.key, **self.period.times("session__starts_at"))
                .order_by("pk")
                .values_list(
                    "public_id",
                    "session__public_id",
                    "session__group__public_id",
                    "membership__public_id",
                    "membership__patient__public_id",
                    "submitted_at",
                    "instrument_version",
                    "answers",
                    "scores",
                )
            )
            for (
                public_id,
                session,
                group,
                membership,
                patient,
                submitted,
                version,
                answers,
                scores,
            ) in responses.iterator(CHUNK):
                yield [
                    self.own_id("R", public_id),
                    self.id("GS", session),
                    self.id("G", group),
                    self.id("M", membership),
                    self.id("P", patient),
                    submitted,
                    version,
                    *items.cells(answers, scores),
                ]

        return Table(f"member_responses.{instrument.key}", instrument.title, columns, rows)

    # --- observer ratings ------------------------------------------------------------------------

    def ratings(self, instrument) -> Table:
        items = ItemColumns(instrument)
        columns = [
            column("rating", _("rating")),
            column("study", _("rating study")),
            column("segment", _("segment")),
            column("session", _("session")),
            column("rater", _("rater")),
            column("submitted_at", _("submitted"), "datetime"),
            column("version", _("version of the instrument")),
            *items.columns,
        ]

        def rows():
            ratings = (
                Rating.objects.filter(
                    instrument_key=instrument.key,
                    superseded_by__isnull=True,
                    **self.period.times("submitted_at"),
                )
                .order_by("pk")
                .values_list(
                    "public_id",
                    "assignment__study__public_id",
                    "assignment__segment__public_id",
                    "assignment__segment__recording__session__public_id",
                    "assignment__rater_id",
                    "submitted_at",
                    "instrument_version",
                    "answers",
                    "scores",
                )
            )
            for public_id, study, segment, session, rater, submitted, version, answers, scores in ratings.iterator(
                CHUNK
            ):
                yield [
                    self.own_id("O", public_id),
                    self.id("ST", study),
                    self.id("SG", segment),
                    self.id("S", session),
                    self.id("U", rater),
                    submitted,
                    version,
                    *items.cells(answers, scores),
                ]

        return Table(f"ratings.{instrument.key}", instrument.title, columns, rows)


def table_keys() -> list[tuple[str, Text]]:
    """Every table a dataset offers, with its title: the fixed ones, then one per instrument and
    the kind of response it collects."""
    keys = [
        ("treatments", both(_("Treatments"))),
        ("sessions", both(_("Sessions"))),
        ("signals", both(_("Signals"))),
        ("episodes", both(_("Rupture episodes"))),
        ("memberships", both(_("Group memberships"))),
    ]
    source = {
        "patient": "responses",
        "therapist": "responses",
        "group_member": "member_responses",
        "observer": "ratings",
    }
    for instrument in instruments.all_instruments():
        keys.append((f"{source[instrument.respondent]}.{instrument.key}", instrument.title))
    return keys
