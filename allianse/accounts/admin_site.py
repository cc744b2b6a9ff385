"""The admin site: Django's admin for superusers only, behind the second factor like every staff
page. Administrators work in the product's own pages (staff and roles, the audit log)."""

from django_otp.admin import OTPAdminSite


class StaffAdminSite(OTPAdminSite):
    """django-otp's two-factor admin site under Django's default name, so `admin:` URLs work."""

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)

    def has_permission(self, request) -> bool:
        return super().has_permission(request) and request.user.is_superuser
