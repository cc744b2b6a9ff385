"""The patient page's story: chart and table of the patient's and therapist's alliance per session."""

from __future__ import annotations

import pandas as pd
from django.utils.translation import gettext as _

from allianse.feedback import instruments
from allianse.feedback.services import PATIENT_CHECK
from allianse.ruptures.queries import TreatmentRuptures, treatment_ruptures

from .charts import render_svg, trajectory_spec
from .series import SUBSCALES, series_frame, session_rows

MEASURES = ("alliance", *SUBSCALES)


def trajectory_context(treatment, shown: list[str]) -> dict:
    rows = session_rows(treatment)
    frame = series_frame(str(treatment.public_id), rows)
    shown_subscales = [name for name in shown if name in SUBSCALES]
    ruptures = treatment_ruptures(treatment)
    return {
        "rows": rows,
        "shown_subscales": shown_subscales,
        "subscale_choices": [(name, _label(name)) for name in SUBSCALES],
        "ruptures": ruptures,
        "chart_svg": render_svg(_spec(frame, shown_subscales, ruptures))
        if frame["alliance"].notna().any() or frame["therapist_alliance"].notna().any()
        else None,
    }


def _label(key: str) -> str:
    return {
        "alliance": _("Alliance"),
        "goal": _("Goals"),
        "task": _("Tasks"),
        "bond": _("Bond"),
        "patient": _("Patient"),
        "therapist": _("Therapist"),
        "observer": _("Observer"),
        "session": _("Session"),
    }[key]


def _spec(frame: pd.DataFrame, subscales: list[str], ruptures: TreatmentRuptures) -> dict:
    measures = ["alliance", *subscales]
    parts = []
    for perspective, prefix in (("patient", ""), ("therapist", "therapist_")):
        for measure in measures:
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
    instrument = instruments.get(PATIENT_CHECK)
    primary = instrument.primary_score
    concern = [band.max for band in instrument.bands.get(primary.id, ()) if band.concern]
    y_range = instrument.score_range(primary)
    return trajectory_spec(
        pd.concat(parts, ignore_index=True),
        labels={key: _label(key) for key in (*MEASURES, "patient", "therapist", "observer", "session")},
        y_range=y_range,
        concern_below=max(concern) if concern else None,
        markers=ruptures.markers(frame, floor=y_range[0]),
        bands=ruptures.bands(),
    )
