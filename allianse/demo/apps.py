from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo clinic (`allianse demo`): every feature with data that looks real. It sits above
    every other app and is imported by none."""

    name = "allianse.demo"
    default_auto_field = "django.db.models.BigAutoField"
