"""Builders for the tests of group recordings: a group of three members led by `therapist` and a
co-therapist, a session where two are present and one is absent, and the members' consents."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from allianse.rating import consents, services
from allianse.rating.models import Purpose
from tests.groups.conftest import add_members, add_session, make_group

SECONDS = 20


def group_with_session(therapist, co_therapist):
    """The group, its three members, and a session where members 0 and 1 are present, 2 absent."""
    group = make_group(therapist, co_therapist)
    members = add_members(group, therapist, 3)
    session = add_session(group, members, absent=[members[2]])
    return group, members, session


def consent(membership, by, purposes=(Purpose.COURSE,)):
    return consents.record_member_consent(
        membership=membership,
        purposes=list(purposes),
        given_at=timezone.localdate(),
        document_reference="signed form in the journal",
        by=by,
    )


def superior_consents(group, purpose=Purpose.COURSE):
    for therapist in group.therapists.all():
        consents.record_consent(
            therapist=therapist,
            superior_name="Head of unit",
            purpose=purpose,
            given_at=timezone.localdate(),
            document_reference="staff file",
            by=therapist,
        )


def upload(session, by, data: bytes, purpose: str = Purpose.COURSE):
    file = SimpleUploadedFile("group.wav", data)
    return services.store_recording(
        session=session,
        name="group.wav",
        head=data[:64],
        size=len(data),
        chunks=file.chunks(),
        purpose=purpose,
        title="Group session",
        duration_seconds=SECONDS,
        by=by,
    )
