from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("c/", views.start, name="start"),
    path("c/thanks/", views.thanks, name="thanks"),
    path("c/<str:token>/", views.check, name="check"),
    path("sessions/<uuid:public_id>/check-link/", views.issue_check, name="issue_check"),
    path("sessions/<uuid:public_id>/check-link/show/", views.check_link, name="check_link"),
    path("sessions/<uuid:public_id>/check-link/send/", views.send_check_link, name="send_check_link"),
    path("sessions/<uuid:public_id>/therapist-check/", views.therapist_check, name="therapist_check"),
]
