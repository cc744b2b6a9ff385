"""On an empty clinic every role's home says what to do next."""

from __future__ import annotations

import pytest
from django.urls import reverse

from allianse.accounts.models import Role
from tests.conftest import make_user, sign_in

EMPTY = {
    Role.THERAPIST: ("You have no patients yet.", "caseload:patient_new"),
    Role.RATER: ("You have no segments to rate yet. When a study's leader asks you to rate a segment", None),
    Role.COURSE_LEADER: ("You lead no rating studies for a course yet.", "rating:studies"),
    Role.SUPERVISOR: ("You lead no rating studies for supervision yet.", "rating:studies"),
    Role.ADMINISTRATOR: ("No therapists yet: add the clinic's staff in the administration", "ruptures:rules"),
}


@pytest.mark.parametrize("role", list(EMPTY))
def test_each_roles_home_on_an_empty_clinic_says_what_to_do_next(client, db, role):
    sign_in(client, make_user("newcomer", role))
    page = client.get(reverse("home:home")).content.decode()
    text, next_step = EMPTY[role]
    assert text in page
    assert next_step is None or f'href="{reverse(next_step)}"' in page.split("</header>")[1]


def test_staff_without_a_role_are_told_whom_to_ask(client, db):
    sign_in(client, make_user("newcomer"))
    page = client.get(reverse("home:home")).content.decode()
    assert "Your account has no role yet" in page and "Ask the clinic's administrator" in page


def test_the_home_is_in_bokmal(client, db):
    sign_in(client, make_user("newcomer", Role.RATER))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "nb"
    page = client.get(reverse("home:home")).content.decode()
    assert '<html lang="nb">' in page and "Du har ingen tidsavsnitt å vurdere ennå." in page
