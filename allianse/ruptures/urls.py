from django.urls import path

from . import views

app_name = "ruptures"
urlpatterns = [
    path("episodes/<uuid:public_id>/", views.episode, name="episode"),
    path("episodes/<uuid:public_id>/notes/", views.episode_note, name="episode_note"),
    path("episodes/<uuid:public_id>/stage/", views.episode_stage, name="episode_stage"),
    path("episodes/<uuid:public_id>/kind/", views.episode_kind, name="episode_kind"),
    path("episodes/<uuid:public_id>/close/", views.episode_close, name="episode_close"),
    path("sessions/<uuid:public_id>/episodes/new/", views.episode_new, name="episode_new"),
    path("treatments/<uuid:public_id>/signals/episode/", views.signals_episode, name="signals_episode"),
    path("treatments/<uuid:public_id>/signals/acknowledge/", views.signals_acknowledge, name="signals_acknowledge"),
    path("guide/", views.repair_guide, name="guide"),
    path("overview/", views.overview, name="overview"),
    path("overview.csv", views.overview_csv, name="overview_csv"),
    path("rules/", views.rules, name="rules"),
]
