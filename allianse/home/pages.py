"""What the home page shows, built without the request: one section for each role the user holds.

Everyone lands on this one page, also when they hold a single role, rather than being sent on to
that role's own page: the brand link, the sign-in and the refusal pages all lead here, and the home
gathers what no role's page shows together (needs attention beside the caseload, the progress over
all of a rater's assignments, the clinic's overdue work). The sections, in this order:

- therapist: needs attention and the caseload;
- group therapist (a therapist with a running group): the groups and this week's group sessions;
- supervisor of a group: the groups they supervise, with the signed summaries awaiting a note;
- rater (or anyone asked to rate): the assignments to do, with a draft, and submitted;
- supervisor: the rating studies they lead for supervision;
- course leader: the rating studies they lead for a course, with the consents the segments need;
- a study leader's studies of any other purpose (research, or one whose role they lack);
- course leader, supervisor or participant of a course: each course, its next meeting and the
  user's roles there;
- administrator: active staff per role, overdue work, background tasks that failed lately, the
  administration's pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from allianse.accounts import task_log
from allianse.accounts.models import Role, User
from allianse.caseload.pages import alliance_range, caseload
from allianse.courses.pages import upcoming_courses
from allianse.feedback.models import Administration, Respondent, Response
from allianse.groups.models import GroupSession, TherapyGroup
from allianse.rating import access as rating_access
from allianse.rating import services as rating_services
from allianse.rating.models import Assignment, Purpose, RatingStudy
from allianse.rating.pages import assignments_of
from allianse.ruptures.overview_snapshots import perspective_shares

# A patient check is overdue once its link has expired unanswered (CHECK_LINK_HOURS after it was
# sent); the administrator follows those of the last four weeks, older ones are history.
OVERDUE_WINDOW = timedelta(weeks=4)
# The administrator's counts of overdue work are at most this old.
WORK_COUNTS_MAX_AGE = timedelta(minutes=5)
WORK_COUNTS_KEY = "home:overdue-work"
# The background tasks that failed this past week: each is listed on the tasks page.
FAILED_TASKS_WINDOW = timedelta(days=7)

# The roles whose section lists the rating studies the user leads for one purpose.
STUDY_ROLES = (
    (Role.SUPERVISOR, Purpose.SUPERVISION, _("Supervision"), _("You lead no rating studies for supervision yet.")),
    (Role.COURSE_LEADER, Purpose.COURSE, _("Courses"), _("You lead no rating studies for a course yet.")),
)


@dataclass(frozen=True)
class Section:
    key: str  # the section's template is home/_<key>.html
    data: dict[str, Any]

    @property
    def template(self) -> str:
        return f"home/_{self.key}.html"


@dataclass(frozen=True)
class StudyProgress:
    study: RatingStudy
    segments: int
    assignments: int
    submitted: int
    blocked: int  # segments whose recording's consent no longer holds


def home_context(
    user: User, now: datetime | None = None, *, search: str = "", page: str | None = None
) -> dict[str, Any]:
    """The sections of `user`'s home, and the patients they show (for the audit log); `search` and
    `page` choose the page of the therapist's caseload (needs attention comes before it)."""
    now = now or timezone.now()
    sections: list[Section] = []
    patients = []
    if user.is_therapist:
        treatments = caseload(user, search=search, page=page)
        patients = [treatment.patient for treatment in treatments]
        data = {"treatments": treatments, "search": search, "alliance_range": alliance_range()}
        sections.append(Section("therapist", data))
        groups = group_section(user, timezone.localdate(now))
        sections += [groups] if groups else []
    supervised = supervised_section(user)
    sections += [supervised] if supervised else []
    rater = rater_section(user)
    sections += [rater] if rater else []
    sections += study_sections(user)
    courses = course_section(user, timezone.localdate(now))
    sections += [courses] if courses else []
    if user.is_administrator:
        sections.append(administrator_section(now))
    return {"sections": sections, "patients_shown": patients}


def week_of(day: date) -> tuple[datetime, datetime]:
    """Monday 00:00 to the next Monday 00:00 in the clinic's time zone."""
    monday = day - timedelta(days=day.weekday())
    start, end = (timezone.make_aware(datetime.combine(first, time.min)) for first in (monday, monday + timedelta(7)))
    return start, end


