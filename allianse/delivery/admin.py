from django.contrib import admin

from .models import DeliverySettings


@admin.register(DeliverySettings)
class DeliverySettingsAdmin(admin.ModelAdmin):
    """The clinic's one row of delivery settings: changed here, never added twice or deleted."""

    def has_add_permission(self, request) -> bool:
        return not DeliverySettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
