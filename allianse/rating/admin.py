"""Admin: studies only. Recordings, segments, assignments, consents and ratings belong to patients'
sessions and are reached through the product's pages, which record every read in the audit log."""

from django.contrib import admin

from .models import RatingStudy


@admin.register(RatingStudy)
class RatingStudyAdmin(admin.ModelAdmin):
    list_display = ["name", "instrument_key", "purpose", "leader"]
