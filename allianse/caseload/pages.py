"""What the therapist's pages show, built without the request: the caseload, the patient page's story
(chart and table of the patient's and therapist's alliance per session) and a session with both checks."""

from __future__ import annotations

import pandas as pd
from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from allianse.charts import cached_svg
from allianse.clinic.models import Session, Treatment
from allianse.core.measures import roles
from allianse.feedback.models import Response
from allianse.feedback.sending import link_delivery
from allianse.feedback.series import series_frame, session_rows
from allianse.feedback.services import (
    PATIENT_CHECK,
    THERAPIST_CHECK,
    check_status,
    latest_response,
    open_link,
    patient_links,
)
from allianse.instruments import registry as instruments
from allianse.instruments.templatetags.instrument_text import tr
from allianse.ruptures.observers import observer_views
from allianse.ruptures.pages import TreatmentRuptures, treatment_ruptures

from .charts import trajectory_spec
from .outcome import outcome_context

CASELOAD_PAGE = 25  # treatments per page of the caseload


def trajectory_context(treatment, shown: list[str]) -> dict:
    rows = session_rows(treatment)
    frame = series_frame(str(treatment.public_id), rows)
    subscales = instruments.get(PATIENT_CHECK).scores_with_role(roles.SUBSCALE)
    ids = {score.id for score in subscales}
    shown_subscales = [name for name in shown if name in ids]
    ruptures = treatment_ruptures(treatment)
    observers = observer_views(treatment.sessions.all())
    return {
        "rows": rows,
        "observers": observers,
        "shown_subscales": shown_subscales,
        "subscale_choices": [(score.id, tr(score.title)) for score in subscales],
        "alliance_range": alliance_range(),
        "ruptures": ruptures,
        **outcome_context(rows),
        "chart_svg": _chart(frame, shown_subscales, ruptures, _observed(rows, observers))
        if rows and (frame["alliance"].notna().any() or frame["therapist_alliance"].notna().any())
        else None,
    }


def alliance_range() -> tuple[float, float]:
    """The range of the patient check's alliance score, for the pages' headings and captions."""
    instrument = instruments.get(PATIENT_CHECK)
    return instrument.score_range(instrument.score_with_role(roles.ALLIANCE))


def _observed(rows, observers: dict) -> pd.DataFrame:
    """The sessions in which observers coded a rupture, for the chart (its observer marks)."""
    records = [
        {
            "session": row.session.number,
            "description": _("Session %(number)s: an observer coded a rupture") % {"number": row.session.number},
        }
        for row in rows
        if row.session.pk in observers and observers[row.session.pk].rupture
    ]
    return pd.DataFrame.from_records(records, columns=["session", "description"])


def _chart(frame: pd.DataFrame, subscales: list[str], ruptures: TreatmentRuptures, observed: pd.DataFrame) -> str:
    """The chart of the alliance (the series' `alliance` column, the score with role alliance) and
    the chosen subscales, from both perspectives, labelled with the scores' titles; built only when
    what it shows has changed (`cached_svg`)."""
    instrument = instruments.get(PATIENT_CHECK)
    alliance = instrument.score_with_role(roles.ALLIANCE)
    titles = {score.id: tr(score.title) for score in instrument.scores_with_role(roles.SUBSCALE)}
    parts = []
    for perspective, prefix in (("patient", ""), ("therapist", "therapist_")):
        for measure in ["alliance", *subscales]:
            parts.append(
                pd.DataFrame(
                    {
                        "session": frame["session"],
                        "perspective": perspective,
                        "measure": measure,
                        "value": frame[f"{prefix}{measure}"],
                    }
                )
            )
    points = pd.concat(parts, ignore_index=True)
    y_range = instrument.score_range(alliance)
    concern_below = instrument.concern_below(alliance)
    markers = ruptures.markers(frame, floor=y_range[0])
    observed = observed.assign(value=y_range[1])
    bands = ruptures.bands()
    labels = {
        **titles,
        "alliance": tr(alliance.title),
        "patient": _("Patient"),
        "therapist": _("Therapist"),
        "observer": _("Observer"),
        "session": _("Session"),
    }
    return cached_svg(
        [points, markers, observed, bands],
        {**labels, "scale": (y_range, concern_below)},
        lambda: trajectory_spec(
            points,
            labels=labels,
            y_range=y_range,
            concern_below=concern_below,
            markers=markers,
            observed=observed,
            bands=bands,
        ),
    )


def active_treatments(therapist) -> QuerySet[Treatment]:
    """The therapist's active treatments in order of patient code, each annotated with the id of
    its latest patient check (`latest_id`)."""
    latest = Response.objects.filter(
        session__treatment=OuterRef("pk"), instrument_key=PATIENT_CHECK, superseded_by__isnull=True
    ).order_by("-session__number")
    return (
        Treatment.objects.for_therapist(therapist)
        .filter(ended_on__isnull=True)
        .select_related("patient")
        .annotate(latest_id=Subquery(latest.values("pk")[:1]))
        .order_by("patient__code", "pk")
    )


def with_latest_check(treatments):
    """The treatments (of `active_treatments`), each with `latest` = the latest patient check (1 query)."""
    treatments = list(treatments)
    responses = Response.objects.select_related("session").in_bulk([t.latest_id for t in treatments if t.latest_id])
    for treatment in treatments:
        treatment.latest = responses.get(treatment.latest_id)
    return treatments


def caseload(therapist, *, search: str = "", page: str | int | None = None) -> Page:
    """A page of the therapist's active treatments, those whose patient code starts with `search`
    if given, each with `latest` (3 queries at any size of caseload: the count, the page, the
    page's latest checks)."""
    treatments = active_treatments(therapist)
    if search.strip():
        treatments = treatments.filter(patient__code__istartswith=search.strip())
    shown = Paginator(treatments, CASELOAD_PAGE).get_page(page)
    shown.object_list = with_latest_check(shown.object_list)
    return shown


def session_context(session: Session) -> dict:
    """What the session page shows: the patient's check (status, link and whether it was sent), both
    responses and what observers coded in the session's recording."""
    administrations = patient_links(session)
    link = open_link(administrations)
    return {
        "session": session,
        "treatment": session.treatment,
        "patient": session.treatment.patient,
        "status": check_status(administrations),
        "open_link": link,
        "link_delivery": link_delivery(link) if link is not None else None,
        "patient_response": latest_response(session, PATIENT_CHECK),
        "therapist_response": latest_response(session, THERAPIST_CHECK),
        "observer": observer_views(Session.objects.filter(pk=session.pk)).get(session.pk),
    }
