"""Recordings of group sessions: the consent gate covers every member present (and, where the
clinic requires it, each group therapist's superior) for upload, segments, playback and
assignments; a member's withdrawal stops all four, keeps and marks the ratings; deleting the file."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from allianse.accounts.models import AuditEvent, Role
from allianse.groups import services as group_services
from allianse.rating import consents, media, services
from allianse.rating.consents import ConsentMissing, ConsentProblem
from allianse.rating.models import Assignment, Purpose, Rating, RatingSettings, Recording
from tests.conftest import make_user, sign_in
from tests.groups.conftest import add_session

from .conftest import full_answers
from .group_recordings import consent, group_with_session, superior_consents, upload


@pytest.fixture
def co_therapist(db):
    return make_user("co", Role.THERAPIST)


@pytest.fixture
def grouped(therapist, co_therapist):
    return group_with_session(therapist, co_therapist)


@pytest.fixture
def group(grouped):
    return grouped[0]


@pytest.fixture
def members(grouped):
    return grouped[1]


@pytest.fixture
def group_session(grouped):
    return grouped[2]


@pytest.fixture
def consented(group, members, therapist):
    """Every member (the absent one too) and both superiors consent to course use."""
    for membership in members:
        consent(membership, therapist)
    superior_consents(group)
    return members


@pytest.fixture
def group_recording(consented, group_session, therapist, wav):
    return upload(group_session, therapist, wav)


@pytest.fixture
def group_segment(group_recording, therapist):
    return services.add_segment(
        recording=group_recording, name="Opening", start_seconds=2, end_seconds=12, by=therapist
    )


@pytest.fixture
def group_study(leader, group_segment):
    study = services.create_study(
        name="Group course", description="", instrument_key="mbt-g-aqs", purpose=Purpose.COURSE, leader=leader
    )
    services.add_to_study(study=study, segment=group_segment)
    return study


def missing(membership) -> ConsentProblem:
    return ConsentProblem("member_missing", membership.patient.code)


def withdrawn(membership) -> ConsentProblem:
    return ConsentProblem("member_withdrawn", membership.patient.code)


PRESENT = [0, 1]


def audited_patients(detail: str) -> set[int]:
    """The patients the events with this detail concern: each event's patient or set of patients."""
    found = set()
    for event in AuditEvent.objects.filter(detail=detail).select_related("patient_set"):
        if event.patient_id is not None:
            found.add(event.patient_id)
        if event.patient_set is not None:
            found |= set(event.patient_set.patients.values_list("pk", flat=True))
    return found


class TestUploadGate:
    @pytest.mark.parametrize("index", PRESENT)
    def test_each_present_member_without_consent_refuses_the_upload(
        self, group, members, group_session, therapist, wav, settings, index
    ):
        superior_consents(group)
        for other in members:
            if other is not members[index]:
                consent(other, therapist)
        with pytest.raises(ConsentMissing) as refusal:
            upload(group_session, therapist, wav)
        assert refusal.value.problems == [missing(members[index])]
        assert not Recording.objects.exists()
        assert not list((settings.MEDIA_ROOT / "recordings").glob("*"))

    def test_every_present_member_consenting_lets_it_in_and_the_absent_one_is_not_asked(
        self, group, members, group_session, therapist, wav
    ):
        superior_consents(group)
        consent(members[0], therapist)
        consent(members[1], therapist)  # members[2] was absent and has no consent
        recording = upload(group_session, therapist, wav)
        assert recording.group_session == group_session and recording.session is None
        assert recording.path.read_bytes() == wav

    def test_a_member_who_joined_after_the_session_is_not_asked(self, group, consented, group_session, therapist, wav):
        group_services.add_member(group=group, by=therapist, started_on=timezone.localdate(), description="New")
        assert upload(group_session, therapist, wav).pk

    def test_a_member_who_joined_later_needs_their_own_consent_for_the_sessions_they_attend(
        self, group, consented, therapist, wav
    ):
        newcomer = group_services.add_member(
            group=group, by=therapist, started_on=timezone.localdate(), description="New"
        )
        later = add_session(group, [*consented, newcomer])
        with pytest.raises(ConsentMissing) as refusal:
            upload(later, therapist, wav)
        assert refusal.value.problems == [missing(newcomer)]
        consent(newcomer, therapist)
        assert upload(later, therapist, wav).pk

    def test_a_consent_for_another_purpose_does_not_count(self, group, members, group_session, therapist, wav):
        for membership in members:
            consent(membership, therapist, purposes=[Purpose.RESEARCH])
        superior_consents(group)
        with pytest.raises(ConsentMissing) as refusal:
            upload(group_session, therapist, wav)
        assert set(refusal.value.problems) == {missing(members[0]), missing(members[1])}


