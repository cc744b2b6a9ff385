from django.contrib import admin

from .models import GroupSession, Membership, TherapyGroup


@admin.register(TherapyGroup)
class TherapyGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "admission", "started_on", "ended_on"]
    filter_horizontal = ["therapists"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Memberships are history: they can be read and ended here, never deleted."""

    list_display = ["patient", "group", "started_on", "ended_on", "end_reason"]
    list_filter = ["group"]
    readonly_fields = ["group", "patient", "started_on"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(GroupSession)
class GroupSessionAdmin(admin.ModelAdmin):
    list_display = ["group", "number", "starts_at"]
    list_filter = ["group"]
