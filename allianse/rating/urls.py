from django.urls import path, register_converter

from . import group_views, settings_views, study_views, views


class ExtensionConverter:
    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ExtensionConverter, "extension")

app_name = "rating"
urlpatterns = [
    path("", views.home, name="home"),
    path("patients/<uuid:public_id>/consents/", views.patient_consents, name="patient_consents"),
    path("superior-consents/", views.superior_consents, name="superior_consents"),
    path("consent-rules/", settings_views.consent_rules, name="consent_rules"),
    path("consents/<uuid:public_id>/", views.consent, name="consent"),
    path("sessions/<uuid:public_id>/recordings/", views.session_recordings, name="session_recordings"),
    path("consents/<uuid:public_id>/form/", group_views.consent_form, name="consent_form"),
    path("groups/<uuid:public_id>/consents/", group_views.group_consents, name="group_consents"),
    path("groups/members/<uuid:public_id>/withdraw/", group_views.member_withdraw, name="member_withdraw"),
    path(
        "group-sessions/<uuid:public_id>/recordings/",
        group_views.group_session_recordings,
        name="group_session_recordings",
    ),
    path("recordings/<uuid:public_id>/", views.recording, name="recording"),
    path("recordings/<uuid:public_id>/delete-file/", group_views.recording_delete_file, name="recording_delete_file"),
    path("recordings/<uuid:public_id>/studies/", views.recording_add_to_study, name="recording_add_to_study"),
    path("recordings/<uuid:public_id>/stream/", views.stream, name="stream"),
    path("segments/<uuid:public_id>/stream/", views.segment_stream, name="segment_stream"),
    path("studies/", views.studies, name="studies"),
    path("studies/<uuid:public_id>/", views.study, name="study"),
    path("studies/<uuid:public_id>/agreement/", views.study_agreement, name="agreement"),
    path("studies/<uuid:public_id>/agreement.pdf", views.study_agreement_pdf, name="agreement_pdf"),
    path("studies/<uuid:public_id>/export/<slug:table>.<extension:extension>", views.study_export, name="export"),
    path("studies/<uuid:public_id>/raters/<uuid:rater_id>/", views.calibration, name="calibration"),
    path("studies/<uuid:public_id>/consensus/", study_views.consensus, name="consensus"),
    path(
        "studies/<uuid:public_id>/consensus/<uuid:segment_id>/",
        study_views.consensus_segment,
        name="consensus_segment",
    ),
    path("studies/<uuid:public_id>/release/", study_views.release, name="release"),
    path("assignments/<uuid:public_id>/", views.rate, name="rate"),
    path("assignments/<uuid:public_id>/draft/", views.autosave, name="autosave"),
    path("ratings/<uuid:public_id>/", views.rating, name="rating"),
    path("ratings/<uuid:public_id>/correct/", views.correct, name="correct"),
]
