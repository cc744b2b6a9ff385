"""Charts of the agreement pages (Altair -> SVG on the server, as the clinic's charts). Each chart
has a table with the same numbers beside it on the page."""

from __future__ import annotations

import altair as alt
import pandas as pd

from allianse.charts import render_svg

BLUE, VERMILION, GREY = "#0072B2", "#D55E00", "#666"  # Okabe-Ito


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
        .mark_line(color=GREY, strokeDash=[4, 3])
        .encode(x="x:Q", y="y:Q")
    )
    dots = (
        alt.Chart()
        .mark_circle(color=BLUE, opacity=0.7)
        .encode(
            x=alt.X("others:Q", title=x_title, scale=scale),
            y=alt.Y("value:Q", title=y_title, scale=scale),
            size=alt.Size("size:Q", legend=None),
            tooltip=["rater:N", "others:Q", "value:Q", "size:Q"],
        )
    )
    chart = (
        alt.layer(diagonal, dots, data=points)
        .properties(width=150, height=150)
        .facet(facet=alt.Facet("rater:N", title=None), columns=4)
    )
    return render_svg(chart.configure_view(stroke=GREY).to_dict())


def calibration(table: pd.DataFrame, x_title: str, y_title: str) -> str | None:
    """A rater's mean absolute distance from the reference per rating, in the order submitted;
    the dotted line marks one point (within it counts as agreement within one)."""
    if table.empty:
        return None
    data = table.reset_index(drop=True).assign(order=lambda frame: frame.index + 1)
    line = (
        alt.Chart(data)
        .mark_line(point=alt.OverlayMarkDef(filled=True, size=60), color=VERMILION)
        .encode(
            x=alt.X("order:Q", title=x_title, axis=alt.Axis(tickMinStep=1, format="d")),
            y=alt.Y("mean_absolute:Q", title=y_title, scale=alt.Scale(domainMin=0)),
            tooltip=[alt.Tooltip("order:Q"), alt.Tooltip("mean_absolute:Q", format=".2f")],
        )
    )
    rule = alt.Chart(pd.DataFrame({"y": [1.0]})).mark_rule(strokeDash=[2, 3], color=GREY).encode(y="y:Q")
    chart = alt.layer(rule, line).properties(width="container", height=220)
    return render_svg(chart.configure_view(stroke=None).to_dict())
