"""A treatment's alliance summary for the patient journal, as PDF and as plain text: the patient's
code (never the name), the treatment's dates, the alliance per session from every perspective the
patient page shows, current signals and rupture episodes. Built from the patient page's own data."""

from __future__ import annotations

from django.template.loader import render_to_string

from allianse.feedback.series import session_rows
from allianse.ruptures.observers import observer_views
from allianse.ruptures.pages import treatment_ruptures

from .pages import alliance_range


def summary_document(treatment) -> dict:
    rows = session_rows(treatment)
    return {
        "treatment": treatment,
        "code": treatment.patient.code,
        "rows": rows,
        "observers": observer_views(treatment.sessions.all()),
        "ruptures": treatment_ruptures(treatment),
        "alliance_range": alliance_range(),
    }


def summary_text(document: dict) -> str:
    """The summary as plain text, to paste into the patient journal."""
    return render_to_string("caseload/treatment_summary.txt", document).strip() + "\n"
