from django.apps import AppConfig


class FhirConfig(AppConfig):
    """FHIR R4 in and out: instruments as Questionnaires, responses as QuestionnaireResponses,
    scores as Observations, a treatment as a Bundle; Questionnaires imported as instruments."""

    name = "allianse.fhir"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from allianse.accounts import extensions as accounts_extensions
        from allianse.instruments import registry

        from . import stored

        registry.add_stored_source(stored.instruments)
        accounts_extensions.register_settings_page(
            accounts_extensions.SettingsPage(
                _("Questionnaires from FHIR"),
                _(
                    "Import a FHIR R4 Questionnaire (JSON or XML) as an instrument, or see why it does not fit; "
                    "imported instruments and their sources."
                ),
                "fhir:import",
            )
        )
