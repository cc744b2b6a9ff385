from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "allianse.clinic"
    default_auto_field = "django.db.models.BigAutoField"
