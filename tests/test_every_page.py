"""Every page for every role: each URL pattern of the project, read (GET) by each kind of user
with the objects that user reaches and with objects they do not, on a new clinic and on the demo.

No GET may end in a server error; a refusal (403, 404) is the site's own page, with its header and
navigation, in the user's language; the API answers its refusals in JSON. The URL list comes from
the resolver, so a new view is walked without touching this file; a URL parameter this file
cannot fill fails the test and says so.
"""

from __future__ import annotations

import io
import itertools
import re
import traceback
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db.models import Model, Q
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone, translation
from django.views import defaults

from allianse.accounts.models import Role, User
from allianse.accounts.staff import enrolment_token
from allianse.clinic.services import register_patient
from allianse.instruments import registry as instruments
from allianse.rating import services as rating
from allianse.rating.models import Purpose
from tests.conftest import make_user, sign_in
from tests.groups.conftest import add_members, make_group

# Namespaces not walked, with the reason.
NOT_WALKED = {
    "admin": "Django's own admin pages (behind the second factor), not the product's templates",
}

REFUSAL = {
    403: {"nb": "Du har ikke tilgang til denne siden.", "en": "You do not have access to this page."},
    404: {"nb": "Vi fant ikke denne siden.", "en": "We could not find this page."},
}
BARE_DJANGO_PAGES = ("<h1>403 Forbidden</h1>", "<h1>Not Found</h1>")
# The API refuses in JSON; its schema endpoint answers in the schema's own media type.
API_TYPES = ("application/json", "application/vnd.oai.openapi", "application/fhir+json")


@dataclass(frozen=True)
class Route:
    name: str
    route: str  # the full path with each parameter written <name>
    params: tuple[str, ...]


def _route_text(pattern) -> str:
    text = str(pattern).removeprefix("^").removesuffix("$")
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", text)
    return re.sub(r"<\w+:(\w+)>", r"<\1>", text)


