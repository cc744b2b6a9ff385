"""The clinic overview's rates as a table for CSV (allianse.exports): each with its N, its 95%
Wilson interval and the published figure beside it. Cells of groups too small to show are left
empty, as on the page."""

from __future__ import annotations

from django.utils.translation import gettext as _

from allianse.core.signals.overview import OverviewFigures, Rate


def figures_table(figures: OverviewFigures) -> tuple[list[str], list[list]]:
    header = [
        _("Figure"),
        _("Group"),
        _("Count"),
        "N",
        _("Share"),
        _("95% interval, from"),
        _("95% interval, to"),
        _("Published, from"),
        _("Published, to"),
    ]
    rows = [
        *(_row(_("Treatments with a rupture"), _perspective(rate.key), rate) for rate in figures.perspectives),
        *(
            [_row(_("Held-back negative feelings the therapist noticed"), "", figures.held_back_noticed)]
            if figures.held_back_noticed
            else []
        ),
        *(_row(_("Dropout by repair of ruptures"), repair_label(rate.key), rate) for rate in figures.dropout_groups),
        *(_row(_("Dropout by approach"), rate.label, rate) for rate in figures.dropout_by_approach),
    ]
    return header, rows


def _row(figure: str, group: str, rate: Rate) -> list:
    published = list(rate.published) if rate.published else ["", ""]
    if not rate.shown:
        return [figure, group, "", rate.n, "", "", "", *published]
    low, high = rate.interval or ("", "")
    return [figure, group, rate.count, rate.n, _rounded(rate.rate), _rounded(low), _rounded(high), *published]


def _rounded(value) -> float | str:
    return round(value, 4) if isinstance(value, float) else value


def _perspective(key: str) -> str:
    return {"patient": _("Patients"), "therapist": _("Therapists"), "observer": _("Observers")}[key]


def repair_label(key: str) -> str:
    return {
        "no_rupture": _("without rupture episodes"),
        "resolved": _("with every rupture resolved"),
        "unresolved": _("with an unresolved rupture"),
        "in_progress": _("with a rupture still open"),
    }[key]
