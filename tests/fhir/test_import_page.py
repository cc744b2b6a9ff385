"""The administrators' import page: a file in, accepted or refused with reasons per item, in nb and en;
403 for everyone else."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from allianse.accounts.models import AuditEvent
from allianse.fhir.models import ImportedInstrument
from tests.conftest import sign_in
from tests.fhir.conftest import material

URL = "/fhir/import/"


def upload(path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="application/json")


def test_the_page_works_on_an_empty_database_in_both_languages(client, administrator):
    sign_in(client, administrator)
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="nb")
    assert page.status_code == 200 and "Spørreskjemaer fra FHIR" in page.text
    assert "Ingen instrumenter er importert ennå." in page.text
    english = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert "Questionnaires from FHIR" in english.text and "No instrument has been imported yet." in english.text


def test_a_fitting_questionnaire_is_stored_not_validated_and_audited(client, administrator):
    sign_in(client, administrator)
    path = material("sdc/questionnaire-sdc-profile-example-PHQ9.json")
    response = client.post(URL, {"questionnaire": upload(path)}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    stored = ImportedInstrument.objects.get()
    assert stored.imported_by == administrator and stored.validation_source == ""
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_id=str(stored.public_id)).exists()
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert stored.key in page.text and "not validated" in page.text


def test_a_refused_questionnaire_shows_the_reasons_item_by_item_and_stores_nothing(client, administrator):
    sign_in(client, administrator)
    path = material("sdc/questionnaire-sdc-test-all-data-types.json")
    english = client.post(URL, {"questionnaire": upload(path)}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400
    assert "item id-date: Answers of type date" in english.text
    norwegian = client.post(URL, {"questionnaire": upload(path)}, HTTP_ACCEPT_LANGUAGE="nb")
    assert "Avvist" in norwegian.text and "element id-date: Svar av typen date" in norwegian.text
    assert not ImportedInstrument.objects.exists()


def test_a_post_without_a_file_keeps_the_form_with_an_error(client, administrator):
    sign_in(client, administrator)
    response = client.post(URL, {"validation_source": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "This field is required." in response.text


def test_others_are_refused_403(client, therapist):
    sign_in(client, therapist)
    assert client.get(URL).status_code == 403
    path = material("helsenorge-refero/scoring/choice-radio-button/q.json")
    assert client.post(URL, {"questionnaire": upload(path)}).status_code == 403
    assert not ImportedInstrument.objects.exists()
