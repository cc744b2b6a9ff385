"""The group pages' recording parts: the Recordings section of a group session (upload only when
every member present has consented, else the reasons by member code, in both languages) and the
member consents page of a group (record with a scanned form, withdraw, history), for the group's
therapists and administrators only."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from allianse.accounts.models import AuditEvent, Role
from allianse.rating.media import session_wav
from allianse.rating.models import ConsentRecord, Purpose, Recording
from tests.conftest import make_user, sign_in
from tests.rating.group_recordings import consent, group_with_session, superior_consents

from .conftest import make_group

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def co_therapist(db):
    return make_user("co", Role.THERAPIST)


@pytest.fixture
def grouped(therapist, co_therapist):
    return group_with_session(therapist, co_therapist)


def session_page(client, group_session, language="en"):
    return client.get(reverse("groups:session", args=[group_session.public_id]), HTTP_ACCEPT_LANGUAGE=language)


class TestRecordingsSection:
    @pytest.mark.parametrize(
        "language, sentence",
        [
            ("en", "Member {code} has no written consent on record for this purpose."),
            ("nb", "Medlem {code} har ikke noe registrert skriftlig samtykke til dette formålet."),
        ],
    )
    def test_without_consent_it_names_the_member_and_offers_no_upload(
        self, client, grouped, therapist, language, sentence
    ):
        group, members, group_session = grouped
        consent(members[0], therapist, purposes=list(Purpose))
        superior_consents(group)
        sign_in(client, therapist)
        page = session_page(client, group_session, language).content.decode()
        assert sentence.format(code=members[1].patient.code) in page
        assert members[2].patient.code not in page.split('id="recordings"')[1].split("</section>")[0]
        assert 'enctype="multipart/form-data"' not in page

    def test_with_every_consent_it_offers_the_upload_and_stores_the_recording(self, client, grouped, therapist):
        group, members, group_session = grouped
        for membership in members[:2]:
            consent(membership, therapist)
        superior_consents(group)
        sign_in(client, therapist)
        page = session_page(client, group_session).content.decode()
        assert 'enctype="multipart/form-data"' in page
        url = reverse("rating:group_session_recordings", args=[group_session.public_id])
        response = client.post(
            url, {"file": SimpleUploadedFile("group.wav", session_wav(5)), "purpose": Purpose.COURSE, "title": "One"}
        )
        recording = Recording.objects.get()
        assert response.status_code == 302 and response.url == reverse("rating:recording", args=[recording.public_id])
        assert recording.group_session == group_session
        assert "One" in session_page(client, group_session).content.decode()
        assert AuditEvent.objects.filter(detail="group recording uploaded", action=AuditEvent.Action.CREATE).exists()

    def test_an_upload_without_consent_is_refused_with_the_reasons(self, client, grouped, therapist):
        group, members, group_session = grouped
        sign_in(client, therapist)
        url = reverse("rating:group_session_recordings", args=[group_session.public_id])
        response = client.post(url, {"file": SimpleUploadedFile("group.wav", session_wav(5)), "purpose": "course"})
        assert response.status_code == 400
        assert f"Member {members[0].patient.code} has no written consent" in response.content.decode()
        assert not Recording.objects.exists()

    def test_a_session_where_nobody_was_present_can_be_recorded_with_the_superiors_consent(
        self, client, therapist, co_therapist
    ):
        from .conftest import add_members, add_session

        group = make_group(therapist, co_therapist)
        members = add_members(group, therapist, 1)
        empty = add_session(group, members, absent=members)
        superior_consents(group)
        sign_in(client, therapist)
        assert 'enctype="multipart/form-data"' in session_page(client, empty).content.decode()

    def test_another_therapist_does_not_find_the_recordings_and_a_rater_is_refused(self, client, grouped):
        group_session = grouped[2]
        url = reverse("rating:group_session_recordings", args=[group_session.public_id])
        sign_in(client, make_user("outsider", Role.THERAPIST))
        assert client.get(url).status_code == 404
        sign_in(client, make_user("rater", Role.RATER))
        assert client.get(url).status_code == 403


class TestMemberConsents:
    def url(self, group):
        return reverse("rating:group_consents", args=[group.public_id])

    def test_a_consent_with_a_scanned_form_is_recorded_per_purpose(self, client, grouped, therapist):
        group, members, _session = grouped
        sign_in(client, therapist)
        response = client.post(
            self.url(group),
            {
                "membership": members[1].pk,
                "purposes": [Purpose.COURSE, Purpose.RESEARCH],
                "given_at": timezone.localdate().isoformat(),
                "scanned_form": SimpleUploadedFile("form.pdf", PDF),
            },
        )
        assert response.status_code == 302
        records = ConsentRecord.objects.filter(membership=members[1])
        assert {record.purpose for record in records} == {"course", "research"}
        (form_file,) = {record.form_file_name for record in records}
        assert records[0].form_path.read_bytes() == PDF
        assert AuditEvent.objects.filter(detail__startswith="member consent recorded", patient=members[1].patient)
        download = client.get(reverse("rating:consent_form", args=[records[0].public_id]))
        assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
        assert form_file in records[0].form_path.name
        sign_in(client, make_user("outsider", Role.THERAPIST))
        assert client.get(reverse("rating:consent_form", args=[records[0].public_id])).status_code == 404

    def test_a_form_that_is_not_a_scan_is_refused_and_nothing_is_kept(self, client, grouped, therapist, settings):
        group, members, _session = grouped
        sign_in(client, therapist)
        response = client.post(
            self.url(group),
            {
                "membership": members[0].pk,
                "purposes": [Purpose.COURSE],
                "given_at": timezone.localdate().isoformat(),
                "scanned_form": SimpleUploadedFile("form.pdf", b"not a pdf"),
            },
        )
        assert response.status_code == 400
        assert "Upload the scanned form as a PDF, PNG or JPEG file." in response.content.decode()
        assert not ConsentRecord.objects.exists()
        assert not list((settings.MEDIA_ROOT / "recordings").glob("*"))

    def test_without_form_or_reference_it_asks_for_one(self, client, grouped, therapist):
        group, members, _session = grouped
        sign_in(client, therapist)
        data = {"membership": members[0].pk, "purposes": ["course"], "given_at": timezone.localdate().isoformat()}
        response = client.post(self.url(group), data, HTTP_ACCEPT_LANGUAGE="nb")
        assert response.status_code == 400
        assert "Last opp det skannede skjemaet, eller oppgi hvor det signerte dokumentet oppbevares." in (
            response.content.decode()
        )

    def test_the_history_shows_the_withdrawal(self, client, grouped, therapist):
        group, members, _session = grouped
        consent(members[0], therapist)
        sign_in(client, therapist)
        client.post(reverse("rating:member_withdraw", args=[members[0].public_id]))
        consent(members[0], therapist)
        page = client.get(self.url(group)).content.decode()
        assert page.count("withdrawn ") == 1 and "valid" in page

    def test_the_therapists_and_administrators_see_it_others_do_not(self, client, grouped, co_therapist, administrator):
        group = grouped[0]
        for user in (co_therapist, administrator):
            sign_in(client, user)
            assert client.get(self.url(group)).status_code == 200
        sign_in(client, make_user("outsider", Role.THERAPIST))
        assert client.get(self.url(group)).status_code == 404
        sign_in(client, make_user("rater", Role.RATER))
        assert client.get(self.url(group)).status_code == 403

    def test_a_group_with_no_members_has_a_page(self, client, therapist):
        group = make_group(therapist)
        sign_in(client, therapist)
        for language, text in (("en", "The group has no members yet."), ("nb", "Gruppen har ingen medlemmer ennå.")):
            response = client.get(self.url(group), HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200 and text in response.content.decode()

    def test_the_group_page_links_to_it(self, client, grouped, therapist):
        sign_in(client, therapist)
        page = client.get(reverse("groups:group", args=[grouped[0].public_id])).content.decode()
        assert self.url(grouped[0]) in page


def test_the_clinic_setting_is_on_the_rating_settings_page(client, administrator):
    sign_in(client, administrator)
    page = client.get(reverse("rating:consent_rules"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Group recordings need the consent of each group therapist" in page
    assert re.search(r'<input type="checkbox" name="group_superior_purposes" value="course"[^>]* checked>', page)
    assert not re.search(r'value="research"[^>]* checked>', page)
    response = client.post(reverse("rating:consent_rules"), {"group_superior_purposes": ["research"]})
    assert response.status_code == 302
    from allianse.rating.models import RatingSettings

    assert RatingSettings.get().group_superior_purposes == ["research"]
