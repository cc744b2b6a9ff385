from django.contrib import admin

from .models import Assignment, ConsentRecord, Rating, RatingStudy, Recording, Segment


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin):
    list_display = ["public_id", "kind", "purpose", "given_at", "withdrawn_at"]
    list_filter = ["kind", "purpose"]
    readonly_fields = ["public_id", "recorded_at", "withdrawn_at", "withdrawn_by"]


@admin.register(Recording)
class RecordingAdmin(admin.ModelAdmin):
    list_display = ["public_id", "purpose", "content_type", "size_bytes", "uploaded_at"]
    readonly_fields = ["public_id", "file_name", "content_type", "size_bytes", "sha256", "uploaded_by", "uploaded_at"]


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ["name", "start_seconds", "end_seconds"]


@admin.register(RatingStudy)
class RatingStudyAdmin(admin.ModelAdmin):
    list_display = ["name", "instrument_key", "purpose", "leader"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["study", "segment", "rater", "kind"]


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    """Submitted ratings are immutable: the admin shows them and never changes them."""

    list_display = ["public_id", "instrument_key", "submitted_at", "supersedes"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
