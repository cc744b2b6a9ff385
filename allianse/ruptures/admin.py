"""Admin: only the clinic's signal rules. Signals and episodes hold health data and are reached
through the treating therapist's pages only (administrators see aggregates, never an episode)."""

from django.contrib import admin

from .models import SignalRuleSettings


@admin.register(SignalRuleSettings)
class SignalRuleSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "updated_at", "updated_by")
    readonly_fields = ("updated_at", "updated_by")