class TestSuperiorRule:
    def test_course_use_needs_each_group_therapists_superior_by_default(
        self, members, group_session, therapist, co_therapist, wav
    ):
        for membership in members:
            consent(membership, therapist)
        with pytest.raises(ConsentMissing) as refusal:
            upload(group_session, therapist, wav)
        assert {problem.code for problem in refusal.value.problems} == {"superior_missing"}
        assert {problem.person for problem in refusal.value.problems} == {
            therapist.display_name,
            co_therapist.display_name,
        }

    def test_supervision_needs_no_superior_by_default(self, members, group_session, therapist, wav):
        for membership in members:
            consent(membership, therapist, purposes=[Purpose.SUPERVISION])
        assert upload(group_session, therapist, wav, purpose=Purpose.SUPERVISION).pk

    def test_the_clinic_can_drop_the_rule(self, members, group_session, therapist, wav):
        RatingSettings(pk=1, group_superior_purposes=[]).save()
        for membership in members:
            consent(membership, therapist)
        assert upload(group_session, therapist, wav).pk

    def test_individual_sessions_keep_their_own_rule(self, session, therapist, wav):
        consents.record_consent(
            patient=session.treatment.patient,
            purpose=Purpose.COURSE,
            given_at=timezone.localdate(),
            document_reference="journal",
            by=therapist,
        )
        from .conftest import upload as upload_individual

        assert upload_individual(session, therapist, wav).pk


