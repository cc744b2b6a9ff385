"""A participant's readiness for certification as an MBT group therapist: each requirement of the
course, met or not yet, and why. Every check is here, so that a changed rule changes one place.

What the checks read from other apps:
- the group and the certification rule: `groups` (a majority of the current members with a
  borderline diagnosis, `groups.pages.eligibility_of`, docs/methods.md#certification);
- a video shown with consent: `VideoPresentation` rows of this app; one of a recording in
  Allianse counts while `rating.consents.is_blocked` says its consents still hold;
- the self-assessment: a submitted rating (`rating.Rating`) of an assignment of kind
  `Assignment.Kind.SELF` to the participant;
- the scoring exercises: a submitted rating by the participant of every segment they were
  assigned in the study of each meeting that scores a video sequence.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from allianse.groups.pages import eligibility_of, eligibility_reason
from allianse.rating.consents import is_blocked
from allianse.rating.models import Assignment, Rating

from . import services
from .models import Attendance, Participant


@dataclass(frozen=True)
class Requirement:
    key: str
    title: str
    met: bool
    reason: str


def requirements(participant: Participant) -> list[Requirement]:
    return [
        runs_mbt_group(participant),
        certification_rule(participant),
        attendance(participant),
        video_shown(participant),
        preparation(participant),
        self_assessment(participant),
        scoring_exercises(participant),
        supervision(participant),
    ]


def runs_mbt_group(participant: Participant) -> Requirement:
    title = _("Runs a treatment aiming at MBT-G")
    group = participant.group
    if group is None and not participant.group_declaration.strip():
        return Requirement("group", title, False, _("No MBT group is named yet."))
    where = group.name if group is not None else _("a group run elsewhere (declared)")
    if not participant.aims_at_mbt_g:
        reason = _("%(group)s: it is not yet confirmed that the treatment aims at MBT-G.") % {"group": where}
        return Requirement("group", title, False, reason)
    return Requirement("group", title, True, _("%(group)s, aiming at MBT-G.") % {"group": where})


def certification_rule(participant: Participant) -> Requirement:
    title = _("The majority of the group's members have a borderline diagnosis")
    group = participant.group
    if group is None:
        return Requirement(
            "certification", title, False, _("The group is not in Allianse, so its members' diagnoses are not known.")
        )
    memberships = list(group.memberships.select_related("patient").prefetch_related("patient__diagnoses"))
    eligibility = eligibility_of(memberships)
    return Requirement("certification", title, eligibility.eligible, eligibility_reason(eligibility))


def attendance(participant: Participant) -> Requirement:
    course = participant.course
    held = services.held_meetings(course).count()
    present = participant.attendance.filter(status=Attendance.Status.PRESENT).count()
    title = _("Attendance of at least %(threshold)s%% of the meetings") % {"threshold": course.attendance_threshold}
    if not held:
        return Requirement("attendance", title, False, _("No meeting has been held yet."))
    share = round(100 * present / held)
    reason = _("Present at %(present)s of %(held)s meetings held (%(share)s%%).") % {
        "present": present,
        "held": held,
        "share": share,
    }
    return Requirement("attendance", title, share >= course.attendance_threshold, reason)


def video_shown(participant: Participant) -> Requirement:
    title = _("Has shown an excerpt of their own group on video, with consent")
    videos = list(participant.videos.select_related("meeting", "recording"))
    held = [video for video in videos if video.recording is None or not is_blocked(video.recording)]
    if held:
        latest = held[-1]
        reason = _("Shown at meeting %(number)s (%(date)s).") % {
            "number": latest.meeting.number,
            "date": latest.meeting.date.strftime("%d.%m.%Y"),
        }
        return Requirement("video", title, True, reason)
    if videos:
        return Requirement("video", title, False, _("The consent of the video shown no longer holds."))
    return Requirement("video", title, False, _("No video shown yet."))


def preparation(participant: Participant) -> Requirement:
    state = services.preparation_state(participant, participant.course.readings.count())
    title = _("Preparation sent")
    if state.complete:
        return Requirement("preparation", title, True, _("Sent on %(date)s.") % {"date": f"{state.sent_at:%d.%m.%Y}"})
    missing = [
        label
        for label, done in (
            (_("the group and its frame"), state.group_account),
            (_("the patients' descriptions"), state.descriptions > 0),
            (_("the draft case formulation"), state.case_formulation),
            (_("the readings"), state.readings_read == state.readings),
            (_("sending it to the leader"), state.sent_at is not None),
        )
        if not done
    ]
    return Requirement("preparation", title, False, _("Missing: %(parts)s.") % {"parts": ", ".join(missing)})


def self_assessment(participant: Participant) -> Requirement:
    title = _("Self-assessment with the MBT-G scale")
    done = _current_ratings(participant).filter(assignment__kind=Assignment.Kind.SELF).count()
    if done:
        return Requirement("self_assessment", title, True, _("Submitted."))
    return Requirement("self_assessment", title, False, _("No self-assessment submitted yet."))


def scoring_exercises(participant: Participant) -> Requirement:
    title = _("Scoring exercises done")
    meetings = list(participant.course.meetings.filter(scores_video=True).select_related("scoring_study"))
    if not meetings:
        return Requirement("scoring", title, True, _("The course has no scoring exercises."))
    ratings = _current_ratings(participant).filter(assignment__kind=Assignment.Kind.RATER)
    done = 0
    for meeting in meetings:
        study = meeting.scoring_study
        assigned = study.assignments.filter(rater=participant.user, kind=Assignment.Kind.RATER) if study else None
        if (
            assigned is not None
            and assigned.exists()
            and assigned.count() == ratings.filter(assignment__in=assigned).count()
        ):
            done += 1
    reason = ngettext(
        "%(done)s of %(count)s scoring exercise done.", "%(done)s of %(count)s scoring exercises done.", len(meetings)
    ) % {"done": done, "count": len(meetings)}
    return Requirement("scoring", title, done == len(meetings), reason)


def supervision(participant: Participant) -> Requirement:
    title = _("Supervision notes")
    count = participant.supervision_notes.count()
    if not count:
        return Requirement("supervision", title, False, _("No supervision notes yet."))
    reason = ngettext("%(count)s note.", "%(count)s notes.", count) % {"count": count}
    return Requirement("supervision", title, True, reason)


def _current_ratings(participant: Participant):
    return Rating.objects.filter(assignment__rater=participant.user, superseded_by__isnull=True)
