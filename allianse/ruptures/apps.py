from django.apps import AppConfig


class RupturesConfig(AppConfig):
    name = "allianse.ruptures"
    default_auto_field = "django.db.models.BigAutoField"
