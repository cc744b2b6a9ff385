"""The clinic overview's response rates: per therapist and kind of check, aggregates only, fewer
than three checks shown as "–"."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from allianse.accounts.models import Role
from allianse.clinic.models import Session
from allianse.clinic.services import register_patient
from allianse.feedback.services import issue_check
from tests.conftest import make_user, sign_in
from tests.groups.conftest import add_session as add_group_session
from tests.groups.conftest import answer_all
from tests.ruptures.conftest import alliance, store

URL = reverse("ruptures:overview")


def checked_session(therapist, *, answered: bool, days_ago: int = 1, co_therapist=None):
    treatment = register_patient(therapist=therapist, name="", language="nb", started_on=timezone.localdate())
    if co_therapist is not None:
        treatment.therapists.add(co_therapist)
    session = Session.objects.create(
        treatment=treatment, number=1, starts_at=timezone.now() - timedelta(days=days_ago), attended=True
    )
    if answered:
        store(session, "alliance-patient", alliance(6))
    else:
        issue_check(session=session, by=therapist)
    return session


def therapist_row(html: str, name: str) -> list[str]:
    row = re.search(rf"<tr><th scope=\"row\">{name}</th>(.*?)</tr>", html, flags=re.DOTALL).group(1)
    return [re.sub(r"[ \n]+", " ", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, flags=re.DOTALL)]


def test_the_administrator_sees_each_therapists_counts_and_small_counts_are_hidden(
    client, administrator, therapist, other_therapist, group, members
):
    sessions = [checked_session(therapist, answered=answered) for answered in (True, True, False)]
    checked_session(other_therapist, answered=True)
    checked_session(other_therapist, answered=False, co_therapist=therapist)
    answer_all(add_group_session(group, members, days_ago=2), members[:3], by=therapist)
    sign_in(client, administrator)
    html = client.get(URL).content.decode()
    section = re.search(r'<section aria-labelledby="rates-title".*?</section>', html, flags=re.DOTALL).group(0)
    assert "Pasientenes sjekker" in section and "Gruppemedlemmenes sjekker" in section
    patients, group_members = therapist_row(section, "therapist")
    assert patients.startswith("2 av 4 (50\u00a0%)") and group_members.startswith("3 av 4 (75\u00a0%)")
    assert (
        therapist_row(section, "outsider")
        == ['<span aria-hidden="true">–</span><span class="visually-hidden">for få til å vises</span>'] * 2
    )
    clinic = re.search(r"<tfoot>.*?</tfoot>", section, flags=re.DOTALL).group(0)
    assert "3 av 5 (60\u00a0%)" in clinic
    assert not any(session.treatment.patient.code in html for session in sessions)
    assert not any(member.patient.code in html for member in members)


def test_the_period_and_the_therapist_filter_the_table(client, administrator, therapist, other_therapist):
    for _ in range(3):
        checked_session(therapist, answered=True, days_ago=60)
        checked_session(other_therapist, answered=False)
    sign_in(client, administrator)
    html = client.get(URL).content.decode()
    assert "0 av 3 (0\u00a0%)" in html and "3 av 3" not in html
    start = (timezone.localdate() - timedelta(days=90)).isoformat()
    html = client.get(URL, {"start": start, "therapist": therapist.pk}).content.decode()
    assert "3 av 3 (100\u00a0%)" in html and '<th scope="row">outsider</th>' not in html


def test_the_table_says_so_when_there_are_no_checks(client, administrator):
    sign_in(client, administrator)
    assert "Ingen sjekker i denne perioden." in client.get(URL).content.decode()


def test_therapists_are_refused_the_table(therapist_client):
    assert therapist_client.get(URL).status_code == 403


def test_the_overview_reads_the_same_number_of_queries_whatever_the_number_of_patients(
    client, administrator, therapist, django_assert_max_num_queries
):
    colleague = make_user("colleague", Role.THERAPIST)
    sign_in(client, administrator)
    counts = []
    for patients in (3, 9):
        while therapist.treatments.count() < patients:
            checked_session(therapist, answered=True, co_therapist=colleague)
        with django_assert_max_num_queries(24) as queries:
            assert client.get(URL).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