class TestWithdrawal:
    @pytest.mark.parametrize("index", PRESENT)
    def test_a_new_segment_is_refused(self, group_recording, members, therapist, index):
        services.add_segment(recording=group_recording, start_seconds=0, end_seconds=5, by=therapist)
        consents.withdraw_member_consents(membership=members[index], by=therapist)
        with pytest.raises(ConsentMissing) as refusal:
            services.add_segment(recording=group_recording, start_seconds=5, end_seconds=10, by=therapist)
        assert refusal.value.problems == [withdrawn(members[index])]

    def test_the_absent_members_withdrawal_changes_nothing(self, group_recording, members, therapist):
        consents.withdraw_member_consents(membership=members[2], by=therapist)
        assert not consents.is_blocked(group_recording)
        assert services.add_segment(recording=group_recording, start_seconds=0, end_seconds=5, by=therapist).pk

    @pytest.mark.parametrize("index", PRESENT)
    def test_a_new_assignment_is_refused(self, group_study, group_segment, members, rater, second_rater, leader, index):
        services.assign(study=group_study, segments=[group_segment], raters=[rater], kind="rater", by=leader)
        consents.withdraw_member_consents(membership=members[index], by=leader)
        with pytest.raises(ConsentMissing) as refusal:
            services.assign(study=group_study, segments=[group_segment], raters=[second_rater], kind="rater", by=leader)
        assert refusal.value.problems == [withdrawn(members[index])]
        assert not Assignment.objects.filter(rater=second_rater).exists()

    @pytest.mark.parametrize("index", PRESENT)
    def test_playback_stops(self, client, group_recording, group_segment, members, therapist, index):
        sign_in(client, therapist)
        stream = reverse("rating:stream", args=[group_recording.public_id])
        assert client.get(stream).status_code == 200
        consents.withdraw_member_consents(membership=members[index], by=therapist)
        assert client.get(stream).status_code == 403
        assert client.get(reverse("rating:segment_stream", args=[group_segment.public_id])).status_code == 403

    def test_the_rater_is_refused_without_being_told_who(self, client, group_study, group_segment, members, rater):
        (assignment,) = services.assign(
            study=group_study, segments=[group_segment], raters=[rater], kind="rater", by=group_study.leader
        )
        consents.withdraw_member_consents(membership=members[1], by=group_study.leader)
        sign_in(client, rater)
        assert client.get(reverse("rating:segment_stream", args=[group_segment.public_id])).status_code == 403
        page = client.get(reverse("rating:rate", args=[assignment.public_id]))
        assert page.status_code == 403
        assert "A consent has been withdrawn." in page.content.decode()
        assert members[1].patient.code not in page.content.decode()

    def test_ratings_are_kept_and_marked(self, client, group_study, group_segment, members, rater, leader):
        (assignment,) = services.assign(
            study=group_study, segments=[group_segment], raters=[rater], kind="rater", by=leader
        )
        rating = services.submit_rating(
            assignment=assignment, entered=services.RatingInput(answers=full_answers(4)), by=rater
        ).rating
        sign_in(client, leader)
        assert "consent withdrawn" not in client.get(reverse("rating:rating", args=[rating.public_id])).content.decode()
        consents.withdraw_member_consents(membership=members[0], by=leader)
        assert Rating.objects.filter(pk=rating.pk).exists()
        assert consents.is_withdrawn(group_segment.recording)
        assert "consent withdrawn" in client.get(reverse("rating:rating", args=[rating.public_id])).content.decode()
        assert "consent withdrawn" in client.get(reverse("rating:study", args=[group_study.public_id])).content.decode()

    def test_the_withdrawal_page_withdraws_every_purpose_and_is_audited(self, client, members, therapist):
        consent(members[0], therapist, purposes=[Purpose.COURSE, Purpose.RESEARCH])
        sign_in(client, therapist)
        response = client.post(reverse("rating:member_withdraw", args=[members[0].public_id]))
        assert response.status_code == 302
        assert not members[0].consents.filter(withdrawn_at__isnull=True).exists()
        event = AuditEvent.objects.get(detail__startswith="member consent withdrawn")
        assert event.action == AuditEvent.Action.UPDATE and event.patient == members[0].patient
        assert set(event.detail.removeprefix("member consent withdrawn: ").split(",")) == {"course", "research"}

    def test_a_new_consent_after_a_withdrawal_opens_the_recording_again(self, group_recording, members, therapist):
        consents.withdraw_member_consents(membership=members[0], by=therapist)
        assert consents.is_withdrawn(group_recording)
        consent(members[0], therapist)
        assert not consents.is_blocked(group_recording)


class TestFileDeletion:
    def test_deleting_removes_the_recording_and_its_cut_segments_and_keeps_the_rows(
        self, client, group_study, group_segment, group_recording, members, rater, therapist
    ):
        if media.ffmpeg_executable() is None:
            pytest.fail("the imageio-ffmpeg wheel ships ffmpeg for this platform; it is needed here")
        (assignment,) = services.assign(
            study=group_study, segments=[group_segment], raters=[rater], kind="rater", by=group_study.leader
        )
        services.submit_rating(assignment=assignment, entered=services.RatingInput(answers=full_answers(4)), by=rater)
        cut = services.segment_file(group_segment).path
        assert cut.exists() and group_recording.path.exists()
        consents.withdraw_member_consents(membership=members[0], by=therapist)
        sign_in(client, therapist)
        response = client.post(reverse("rating:recording_delete_file", args=[group_recording.public_id]))
        assert response.status_code == 302
        assert not cut.exists() and not group_recording.path.exists()
        recording = Recording.objects.get(pk=group_recording.pk)
        assert recording.file_deleted and recording.file_deleted_by == therapist
        assert Rating.objects.filter(assignment=assignment).exists()
        assert not list(recording.path.parent.glob("*"))
        page = client.get(reverse("rating:recording", args=[recording.public_id])).content.decode()
        assert "The file is deleted" in page
        assert audited_patients("recording file deleted") == {members[0].patient_id, members[1].patient_id}

    def test_a_deleted_file_is_gone_and_no_segment_is_cut_from_it(self, client, group_recording, therapist):
        services.delete_recording_file(recording=group_recording, by=therapist)
        sign_in(client, therapist)
        assert client.get(reverse("rating:stream", args=[group_recording.public_id])).status_code == 410
        with pytest.raises(services.SegmentProblem):
            services.add_segment(recording=group_recording, start_seconds=0, end_seconds=5, by=therapist)

    def test_only_the_recordings_therapists_delete_it(self, client, group_recording, other_therapist):
        sign_in(client, other_therapist)
        response = client.post(reverse("rating:recording_delete_file", args=[group_recording.public_id]))
        assert response.status_code == 404
        assert group_recording.path.exists()


