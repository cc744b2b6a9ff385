from django.contrib.auth import views as auth_views
from django.urls import path

from . import audit_views, staff_views, task_views, token_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("enrol/<str:token>/", staff_views.enrol, name="enrol"),
    path("staff/", staff_views.staff_list, name="staff"),
    path("staff/invite/", staff_views.staff_invite, name="staff_invite"),
    path("staff/<uuid:public_id>/", staff_views.staff_member, name="staff_member"),
    path("staff/<uuid:public_id>/roles/", staff_views.staff_roles, name="staff_roles"),
    path("staff/<uuid:public_id>/active/", staff_views.staff_active, name="staff_active"),
    path("staff/<uuid:public_id>/second-factor/", staff_views.staff_second_factor, name="staff_second_factor"),
    path("staff/<uuid:public_id>/link/", staff_views.staff_link, name="staff_link"),
    path("settings/", staff_views.clinic_settings, name="settings"),
    path("audit/", audit_views.audit_search, name="audit"),
    path("audit/access-log.csv", audit_views.access_log, name="access_log"),
    path("tasks/", task_views.task_list, name="tasks"),
    path("api-tokens/", token_views.api_tokens, name="api_tokens"),
    path("api-tokens/<uuid:public_id>/revoke/", token_views.token_revoke, name="token_revoke"),
    path("service-accounts/", token_views.service_accounts, name="service_accounts"),
    path("service-accounts/<uuid:public_id>/", token_views.service_account, name="service_account"),
]
