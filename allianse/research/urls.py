from django.urls import path

from . import views

app_name = "research"

urlpatterns = [
    path("", views.projects, name="projects"),
    path("<uuid:public_id>/", views.project, name="project"),
    path("<uuid:public_id>/dictionary.csv", views.dictionary, name="dictionary"),
]
