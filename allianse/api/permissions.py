from rest_framework.permissions import BasePermission


class VerifiedStaff(BasePermission):
    """API calls need a signed-in staff member who passed the second factor."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_verified())
