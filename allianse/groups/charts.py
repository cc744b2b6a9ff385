"""The group charts: members x sessions heatmaps and the group's trajectory, as one Vega-Lite
specification each (Altair) rendered to SVG on the server (vl-convert, offline; allianse.charts).

Rendering a heatmap of a hundred sessions takes a few tenths of a second, so the pages cache the SVG
under a fingerprint of the data it shows (allianse.charts.cached_svg): the specification is built
and rendered only when the data or the labels change. Every chart has a table with the same numbers on its page.
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
from django.utils.translation import gettext as _

from allianse.charts import vega_text

# Cividis: a sequential scheme made for readers with colour-vision deficiency (Nuñez et al. 2018).
HEATMAP_SCHEME = "cividis"
MISSING_FILL = "#ececec"
# Okabe-Ito without black (black is the group mean), for the members' lines.
MEMBER_COLOURS = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"]
MEMBER_DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3]]


def heatmap_spec(cells: pd.DataFrame, *, rows: list[str], domain: tuple[float, float], labels: dict) -> dict:
    """`cells`: columns `row` (label), `column` (a session number), `value` (NaN: no answer) and
    `mark` (a symbol shown in the cell, e.g. for an absence). Rows in the order given."""
    base = alt.Chart(cells)
    x = alt.X("column:O", title=labels["column"], axis=alt.Axis(labelAngle=0, labelOverlap=True))
    y = alt.Y("row:N", title=None, sort=rows)
    no_answer = vega_text(_("no answer"))
    cell = f"datum.row + ', ' + {vega_text(labels['column'].lower())} + ' ' + datum.column + ': '"
    background = (
        base.transform_filter("!isValid(datum.value)")
        .transform_calculate(description=f"{cell} + {no_answer}")
        .mark_rect(color=MISSING_FILL)
        .encode(x=x, y=y, description="description:N")
    )
    values = (
        base.transform_calculate(description=f"{cell} + format(datum.value, '.1f')")
        .mark_rect(stroke="#fff", strokeWidth=0.5)
        .encode(
            x=x,
            y=y,
            description="description:N",
            color=alt.Color(
                "value:Q",
                title=labels["value"],
                scale=alt.Scale(scheme=HEATMAP_SCHEME, domain=list(domain)),
                legend=alt.Legend(orient="bottom", direction="horizontal", gradientLength=220),
            ),
        )
    )
    marks = (
        base.transform_filter("datum.mark != ''")
        .mark_text(fontSize=12, fontWeight="bold", color="#000", aria=False)
        .encode(x=x, y=y, text="mark:N")
    )
    chart = alt.layer(background, values, marks).properties(
        width=720,
        height=max(120, 22 * len(rows)),
        description=_("%(value)s per %(column)s, one row each; the table below has the same numbers.")
        % {"value": labels["value"], "column": labels["column"].lower()},
    )
    return chart.configure_view(stroke=None).to_dict(validate=False)


def trajectory_spec(points: pd.DataFrame, *, mean_line: str, domain: tuple[float, float], labels: dict) -> dict:
    """`points`: columns `session`, `line` (the group mean's label or a member's) and `value`."""
    data = points.dropna(subset=["value"])
    lines = [mean_line, *[name for name in pd.unique(data["line"]) if name != mean_line]]
    colours = ["#000000", *[MEMBER_COLOURS[i % len(MEMBER_COLOURS)] for i in range(len(lines) - 1)]]
    dashes = [[1, 0], *[MEMBER_DASHES[i % len(MEMBER_DASHES)] for i in range(len(lines) - 1)]]
    x = alt.X("session:Q", title=labels["session"], axis=alt.Axis(tickMinStep=1, format="d"))
    y = alt.Y("value:Q", title=labels["value"], scale=alt.Scale(domain=list(domain)))
    line = (
        alt.Chart(data)
        .mark_line(point=alt.OverlayMarkDef(aria=True), aria=False)
        .encode(
            x=x,
            y=y,
            description="description:N",
            color=alt.Color("line:N", title=None, scale=alt.Scale(domain=lines, range=colours)),
            strokeDash=alt.StrokeDash("line:N", title=None, scale=alt.Scale(domain=lines, range=dashes)),
            strokeWidth=alt.condition(f"datum.line == {json.dumps(mean_line)}", alt.value(3.5), alt.value(1.5)),
        )
        .transform_calculate(
            description=f"datum.line + ', ' + {vega_text(labels['session'].lower())} + ' ' + datum.session + ': ' + "
            "format(datum.value, '.1f')"
        )
    )
    chart = line.properties(
        width=720,
        height=260,
        description=_(
            "%(value)s per %(session)s: the group mean and the members chosen; the table has the same numbers."
        )
        % {"value": labels["value"], "session": labels["session"].lower()},
    )
    return chart.configure_legend(orient="bottom").configure_view(stroke=None).to_dict(validate=False)
