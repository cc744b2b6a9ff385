from django.contrib import admin

from .models import GroupSession, TherapyGroup


@admin.register(TherapyGroup)
class TherapyGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "admission", "started_on", "ended_on"]
    filter_horizontal = ["therapists"]


@admin.register(GroupSession)
class GroupSessionAdmin(admin.ModelAdmin):
    list_display = ["group", "number", "starts_at"]
    list_filter = ["group"]
