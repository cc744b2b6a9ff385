"""Charts of the agreement pages (Altair -> SVG on the server, as the clinic's charts). Each chart
has a table with the same numbers beside it on the page."""

from __future__ import annotations

import altair as alt
import pandas as pd
from django.utils.translation import gettext as _

from allianse.charts import render_svg, vega_text

BLUE, VERMILION, GREY = "#0072B2", "#D55E00", "#666"  # Okabe-Ito


def raters_against_others(summary: pd.DataFrame, x_title: str) -> str | None:
    """Each rater's mean difference from the mean of the other raters (`core.stats.rater_summary`),
    one dot per rater, highest first: right of the dashed zero line they rate higher than the
    others, left lower. One mark per rater, so the chart costs the same however many ratings
    there are; each rater's ratings are on their calibration page."""
    if summary.empty:
        return None
    rater = vega_text(_("Rater") + " ")
    difference = vega_text(_("mean difference from the others") + " ")
    distance = vega_text(_("mean distance") + " ")
    spread = float(max(summary["mean_difference"].abs().max(), 0.5))
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color=GREY, strokeDash=[4, 3], aria=False).encode(x="x:Q")
    dots = (
        alt.Chart(summary[["rater", "mean_difference", "mean_absolute", "ratings"]])
        .mark_circle(color=BLUE, size=60, opacity=0.9)
        .encode(
            x=alt.X("mean_difference:Q", title=x_title, scale=alt.Scale(domain=[-spread, spread])),
            y=alt.Y("rater:N", title=None, sort="-x"),
            description="description:N",
        )
        .transform_calculate(
            description=f"{rater} + datum.rater + ': ' + {difference} + format(datum.mean_difference, '.2f') + ', '"
            f" + {distance} + format(datum.mean_absolute, '.2f') + ', n = ' + datum.ratings"
        )
    )
    chart = alt.layer(zero, dots).properties(
        width="container",
        height=alt.Step(16),
        description=_(
            "Each rater's mean difference from the mean of the other raters, one dot per rater; right of the "
            "dashed line they rate higher than the others. The table has the same numbers."
        ),
    )
    return render_svg(chart.configure_view(stroke=None).to_dict())


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
