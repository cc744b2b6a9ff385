"""The trajectory chart of a treatment: one Vega-Lite specification built with Altair, rendered by
`allianse.charts.render_svg`."""

from __future__ import annotations

import altair as alt
import pandas as pd

# Okabe–Ito colours, safe for colour-blind readers; perspectives also differ by point shape.
PERSPECTIVE_COLOURS = {"patient": "#0072B2", "therapist": "#D55E00", "observer": "#009E73"}
PERSPECTIVE_SHAPES = {"patient": "circle", "therapist": "square", "observer": "triangle-up"}


def trajectory_spec(
    points: pd.DataFrame,
    *,
    labels: dict[str, str],
    y_range: tuple[float, float],
    concern_below: float | None,
    markers: pd.DataFrame | None = None,
    bands: pd.DataFrame | None = None,
    title: str = "",
) -> dict:
    """`points`: columns session, perspective, measure, value. Labels translate keys for the legend."""
    data = points.dropna(subset=["value"]).assign(
        who=lambda frame: frame["perspective"].map(labels), what=lambda frame: frame["measure"].map(labels)
    )
    perspectives = [p for p in PERSPECTIVE_COLOURS if p in set(points["perspective"])]
    colour = alt.Color(
        "who:N",
        title=None,
        scale=alt.Scale(domain=[labels[p] for p in perspectives], range=[PERSPECTIVE_COLOURS[p] for p in perspectives]),
    )
    x = alt.X("session:Q", title=labels["session"], axis=alt.Axis(tickMinStep=1, format="d"))
    y = alt.Y("value:Q", title=labels["alliance"], scale=alt.Scale(domain=list(y_range), zero=False, nice=False))
    detail = alt.Detail("what:N")
    base = alt.Chart(data)
    lines = base.mark_line(strokeWidth=2).encode(
        x=x, y=y, color=colour, detail=detail, strokeDash=alt.StrokeDash("what:N", title=None)
    )
    dots = base.mark_point(filled=True, size=55).encode(
        x=x,
        y=y,
        color=colour,
        detail=detail,
        shape=alt.Shape(
            "who:N",
            title=None,
            scale=alt.Scale(
                domain=[labels[p] for p in perspectives], range=[PERSPECTIVE_SHAPES[p] for p in perspectives]
            ),
        ),
        tooltip=[
            alt.Tooltip("who:N", title=""),
            alt.Tooltip("what:N", title=""),
            "session:Q",
            alt.Tooltip("value:Q", format=".1f"),
        ],
    )
    layers = []
    if bands is not None and len(bands):
        layers.append(alt.Chart(bands).mark_rect(opacity=0.18, color="#CC79A7").encode(x="start:Q", x2="end:Q"))
    if concern_below is not None:
        layers.append(
            alt.Chart(pd.DataFrame({"y": [concern_below]})).mark_rule(strokeDash=[2, 3], color="#666").encode(y="y:Q")
        )
    layers += [lines, dots]
    if markers is not None and len(markers):
        layers.append(
            alt.Chart(markers)
            .mark_point(shape="triangle-down", size=120, filled=True, color="#000")
            .encode(x="session:Q", y="value:Q", tooltip=["explanation:N"])
        )
    chart = alt.layer(*layers).properties(width="container", height=260, title=title)
    return chart.configure_legend(orient="bottom").configure_view(stroke=None).to_dict()
