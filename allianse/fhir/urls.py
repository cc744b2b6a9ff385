from django.urls import path

from . import views

app_name = "fhir"
urlpatterns = [
    path("import/", views.import_questionnaire, name="import"),
]
