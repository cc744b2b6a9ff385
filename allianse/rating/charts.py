"""Charts of the agreement pages (Altair -> SVG on the server, as the clinic's charts). Each chart
has a table with the same numbers beside it on the page."""

from __future__ import annotations

import textwrap

import altair as alt
import pandas as pd
from django.utils.translation import gettext as _

from allianse.charts import render_svg, vega_text

BLUE, VERMILION, GREY = "#0072B2", "#D55E00", "#666"  # Okabe-Ito
PANEL = 170  # width of one rater's panel, in pixels


def _lines(title: str) -> list[str]:
    """An axis title broken into lines that fit under a small panel, so neighbours' titles never overlap."""
    return textwrap.wrap(title, 26)


def raters_against_others(compared: pd.DataFrame, x_title: str, y_title: str) -> str | None:
    """One small panel per rater: their rating (y) against the mean of the other raters (x) for
    every segment and item, sized by how often each pair of values occurs; on the diagonal the
    rater agrees with the others, above it they rate higher."""
    if compared.empty:
        return None
    points = (
        compared.assign(others=compared["others"].round(1)).groupby(["rater", "others", "value"], as_index=False).size()
    )
    low = float(min(points["others"].min(), points["value"].min()))
    high = float(max(points["others"].max(), points["value"].max()))
    scale = alt.Scale(domain=[low, high])
    diagonal = (
        alt.Chart(pd.DataFrame({"x": [low, high], "y": [low, high]}))
        .mark_line(color=GREY, strokeDash=[4, 3], aria=False)
        .encode(x="x:Q", y="y:Q")
    )
    dots = (
        alt.Chart()
        .mark_circle(color=BLUE, opacity=0.7)
        .encode(
            x=alt.X("others:Q", title=_lines(x_title), scale=scale),
            y=alt.Y("value:Q", title=_lines(y_title), scale=scale),
            size=alt.Size("size:Q", legend=None),
            description="description:N",
        )
        .transform_calculate(
            description=f"datum.rater + ': ' + {vega_text(y_title)} + ' ' + format(datum.value, '.1f') + ', '"
            f" + {vega_text(x_title.lower())} + ' ' + format(datum.others, '.1f') + ', n = ' + datum.size"
        )
    )
    chart = (
        alt.layer(diagonal, dots, data=points)
        .properties(width=PANEL, height=PANEL)
        .facet(facet=alt.Facet("rater:N", title=None), columns=3, spacing=24)
        .properties(
            description=_(
                "Each rater's ratings against the mean of the other raters, one panel per rater; on the dashed "
                "line they agree. The table has the same numbers."
            )
        )
    )
    return render_svg(chart.configure_view(stroke=GREY).to_dict())


def calibration(table: pd.DataFrame, x_title: str, y_title: str) -> str | None:
    """A rater's mean absolute distance from the reference per rating, in the order submitted;
    the dotted line marks one point (within it counts as agreement within one)."""
    if table.empty:
        return None
    data = table.reset_index(drop=True).assign(order=lambda frame: frame.index + 1)
    rating = vega_text(_("Rating") + " ")
    line = (
        alt.Chart(data)
        .mark_line(point=alt.OverlayMarkDef(filled=True, size=60, aria=True), color=VERMILION, aria=False)
        .encode(
            x=alt.X("order:Q", title=x_title, axis=alt.Axis(tickMinStep=1, format="d")),
            y=alt.Y("mean_absolute:Q", title=y_title, scale=alt.Scale(domainMin=0)),
            description="description:N",
        )
        .transform_calculate(description=f"{rating} + datum.order + ': ' + format(datum.mean_absolute, '.2f')")
    )
    rule = alt.Chart(pd.DataFrame({"y": [1.0]})).mark_rule(strokeDash=[2, 3], color=GREY, aria=False).encode(y="y:Q")
    chart = alt.layer(rule, line).properties(
        width="container",
        height=220,
        description=_(
            "%(y)s for each rating, in the order submitted; below the dotted line the rating is within one point "
            "of the reference. The table has the same numbers."
        )
        % {"y": y_title},
    )
    return render_svg(chart.configure_view(stroke=None).to_dict())
