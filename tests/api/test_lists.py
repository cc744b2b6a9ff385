"""Every list of the API comes in pages, filters by what people look for, and reads with the same
number of queries however long it is. The lists are found in the schema, so a new one is covered."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from allianse.accounts.models import Role
from allianse.api.pagination import MAX_PAGE_SIZE
from allianse.clinic.services import register_patient
from allianse.courses import services as courses
from allianse.courses.models import Course
from allianse.rating import consents
from allianse.rating import services as rating
from allianse.rating.models import Purpose
from allianse.research.models import ResearchProject
from allianse.ruptures import updates
from tests.api.conftest import token_for, with_token
from tests.conftest import make_user
from tests.groups.conftest import add_members, add_session, make_group
from tests.rating.conftest import SECONDS, session_wav, upload
from tests.ruptures.conftest import add_session as add_treatment_session
from tests.ruptures.conftest import alliance, therapist_view


def paginated_lists() -> list[str]:
    """The paths of the schema whose GET answers a page of a list (no path parameters)."""
    schema = SchemaGenerator(api_version="v1").get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    found = []
    for path, operations in schema["paths"].items():
        ok = operations.get("get", {}).get("responses", {}).get("200", {})
        reference = ok.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
        if "{" not in path and "results" in components.get(reference.rsplit("/", 1)[-1], {}).get("properties", {}):
            found.append(path)
    return found


LISTS = paginated_lists()


def test_the_schema_lists_every_paginated_list():
    assert {
        "/api/v1/patients/",
        "/api/v1/groups/",
        "/api/v1/ruptures/signals/",
        "/api/v1/ruptures/episodes/",
        "/api/v1/rating/assignments/",
        "/api/v1/rating/recordings/",
        "/api/v1/rating/consents/",
    } <= set(LISTS)


def add_data(user, leader, count: int, wav: bytes, offset: int) -> None:
    """`count` of each thing a list shows, reachable by `user` (who holds every role). A new list
    of the API needs its rows here too: the test below refuses a list it cannot fill."""
    study = rating.create_study(
        name=f"Study {offset}", description="", instrument_key="mbt-g-aqs", purpose=Purpose.COURSE, leader=leader
    )
    for index in range(count):
        treatment = register_patient(
            therapist=user, name="", language="nb", started_on=timezone.localdate() - timedelta(days=300)
        )
        for _ in range(4):
            add_treatment_session(treatment, patient=alliance(6), therapist=therapist_view(6))
        session = add_treatment_session(
            treatment, patient=alliance(3, rupture=True, rupture_intensity=4, rupture_resolution=2)
        )
        updates.update_for_treatment(treatment=treatment, notify=False)
        consents.record_consent(
            patient=treatment.patient,
            purpose=Purpose.COURSE,
            given_at=timezone.localdate(),
            document_reference="",
            by=user,
        )
        recording = upload(session, user, wav, name=f"s{offset}-{index}.wav")
        segment = rating.add_segment(recording=recording, name="", start_seconds=1, end_seconds=2, by=user)
        rating.add_to_study(study=study, segment=segment)
        rating.assign(study=study, segments=[segment], raters=[user], kind="rater", by=leader)
        group = make_group(user, name=f"Group {offset}-{index}")
        add_session(group, add_members(group, user, 2))
        course = Course.objects.create(title=f"Course {offset}-{index}")
        courses.enrol(course=course, user=user)
        ResearchProject.objects.create(name=f"Project {offset}-{index}", created_by=user)


@pytest.fixture
def two_roles(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return make_user("therapist", *Role.values)


def test_every_list_reads_with_the_same_queries_at_four_times_the_size(two_roles):
    leader = make_user("leader", Role.COURSE_LEADER)
    wav = session_wav(SECONDS)
    client = with_token(token_for(two_roles))
    add_data(two_roles, leader, 2, wav, offset=0)

    def measure() -> dict[str, tuple[int, int]]:
        counts = {}
        for path in LISTS:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            assert response.status_code == 200, (path, response.content)
            counts[path] = (response.json()["count"], len(queries))
        return counts

    small = measure()
    add_data(two_roles, leader, 6, wav, offset=1)
    large = measure()
    for path in LISTS:
        # A list this file has no data for yet cannot show its cost: add its rows to add_data.
        assert small[path][0] >= 2 and large[path][0] >= 4 * small[path][0], (path, small[path], large[path])
    assert {path: queries for path, (_count, queries) in large.items()} == {
        path: queries for path, (_count, queries) in small.items()
    }


def test_a_list_comes_in_pages_of_a_bounded_size(therapist):
    for _ in range(3):
        register_patient(therapist=therapist, name="", language="nb", started_on=timezone.localdate())
    client = with_token(token_for(therapist))
    first = client.get(reverse("v1:patients"), {"page_size": 2}).json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["next"] and first["previous"] is None
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    shown = {row["code"] for row in first["results"] + second["results"]}
    assert len(shown) == 3
    assert client.get(reverse("v1:patients"), {"page": 9}).status_code == 404
    huge = client.get(reverse("v1:patients"), {"page_size": 10 * MAX_PAGE_SIZE}).json()
    assert len(huge["results"]) == 3


def test_lists_filter_by_the_fields_people_look_for(therapist):
    old = register_patient(
        therapist=therapist, name="", language="nb", started_on=timezone.localdate() - timedelta(days=90)
    )
    register_patient(therapist=therapist, name="", language="nb", started_on=timezone.localdate())
    client = with_token(token_for(therapist))
    by_code = client.get(reverse("v1:patients"), {"code": old.patient.code}).json()["results"]
    assert [row["code"] for row in by_code] == [old.patient.code]
    earlier = (timezone.localdate() - timedelta(days=30)).isoformat()
    assert client.get(reverse("v1:patients"), {"started_to": earlier}).json()["count"] == 1
    assert client.get(reverse("v1:patients"), {"started_from": earlier}).json()["count"] == 1
    refused = client.get(reverse("v1:patients"), {"started_from": "last week"})
    assert refused.status_code == 400 and set(refused.json()) == {"started_from"}


def test_episode_and_group_lists_filter_by_state(therapist, treatment):
    for _ in range(4):
        add_treatment_session(treatment, patient=alliance(6), therapist=therapist_view(6))
    add_treatment_session(treatment, patient=alliance(3, rupture=True, rupture_intensity=4, rupture_resolution=2))
    updates.update_for_treatment(treatment=treatment, notify=False)
    make_group(therapist, name="Running")
    client = with_token(token_for(therapist))
    episodes = reverse("v1:ruptures-api:episode-list")
    assert client.get(episodes, {"status": "open", "patient": treatment.patient.code}).json()["count"] == 1
    assert client.get(episodes, {"status": "closed"}).json()["count"] == 0
    assert client.get(reverse("v1:groups-api:groups"), {"running": "true"}).json()["count"] == 1
    assert client.get(reverse("v1:groups-api:groups"), {"running": "false"}).json()["count"] == 0
    assert client.get(reverse("v1:groups-api:groups"), {"running": "perhaps"}).status_code == 400
