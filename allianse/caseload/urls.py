from django.urls import path

from . import views

app_name = "caseload"
urlpatterns = [
    path("patients/", views.home, name="home"),
    path("patients/new/", views.patient_new, name="patient_new"),
    path("patients/<uuid:public_id>/", views.patient, name="patient"),
    path("treatments/<uuid:public_id>/sessions/new/", views.session_new, name="session_new"),
    path("sessions/<uuid:public_id>/", views.session, name="session"),
    path("sessions/<uuid:public_id>/resend-check/", views.resend_check, name="resend_check"),
    path("response-rates/", views.response_rates, name="response_rates"),
]
