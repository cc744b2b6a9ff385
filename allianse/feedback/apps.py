from django.apps import AppConfig
from django.core import checks


class FeedbackConfig(AppConfig):
    name = "allianse.feedback"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import instruments

        instruments.load()
        checks.register(instruments.check_definitions)
