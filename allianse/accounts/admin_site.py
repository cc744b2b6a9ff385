"""The admin site: Django's admin behind the second factor, like every staff page."""

from django_otp.admin import OTPAdminSite


class StaffAdminSite(OTPAdminSite):
    """django-otp's two-factor admin site under Django's default name, so `admin:` URLs work."""

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)
