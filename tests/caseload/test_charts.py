"""The patient page's chart is built without Altair's validation on each view (it costs more than
the page's queries); the specs it builds are checked against the Vega-Lite schema here instead."""

import pandas as pd
import pytest
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema import core
from jsonschema import ValidationError

from allianse.caseload.charts import trajectory_spec
from allianse.groups.charts import heatmap_spec
from allianse.groups.charts import trajectory_spec as group_trajectory_spec

LABELS = {"alliance": "Alliance", "patient": "Patient", "therapist": "Therapist", "observer": "Observer"}


def points() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "session": [1, 2, 3, 1, 2, 3],
            "perspective": ["patient"] * 3 + ["therapist"] * 3,
            "measure": ["alliance"] * 6,
            "value": [5.0, 3.0, float("nan"), 5.5, 4.0, 4.5],
        }
    )


def test_the_patients_chart_with_every_layer_is_valid_vega_lite():
    spec = trajectory_spec(
        points(),
        labels={**LABELS, "session": "Session"},
        y_range=(1, 7),
        concern_below=3.5,
        markers=pd.DataFrame({"session": [2], "value": [7.0], "explanation": ["Rupture"]}),
        observed=pd.DataFrame({"session": [3], "value": [7.0], "description": ["Observer: rupture"]}),
        bands=pd.DataFrame({"start": [1.5], "end": [3.5]}),
        title="Alliance",
    )
    validate_jsonschema(spec, core.load_schema())
    assert len(spec["layer"]) == 6


def test_the_groups_charts_are_valid_vega_lite():
    cells = pd.DataFrame({"row": ["A", "A"], "column": [1, 2], "value": [2.5, float("nan")], "mark": ["", "×"]})
    labels = {"column": "Session", "value": "Cohesion", "session": "Session", "mean": "Mean"}
    validate_jsonschema(heatmap_spec(cells, rows=["A"], domain=(0, 6), labels=labels), core.load_schema())
    trajectory = pd.DataFrame(
        {"session": [1, 2, 1, 2], "line": ["Mean", "Mean", "A", "A"], "value": [3.0, 4.0, 2.0, 5.0]}
    )
    spec = group_trajectory_spec(trajectory, mean_line="Mean", domain=(0, 6), labels=labels)
    validate_jsonschema(spec, core.load_schema())


def test_the_schema_check_finds_a_broken_spec():
    spec = trajectory_spec(points(), labels={**LABELS, "session": "Session"}, y_range=(1, 7), concern_below=None)
    spec["layer"][0]["mark"] = {"type": "no such mark"}
    with pytest.raises(ValidationError):
        validate_jsonschema(spec, core.load_schema())
