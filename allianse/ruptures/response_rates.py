"""The clinic overview's response rates: per therapist, one column per kind of check (the patients'
here, others from `extensions.response_sources`), aggregates only, small counts hidden."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from allianse.accounts.models import User
from allianse.core.response_rates import Period, Rate, rates_by, response_rates, total_rate
from allianse.core.signals.overview import MIN_GROUP
from allianse.feedback.response_rates import patient_check_links

from . import extensions


@dataclass(frozen=True)
class RateRow:
    """A therapist's (or, without one, the clinic's) rates, one per column; None where the
    column has fewer checks than `MIN_GROUP`, which the page shows as "–"."""

    therapist: User | None
    rates: list[Rate | None]


def clinic_response_rates(period: Period, *, therapist=None) -> dict:
    """The table of the overview (one query per kind of check, one for the therapists' names)."""
    sources = [(_("Patients' checks"), patient_check_links), *extensions.response_sources]
    links = [source(period, therapist=therapist) for _title, source in sources]
    tables = [rates_by(response_rates(rows, by=["therapist"]), "therapist") for rows in links]
    therapists = User.objects.filter(pk__in={pk for table in tables for pk in table}).order_by(
        "last_name", "first_name", "username"
    )
    rows = [RateRow(user, [_shown(table.get(user.pk)) for table in tables]) for user in therapists]
    clinic = RateRow(None, [_shown(total_rate(response_rates(rows))) for rows in links])
    return {"period": period, "columns": [title for title, _source in sources], "rows": rows, "clinic": clinic}


def _shown(rate: Rate | None) -> Rate | None:
    return rate if rate is not None and rate.at_least(MIN_GROUP) else None