def group_section(user: User, today: date) -> Section | None:
    """The running groups the therapist leads and their sessions this week; none without a group."""
    groups = list(
        TherapyGroup.objects.filter(therapists=user, ended_on__isnull=True)
        .annotate(member_count=Count("memberships", filter=Q(memberships__ended_on__isnull=True)))
        .order_by("name")
    )
    if not groups:
        return None
    start, end = week_of(today)
    sessions = GroupSession.objects.filter(group__in=groups, starts_at__gte=start, starts_at__lt=end)
    return Section(
        "groups", {"groups": groups, "sessions": list(sessions.select_related("group").order_by("starts_at"))}
    )


def supervised_section(user: User) -> Section | None:
    """The groups the user supervises, each with its signed summaries that have no note yet."""
    groups = list(
        TherapyGroup.objects.filter(supervisors__user=user)
        .annotate(
            awaiting=Count(
                "sessions__summary",
                filter=Q(sessions__summary__signed_at__isnull=False, sessions__summary__supervision_notes=None),
                distinct=True,
            )
        )
        .order_by("name")
    )
    return Section("supervised", {"groups": groups}) if groups else None


def rater_section(user: User) -> Section | None:
    """A rater's assignments by state; also shown to anyone asked for a (reference) rating."""
    assignments = list(assignments_of(user))
    if not (assignments or user.has_role(Role.RATER)):
        return None
    done = [assignment for assignment in assignments if assignment.submitted]
    return Section(
        "rater",
        {
            "to_do": [a for a in assignments if not (a.submitted or a.drafted)],
            "drafts": [a for a in assignments if a.drafted and not a.submitted],
            "done": done,
            "submitted": len(done),
            "total": len(assignments),
        },
    )


def led_studies(user: User) -> list[StudyProgress]:
    studies = user.led_studies.annotate(
        segment_count=Count("segments", distinct=True),
        assignment_count=Count("assignments", distinct=True),
        submitted_count=Count("assignments", filter=Q(assignments__ratings__isnull=False), distinct=True),
    ).order_by("name")
    return [
        StudyProgress(
            study=study,
            segments=study.segment_count,
            assignments=study.assignment_count,
            submitted=study.submitted_count,
            blocked=len(rating_services.blocked_segments(study)),
        )
        for study in studies
    ]


def study_sections(user: User) -> list[Section]:
    """One section per leading role the user holds (its purpose's studies, or how to begin), and
    the studies of any other purpose they lead."""
    studies = led_studies(user)
    can_create = rating_access.is_study_leader(user)
    sections = []
    covered = set()
    for role, purpose, title, empty in STUDY_ROLES:
        if user.has_role(role):
            covered.add(purpose)
            chosen = [progress for progress in studies if progress.study.purpose == purpose]
            sections.append(
                Section("studies", {"title": title, "empty": empty, "studies": chosen, "can_create": can_create})
            )
    others = [progress for progress in studies if progress.study.purpose not in covered]
    if others:
        title = _("Other rating studies you lead")
        sections.append(Section("studies", {"title": title, "studies": others, "can_create": can_create}))
    return sections


def course_section(user: User, today: date) -> Section | None:
    """The courses the user leads, supervises or takes part in, with the next meeting and the
    user's roles there; shown to a course leader also before their first course."""
    courses = upcoming_courses(user, today)
    if not (courses or user.has_role(Role.COURSE_LEADER)):
        return None
    return Section("courses", {"courses": courses})


def administrator_section(now: datetime) -> Section:
    active = User.objects.filter(is_active=True, groups__name__in=Role.values)
    counts = dict(active.values_list("groups__name").annotate(count=Count("pk", distinct=True)))
    return Section(
        "administrator",
        {
            "staff": [(label, counts.get(value, 0)) for value, label in Role.choices],
            "therapists": counts.get(Role.THERAPIST, 0),
            **cache.get_or_set(WORK_COUNTS_KEY, lambda: overdue_work(now), WORK_COUNTS_MAX_AGE.total_seconds()),
            "failed_tasks": task_log.failed_since(now - FAILED_TASKS_WINDOW),
            "perspectives": perspective_shares(),
        },
    )


def overdue_work(now: datetime) -> dict[str, int]:
    """The clinic's overdue patient checks and unsubmitted rating assignments. At a health trust's
    size counting them reads tens of thousands of links, so the home keeps the counts for
    `WORK_COUNTS_MAX_AGE` (per web process) rather than counting on every view."""
    expired = Administration.objects.filter(
        respondent=Respondent.PATIENT,
        revoked_at__isnull=True,
        expires_at__lte=now,
        expires_at__gt=now - OVERDUE_WINDOW,
    ).filter(~Exists(Response.objects.filter(administration=OuterRef("pk"))))
    return {
        "expired_checks": expired.count(),
        "pending_assignments": Assignment.objects.filter(ratings__isnull=True).count(),
    }
