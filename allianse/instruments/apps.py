from django.apps import AppConfig
from django.core import checks


class InstrumentsConfig(AppConfig):
    """What every app shares about instruments and answer links: the registry of definitions (the
    YAML files beside this module), form builders, signed links, scored answers and the language of
    respondents. It imports no other app of the product."""

    name = "allianse.instruments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import registry

        registry.load()
        checks.register(registry.check_definitions)
        checks.register(registry.check_requirements)
