from django.apps import AppConfig
from django.core import checks


class RupturesConfig(AppConfig):
    name = "allianse.ruptures"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import guide

        guide.load()
        checks.register(guide.check_guide)
