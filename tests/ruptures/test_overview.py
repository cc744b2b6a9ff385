"""The clinic overview beside the published figures: counted in SQL over a selection (period,
therapist, approach, group members), exported as CSV, the same number of queries at any size."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from allianse.clinic.models import Approach, EndReason
from allianse.clinic.services import end_treatment, register_patient
from allianse.core.response_rates import Rate
from allianse.groups import services as group_services
from allianse.ruptures.overview import GROUPS, INDIVIDUAL, Selection, clinic_overview
from allianse.ruptures.services import close_episode, open_episode
from allianse.ruptures.templatetags.ruptures import rate_cell
from tests.conftest import sign_in
from tests.groups.conftest import add_members, make_group
from tests.ruptures.conftest import TENSE, add_session, alliance, therapist_view
from tests.ruptures.test_observers import MARKER, NO_MARKER, NOTICED, _media, leader, observe  # noqa: F401  (fixtures of the observers)

TODAY = timezone.localdate()


def approach(key: str) -> Approach:
    return Approach.objects.get(key=key)


def patient_with(therapist, key: str, *, patient: dict, therapist_answers: dict, reason: str = ""):
    treatment = register_patient(
        therapist=therapist, name="", language="nb", started_on=TODAY - timedelta(days=200), approach=approach(key)
    )
    session = add_session(treatment, patient=patient, therapist=therapist_answers, days_ago=30)
    if reason:
        end_treatment(treatment=treatment, ended_on=TODAY - timedelta(days=10), reason=reason)
    return treatment, session


@pytest.fixture
def clinic(therapist, other_therapist, db):
    """Four treatments: a dropout after an unresolved rupture the therapist noticed (CBT), a
    completed one where the patient held back unnoticed (CBT), one the therapist saw a rupture in
    (psychodynamic, running), another therapist's dropout (relational); a group of three members, one
    of whom dropped out."""
    held_back = alliance(5, held_back=True)
    first, tense = patient_with(
        therapist, "cbt", patient=TENSE, therapist_answers=therapist_view(3, **NOTICED), reason=EndReason.DROPOUT
    )
    episode = open_episode(session=tense, by=therapist)
    close_episode(episode=episode, by=therapist, outcome="unresolved")
    second, unnoticed = patient_with(
        therapist, "cbt", patient=held_back, therapist_answers=therapist_view(5), reason=EndReason.COMPLETED
    )
    third, seen = patient_with(
        therapist, "psychodynamic", patient=alliance(5), therapist_answers=therapist_view(4, **NOTICED)
    )
    patient_with(
        other_therapist,
        "relational",
        patient=alliance(5),
        therapist_answers=therapist_view(5),
        reason=EndReason.DROPOUT,
    )
    group = make_group(therapist)
    members = add_members(group, therapist, 3)
    group_services.end_membership(membership=members[0], by=therapist, ended_on=TODAY, reason=EndReason.DROPOUT)
    return {"tense": tense, "unnoticed": unnoticed, "seen": seen}


def counts(rates) -> dict[str, tuple[int, int]]:
    return {rate.key: (rate.count, rate.n) for rate in rates}


def test_the_clinic_beside_the_published_figures(clinic, leader):  # noqa: F811
    observe(clinic["seen"], leader, MARKER)
    observe(clinic["unnoticed"], leader, NO_MARKER)
    figures = clinic_overview()
    assert (figures.treatments, figures.with_ruptures, figures.episodes) == (7, 1, 1)
    assert counts(figures.perspectives) == {"patient": (1, 4), "therapist": (2, 4), "observer": (1, 2)}
    assert [rate.published for rate in figures.perspectives] == [(0.19, 0.42), (0.43, 0.56), (0.41, 1.0)]
    assert (figures.held_back_noticed.count, figures.held_back_noticed.n) == (1, 2)
    assert figures.held_back_noticed.published == (0.17, 0.17)
    by_approach = counts(figures.dropout_by_approach)
    assert (
        by_approach["cbt"] == (1, 2) and by_approach["relational"] == (1, 1) and by_approach["psychodynamic"] == (0, 0)
    )
    assert by_approach["group_members"] == (1, 1)
    published = {rate.key: rate.published for rate in figures.dropout_by_approach}
    assert published["relational"] == (0.2, 0.2) and published["cbt"] == (0.37, 0.37)
    assert published["psychodynamic"] == (0.46, 0.46) and published["mbt"] is None
    # by repair status, among those that ended: the unresolved rupture ended in dropout
    assert counts(figures.dropout_groups) == {
        "no_rupture": (2, 3),  # the completed CBT, the relational dropout, the member who dropped out
        "resolved": (0, 0),
        "unresolved": (1, 1),
        "in_progress": (0, 0),
    }


def test_filters_by_therapist_approach_group_members_and_period(clinic, other_therapist):
    assert clinic_overview(Selection(therapist=other_therapist)).treatments == 1
    assert clinic_overview(Selection(approach=approach("cbt"))).treatments == 2  # members record no approach
    assert clinic_overview(Selection(members=INDIVIDUAL)).treatments == 4
    assert clinic_overview(Selection(members=GROUPS)).treatments == 3
    # the three that ended 10 days ago are out; the running one and the members (one left today) in
    assert clinic_overview(Selection(start=TODAY - timedelta(days=5))).treatments == 4
    assert clinic_overview(Selection(end=date(2020, 1, 1))).treatments == 0
    recent = clinic_overview(Selection(start=TODAY - timedelta(days=20), members=INDIVIDUAL))
    assert recent.treatments == 4 and counts(recent.perspectives)["patient"] == (0, 0)  # the checks were 30 days ago


def make_treatments(therapist, count: int) -> None:
    for index in range(count):
        key = ("cbt", "psychodynamic", "relational")[index % 3]
        treatment, session = patient_with(
            therapist, key, patient=TENSE, therapist_answers=therapist_view(4), reason=EndReason.DROPOUT
        )
        open_episode(session=session, by=therapist)


def overview_queries(selection: Selection) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        clinic_overview(selection)
    return [query["sql"] for query in queries]


@pytest.mark.parametrize("selection", [Selection(), Selection(members=INDIVIDUAL, start=TODAY - timedelta(days=365))])
def test_the_overview_takes_the_same_queries_at_any_size_and_no_list_of_ids(therapist, selection):
    group = make_group(therapist)
    add_members(group, therapist, 2)
    make_treatments(therapist, 3)
    small = overview_queries(selection)
    make_treatments(therapist, 9)
    add_members(group, therapist, 6)
    large = overview_queries(selection)
    assert len(small) == len(large) <= 12, (len(small), len(large))
    assert clinic_overview(selection).treatments == (12 if selection.members == INDIVIDUAL else 20)
    long_lists = [sql for sql in large if re.search(r"IN \((%s|\d+)(, (%s|\d+)){7,}\)", sql)]
    assert long_lists == []  # the selection enters as a subquery, never as a list of ids
    assert any("EXISTS" in sql.upper() for sql in large)


def test_the_figures_export_as_csv_and_text_stays_text(clinic, client, administrator):
    Approach.objects.create(name_nb="=HYPERLENKE()", name_en="=HYPERLINK()")
    sign_in(client, administrator)
    response = client.get(reverse("ruptures:overview_csv"), {"members": INDIVIDUAL}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Figure", "Group", "Count", "N"]
    patients = next(row for row in rows if row[1] == "Patients")
    assert patients[2:5] == ["1", "4", "0.25"] and patients[7:] == ["0.19", "0.42"]
    assert ["Dropout by approach", "'=HYPERLINK()"] in [row[:2] for row in rows]
    relational = next(row for row in rows if row[1] == "Relational or integrative therapy")
    assert relational[2] == "" and relational[3] == "1"  # too few to show: the count is left out


def test_the_page_shows_the_figures_with_intervals_and_refuses_therapists(clinic, client, administrator, therapist):
    sign_in(client, administrator)
    url = reverse("ruptures:overview")
    html = client.get(url, {"members": INDIVIDUAL}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Ruptures as patients, therapists and observers see them" in html
    assert "1 of 4 (25%)" in html and "95% interval 5%–70%" in html and "19%–42%" in html
    assert client.get(url, {"approach": "nonsense"}).status_code == 200  # a bad filter shows everything
    sign_in(client, therapist)
    assert client.get(url).status_code == 403
    assert client.get(reverse("ruptures:overview_csv")).status_code == 403


def test_an_empty_clinic_has_an_overview_and_an_export(client, administrator):
    sign_in(client, administrator)
    assert client.get(reverse("ruptures:overview")).status_code == 200
    response = client.get(reverse("ruptures:overview_csv"))
    assert response.status_code == 200 and len(response.content.decode("utf-8-sig").splitlines()) > 1
    assert clinic_overview().treatments == 0


HIDDEN = '<span aria-hidden="true">–</span><span class="visually-hidden">{}</span>'
RATE_CELLS = [
    ("nb", None, HIDDEN.format("for få til å vises")),
    ("nb", Rate(0, 0), '<span class="muted">ingen sjekker</span>'),
    ("nb", Rate(7, 9, 0.45, 0.94), '7 av 9 (78\xa0%) <span class="muted">95\xa0%-intervall 45\xa0%–94\xa0%</span>'),
    (
        "nb",
        Rate(1234, 2000, 0.59, 0.64),
        '1234 av 2000 (62\xa0%) <span class="muted">95\xa0%-intervall 59\xa0%–64\xa0%</span>',
    ),
    ("en", None, HIDDEN.format("too few to show")),
    ("en", Rate(0, 0), '<span class="muted">no checks</span>'),
    ("en", Rate(7, 9, 0.45, 0.94), '7 of 9 (78%) <span class="muted">95% interval 45%–94%</span>'),
    ("en", Rate(1234, 2000, 0.59, 0.64), '1234 of 2000 (62%) <span class="muted">95% interval 59%–64%</span>'),
]


@pytest.mark.parametrize(("language", "rate", "written"), RATE_CELLS)
def test_a_response_rate_cell_is_written_as_the_rate_template_wrote_it(language, rate, written):
    with translation.override(language):
        assert rate_cell(rate) == written
