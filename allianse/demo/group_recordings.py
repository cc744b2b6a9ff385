"""Demo of group recordings: two recorded sessions of the dynamic MBT-G group, written consents of
every member (and of both therapists' superiors, which the clinic requires for course use of group
recordings), one member's withdrawal that blocks the later recording and shows why, and a few
segments of the recording whose consents hold.

The segments are titled `SEGMENT_PREFIX` and found with `consented_segments()`, for demo modules
that build rating studies on them.
"""

from __future__ import annotations

from datetime import timedelta

from allianse.groups.models import Attendance, GroupSession, Membership, TherapyGroup
from allianse.rating import consents, services
from allianse.rating.models import Purpose, Segment

from .clinic import DemoContext
from .rating import RECORDING_SECONDS, SEGMENT_SECONDS, scanned_form, store_generated

CONSENTED_TITLE = "Gruppeopptak med samtykke fra alle"
BLOCKED_TITLE = "Gruppeopptak, samtykke trukket"
SEGMENT_PREFIX = "MBT-G-gruppe, sekvens"
SEGMENTS = 3


def consented_segments() -> list[Segment]:
    """The demo's segments of the consented group recording, in order (for rating studies)."""
    return list(
        Segment.objects.filter(recording__title=CONSENTED_TITLE, name__startswith=SEGMENT_PREFIX).order_by(
            "start_seconds"
        )
    )


def build(context: DemoContext) -> None:
    group = TherapyGroup.objects.filter(kind=TherapyGroup.Kind.DYNAMIC).order_by("pk").first()
    if group is None:
        return
    consented, blocked, leaving = _sessions(group)
    given = (context.now - timedelta(days=120)).date()
    therapists = list(group.therapists.order_by("pk"))
    for therapist in therapists:
        stored, content_type = consents.store_form(scanned_form())
        consents.record_consent(
            therapist=therapist,
            superior_name="Avdelingsleder Kari Holm",
            purpose=Purpose.COURSE,
            given_at=given,
            document_reference="Signert skjema i personalmappen",
            by=therapist,
            form_file=stored,
            form_content_type=content_type,
        )
    for membership in group.memberships.select_related("patient"):
        consents.record_member_consent(
            membership=membership,
            purposes=[Purpose.COURSE, Purpose.SUPERVISION],
            given_at=max(given, membership.started_on),
            document_reference=f"Skannet samtykkeskjema i journal, {membership.patient.code}",
            by=therapists[0],
            form=scanned_form(),
        )
    first = store_generated(consented, Purpose.COURSE, seed=21, title=CONSENTED_TITLE, by=therapists[0])
    store_generated(blocked, Purpose.COURSE, seed=22, title=BLOCKED_TITLE, by=therapists[0])
    for n in range(SEGMENTS):
        start = n * SEGMENT_SECONDS + 20
        services.add_segment(
            recording=first,
            name=f"{SEGMENT_PREFIX} {n + 1}",
            start_seconds=start,
            end_seconds=min(start + SEGMENT_SECONDS, RECORDING_SECONDS),
            by=therapists[0],
        )
    consents.withdraw_member_consents(membership=leaving, by=therapists[0])
    context.say(
        f"Group recordings: '{group.name}' sessions {consented.number} and {blocked.number} are recorded"
        f" (the group session pages, section Recordings; consents under 'Consents to recording' on the group page);"
        f" member {leaving.patient.code} withdrew consent, so the recording of session {blocked.number} is blocked."
    )


def _sessions(group: TherapyGroup) -> tuple[GroupSession, GroupSession, Membership]:
    """Two recent sessions and a member present at the later one but not at the earlier one, so
    the member's withdrawal blocks the later recording only."""
    recent = list(group.sessions.order_by("-number")[:12])
    for later in recent:
        present_later = {m.pk: m for m in consents.members_present(later)}
        for earlier in recent:
            if earlier.number >= later.number:
                continue
            present_earlier = set(
                earlier.attendance.filter(status=Attendance.Status.PRESENT).values_list("membership_id", flat=True)
            )
            only_later = [pk for pk in present_later if pk not in present_earlier]
            if only_later and present_earlier:
                return earlier, later, present_later[min(only_later)]
    raise RuntimeError("the demo group has no two sessions with different members present")
