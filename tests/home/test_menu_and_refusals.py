"""The menu shows each role the pages it can use; the pages refuse the others, in the user's
language with the site's navigation, and the API applies the same rule."""

from __future__ import annotations

import pytest
from django.urls import reverse

from allianse.accounts.models import Role
from allianse.clinic.models import Patient
from tests.conftest import make_user, sign_in

LINKS = ("caseload:home", "groups:list", "rating:home", "ruptures:guide", "ruptures:overview", "ruptures:rules")
MENUS = {
    Role.THERAPIST: {"caseload:home", "groups:list", "rating:home", "ruptures:guide"},
    Role.RATER: {"rating:home", "ruptures:guide"},
    Role.COURSE_LEADER: {"rating:home", "ruptures:guide"},
    Role.SUPERVISOR: {"rating:home", "ruptures:guide"},
    Role.ADMINISTRATOR: {"ruptures:guide", "ruptures:overview", "ruptures:rules"},
}
THERAPISTS_ONLY = ("caseload:home", "caseload:patient_new", "groups:list", "groups:group_new")


def nav(page: str) -> str:
    return page.split("<nav ")[1].split("</nav>")[0]


@pytest.mark.parametrize("role", list(MENUS))
def test_the_menu_shows_the_links_of_the_users_roles_only(client, db, role):
    sign_in(client, make_user("someone", role))
    menu = nav(client.get(reverse("home:home")).content.decode())
    assert f'href="{reverse("home:home")}" aria-current="page"' in menu
    shown = {name for name in LINKS if f'href="{reverse(name)}"' in menu}
    assert shown == MENUS[role]


def test_the_menu_of_several_roles_joins_theirs(client, db):
    sign_in(client, make_user("someone", Role.RATER, Role.ADMINISTRATOR))
    menu = nav(client.get(reverse("home:home")).content.decode())
    assert {name for name in LINKS if f'href="{reverse(name)}"' in menu} == MENUS[Role.RATER] | MENUS[
        Role.ADMINISTRATOR
    ]


@pytest.mark.parametrize(
    ("language", "refusal", "menu_link"),
    [
        ("nb", "Du har ikke tilgang til denne siden.", "Videovurdering"),
        ("en", "You do not have access", "Video rating"),
    ],
)
def test_a_rater_is_refused_a_new_patient_in_their_language_with_the_sites_menu(
    client, db, language, refusal, menu_link
):
    sign_in(client, make_user("rater", Role.RATER))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    for method in (client.get, client.post):
        response = method(reverse("caseload:patient_new"), {"name": "", "language": "nb", "started_on": "2026-11-01"})
        page = response.content.decode()
        assert response.status_code == 403
        assert f'<html lang="{language}">' in page and refusal in page
        assert f'href="{reverse("rating:home")}">{menu_link}</a>' in nav(page)
    assert not Patient.objects.exists()


@pytest.mark.parametrize("role", [Role.RATER, Role.ADMINISTRATOR, Role.COURSE_LEADER])
def test_staff_without_the_therapist_role_are_refused_the_therapists_pages(client, db, role):
    sign_in(client, make_user("someone", role))
    for name in THERAPISTS_ONLY:
        assert client.get(reverse(name)).status_code == 403, name
    assert client.get(reverse("rating:superior_consents")).status_code == 403


def test_the_therapist_reaches_their_pages(therapist_client):
    for name in (*THERAPISTS_ONLY, "rating:home", "rating:superior_consents"):
        assert therapist_client.get(reverse(name)).status_code == 200, name


def test_an_administrator_without_a_rating_role_is_refused_video_rating(client, administrator):
    sign_in(client, administrator)
    assert client.get(reverse("rating:home")).status_code == 403


def test_the_api_refuses_the_caseload_and_groups_to_staff_without_the_therapist_role(client, db, therapist):
    sign_in(client, make_user("rater", Role.RATER))
    patients, groups = reverse("v1:patients"), "/api/v1/groups/"
    for response in (
        client.get(patients),
        client.post(
            patients, {"name": "", "language": "nb", "started_on": "2026-11-01"}, content_type="application/json"
        ),
        client.get(groups),
    ):
        assert response.status_code == 403 and response["Content-Type"] == "application/json"
    assert not Patient.objects.exists()
    sign_in(client, therapist)
    assert client.get(patients).status_code == 200 and client.get(groups).status_code == 200
