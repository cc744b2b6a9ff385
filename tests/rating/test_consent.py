from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from allianse.rating import consents, services
from allianse.rating.models import ConsentRecord, Purpose
from tests.conftest import sign_in

from .conftest import full_answers, upload


def test_a_recording_cannot_be_stored_without_written_consent(session, therapist, wav):
    with pytest.raises(consents.ConsentMissing) as missing:
        upload(session, therapist, wav)
    assert [problem.code for problem in missing.value.problems] == ["patient_missing"]


def test_consent_for_one_purpose_does_not_cover_another(consent, session, therapist, wav):
    with pytest.raises(consents.ConsentMissing):
        upload(session, therapist, wav, purpose=Purpose.RESEARCH)


def test_a_consent_dated_in_the_future_is_not_yet_valid(session, therapist, wav):
    consents.record_consent(
        patient=session.treatment.patient,
        purpose=Purpose.COURSE,
        given_at=timezone.localdate() + timezone.timedelta(days=3),
        document_reference="form",
        by=therapist,
    )
    with pytest.raises(consents.ConsentMissing):
        upload(session, therapist, wav)


def test_the_upload_page_says_whose_consent_is_missing(therapist_client, session, wav):
    url = reverse("rating:session_recordings", args=[session.public_id])
    response = therapist_client.post(url, {"file": SimpleUploadedFile("s.wav", wav), "purpose": "course"})
    code = session.treatment.patient.code
    assert response.status_code == 400
    assert f"Patient {code} has no written consent on record for this purpose." in response.content.decode()


def test_the_superior_must_consent_where_the_clinic_requires_it(consent, session, therapist, wav, settings):
    settings.RECORDING_REQUIRES_SUPERIOR_CONSENT = True
    with pytest.raises(consents.ConsentMissing) as missing:
        upload(session, therapist, wav)
    assert [problem.code for problem in missing.value.problems] == ["superior_missing"]
    consents.record_consent(
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
        consents.withdraw_consent(consent=consent, by=therapist)
        url = reverse("rating:stream", args=[recording.public_id])
        assert therapist_client.get(url, HTTP_RANGE="bytes=0-9").status_code == 403

    def test_it_blocks_rating_and_keeps_the_draft(self, rater_client, consent, assignment, therapist):
        rater_client.post(reverse("rating:rate", args=[assignment.public_id]), {**full_answers(), "action": "draft"})
        consents.withdraw_consent(consent=consent, by=therapist)
        response = rater_client.post(
            reverse("rating:rate", args=[assignment.public_id]), {**full_answers(), "action": "submit"}
        )
        assert response.status_code == 403 and "A consent has been withdrawn." in response.content.decode()
        assert not assignment.ratings.exists() and assignment.draft.answers

    def test_it_blocks_new_assignments(self, consent, study, segment, rater, leader, therapist):
        consents.withdraw_consent(consent=consent, by=therapist)
        with pytest.raises(consents.ConsentMissing):
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
        usage = consents.consent_usage(consent)
        assert usage.recordings == [recording] and usage.segments == [segment] and usage.studies == [study]
        assert (usage.assignments, usage.ratings) == (2, 0)

    def test_a_withdrawn_consent_is_not_withdrawn_twice(self, consent, therapist, administrator):
        consents.withdraw_consent(consent=consent, by=therapist)
        first = ConsentRecord.objects.get(pk=consent.pk).withdrawn_at
        consents.withdraw_consent(consent=consent, by=administrator)
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
        assert outsider_client.get(reverse("rating:patient_consents", args=[patient.public_id])).status_code == 404
        assert outsider_client.post(reverse("rating:consent", args=[consent.public_id])).status_code == 404
        consent.refresh_from_db()
        assert consent.withdrawn_at is None

    def test_an_administrator_may_keep_consents(self, client, administrator, session, consent):
        sign_in(client, administrator)
        patient = session.treatment.patient
        url = reverse("rating:patient_consents", args=[patient.public_id])
        page = client.get(url)
        assert page.status_code == 200 and "journal note 2026-02-01" in page.content.decode()
        data = {"purpose": "research", "given_at": "2026-03-02", "document_reference": "signed form 17"}
        assert client.post(url, data).status_code == 302
        stored = patient.consents.get(purpose="research")
        assert (stored.given_at.isoformat(), stored.document_reference) == ("2026-03-02", "signed form 17")
        assert stored.recorded_by == administrator
        assert "signed form 17" in client.get(url).content.decode()


class TestSuperiorConsents:
    URL = reverse_lazy("rating:superior_consents")
    DATA = {"superior_name": "Head of unit", "purpose": "course", "given_at": "2026-01-15", "document_reference": "L-4"}

    def test_a_therapist_records_their_superiors_consent(self, therapist_client, therapist, settings):
        settings.RECORDING_REQUIRES_SUPERIOR_CONSENT = True
        page = therapist_client.get(self.URL).content.decode()
        assert "This clinic requires your superior's written consent" in page
        assert "No consents on record." in page
        assert therapist_client.post(self.URL, self.DATA).status_code == 302
        stored = ConsentRecord.objects.get()
        assert (stored.therapist, stored.patient, stored.superior_name) == (therapist, None, "Head of unit")
        assert (stored.purpose, stored.document_reference, stored.recorded_by) == ("course", "L-4", therapist)
        page = therapist_client.get(self.URL).content.decode()
        assert "Head of unit" in page and "L-4" in page

    def test_another_therapist_neither_sees_nor_opens_it(self, client, therapist, other_therapist):
        record = consents.record_consent(
            therapist=therapist, by=therapist, **{**self.DATA, "given_at": date(2026, 1, 15)}
        )
        sign_in(client, other_therapist)
        page = client.get(self.URL).content.decode()
        assert "Head of unit" not in page and "No consents on record." in page
        assert client.get(reverse("rating:consent", args=[record.public_id])).status_code == 404
        assert client.post(reverse("rating:consent", args=[record.public_id])).status_code == 404
        record.refresh_from_db()
        assert record.withdrawn_at is None

    def test_it_needs_a_verified_sign_in(self, client, therapist):
        assert client.post(self.URL, self.DATA)["Location"].startswith(reverse("accounts:login"))
        client.force_login(therapist)
        assert client.post(self.URL, self.DATA)["Location"] == reverse("accounts:two_factor")
        assert not ConsentRecord.objects.exists()


@pytest.mark.parametrize("language, course, research", [("nb", "kurs", "forskning"), ("en", "course", "research")])
def test_a_purpose_whose_consent_was_withdrawn_is_not_offered_for_upload(
    therapist_client, consent, session, therapist, language, course, research
):
    url = reverse("rating:session_recordings", args=[session.public_id])
    offered = therapist_client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<option value="course">{course}</option>' in offered
    consents.withdraw_consent(consent=consent, by=therapist)
    page = therapist_client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert 'value="course"' not in page and f'<option value="research">{research}</option>' in page
