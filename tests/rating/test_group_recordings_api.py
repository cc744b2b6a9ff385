"""The API of group recordings and member consents: the same gate as the pages, refused with 403
and the reasons (member codes) in the user's language; 404 for what the user may not reach."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from allianse.accounts.models import Role
from allianse.rating import consents, services
from allianse.rating.models import Assignment, Purpose, Recording
from tests.api.conftest import signed_in
from tests.conftest import make_user

from .group_recordings import consent, group_with_session, superior_consents, upload


def url(name: str, *args) -> str:
    return reverse(f"v1:recordings-api:{name}", args=args)


@pytest.fixture
def grouped(therapist):
    return group_with_session(therapist, make_user("co", Role.THERAPIST))


@pytest.fixture
def consented_recording(grouped, therapist, wav):
    group, members, group_session = grouped
    for membership in members:
        consent(membership, therapist)
    superior_consents(group)
    return upload(group_session, therapist, wav)


class TestUpload:
    @pytest.mark.parametrize(
        "language, sentence",
        [
            ("en", "Member {code} has no written consent on record for this purpose."),
            ("nb", "Medlem {code} har ikke noe registrert skriftlig samtykke til dette formålet."),
        ],
    )
    def test_without_consent_it_answers_403_naming_the_members(self, grouped, therapist, wav, language, sentence):
        group, members, group_session = grouped
        superior_consents(group)
        consent(members[0], therapist)
        api = signed_in(therapist, HTTP_ACCEPT_LANGUAGE=language)
        response = api.post(
            url("group_recordings", group_session.public_id),
            {"file": SimpleUploadedFile("g.wav", wav), "purpose": "course"},
            format="multipart",
        )
        assert response.status_code == 403
        body = response.json()
        code = members[1].patient.code
        assert body["problems"] == [{"code": "member_missing", "person": code, "message": sentence.format(code=code)}]
        assert sentence.format(code=code) in body["detail"]
        assert not Recording.objects.exists()

    def test_with_every_consent_it_stores_the_recording(self, grouped, therapist, wav):
        group, members, group_session = grouped
        superior_consents(group)
        for membership in members[:2]:
            consent(membership, therapist)
        api = signed_in(therapist, HTTP_ACCEPT_LANGUAGE="en")
        gates = api.get(url("group_recordings", group_session.public_id)).json()["gates"]
        assert {gate["purpose"]: gate["allowed"] for gate in gates} == {
            "supervision": False,
            "course": True,
            "research": False,
        }
        response = api.post(
            url("group_recordings", group_session.public_id),
            {"file": SimpleUploadedFile("g.wav", wav), "purpose": "course", "title": "API"},
            format="multipart",
        )
        assert response.status_code == 201 and response.json()["problems"] == []
        assert Recording.objects.get().group_session == group_session

    def test_another_therapist_does_not_find_the_session_and_a_rater_is_refused(self, grouped, other_therapist):
        path = url("group_recordings", grouped[2].public_id)
        assert signed_in(other_therapist).get(path).status_code == 404
        assert signed_in(make_user("rater", Role.RATER)).get(path).status_code == 403


class TestAfterWithdrawal:
    def test_a_segment_is_refused_with_the_reasons(self, consented_recording, grouped, therapist):
        api = signed_in(therapist, HTTP_ACCEPT_LANGUAGE="en")
        path = url("segments", consented_recording.public_id)
        assert api.post(path, {"start_seconds": 0, "end_seconds": 5}, format="json").status_code == 201
        member = grouped[1][1]
        consents.withdraw_member_consents(membership=member, by=therapist)
        response = api.post(path, {"start_seconds": 5, "end_seconds": 10}, format="json")
        assert response.status_code == 403
        assert response.json()["problems"][0] == {
            "code": "member_withdrawn",
            "person": member.patient.code,
            "message": f"Member {member.patient.code} has withdrawn their consent for this purpose.",
        }
        assert api.get(url("recording", consented_recording.public_id)).json()["problems"][0]["code"] == (
            "member_withdrawn"
        )

    def test_an_assignment_is_refused_with_the_reasons(self, consented_recording, grouped, therapist, leader, rater):
        segment = services.add_segment(recording=consented_recording, start_seconds=0, end_seconds=5, by=therapist)
        study = services.create_study(
            name="S", description="", instrument_key="mbt-g-aqs", purpose=Purpose.COURSE, leader=leader
        )
        services.add_to_study(study=study, segment=segment)
        api = signed_in(leader, HTTP_ACCEPT_LANGUAGE="en")
        body = {"segments": [str(segment.public_id)], "raters": [str(rater.public_id)], "kind": "rater"}
        assert api.post(url("assignments", study.public_id), body, format="json").status_code == 201
        consents.withdraw_member_consents(membership=grouped[1][0], by=therapist)
        Assignment.objects.all().delete()
        response = api.post(url("assignments", study.public_id), body, format="json")
        assert response.status_code == 403 and response.json()["problems"][0]["code"] == "member_withdrawn"
        assert not Assignment.objects.exists()
        assert signed_in(rater).post(url("assignments", study.public_id), body, format="json").status_code == 404

    def test_the_rater_sees_the_mark_on_their_assignment(self, consented_recording, grouped, therapist, leader, rater):
        segment = services.add_segment(recording=consented_recording, start_seconds=0, end_seconds=5, by=therapist)
        study = services.create_study(
            name="S", description="", instrument_key="mbt-g-aqs", purpose=Purpose.COURSE, leader=leader
        )
        services.add_to_study(study=study, segment=segment)
        services.assign(study=study, segments=[segment], raters=[rater], kind="rater", by=leader)
        api = signed_in(rater)
        assignments = reverse("v1:rating-api:assignments")
        assert api.get(assignments).json()["results"][0]["consent_withdrawn"] is False
        consents.withdraw_member_consents(membership=grouped[1][0], by=therapist)
        assert api.get(assignments).json()["results"][0]["consent_withdrawn"] is True

    def test_the_file_is_deleted(self, consented_recording, therapist, other_therapist):
        assert signed_in(other_therapist).delete(url("file", consented_recording.public_id)).status_code == 404
        assert signed_in(therapist).delete(url("file", consented_recording.public_id)).status_code == 204
        assert not consented_recording.path.exists()
        assert Recording.objects.get().file_deleted


class TestMemberConsents:
    def test_record_list_and_withdraw(self, grouped, therapist):
        group, members, _session = grouped
        api = signed_in(therapist, HTTP_ACCEPT_LANGUAGE="en")
        body = {
            "membership": str(members[0].public_id),
            "purposes": ["course", "research"],
            "given_at": timezone.localdate().isoformat(),
            "document_reference": "journal",
        }
        created = api.post(url("group_consents", group.public_id), body, format="json")
        assert created.status_code == 201 and len(created.json()) == 2
        listed = {row["code"]: row for row in api.get(url("group_consents", group.public_id)).json()}
        assert len(listed[members[0].patient.code]["consents"]) == 2
        assert listed[members[1].patient.code]["consents"] == []
        withdrawn = api.post(url("member_withdraw", members[0].public_id))
        assert withdrawn.status_code == 200 and all(row["withdrawn_at"] for row in withdrawn.json())

    def test_a_member_of_another_group_is_refused(self, grouped, therapist):
        from tests.groups.conftest import add_members, make_group

        other = add_members(make_group(therapist, name="Other"), therapist, 1)[0]
        body = {
            "membership": str(other.public_id),
            "purposes": ["course"],
            "given_at": timezone.localdate().isoformat(),
            "document_reference": "journal",
        }
        response = signed_in(therapist).post(url("group_consents", grouped[0].public_id), body, format="json")
        assert response.status_code == 400 and "membership" in response.json()

    def test_others_are_refused(self, grouped, other_therapist, administrator):
        group, members, _session = grouped
        assert signed_in(administrator).get(url("group_consents", group.public_id)).status_code == 200
        assert signed_in(other_therapist).get(url("group_consents", group.public_id)).status_code == 404
        assert signed_in(other_therapist).post(url("member_withdraw", members[0].public_id)).status_code == 404
        assert signed_in(make_user("rater", Role.RATER)).get(url("group_consents", group.public_id)).status_code == 403
