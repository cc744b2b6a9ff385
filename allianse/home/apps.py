from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The front page of every staff member, made of one section per role they hold, and the site's
    menu computed from the roles. It reads the apps below it and is read by none of them."""

    name = "allianse.home"
    default_auto_field = "django.db.models.BigAutoField"
