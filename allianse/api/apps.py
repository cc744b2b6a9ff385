from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "allianse.api"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import schema  # noqa: F401 (registers the token's security scheme with drf-spectacular)
