"""The clinic overview's response rates: per therapist, one column per kind of check (the patients'
here, others from `extensions.response_sources`), aggregates only, small counts hidden."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

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


def _sources() -> list:
    return [(_("Patients' checks"), patient_check_links), *extensions.response_sources]


def clinic_response_rates(period: Period, *, therapist=None) -> dict:
    """The table of the overview (one query per kind of check, one for the therapists' names)."""
    links = [source(period, therapist=therapist) for _title, source in _sources()]
    tables = [rates_by(response_rates(rows, by=["therapist"]), "therapist") for rows in links]
    by_therapist = {pk: [_shown(table.get(pk)) for table in tables] for pk in {pk for table in tables for pk in table}}
    return _table(period, by_therapist, [_shown(total_rate(response_rates(rows))) for rows in links])


def _table(period: Period, by_therapist: dict[int, list[Rate | None]], clinic: list[Rate | None]) -> dict:
    therapists = User.objects.filter(pk__in=by_therapist).order_by("last_name", "first_name", "username")
    return {
        "period": period,
        "columns": [title for title, _source in _sources()],
        "rows": [RateRow(user, by_therapist[user.pk]) for user in therapists],
        "clinic": RateRow(None, clinic),
    }


def table_to_json(table: dict) -> dict:
    """The table as plain JSON values, to be kept and read back by `table_from_json`."""

    def rates(row: RateRow) -> list:
        return [asdict(rate) if rate is not None else None for rate in row.rates]

    return {
        "period": [table["period"].start.isoformat(), table["period"].end.isoformat()],
        "rows": [[row.therapist.pk, rates(row)] for row in table["rows"]],
        "clinic": rates(table["clinic"]),
    }


def table_from_json(data: dict) -> dict:
    def rates(values: list) -> list[Rate | None]:
        return [Rate(**value) if value is not None else None for value in values]

    period = Period(*(date.fromisoformat(day) for day in data["period"]))
    return _table(period, {pk: rates(values) for pk, values in data["rows"]}, rates(data["clinic"]))


def _shown(rate: Rate | None) -> Rate | None:
    return rate if rate is not None and rate.at_least(MIN_GROUP) else None
