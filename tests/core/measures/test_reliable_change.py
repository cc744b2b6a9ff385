"""The reliable change (Jacobson & Truax 1991) and Cronbach's alpha, against hand computations,
the worked example of the domain notes and pingouin."""

from pathlib import Path

import numpy as np
import pandas as pd
import pingouin
import pytest
import yaml

from allianse.core.measures import (
    Basis,
    DefinitionError,
    build_instrument,
    cronbach_alpha,
    load_instrument,
    rci_threshold,
    reliable_change,
)
from allianse.core.measures.scoring import scored_items
from allianse.core.signals import SignalRules

DEFINITIONS = Path(__file__).resolve().parents[3] / "allianse" / "instruments"
PATIENT = load_instrument(DEFINITIONS / "alliance-patient.yaml")
ALLIANCE = PATIENT.score("alliance")


def _definition() -> dict:
    return yaml.safe_load((DEFINITIONS / "alliance-patient.yaml").read_text(encoding="utf-8"))


def test_the_threshold_is_1_96_sd_root_2_1_minus_r_as_in_the_worked_example():
    # s1 = 10, r = .90: SE = 3.16228, S_diff = 4.47214, minimal reliable change 1.96 * 4.47214 = 8.765
    assert rci_threshold(10.0, 0.90) == pytest.approx(8.765, abs=5e-4)
    assert rci_threshold(10.0, 0.90) == pytest.approx(1.96 * 10 * np.sqrt(0.10) * np.sqrt(2))
    # vectorised: one threshold per (SD, r) pair
    assert rci_threshold(np.array([10.0, 1.0]), np.array([0.90, 0.75])) == pytest.approx(
        [8.7654, 1.96 * np.sqrt(0.5)], abs=1e-4
    )


def test_cronbachs_alpha_matches_pingouin_listwise():
    rng = np.random.default_rng(7)
    trait = rng.normal(size=200)
    items = np.column_stack([trait + rng.normal(scale=0.8, size=200) for _ in range(6)])
    items[rng.integers(0, 200, 15), rng.integers(0, 6, 15)] = np.nan
    expected, _ = pingouin.cronbach_alpha(pd.DataFrame(items), nan_policy="listwise")
    assert cronbach_alpha(items) == pytest.approx(expected, abs=1e-12)
    assert np.isnan(cronbach_alpha(items[:1]))  # one respondent: undefined


def test_norms_in_the_definition_give_the_index_and_its_source():
    data = _definition()
    data["scores"][3]["norms"] = {"sd": 0.9, "reliability": 0.88, "source": "A published sample"}
    instrument = build_instrument(data, source="normed.yaml")
    change = reliable_change(instrument, instrument.score("alliance"))
    assert change.basis == Basis.NORMS and change.source == "A published sample"
    assert change.threshold == pytest.approx(1.96 * 0.9 * np.sqrt(2 * 0.12))


@pytest.mark.parametrize(
    "norms", [{"sd": 0.9, "reliability": 1.0, "source": "x"}, {"sd": 0, "reliability": 0.8, "source": "x"}, {"sd": 1}]
)
def test_norms_out_of_range_or_incomplete_are_refused(norms):
    data = _definition()
    data["scores"][3]["norms"] = norms
    with pytest.raises(DefinitionError, match="alliance"):
        build_instrument(data, source="normed.yaml")


def _first_answers(count: int, seed: int = 3) -> np.ndarray:
    """Answers of `count` first responses to the patient check's scored items (1-7, task_2 reversed)."""
    rng = np.random.default_rng(seed)
    level = rng.normal(5.0, 0.9, size=count)
    items = scored_items(PATIENT)
    answers = np.column_stack([np.clip(np.round(level + rng.normal(0, 0.7, count)), 1, 7) for _ in items])
    reversed_column = [item.id for item in items].index("task_2")
    answers[:, reversed_column] = 8 - answers[:, reversed_column]
    return answers


def test_the_clinics_first_scores_give_the_index_once_there_are_enough():
    answers = _first_answers(60)
    columns = [item.id for item in scored_items(PATIENT)]
    scored = answers.copy()
    scored[:, columns.index("task_2")] = 8 - scored[:, columns.index("task_2")]  # reversed by hand
    alliance = scored[:, [columns.index(item) for item in ALLIANCE.items]]
    alpha, _ = pingouin.cronbach_alpha(pd.DataFrame(alliance))
    sd = alliance.mean(axis=1).std(ddof=1)
    change = reliable_change(PATIENT, ALLIANCE, answers, min_treatments=50)
    assert change.basis == Basis.CLINIC and change.treatments == 60
    assert change.reliability == pytest.approx(alpha) and change.sd == pytest.approx(sd)
    assert change.threshold == pytest.approx(1.96 * sd * np.sqrt(2 * (1 - alpha)))
    # too few treatments: the definition's plain number of points, citing nothing
    fixed = reliable_change(PATIENT, ALLIANCE, answers[:49], min_treatments=50)
    assert (fixed.basis, fixed.threshold, fixed.source) == (Basis.FIXED, 1.0, None)


def test_the_signal_rules_take_the_clinics_index_and_a_clinics_own_number_is_plain_points():
    answers = _first_answers(60)
    rules = SignalRules.for_instrument(PATIENT, first_items=answers)
    assert rules.change_basis.basis == Basis.CLINIC
    assert rules.reliable_change == pytest.approx(rules.change_basis.threshold)
    assert SignalRules.for_instrument(
        PATIENT, {"norms_min_treatments": 61}, first_items=answers
    ).change_basis.basis == (Basis.FIXED)
    own = SignalRules.for_instrument(PATIENT, {"reliable_change": 1.2}, first_items=answers)
    assert (own.change_basis.basis, own.reliable_change) == (Basis.FIXED, 1.2)
