from django.urls import path

from . import views

app_name = "caseload"
urlpatterns = [
    path("patients/", views.home, name="home"),
    path("patients/new/", views.patient_new, name="patient_new"),
    path("patients/<uuid:public_id>/", views.patient, name="patient"),
    path("treatments/<uuid:public_id>/sessions/new/", views.session_new, name="session_new"),
    path("treatments/<uuid:public_id>/end/", views.treatment_end, name="treatment_end"),
    path("treatments/<uuid:public_id>/summary.pdf", views.treatment_summary_pdf, name="treatment_summary_pdf"),
    path("treatments/<uuid:public_id>/summary.txt", views.treatment_summary_text, name="treatment_summary_text"),
    path("treatments/<uuid:public_id>/approach/", views.treatment_approach, name="treatment_approach"),
    path("sessions/<uuid:public_id>/", views.session, name="session"),
    path("sessions/<uuid:public_id>/resend-check/", views.resend_check, name="resend_check"),
    path("response-rates/", views.response_rates, name="response_rates"),
]
