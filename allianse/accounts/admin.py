"""Django's admin, for superusers only (see admin_site): the audit log there is read-only too, shows
no patient, and is kept cheap on a table of millions of rows (no date drill-down, no count of the
table, a search by username on its index)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, User


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "is_active", "last_login")
    fieldsets = (*UserAdmin.fieldsets, (_("Demo"), {"fields": ("is_demo",)}))


class NewestPaginator(Paginator):
    """Pages through the newest `LIMIT` rows of a list at most: counting every row of a large
    table is what costs, and nobody pages a hundred pages deep (the product's audit log follows a
    cursor to any depth)."""

    LIMIT = 10_000

    @cached_property
    def count(self) -> int:
        return self.object_list[: self.LIMIT].count()


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "action", "object_type", "object_id", "detail", "ip_address")
    list_filter = ("action",)
    search_fields = ("actor__username",)  # as get_search_results finds them
    list_select_related = ("actor",)
    exclude = ("patient", "patient_set")  # found by patient in the product's audit log, whose reads are recorded
    show_full_result_count = False
    paginator = NewestPaginator

    def get_search_results(self, request, queryset, search_term):
        """The events of the staff member with exactly this username (in any case), through the index
        on (actor, time): a part of a name, or of a text column, would be looked for in every row."""
        if not search_term.strip():
            return queryset, False
        actors = User.objects.filter(username__iexact=search_term.strip()).values_list("pk", flat=True)
        return queryset.filter(actor_id__in=list(actors)), False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