class TestAccess:
    def test_the_groups_therapists_manage_and_play_the_recording_and_others_do_not_find_it(
        self, client, group_recording, co_therapist, other_therapist
    ):
        sign_in(client, co_therapist)
        assert client.get(reverse("rating:recording", args=[group_recording.public_id])).status_code == 200
        assert client.get(reverse("rating:stream", args=[group_recording.public_id])).status_code == 200
        sign_in(client, other_therapist)
        assert client.get(reverse("rating:recording", args=[group_recording.public_id])).status_code == 404
        assert client.get(reverse("rating:stream", args=[group_recording.public_id])).status_code == 404

    def test_the_recording_page_and_playback_are_audited_for_each_member_present(
        self, client, group_recording, members, therapist
    ):
        sign_in(client, therapist)
        client.get(reverse("rating:stream", args=[group_recording.public_id]))
        assert audited_patients("played") == {members[0].patient_id, members[1].patient_id}

    def test_a_consent_record_tells_only_one_kind(self, members, therapist):
        from django.db import IntegrityError, transaction

        from allianse.rating.models import ConsentRecord

        with pytest.raises(IntegrityError), transaction.atomic():
            ConsentRecord.objects.create(
                kind="member",
                membership=members[0],
                patient=members[0].patient,
                purpose=Purpose.COURSE,
                given_at=timezone.localdate(),
                document_reference="x",
                recorded_by=therapist,
            )

    def test_a_recording_belongs_to_exactly_one_session(self, group_recording, session):
        from django.db import IntegrityError, transaction

        with pytest.raises(IntegrityError), transaction.atomic():
            Recording.objects.filter(pk=group_recording.pk).update(session=session)
        with pytest.raises(IntegrityError), transaction.atomic():
            Recording.objects.filter(pk=group_recording.pk).update(group_session=None)


def test_a_supervisor_of_the_group_watches_its_recordings_and_segments_but_changes_nothing(
    group, group_recording, group_segment, therapist, client
):
    from allianse.groups import supervision

    supervisor = make_user("veileder", Role.SUPERVISOR)
    stranger = make_user("annen-veileder", Role.SUPERVISOR)
    supervision.add_supervisor(group=group, user=supervisor, by=therapist, sees_case_formulations=False)
    sign_in(client, supervisor)
    page = client.get(reverse("groups:supervision", args=[group.public_id])).content.decode()
    assert reverse("rating:recording", args=[group_recording.public_id]) in page
    recording_page = client.get(reverse("rating:recording", args=[group_recording.public_id]))
    assert recording_page.status_code == 200
    assert "Legg til tidsavsnittet" not in recording_page.content.decode()  # no segment form for a supervisor
    assert client.get(reverse("rating:stream", args=[group_recording.public_id])).status_code == 200
    assert client.get(reverse("rating:segment_stream", args=[group_segment.public_id])).status_code == 200
    added = client.post(reverse("rating:recording", args=[group_recording.public_id]), {"name": "x"})
    assert added.status_code == 404
    sign_in(client, stranger)
    assert client.get(reverse("rating:recording", args=[group_recording.public_id])).status_code == 404
    assert client.get(reverse("rating:stream", args=[group_recording.public_id])).status_code == 404
