from django.urls import path

from . import session_views, summary_views, supervision_views, views

app_name = "groups"
urlpatterns = [
    path("groups/", views.group_list, name="list"),
    path("groups/new/", views.group_new, name="group_new"),
    path("groups/<uuid:public_id>/", views.group, name="group"),
    path("groups/<uuid:public_id>/members/new/", views.member_new, name="member_new"),
    path("groups/<uuid:public_id>/sessions/new/", session_views.session_new, name="session_new"),
    path("groups/members/<uuid:public_id>/", views.member, name="member"),
    path("groups/members/<uuid:public_id>/profile/", views.member_profile, name="member_profile"),
    path("groups/members/<uuid:public_id>/end/", views.member_end, name="member_end"),
    path("groups/members/<uuid:public_id>/diagnoses/", views.diagnosis_new, name="diagnosis_new"),
    path("groups/sessions/<uuid:public_id>/", session_views.session, name="session"),
    path("groups/sessions/<uuid:public_id>/attendance/", session_views.session_attendance, name="session_attendance"),
    path("groups/sessions/<uuid:public_id>/links/", session_views.checks_issue, name="checks_issue"),
    path("groups/sessions/<uuid:public_id>/links/show/", session_views.check_links, name="check_links"),
    path("groups/sessions/<uuid:public_id>/links/send/", session_views.check_link_send, name="check_link_send"),
    path("groups/sessions/<uuid:public_id>/summary/", summary_views.summary_start, name="summary_start"),
    path("groups/summaries/<uuid:public_id>/", summary_views.summary, name="summary"),
    path(
        "groups/summaries/<uuid:public_id>/signed/", supervision_views.summary_supervision, name="summary_supervision"
    ),
    path("groups/summaries/<uuid:public_id>/summary.txt", supervision_views.summary_text, name="summary_text"),
    path("groups/summaries/<uuid:public_id>/summary.pdf", supervision_views.summary_pdf, name="summary_pdf"),
    path("groups/<uuid:public_id>/supervision/", supervision_views.group_supervision, name="supervision"),
    path("groups/<uuid:public_id>/supervision/notes/", supervision_views.group_note, name="supervision_note"),
    path("groups/<uuid:public_id>/supervisors/", supervision_views.supervisor_add, name="supervisor_add"),
    path(
        "groups/<uuid:public_id>/supervisors/<uuid:supervisor_id>/",
        supervision_views.supervisor_change,
        name="supervisor_change",
    ),
    path("groups/summaries/<uuid:public_id>/sign/", summary_views.summary_sign, name="summary_sign"),
    path("groups/summaries/<uuid:public_id>/addenda/", summary_views.addendum_new, name="addendum_new"),
    path("groups/summaries/<uuid:public_id>/events/new/", summary_views.event, name="event_new"),
    path("groups/summaries/<uuid:public_id>/events/<uuid:event_id>/", summary_views.event, name="event"),
    path(
        "groups/summaries/<uuid:public_id>/events/<uuid:event_id>/remove/",
        summary_views.event_remove,
        name="event_remove",
    ),
    path("g/thanks/", session_views.member_thanks, name="member_thanks"),
    path("g/<str:token>/", session_views.member_check, name="member_check"),
]
