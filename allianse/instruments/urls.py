from django.urls import path

from . import views

app_name = "instruments"

urlpatterns = [
    path("not-validated/", views.not_validated, name="not_validated"),
]
