from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "allianse.delivery"
    verbose_name = _("Delivery")
    default_auto_field = "django.db.models.BigAutoField"
