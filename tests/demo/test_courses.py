"""The demo's MBT-G course: the seed's 2026 course, with every part of the course in some state."""

from __future__ import annotations

import io

from django.core.management import call_command

from allianse.courses import dossier, services
from allianse.courses.models import Course, MeetingRole, Participant
from allianse.rating import agreement


def test_the_demo_holds_the_seeds_course_in_every_state(db):
    call_command("demo", stdout=io.StringIO())
    course = Course.objects.get()
    meetings = list(course.meetings.order_by("number"))
    assert [f"{meeting.date:%-d/%-m}" for meeting in meetings] == [
        "6/2", "13/3", "17/4", "29/5", "21/8", "2/10", "30/10", "4/12"
    ]  # fmt: skip
    assert meetings[0].role_play_topic == "Temperament og følelser"
    assert [meeting.items for meeting in meetings[2:7]] == [
        ["i10", "i11", "i12"], ["i16", "i15"], ["i08", "i13", "i14"], ["i06", "i07", "i17", "i18"], ["i19"]
    ]  # fmt: skip
    overlaps = services.plan_overlaps(services.day_plan(course))
    assert [(o.minutes, o.confirmed) for o in overlaps] == [(15, False)]

    assert services.enrolled(course).count() == 12 and services.waiting(course).count() == 2
    rota = [services.people_in(meeting, MeetingRole.Role.CO_THERAPIST) for meeting in meetings]
    assert all(len(pair) == 2 for pair in rota)
    assert all(not set(a) & set(b) for a, b in zip(rota, rota[1:], strict=False))
    assert services.enrolled(course).exclude(character_name="").count() == 12

    states = [services.preparation_state(p, 2) for p in services.enrolled(course)]
    assert {state.complete for state in states} == {True, False}
    assert any(state.long_descriptions for state in states)
    assert services.held_meetings(course).count() == 7

    study = meetings[6].scoring_study
    result = agreement.study_agreement(study, "nb")
    assert result.problem is None and len(result.raters) == 10
    met = [sum(r.met for r in dossier.requirements(p)) for p in Participant.objects.filter(status="enrolled")]
    assert len(set(met)) >= 3  # dossiers at different stages
