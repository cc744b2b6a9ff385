from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "allianse.feedback"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from allianse.clinic import events as clinic_events
        from allianse.instruments import registry

        from . import receivers
        from .series import REQUIRED

        registry.require(REQUIRED)
        clinic_events.treatment_ended.connect(receivers.treatment_ended, dispatch_uid="feedback.treatment_ended")
