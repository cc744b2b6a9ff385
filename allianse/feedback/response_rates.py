"""The patients' check links as rows for the response rates (allianse.core.response_rates)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from allianse.core.response_rates import Period

from .models import Administration, Respondent, Response
from .services import OUTCOME_CHECK


def patient_check_links(period: Period, *, therapist=None) -> list[dict]:
    """One row per patient check link of the sessions in `period` and per therapist of the
    treatment (optionally only `therapist`'s treatments), in one query: `check` (the session and
    instrument), `day`, `answered`, `therapist` (a user id)."""
    links = Administration.objects.filter(
        respondent=Respondent.PATIENT, session__starts_at__date__range=(period.start, period.end)
    ).exclude(instrument_key=OUTCOME_CHECK)  # asked on the patient check's page, not a link of its own
    if therapist is not None:
        links = links.filter(session__treatment__therapists=therapist)
    rows = links.annotate(answered=Exists(Response.objects.filter(administration=OuterRef("pk")))).values_list(
        "session_id", "instrument_key", "session__starts_at__date", "answered", "session__treatment__therapists"
    )
    return [
        {"check": f"{session}:{key}", "day": day, "answered": answered, "therapist": therapist_id}
        for session, key, day, answered, therapist_id in rows
    ]