def routes(resolver: URLResolver | None = None, prefix: str = "", namespaces: tuple[str, ...] = ()) -> Iterator[Route]:
    """Every named URL pattern under `resolver` (the project's root by default)."""
    for entry in (resolver or get_resolver()).url_patterns:
        text = prefix + _route_text(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            if not (inner and inner[0] in NOT_WALKED):
                yield from routes(entry, text, inner)
        else:
            assert entry.name, f"the URL pattern {text!r} has no name"
            yield Route(":".join((*namespaces, entry.name)), text, tuple(re.findall(r"<(\w+)>", text)))


@dataclass(frozen=True)
class Breadth:
    """How many objects each parameter takes: `reached` rows the user reaches (None: all), then
    one they do not reach, then (`unknown_ids`) an id no row has."""

    reached: int | None
    unknown_ids: bool


NEW_CLINIC = Breadth(reached=None, unknown_ids=True)
DEMO = Breadth(reached=1, unknown_ids=False)


@dataclass(frozen=True)
class Rows:
    """A parameter naming a model's row by its public id; the user reaches a row when any of the
    `reach` lookups is the user."""

    label: str
    reach: tuple[str, ...]
    within: str = ""  # lookup from this row to the object of the URL's previous parameter

    def candidates(self, user, previous, breadth: Breadth, among=None) -> list:
        if self.within and not isinstance(previous, Model):
            return [None]  # within an unknown object, an unknown id
        rows = apps.get_model(self.label).objects.order_by("pk")
        if among is not None:
            rows = rows.filter(pk__in=among)
        if self.within:
            rows = rows.filter(**{self.within: previous})
        reached = []
        if user is not None:
            reach = Q()
            for lookup in self.reach:
                reach |= Q(**{lookup: user.pk})
            reached = list(rows.filter(reach).distinct()[: breadth.reached])
        other = rows.exclude(pk__in=[row.pk for row in reached]).first()
        return [*reached, *([other] if other else []), *([None] if breadth.unknown_ids else [])]

    def parents(self):
        """The objects of the URL's previous parameter that have rows of this parameter in them."""
        return apps.get_model(self.label).objects.values(self.within)

    @staticmethod
    def value(row) -> str:
        return str(row.public_id if row is not None else uuid.uuid4())


@dataclass(frozen=True)
class Links:
    """A signed link's token: the newest and the oldest link, the newest still open, and a token that
    was never issued."""

    label: str

    def candidates(self, user, previous, breadth: Breadth, among=None) -> list:
        links = apps.get_model(self.label).objects.order_by("created_at")
        unused = links.filter(responses=None, revoked_at=None, expires_at__gt=timezone.now()).last()
        return [link.token for link in {links.last(), links.first(), unused} - {None}] + ["not-a-link"]

    @staticmethod
    def value(token) -> str:
        return token


@dataclass(frozen=True)
class EnrolmentLinks:
    """A new staff member's enrolment link: one made now for the first account, and one never made."""

    def candidates(self, user, previous, breadth: Breadth, among=None) -> list:
        first = User.objects.order_by("pk").first()
        return ([enrolment_token(first)] if first else []) + ["not-a-link"]

    @staticmethod
    def value(token) -> str:
        return token


@dataclass(frozen=True)
class Values:
    """A parameter taking one of a few words (every one is tried)."""

    words: tuple[str, ...]

    def candidates(self, user, previous, breadth: Breadth, among=None) -> list:
        return list(self.words)

    @staticmethod
    def value(word) -> str:
        return word


# A parameter's source, found by its name or else by the path segments before it (the last two,
# then the last one): "groups/sessions/<public_id>" is a group session, "sessions/<public_id>" a
# session of an individual treatment.
SOURCES = {
    "table": Values(("items", "ratings", "unknown")),
    "extension": Values(("csv", "xlsx")),
    "instruments": Values((*(instrument.key for instrument in instruments.all_instruments()), "unknown")),
    "c": Links("feedback.Administration"),
    "g": Links("groups.MemberCheck"),
    "patients": Rows("clinic.Patient", ("treatments__therapists",)),
    "treatments": Rows("clinic.Treatment", ("therapists",)),
    "sessions": Rows("clinic.Session", ("treatment__therapists",)),
    "groups": Rows("groups.TherapyGroup", ("therapists",)),
    "groups/members": Rows("groups.Membership", ("group__therapists",)),
    "group-members": Rows("groups.Membership", ("group__therapists",)),
    "groups/sessions": Rows("groups.GroupSession", ("group__therapists",)),
    "group-sessions": Rows("groups.GroupSession", ("group__therapists",)),
    "groups/summaries": Rows("groups.SessionSummary", ("session__group__therapists",)),
    "group-summaries": Rows("groups.SessionSummary", ("session__group__therapists",)),
    "api-tokens": Rows("accounts.AccessToken", ("user",)),
    "service-accounts": Rows("accounts.User", ("service_account__created_by",)),
    "events": Rows("groups.InterpersonalEvent", ("summary__session__group__therapists",), within="summary"),
    "consents": Rows(
        "rating.ConsentRecord", ("patient__treatments__therapists", "therapist", "membership__group__therapists")
    ),
    "recordings": Rows(
        "rating.Recording",
        (
            "session__treatment__therapists",
            "group_session__group__therapists",
            "segments__studies__leader",
            "segments__assignments__rater",
        ),
    ),
    "segments": Rows(
        "rating.Segment",
        (
            "recording__session__treatment__therapists",
            "recording__group_session__group__therapists",
            "studies__leader",
            "assignments__rater",
        ),
    ),
    "studies": Rows("rating.RatingStudy", ("leader",)),
    "consensus": Rows("rating.Segment", ("studies__leader",), within="studies"),
    "raters": Rows("accounts.User", ("pk", "rating_assignments__study__leader"), within="rating_assignments__study"),
    "assignments": Rows("rating.Assignment", ("rater",)),
    "ratings": Rows("rating.Rating", ("assignment__rater", "assignment__study__leader")),
    "episodes": Rows("ruptures.RuptureEpisode", ("treatment__therapists", "membership__group__therapists")),
    "signals": Rows("ruptures.Signal", ("treatment__therapists",)),
    "staff": Rows("accounts.User", ("pk",)),
    "courses": Rows("courses.Course", ("leaders", "supervisors", "participants__user")),
    "courses/meetings": Rows(
        "courses.Meeting", ("course__leaders", "course__supervisors", "course__participants__user")
    ),
    "courses/participants": Rows("courses.Participant", ("user", "course__leaders", "course__supervisors")),
    "part": Values(("roles", "attendance", "video", "note", "scoring", "edit", "unknown")),
    "research": Rows("research.ResearchProject", ("created_by",)),
    "research/projects": Rows("research.ResearchProject", ("created_by",)),
    "dataset_table": Values(("sessions", "unknown")),
    "supervisor_id": Rows("groups.Supervisor", ("group__therapists", "user"), within="group"),
    "enrol": EnrolmentLinks(),
    "fhir/Questionnaire": Values((*(instrument.key for instrument in instruments.all_instruments()), "unknown")),
    "fhir/QuestionnaireResponse": Rows("feedback.Response", ("session__treatment__therapists",)),
    "fhir/Observation": Rows("feedback.Response", ("session__treatment__therapists",)),
    "fhir/Bundle": Rows("clinic.Treatment", ("therapists",)),
}


def source(route: Route, param: str):
    before = [part for part in route.route.split(f"<{param}>")[0].split("/") if part and "<" not in part]
    for key in (param, "/".join(before[-2:]), before[-1] if before else ""):
        if key in SOURCES:
            return SOURCES[key]
    raise AssertionError(f"{route.name} ({route.route}): nothing fills <{param}>; add its source to SOURCES")


def urls(route: Route, user, breadth: Breadth) -> list[str]:
    """The route's URLs for this user: each candidate of the first parameter, each of the next one
    within it, and so on (an object with a next parameter is one that has such rows in it)."""
    fillers = [source(route, param) for param in route.params]
    combinations: list[list] = [[]]
    for filler, following in itertools.zip_longest(fillers, fillers[1:]):
        among = following.parents() if getattr(following, "within", "") else None
        combinations = [
            [*chosen, candidate]
            for chosen in combinations
            for candidate in filler.candidates(user, chosen[-1] if chosen else None, breadth, among)
        ]
    return [
        reverse(route.name, kwargs={p: f.value(c) for p, f, c in zip(route.params, fillers, chosen, strict=True)})
        for chosen in combinations
    ]


# A path that matches no pattern at all: the most common 404.
UNKNOWN = Route("no such page", "/no-such-page/", ())

# --- who walks ---

ROLES = ("anonymous", "therapist", "group therapist", "rater", "course leader", "supervisor", "administrator")


def user_for(role: str) -> User | None:
    """The user of the role in the database: the first such user with the role's objects."""
    staff = User.objects.order_by("pk")
    therapists = staff.filter(groups__name=Role.THERAPIST)
    individual = therapists.exclude(treatments=None)
    therapist = individual.filter(therapy_groups=None).first() or individual.first()
    found = {
        "anonymous": None,
        "therapist": therapist,
        "group therapist": therapists.exclude(therapy_groups=None).exclude(pk=therapist.pk).first(),
        "rater": (
            staff.filter(groups__name=Role.RATER).exclude(rating_assignments=None).first()
            or staff.filter(groups__name=Role.RATER).first()
        ),
        "course leader": (
            staff.filter(groups__name=Role.COURSE_LEADER).exclude(courses_led=None).first()
            or staff.filter(groups__name=Role.COURSE_LEADER).exclude(led_studies=None).first()
        ),
        "supervisor": staff.filter(groups__name=Role.SUPERVISOR).first(),
        "administrator": staff.filter(groups__name=Role.ADMINISTRATOR).first(),
    }[role]
    assert role == "anonymous" or found is not None, f"no {role} in the database"
    return found


def new_clinic() -> None:
    """What a clinic has on its first day: staff, a patient with no sessions, a group with no
    members, a group with one member and no sessions, a study with no segments or raters."""
    therapist = make_user("therapist", Role.THERAPIST)
    register_patient(therapist=therapist, name="", language="nb", started_on=timezone.localdate())
    group_therapist = make_user("group_therapist", Role.THERAPIST)
    make_group(group_therapist, name="Ny gruppe")
    add_members(make_group(group_therapist, name="Torsdagsgruppa"), group_therapist, 1)
    make_user("rater", Role.RATER)
    leader = make_user("leader", Role.COURSE_LEADER)
    rating.create_study(name="Kurs", description="", instrument_key="mbt-g-aqs", purpose=Purpose.COURSE, leader=leader)
    make_user("supervisor", Role.SUPERVISOR)
    make_user("administrator", Role.ADMINISTRATOR)


# --- what is checked ---


def refusal_problems(response, route: Route, language: str, user) -> list[str]:
    """Why this refusal is not the site's own (an empty list if it is, or if it is no refusal)."""
    status = response.status_code
    if route.route.startswith("api/"):
        if status < 400 or response["Content-Type"].split(";")[0] in API_TYPES:
            return []
        return [f"{status} in {response['Content-Type']}, not JSON"]
    if status not in REFUSAL:
        return []
    page = response.content.decode()
    if any(bare in page for bare in BARE_DJANGO_PAGES):
        return [f"Django's bare {status} page"]
    header = page.split("</header>")[0]
    expected = {
        f"in {language}": f'<html lang="{language}">' in page,
        "with the site's header": 'class="top"' in header,
        "with the navigation": user is None or "<nav " in header,
        f"with the {language} refusal text": REFUSAL[status][language] in page,
    }
    return [f"{status} not {what}" for what, seen in expected.items() if not seen]


def _where(error: Exception) -> str:
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if "/allianse/" in frame.filename]
    frame = frames[-1] if frames else traceback.extract_tb(error.__traceback__)[-1]
    return f"{type(error).__name__}: {error} at {frame.filename.split('/allianse/')[-1]}:{frame.lineno}"


