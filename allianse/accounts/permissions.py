"""The role rules of the pages (decorators) for the REST API."""

from rest_framework.permissions import BasePermission


class Therapist(BasePermission):
    """The therapist's own work (the caseload, their groups): a verified staff member with the
    therapist role, as `decorators.therapist_required` asks of the pages."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_verified() and user.is_therapist)
