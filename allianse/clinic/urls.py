from django.urls import path

from . import settings_views

app_name = "clinic"
urlpatterns = [
    path("approaches/", settings_views.approaches, name="approaches"),
]
