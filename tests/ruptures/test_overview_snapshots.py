"""The unfiltered overview kept by the daily `refresh_overview`, and when the pages count live."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from allianse.clinic.models import Approach
from allianse.core.response_rates import last_weeks
from allianse.core.signals.overview import figures_from_json, figures_to_json
from allianse.ruptures import overview_snapshots
from allianse.ruptures.models import OverviewSnapshot
from allianse.ruptures.overview import ALL, GROUPS, INDIVIDUAL, Selection, clinic_overview
from allianse.ruptures.response_rates import clinic_response_rates, table_to_json
from tests.conftest import sign_in
from tests.ruptures.conftest import add_session, alliance
from tests.ruptures.test_overview import clinic, counts  # noqa: F401  (the clinic of the overview's tests)


def test_the_kept_figures_are_those_counted_live_for_each_choice_of_units(clinic):  # noqa: F811
    for days_ago in (3, 4, 5):  # recent checks of the running treatment, for the response rates
        add_session(clinic["seen"].treatment, patient=alliance(5), days_ago=days_ago)
    call_command("refresh_overview")
    period = last_weeks(timezone.localdate())
    live_rates = clinic_response_rates(period)
    for members in (ALL, INDIVIDUAL, GROUPS):
        shown = overview_snapshots.overview(Selection(members=members), period)
        assert shown.counted_at is not None
        assert figures_to_json(shown.figures) == figures_to_json(clinic_overview(Selection(members=members)))
        assert table_to_json(shown.rates) == table_to_json(live_rates)
        assert [row.therapist for row in shown.rates["rows"]] == [row.therapist for row in live_rates["rows"]]
    assert live_rates["rows"] and live_rates["clinic"].rates[0] is not None  # the table kept is not empty
    assert counts(overview_snapshots.perspective_shares()) == {
        "patient": (1, 4),
        "therapist": (2, 4),
        "observer": (0, 0),
    }


def test_a_filter_or_stale_figures_are_counted_now(clinic, therapist):  # noqa: F811
    period = last_weeks(timezone.localdate())
    overview_snapshots.refresh(now=timezone.now() - overview_snapshots.MAX_AGE - timedelta(minutes=1))
    assert overview_snapshots.overview(Selection(), period).counted_at is None  # older than a missed night
    overview_snapshots.refresh()
    assert overview_snapshots.overview(Selection(therapist=therapist), period).counted_at is None
    # kept figures are not changed by what happens after they were counted
    OverviewSnapshot.objects.filter(members=ALL).update(figures={**figures_to_json(clinic_overview()), "episodes": 99})
    assert overview_snapshots.overview(Selection(), period).figures.episodes == 99
    assert overview_snapshots.figures(Selection()).episodes == 99
    assert overview_snapshots.overview(Selection(therapist=therapist), period).figures.episodes == 1


def test_the_kept_figures_name_the_approaches_in_the_readers_language(clinic):  # noqa: F811
    with translation.override("nb"):
        overview_snapshots.refresh()
    cbt = Approach.objects.get(key="cbt")
    with translation.override("en"):
        labels = {rate.key: rate.label for rate in overview_snapshots.figures(Selection()).dropout_by_approach}
    assert labels["cbt"] == cbt.name_en and labels["not_recorded"] == "Approach not recorded"
    with translation.override("nb"):
        labels = {rate.key: rate.label for rate in overview_snapshots.figures(Selection()).dropout_by_approach}
    assert labels["cbt"] == cbt.name_nb


def test_the_figures_survive_json_unchanged(clinic):  # noqa: F811
    figures = clinic_overview()
    assert figures_from_json(figures_to_json(figures)) == figures


@pytest.mark.parametrize("language, said", [("en", "counted again every night"), ("nb", "telles på nytt hver natt")])
def test_the_page_says_when_kept_figures_were_counted(clinic, client, administrator, language, said):  # noqa: F811
    sign_in(client, administrator)
    url = reverse("ruptures:overview")
    assert said not in client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    call_command("refresh_overview")
    assert said in client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    filtered = client.get(url, {"members": INDIVIDUAL, "start": "2020-01-01"}, HTTP_ACCEPT_LANGUAGE=language)
    assert said not in filtered.content.decode()
