from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "allianse.research"
    default_auto_field = "django.db.models.BigAutoField"
