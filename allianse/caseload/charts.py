"""The trajectory chart of a treatment: one Vega-Lite specification built with Altair, rendered by
`allianse.charts.render_svg`. Every mark a reader may point at carries a description in the user's
language (its hover text and what a screen reader says)."""

from __future__ import annotations

import altair as alt
import pandas as pd
from django.utils.translation import gettext as _

from allianse.charts import vega_text
from allianse.instruments.templatetags.instrument_text import range_text

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
    observed: pd.DataFrame | None = None,
    bands: pd.DataFrame | None = None,
    title: str = "",
) -> dict:
    """`points`: columns session, perspective, measure, value. Labels translate keys for the legend.
    `observed`: sessions (session, value, description) in which an observer coded a rupture, marked
    in the observer's colour and shape at `value` (the top of the scale)."""
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
    session = vega_text(labels["session"].lower())
    base = alt.Chart(data)
    lines = base.mark_line(strokeWidth=2, aria=False).encode(
        x=x, y=y, color=colour, detail=detail, strokeDash=alt.StrokeDash("what:N", title=None)
    )
    dots = (
        base.mark_point(filled=True, size=55)
        .encode(
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
            description="description:N",
        )
        .transform_calculate(
            description=f"datum.who + ', ' + datum.what + ', ' + {session} + ' ' + datum.session"
            " + ': ' + format(datum.value, '.1f')"
        )
    )
    layers = []
    if bands is not None and len(bands):
        episode = vega_text(_("Rupture episode, sessions") + " ")
        layers.append(
            alt.Chart(bands)
            .mark_rect(opacity=0.18, color="#CC79A7")
            .encode(x="start:Q", x2="end:Q", description="description:N")
            .transform_calculate(
                description=f"{episode} + (datum.start + 0.5)"
                " + (datum.end - datum.start > 1 ? '–' + (datum.end - 0.5) : '')"
            )
        )
    if concern_below is not None:
        concern = vega_text(_("Concern level") + ": ")
        layers.append(
            alt.Chart(pd.DataFrame({"y": [concern_below]}))
            .mark_rule(strokeDash=[2, 3], color="#666")
            .encode(y="y:Q", description="description:N")
            .transform_calculate(description=f"{concern} + format(datum.y, '.1f')")
        )
    layers += [lines, dots]
    if markers is not None and len(markers):
        layers.append(
            alt.Chart(markers)
            .mark_point(shape="triangle-down", size=120, filled=True, color="#000")
            .encode(x="session:Q", y="value:Q", description="explanation:N")
        )
    if observed is not None and len(observed):
        layers.append(
            alt.Chart(observed)
            .mark_point(
                shape=PERSPECTIVE_SHAPES["observer"], size=120, filled=True, color=PERSPECTIVE_COLOURS["observer"]
            )
            .encode(x="session:Q", y="value:Q", description="description:N")
        )
    chart = alt.layer(*layers).properties(
        width="container",
        height=260,
        title=title,
        description=_(
            "%(measure)s per session as the patient and the therapist saw it, on the scale %(range)s. "
            "The table below has the same numbers."
        )
        % {"measure": labels["alliance"], "range": range_text(y_range)},
    )
    return chart.configure_legend(orient="bottom").configure_view(stroke=None).to_dict(validate=False)