def requests(user, breadth: Breadth) -> Iterator[tuple[Route, str]]:
    yield UNKNOWN, UNKNOWN.route
    for route in routes():
        for url in urls(route, user, breadth):
            yield route, url


def walk(breadth: Breadth, first_language: int) -> tuple[list[str], dict[str, set[int]]]:
    """Every route as every role (roles alternate between the languages); the problems found, and
    the statuses each route gave to signed-in staff."""
    problems: list[str] = []
    statuses: dict[str, set[int]] = {}
    for index, role in enumerate(ROLES):
        user = user_for(role)
        language = settings.LANGUAGES[(index + first_language) % 2][0]
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        if user is not None:
            sign_in(client, user)
        for route, url in requests(user, breadth):
            who = f"{role} ({language}) GET {url}"
            try:
                response = client.get(url)
            except Exception as error:  # noqa: BLE001 (each crash is reported, then the walk goes on)
                problems.append(f"{who}: {_where(error)}")
                continue
            if response.status_code >= 500:
                problems.append(f"{who}: {response.status_code}")
            problems += [f"{who}: {problem}" for problem in refusal_problems(response, route, language, user)]
            if user is not None:
                statuses.setdefault(route.name, set()).add(response.status_code)
    return problems, statuses


def test_every_page_on_a_new_clinic(db):
    new_clinic()
    problems, statuses = walk(NEW_CLINIC, first_language=0)
    assert not problems, "\n".join(problems)
    assert statuses[UNKNOWN.name] == {404}


