"""Bad input gets a clear 4xx (or a CLI message and exit 1), never a 500 or a traceback."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from allianse.clinic.models import Session
from allianse.feedback.models import Response
from allianse.feedback.services import issue_check
from allianse.rating.files import UnsatisfiableRange, parse_range
from allianse.rating.models import RatingDraft
from tests.api.conftest import signed_in
from tests.conftest import sign_in

THERAPIST_ANSWERS = {
    "goal_1": 5,
    "goal_2": 5,
    "task_1": 5,
    "task_2": 3,
    "bond_1": 6,
    "bond_2": 6,
    "rupture": False,
}
PATIENT_ANSWERS = {
    "goal_1": "6",
    "goal_2": "5",
    "task_1": "6",
    "task_2": "2",
    "bond_1": "6",
    "bond_2": "6",
    "rupture": "no",
    "held_back": "no",
}


@pytest.fixture
def api(therapist):
    return signed_in(therapist, HTTP_ACCEPT_LANGUAGE="en")


def therapist_check_url(session) -> str:
    return reverse("v1:therapist_check", args=[session.public_id])


# -- The forms -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [{}, "json"], ids=["empty", "json"])
def test_an_empty_or_json_post_of_the_patient_check_shows_the_form_with_errors(session, therapist, body):
    link = issue_check(session=session, by=therapist)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    url = reverse("feedback:check", args=[link.token]) + "?lang=en"
    if body == "json":
        response = client.post(url, '{"goal_1": 6}', content_type="application/json")
    else:
        response = client.post(url)
    assert response.status_code == 400
    assert "Please answer this question." in response.content.decode()


def test_an_empty_post_of_the_therapist_check_shows_the_form_with_errors(therapist_client, session):
    response = therapist_client.post(reverse("feedback:therapist_check", args=[session.public_id]))
    assert response.status_code == 200 and "Please answer this question." in response.content.decode()


def test_a_nul_in_a_text_answer_is_dropped_on_every_database(session, therapist):
    link = issue_check(session=session, by=therapist)
    response = Client().post(reverse("feedback:check", args=[link.token]), PATIENT_ANSWERS | {"comment": "a\x00b\x07c"})
    assert response.status_code == 302
    assert Response.objects.get().answers["comment"] == "abc"


def test_a_nul_alone_is_no_answer(session, therapist):
    link = issue_check(session=session, by=therapist)
    Client().post(reverse("feedback:check", args=[link.token]), PATIENT_ANSWERS | {"comment": "\x00 \x00"})
    assert "comment" not in Response.objects.get().answers


def test_a_nul_in_a_rating_draft_is_dropped(rater, assignment):
    api = signed_in(rater)
    url = reverse("v1:rating-api:draft", args=[assignment.public_id])
    body = {"answers": {"i01_adherence": "4\x00", "i02_adherence": ["a\x00", {"b\x00": "\ud800c"}]}}
    assert api.put(url, json.dumps(body), content_type="application/json").status_code == 200
    assert RatingDraft.objects.get().answers == {"i01_adherence": "4", "i02_adherence": ["a", {"b": "c"}]}


def test_a_submitted_rating_with_a_nul_is_refused_or_kept_without_it(rater, assignment):
    api = signed_in(rater)
    response = api.post(
        reverse("v1:rating-api:submit", args=[assignment.public_id]),
        {"answers": {"i01_adherence": "\x00"}},
        format="json",
    )
    assert response.status_code == 400
    assert RatingDraft.objects.get().answers == {"i01_adherence": ""}


# -- Request bodies and headers ------------------------------------------------------------------------


@pytest.mark.parametrize("charset", ["no-such-charset", "base64"])
def test_a_form_in_an_unknown_charset_gets_the_400_page_in_the_users_language(db, charset):
    client = Client(HTTP_ACCEPT_LANGUAGE="nb")
    content_type = f"application/x-www-form-urlencoded; charset={charset}"
    response = client.generic("POST", reverse("accounts:login"), "username=a&password=b", content_type=content_type)
    assert response.status_code == 400
    assert "Ugyldig forespørsel" in response.content.decode()


def test_a_form_in_latin_1_gets_400(db):
    content_type = "application/x-www-form-urlencoded; charset=latin-1"
    response = Client().post(reverse("accounts:login"), "username=%E6&password=b", content_type=content_type)
    assert response.status_code == 400


@pytest.mark.parametrize("value", [[4], {"v": 4}, True, [[1]]], ids=["list", "object", "true", "nested"])
def test_the_therapist_check_refuses_non_scalar_answers_per_item(api, session, value):
    items = ("goal_1", "goal_2") if value is True else ("goal_1", "rupture")
    for item in items:
        response = api.post(therapist_check_url(session), THERAPIST_ANSWERS | {item: value}, format="json")
        assert response.status_code == 400 and response.json()["errors"][item]["code"] in ("not_a_number", "not_yes_no")


def test_a_list_for_a_multiple_choice_of_lists_is_refused(api, session):
    answers = THERAPIST_ANSWERS | {"rupture": True, "rupture_kind": "withdrawal", "withdrawal_markers": [["x"]]}
    response = api.post(therapist_check_url(session), answers, format="json")
    assert response.status_code == 400 and response.json()["errors"]["withdrawal_markers"]["code"] == "not_a_choice"


def test_an_object_for_a_text_answer_is_refused(api, session):
    answers = THERAPIST_ANSWERS | {"rupture": True, "rupture_kind": "withdrawal", "own_contribution": {"a": 1}}
    response = api.post(therapist_check_url(session), answers, format="json")
    assert response.json()["errors"]["own_contribution"] == {
        "code": "not_text",
        "message": "Please write your answer as text.",
    }


@pytest.mark.parametrize("body", ["[" * 100_000, "[" * 40 + "]" * 40], ids=["recursion", "deep"])
def test_deeply_nested_json_is_refused(api, session, rater, assignment, body):
    response = api.post(therapist_check_url(session), body, content_type="application/json")
    assert response.status_code == 400 and "nested too deeply" in response.json()["detail"]
    draft = signed_in(rater).put(
        reverse("v1:rating-api:draft", args=[assignment.public_id]), body, content_type="application/json"
    )
    assert draft.status_code == 400


def test_a_json_body_larger_than_the_upload_limit_is_refused(api, session, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = api.post(therapist_check_url(session), json.dumps({"x": "y" * 200}), content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=" + "9" * 5000 + "-", UnsatisfiableRange),
        ("bytes=0-" + "9" * 5000, (0, 999)),
        ("bytes=-" + "9" * 5000, (0, 999)),
        ("bytes=" + "0" * 5000 + "5-6", (5, 6)),
    ],
    ids=["start", "end", "suffix", "zeros"],
)
def test_byte_positions_of_any_length_are_read(header, expected):
    if expected is UnsatisfiableRange:
        with pytest.raises(UnsatisfiableRange):
            parse_range(header, 1000)
    else:
        assert parse_range(header, 1000) == expected


# -- Dates and numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("starts_at", ["0001-01-01T10:00:00Z", "9999-12-31T10:00:00Z", "1899-12-31T10:00:00Z"])
def test_a_session_outside_1900_to_two_years_ahead_is_refused(api, treatment, starts_at):
    response = api.post(reverse("v1:sessions", args=[treatment.public_id]), {"starts_at": starts_at}, format="json")
    assert response.status_code == 400
    assert response.json() == {"starts_at": ["Give a date from 1900 to two years from today."]}
    assert not Session.objects.filter(treatment=treatment, starts_at__year__in=[1, 1899, 9999]).exists()


@pytest.mark.parametrize("started_on", ["0001-01-01", "9999-12-31"])
def test_a_treatment_started_outside_the_plausible_dates_is_refused(api, started_on):
    response = api.post(reverse("v1:patients"), {"language": "nb", "started_on": started_on}, format="json")
    assert response.status_code == 400 and "started_on" in response.json()


# -- The schema ----------------------------------------------------------------------------------------


def test_the_schema_has_no_warnings(db, tmp_path):
    call_command("spectacular", api_version="v1", validate=True, fail_on_warn=True, file=str(tmp_path / "schema.yaml"))


def test_every_component_of_the_schema_has_its_own_name(db):
    from drf_spectacular.drainage import GENERATOR_STATS

    GENERATOR_STATS.reset()
    SchemaGenerator(api_version="v1").get_schema(request=None, public=True)
    assert not [warning for warning in GENERATOR_STATS._warn_cache if "identical names" in warning]


# -- The command line ----------------------------------------------------------------------------------

SERIES_HEADER = "treatment,session,alliance,rupture,held_back,attended\n"


def run(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def test_signals_reads_a_norwegian_excel_csv(tmp_path):
    comma = tmp_path / "comma.csv"
    comma.write_text(SERIES_HEADER + "a,1,5.5,0,0,1\na,2,4.5,1,0,1\n")
    semicolon = tmp_path / "semicolon.csv"
    semicolon.write_bytes((SERIES_HEADER.replace(",", ";") + "a;1;5,5;0;0;1\na;2;4,5;1;0;1\n").encode("cp1252"))
    assert run("signals", str(semicolon)) == run("signals", str(comma))


@pytest.mark.parametrize("session", ["-1", "0", "1e23", "10001"])
def test_signals_refuses_session_numbers_that_are_not_positive_and_bounded(tmp_path, session):
    path = tmp_path / "series.csv"
    path.write_text(SERIES_HEADER + f"a,{session},5,0,0,1\n")
    with pytest.raises(CommandError, match=r"Column session, line 2: .* is not a whole number from 1 to 10000"):
        run("signals", str(path))


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_signals_refuses_thresholds_that_are_not_finite(tmp_path, value):
    path = tmp_path / "series.csv"
    path.write_text(SERIES_HEADER + "a,1,5,0,0,1\n")
    with pytest.raises(CommandError, match="must be a finite number"):
        run("signals", str(path), f"--z={value}")


@pytest.mark.parametrize("command", ["signals", "reliability"])
def test_a_directory_is_refused_with_a_message(tmp_path, command):
    with pytest.raises(CommandError, match="is a directory"):
        run(command, str(tmp_path))


def test_reliability_reads_a_decimal_comma_csv(tmp_path):
    rows = [(segment, rater, (segment * rater) % 5 + 0.5) for segment in range(1, 6) for rater in (1, 2, 3)]
    comma = tmp_path / "comma.csv"
    comma.write_text("segment,rater,item,value\n" + "".join(f"{s},{r},i1,{v}\n" for s, r, v in rows))
    semicolon = tmp_path / "semicolon.csv"
    semicolon.write_text(
        "segment;rater;item;value\n" + "".join(f"{s};{r};i1;{v}".replace(".", ",") + "\n" for s, r, v in rows)
    )
    assert run("reliability", str(semicolon)) == run("reliability", str(comma))
    assert json.loads(run("reliability", str(semicolon)))["items"]["i1"]["n_segments"] == 5


@pytest.mark.parametrize("raters", ["1000000000", "1001", "0"])
def test_reliability_refuses_a_d_study_beyond_the_bound(tmp_path, raters):
    path = tmp_path / "ratings.csv"
    path.write_text("segment,rater,item,value\n1,a,i1,1\n2,a,i1,2\n1,b,i1,1\n2,b,i1,2\n")
    with pytest.raises(CommandError, match="The D-study takes from 1 to 1000 raters"):
        run("reliability", str(path), "--raters", raters)


def test_reliability_refuses_more_rater_pairs_than_the_cell_limit(tmp_path):
    path = tmp_path / "ratings.csv"
    rows = (f"{segment},r{rater},i1,1" for segment in range(200) for rater in range(400))
    path.write_text("segment,rater,item,value\n" + "\n".join(rows) + "\n")
    with pytest.raises(CommandError, match="is more than 20,000,000 pairs of ratings"):
        run("reliability", str(path))


def test_reliability_refuses_more_than_a_thousand_raters(tmp_path):
    path = tmp_path / "ratings.csv"
    path.write_text("segment,rater,item,value\n" + "\n".join(f"1,r{rater},i1,1" for rater in range(1001)) + "\n")
    with pytest.raises(CommandError, match="There are 1001 raters; at most 1000 can be analysed"):
        run("reliability", str(path))


@pytest.mark.parametrize("value", [[4], {"v": 4}, [[1]]], ids=["list", "object", "nested"])
def test_score_refuses_non_scalar_answers_per_item(tmp_path, value):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"goal_1": value}))
    with pytest.raises(CommandError, match=r"invalid answers \(.*goal_1: not_a_number"):
        run("score", "alliance-patient", str(path))


def test_score_refuses_deeply_nested_json(tmp_path):
    path = tmp_path / "answers.json"
    path.write_text("[" * 100_000)
    with pytest.raises(CommandError, match="nested too deeply"):
        run("score", "alliance-patient", str(path))


def test_an_empty_post_of_the_rating_screen_saves_an_empty_draft(rater, assignment):
    client = Client()
    sign_in(client, rater)
    response = client.post(reverse("rating:rate", args=[assignment.public_id]))
    assert response.status_code == 302 and RatingDraft.objects.get(assignment=assignment)
