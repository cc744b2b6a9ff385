"""Django's admin, for superusers only (see admin_site): the audit log there is read-only too, shows
no patient, and is kept cheap on a large table (no date drill-down, no full count)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, User


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "is_active", "last_login")
    fieldsets = (*UserAdmin.fieldsets, (_("Demo"), {"fields": ("is_demo",)}))


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "action", "object_type", "object_id", "detail", "ip_address")
    list_filter = ("action",)
    search_fields = ("actor__username", "object_id", "detail")
    list_select_related = ("actor",)
    exclude = ("patient",)  # found by patient in the product's audit log, whose reads are recorded
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
