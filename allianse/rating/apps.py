from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingConfig(AppConfig):
    name = "allianse.rating"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from allianse import background
        from allianse.accounts import extensions as accounts_extensions
        from allianse.groups import extensions as groups_extensions
        from allianse.ruptures import extensions as ruptures_extensions

        from . import group_views
        from .observers import RatingObservers

        groups_extensions.register_session_section(group_views.session_section)
        groups_extensions.register_group_links(group_views.group_links)
        groups_extensions.register_supervision_section(group_views.supervision_section)
        ruptures_extensions.register_observer_source(RatingObservers())
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
