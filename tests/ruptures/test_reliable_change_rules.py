"""The clinic's reliable change: a plain number of points until enough first scores exist, then the
reliable change index from them (Jacobson & Truax 1991), which the rules page states."""

from datetime import timedelta

import numpy as np
import pandas as pd
import pingouin
from django.urls import reverse
from django.utils import timezone

from allianse.clinic.services import register_patient
from allianse.core.measures import Basis
from allianse.feedback.services import PATIENT_CHECK
from allianse.ruptures import rules
from allianse.ruptures.daily import update_running
from allianse.ruptures.models import FirstScores, SignalRuleSettings
from tests.conftest import sign_in
from tests.ruptures.conftest import ITEMS, add_session, alliance

# First answers of ten treatments (task_2 is reversed: 8 - value), later sessions add nothing.
FIRSTS = [
    [6, 5, 6, 3, 6, 5],
    [4, 4, 5, 4, 4, 3],
    [7, 6, 6, 2, 7, 7],
    [3, 3, 4, 5, 3, 4],
    [5, 5, 5, 3, 6, 5],
    [2, 3, 3, 6, 2, 3],
    [6, 6, 7, 1, 6, 6],
    [5, 4, 4, 4, 5, 4],
    [4, 5, 4, 3, 5, 5],
    [6, 7, 6, 2, 6, 7],
]


def _clinic(therapist):
    for values in FIRSTS:
        treatment = register_patient(therapist=therapist, name="", language="nb", started_on="2026-01-05")
        add_session(treatment, patient=dict(zip(ITEMS, values, strict=True)) | {"rupture": False, "held_back": False})
        add_session(treatment, patient=alliance(1))


def test_the_clinics_first_scores_give_the_index_once_there_are_enough(client, administrator, therapist):
    _clinic(therapist)
    sign_in(client, administrator)
    assert rules.current_rules().change_basis.basis == Basis.FIXED  # 10 first scores, 50 needed
    assert "minst 1,00 poeng" in client.get(reverse("ruptures:rules")).content.decode()
    SignalRuleSettings.objects.create(overrides={"norms_min_treatments": 10})
    change = rules.current_rules().change_basis
    scored = np.array(FIRSTS, dtype=float)
    scored[:, 3] = 8 - scored[:, 3]
    alpha, _ = pingouin.cronbach_alpha(pd.DataFrame(scored))
    sd = scored.mean(axis=1).std(ddof=1)
    assert change.basis == Basis.CLINIC and change.treatments == 10
    assert np.isclose(change.threshold, 1.96 * sd * np.sqrt(2 * (1 - alpha)))
    page = client.get(reverse("ruptures:rules")).content.decode()
    assert f"mer enn {change.threshold:.2f}".replace(".", ",") + " poeng" in page
    assert "klinikkens førsteskårer fra 10 behandlinger" in page


def test_the_daily_run_keeps_the_first_scores_for_each_treatments_update(therapist, monkeypatch):
    """The daily run reads the first scores and keeps them: updating a treatment afterwards reads
    them kept, not from every response, until a run is overdue."""
    _clinic(therapist)
    SignalRuleSettings.objects.create(overrides={"norms_min_treatments": 10})
    update_running(notify=False)
    read = []
    monkeypatch.setattr(rules, "first_items", lambda key: read.append(key) or np.empty((0, len(ITEMS))))
    kept = rules.current_rules().change_basis
    assert read == [] and kept.basis == Basis.CLINIC and kept.treatments == 10
    FirstScores.objects.update(read_at=timezone.now() - rules.KEPT_FOR - timedelta(minutes=1))
    assert rules.current_rules().change_basis.basis == Basis.FIXED and read == [PATIENT_CHECK]
    # read once and kept: the next update does not read every response again
    assert rules.current_rules().change_basis.basis == Basis.FIXED and read == [PATIENT_CHECK]


def test_before_any_daily_run_the_first_request_reads_the_first_scores_and_keeps_them(therapist, monkeypatch):
    _clinic(therapist)
    SignalRuleSettings.objects.create(overrides={"norms_min_treatments": 10})
    assert not FirstScores.objects.exists()
    assert rules.current_rules().change_basis.treatments == 10
    read = []
    monkeypatch.setattr(rules, "first_items", lambda key: read.append(key) or np.empty((0, len(ITEMS))))
    assert rules.current_rules().change_basis.treatments == 10 and read == []
