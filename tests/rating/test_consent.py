import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from allianse.rating import services
from allianse.rating.models import ConsentRecord, Purpose
from tests.conftest import sign_in

from .conftest import full_answers, upload


def test_a_recording_cannot_be_stored_without_written_consent(session, therapist, wav):
    with pytest.raises(services.ConsentMissing) as missing:
        upload(session, therapist, wav)
    assert [problem.code for problem in missing.value.problems] == ["patient_missing"]


def test_consent_for_one_purpose_does_not_cover_another(consent, session, therapist, wav):
    with pytest.raises(services.ConsentMissing):
        upload(session, therapist, wav, purpose=Purpose.RESEARCH)


def test_a_consent_dated_in_the_future_is_not_yet_valid(session, therapist, wav):
    services.record_consent(
        patient=session.treatment.patient,
        purpose=Purpose.COURSE,
        given_at=timezone.localdate() + timezone.timedelta(days=3),
        document_reference="form",
        by=therapist,
    )
    with pytest.raises(services.ConsentMissing):
        upload(session, therapist, wav)


def test_the_upload_page_says_whose_consent_is_missing(therapist_client, session, wav):
    url = reverse("rating:session_recordings", args=[session.public_id])
    response = therapist_client.post(url, {"file": SimpleUploadedFile("s.wav", wav), "purpose": "course"})
    code = session.treatment.patient.code
    assert response.status_code == 400
    assert f"Patient {code} has no written consent on record for this purpose." in response.content.decode()


def test_the_superior_must_consent_where_the_clinic_requires_it(consent, session, therapist, wav, settings):
    settings.RECORDING_REQUIRES_SUPERIOR_CONSENT = True
    with pytest.raises(services.ConsentMissing) as missing:
        upload(session, therapist, wav)
    assert [problem.code for problem in missing.value.problems] == ["superior_missing"]
    services.record_consent(
        therapist=therapist,
        superior_name="Head of unit",
        purpose=Purpose.COURSE,
        given_at=timezone.localdate(),
        document_reference="letter",
        by=therapist,
    )
    assert upload(session, therapist, wav).pk


class TestWithdrawal:
    def test_it_blocks_playback_at_once(self, therapist_client, consent, recording, therapist):
        services.withdraw_consent(consent=consent, by=therapist)
        url = reverse("rating:stream", args=[recording.public_id])
        assert therapist_client.get(url, HTTP_RANGE="bytes=0-9").status_code == 403

    def test_it_blocks_rating_and_keeps_the_draft(self, rater_client, consent, assignment, therapist):
        rater_client.post(reverse("rating:rate", args=[assignment.public_id]), {**full_answers(), "action": "draft"})
        services.withdraw_consent(consent=consent, by=therapist)
        response = rater_client.post(
            reverse("rating:rate", args=[assignment.public_id]), {**full_answers(), "action": "submit"}
        )
        assert response.status_code == 403 and "A consent has been withdrawn." in response.content.decode()
        assert not assignment.ratings.exists() and assignment.draft.answers

    def test_it_blocks_new_assignments(self, consent, study, segment, rater, leader, therapist):
        services.withdraw_consent(consent=consent, by=therapist)
        with pytest.raises(services.ConsentMissing):
            services.assign(study=study, segments=[segment], raters=[rater], kind="rater", by=leader)

    def test_it_lists_where_the_recording_was_used(self, therapist_client, consent, assignment, study, segment):
        url = reverse("rating:consent", args=[consent.public_id])
        response = therapist_client.post(url)
        assert response.status_code == 302
        consent.refresh_from_db()
        assert consent.withdrawn_at is not None
        page = therapist_client.get(url).content.decode()
        assert segment.name in page and study.name in page
        assert "2 assignments to raters" in page

    def test_the_usage_counts_segments_assignments_and_ratings(self, consent, assignments, recording, segment, study):
        usage = services.consent_usage(consent)
        assert usage.recordings == [recording] and usage.segments == [segment] and usage.studies == [study]
        assert (usage.assignments, usage.ratings) == (2, 0)

    def test_a_withdrawn_consent_is_not_withdrawn_twice(self, consent, therapist, administrator):
        services.withdraw_consent(consent=consent, by=therapist)
        first = ConsentRecord.objects.get(pk=consent.pk).withdrawn_at
        services.withdraw_consent(consent=consent, by=administrator)
        assert ConsentRecord.objects.get(pk=consent.pk).withdrawn_at == first


class TestConsentPages:
    def test_the_therapist_records_a_consent(self, therapist_client, session):
        patient = session.treatment.patient
        url = reverse("rating:patient_consents", args=[patient.public_id])
        data = {"purpose": "supervision", "given_at": "2026-01-10", "document_reference": "journal"}
        assert therapist_client.post(url, data).status_code == 302
        assert patient.consents.get().purpose == "supervision"

    def test_it_refuses_other_therapists(self, outsider_client, session, consent):
        patient = session.treatment.patient
        assert outsider_client.get(reverse("rating:patient_consents", args=[patient.public_id])).status_code == 403
        assert outsider_client.post(reverse("rating:consent", args=[consent.public_id])).status_code == 403
        consent.refresh_from_db()
        assert consent.withdrawn_at is None

    def test_an_administrator_may_keep_consents(self, client, administrator, session):
        sign_in(client, administrator)
        url = reverse("rating:patient_consents", args=[session.treatment.patient.public_id])
        assert client.get(url).status_code == 200
