from django.urls import path

from . import exports, views

app_name = "courses"
urlpatterns = [
    path("", views.course_list, name="list"),
    path("<uuid:public_id>/", views.course, name="course"),
    path("<uuid:public_id>/edit/", views.course_edit, name="course_edit"),
    path("<uuid:public_id>/readings/", views.reading_add, name="reading_add"),
    path("<uuid:public_id>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("<uuid:public_id>/day-plan/", views.day_plan, name="day_plan"),
    path("<uuid:public_id>/day-plan/block/", views.block_change, name="block_change"),
    path("<uuid:public_id>/participants/", views.participants, name="participants"),
    path("<uuid:public_id>/rota/", views.rota, name="rota"),
    path("<uuid:public_id>/plan.pdf", exports.plan_pdf, name="plan_pdf"),
    path("<uuid:public_id>/calendar.ics", exports.course_calendar, name="course_calendar"),
    path("meetings/<uuid:public_id>/", views.meeting, name="meeting"),
    path("meetings/<uuid:public_id>/<slug:part>/", views.meeting_change, name="meeting_change"),
    path("participants/<uuid:public_id>/", views.participant, name="participant"),
    path("participants/<uuid:public_id>/withdraw/", views.withdraw, name="withdraw"),
    path("participants/<uuid:public_id>/dossier/", views.dossier, name="dossier"),
    path("participants/<uuid:public_id>/dossier.pdf", exports.dossier_pdf, name="dossier_pdf"),
    path("participants/<uuid:public_id>/calendar.ics", exports.participant_calendar, name="participant_calendar"),
]
