from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "allianse.feedback"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from allianse.instruments import registry

        from .series import REQUIRED

        registry.require(REQUIRED)