def test_every_page_on_the_demo(db):
    call_command("demo", stdout=io.StringIO())
    problems, statuses = walk(DEMO, first_language=1)
    assert not problems, "\n".join(problems)
    assert statuses[UNKNOWN.name] == {404}
    never_shown = [route.name for route in routes() if not statuses.get(route.name, set()) & {200, 302, 405}]
    assert not never_shown, f"no role was shown these pages: {never_shown}"


def test_a_new_patients_page_says_how_to_begin(therapist_client, treatment):
    page_url = reverse("caseload:patient", args=[treatment.patient.public_id])
    link = reverse("caseload:session_new", args=[treatment.public_id])
    for language, text in (
        ("nb", f'Ingen timer ennå. <a href="{link}">Legg til den første timen</a>'),
        ("en", f'No sessions yet. <a href="{link}">Add the first session</a>'),
    ):
        therapist_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = therapist_client.get(page_url)
        assert response.status_code == 200
        assert text in response.content.decode()


def test_bad_request_and_server_error_pages_are_the_sites_own(rf):
    """Pages the walk cannot provoke with a GET: Django's views render our templates, translated."""
    pages = (
        (lambda request: defaults.bad_request(request, None), 400, {"nb": "Ugyldig forespørsel", "en": "Bad request"}),
        (defaults.server_error, 500, {"nb": "Noe gikk galt", "en": "Something went wrong"}),
    )
    for view, status, titles in pages:
        for language, title in titles.items():
            with translation.override(language):
                response = view(rf.get("/"))
            page = response.content.decode()
            assert response.status_code == status
            assert f'<html lang="{language}">' in page and 'class="top"' in page and f"<h1>{title}</h1>" in page
