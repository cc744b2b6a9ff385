from django.apps import AppConfig


class CaseloadConfig(AppConfig):
    """The therapist's pages of individual therapy: the caseload, a patient's trajectory with
    rupture signals and episodes, a session with both checks. It reads clinic, feedback and
    ruptures and is read by none of them."""

    name = "allianse.caseload"
    default_auto_field = "django.db.models.BigAutoField"
