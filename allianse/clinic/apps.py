from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClinicConfig(AppConfig):
    name = "allianse.clinic"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from allianse.accounts import extensions

        extensions.register_patient_lookup(patient_id_for_code)
        extensions.register_settings_page(
            extensions.SettingsPage(
                _("Therapeutic approaches"),
                _("The approaches a therapist can record for a treatment, compared in the clinic overview."),
                "clinic:approaches",
            )
        )


def patient_id_for_code(code: str) -> int | None:
    """The patient a code names, for the audit log's search (accounts, below clinic, cannot look)."""
    from .models import Patient

    return Patient.objects.filter(code=code).values_list("pk", flat=True).first()
