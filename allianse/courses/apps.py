from datetime import time, timedelta

from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "allianse.courses"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from allianse import background

        background.register_periodic(
            "send_course_notices", command="send_course_notices", every=timedelta(days=1), at=time(7)
        )
