"""The unfiltered clinic overview, counted once a day rather than on every view.

At a health trust's size the overview's aggregates read every check the clinic holds, which takes
seconds; the figures of the whole clinic change little within a day. `refresh` (run daily by
`allianse refresh_overview`) counts them for each choice of units and keeps them; the overview
page and the administrator's home show the kept figures with the time they were counted while
they are younger than `MAX_AGE`, and count live when a filter is chosen or none are kept yet (a
new clinic, whose counts are quick).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from allianse.core.response_rates import Period, last_weeks
from allianse.core.signals.overview import OverviewFigures, Rate, figures_from_json, figures_to_json, relabelled

from .models import OverviewSnapshot
from .overview import ALL, GROUPS, INDIVIDUAL, Selection, clinic_overview, rate_labels
from .overview import perspective_shares as live_perspective_shares
from .response_rates import clinic_response_rates, table_from_json, table_to_json

MAX_AGE = timedelta(hours=36)  # a daily job that missed one night still counts as current


@dataclass(frozen=True)
class Overview:
    figures: OverviewFigures
    rates: dict  # the response rates' table (`response_rates.clinic_response_rates`)
    counted_at: datetime | None  # when kept figures were counted; None when counted for this view


def refresh(now: datetime | None = None) -> None:
    """Count and keep the unfiltered overview for each choice of units, with the response rates
    of the last four weeks (which do not depend on the units)."""
    now = now or timezone.now()
    rates = table_to_json(clinic_response_rates(last_weeks(timezone.localdate(now))))
    for members in (ALL, INDIVIDUAL, GROUPS):
        figures = figures_to_json(clinic_overview(Selection(members=members)))
        OverviewSnapshot.objects.update_or_create(
            members=members, defaults={"computed_at": now, "figures": figures, "response_rates": rates}
        )


def overview(selection: Selection, period: Period, now: datetime | None = None) -> Overview:
    """The kept figures for an unfiltered selection (whose response rates are those of the last
    four weeks) while they are current, else counted now for `selection` and `period`."""
    kept = _kept(selection, now or timezone.now())
    if kept is not None:
        return kept
    return Overview(clinic_overview(selection), clinic_response_rates(period, therapist=selection.therapist), None)


def figures(selection: Selection, now: datetime | None = None) -> OverviewFigures:
    """Only the figures (the CSV export): kept, or counted now."""
    kept = _kept(selection, now or timezone.now())
    return kept.figures if kept is not None else clinic_overview(selection)


def _kept(selection: Selection, now: datetime) -> Overview | None:
    if selection != Selection(members=selection.members):
        return None
    row = OverviewSnapshot.objects.filter(members=selection.members, computed_at__gte=now - MAX_AGE).first()
    if row is None:
        return None
    figures = relabelled(figures_from_json(row.figures), rate_labels())
    return Overview(figures, table_from_json(row.response_rates), row.computed_at)


def perspective_shares(now: datetime | None = None) -> tuple[Rate, ...]:
    """The share of individual treatments with a rupture per perspective, for the home page: kept,
    or counted now."""
    kept = _kept(Selection(members=INDIVIDUAL), now or timezone.now())
    return kept.figures.perspectives if kept is not None else live_perspective_shares()
