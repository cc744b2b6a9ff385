"""The role rules of the pages (decorators) for the REST API."""

from .api_auth import TokenScope


class Therapist(TokenScope):
    """The therapist's own work (the caseload, their groups): a verified staff member with the
    therapist role, as `decorators.therapist_required` asks of the pages (and a token's scope)."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        verified = bool(user and user.is_authenticated and user.is_verified() and user.is_therapist)
        return verified and super().has_permission(request, view)


class Administrator(TokenScope):
    """The clinic's administration (research exports, settings): a verified staff member with the
    administrator role, as `decorators.administrator_required` asks of the pages."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        verified = bool(user and user.is_authenticated and user.is_verified() and user.is_administrator)
        return verified and super().has_permission(request, view)
