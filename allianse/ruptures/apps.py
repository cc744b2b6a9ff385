from datetime import time, timedelta

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class RupturesConfig(AppConfig):
    name = "allianse.ruptures"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from allianse import background
        from allianse.accounts import extensions as accounts_extensions
        from allianse.clinic import events as clinic_events
        from allianse.feedback import events as feedback_events
        from allianse.instruments import registry

        from . import guide, receivers, rules

        registry.require(rules.REQUIRED)
        registry.require_build("the rupture signal rules", rules.definition_rules)
        guide.load()
        background.register_periodic("update_ruptures", command="update_ruptures", every=timedelta(days=1), at=time(2))
        background.register_periodic(
            "refresh_overview", command="refresh_overview", every=timedelta(days=1), at=time(3)
        )
        checks.register(guide.check_guide)
        feedback_events.response_stored.connect(receivers.response_stored, dispatch_uid="ruptures.response_stored")
        clinic_events.session_missed.connect(receivers.session_missed, dispatch_uid="ruptures.session_missed")
        accounts_extensions.register_settings_page(
            accounts_extensions.SettingsPage(
                _("Signal rules"),
                _(
                    "The thresholds the clinic uses to raise rupture signals. Each one names its source; values "
                    "you change here apply to checks that arrive from now on."
                ),
                "ruptures:rules",
            )
        )
