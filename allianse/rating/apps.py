from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingConfig(AppConfig):
    name = "allianse.rating"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from allianse import background
        from allianse.accounts import extensions as accounts_extensions

        background.register_periodic("send_reminders", command="send_reminders", every=timedelta(hours=1))
        accounts_extensions.register_settings_page(
            accounts_extensions.SettingsPage(
                _("Consent for recordings"),
                _(
                    "Whether a recording of a session may be used with the patients' written consent alone, or only "
                    "with the consent of each therapist's superior as well."
                ),
                "rating:consent_rules",
            )
        )
