"""Charts rendered on the server: numbers as the language writes them, hover text and an accessible
name in the user's language, nothing Vega writes in English only."""

import re

import pandas as pd
import pytest
from django.utils import translation

from allianse.charts import render_svg
from allianse.groups.charts import heatmap_spec
from allianse.rating.charts import calibration


def titles(svg: str) -> list[str]:
    return re.findall(r"<title>([^<]*)</title>", svg)


@pytest.mark.parametrize(
    "language, labels, cell, missing",
    [
        ("nb", {"column": "Økt", "value": "Samhold"}, "A, økt 1: 2,5", "A, økt 2: ikke besvart"),
        ("en", {"column": "Session", "value": "Cohesion"}, "A, session 1: 2.5", "A, session 2: no answer"),
    ],
)
def test_each_cell_has_hover_text_and_the_chart_a_name_in_the_users_language(language, labels, cell, missing):
    cells = pd.DataFrame({"row": ["A", "A"], "column": [1, 2], "value": [2.5, float("nan")], "mark": ["", "×"]})
    with translation.override(language):
        svg = render_svg(heatmap_spec(cells, rows=["A"], domain=(0, 6), labels=labels), language)
    assert titles(svg)[0].startswith(labels["value"])  # the first child of <svg>: its accessible name
    assert cell in titles(svg) and missing in titles(svg)
    assert 'aria-label="X-axis' not in svg and "Title text" not in svg


@pytest.mark.parametrize(
    "language, tick, point", [("nb", ">0,2<", "Vurdering 2: 1,40"), ("en", ">0.2<", "Rating 2: 1.40")]
)
def test_numbers_follow_the_language_and_are_cached_per_language(language, tick, point):
    table = pd.DataFrame({"mean_absolute": [0.2, 1.4]})
    with translation.override(language):
        svg = calibration(table, "x", "y")
    assert tick in svg and point in titles(svg)
    assert "mean_absolute" not in svg
