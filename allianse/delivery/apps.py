from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "allianse.delivery"
    verbose_name = _("Delivery")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from allianse.accounts import extensions as accounts_extensions

        accounts_extensions.register_settings_page(
            accounts_extensions.SettingsPage(
                _("Reminders and contact details"),
                _(
                    "Whether e-mail addresses and phone numbers are kept for reminders, when the one reminder of an "
                    "unanswered link goes, and the quiet hours."
                ),
                "delivery:settings",
            )
        )
