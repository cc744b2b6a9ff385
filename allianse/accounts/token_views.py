"""API tokens: a staff member's own (made from their verified session), and the service accounts an
administrator keeps for other systems with their tokens. A new token's secret is shown once."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import audit, tokens
from .access import get_visible_or_404
from .decorators import administrator_required, staff_required
from .forms import AccessTokenForm, ServiceAccountForm
from .models import AccessToken, AuditEvent, ServiceAccount

CREATE, UPDATE = AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE


@staff_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    form = AccessTokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        issued = tokens.issue_personal(user=request.user, **form.cleaned_data)
        _record_issued(request, issued)
        form = AccessTokenForm()
    context = {
        "form": form,
        "issued": issued,
        "tokens": AccessToken.objects.filter(user=request.user, kind=AccessToken.Kind.PERSONAL),
    }
    return render(request, "accounts/api_tokens.html", context, status=400 if form.errors else 200)


@administrator_required
@require_http_methods(["GET", "POST"])
def service_accounts(request):
    form = ServiceAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account = tokens.create_service_account(**form.cleaned_data, by=request.user)
        roles = ", ".join(sorted(form.cleaned_data["roles"]))
        audit.record(request, CREATE, account.user, detail=f"service account created with roles {roles}")
        return redirect("accounts:service_account", public_id=account.user.public_id)
    accounts = ServiceAccount.objects.select_related("user").prefetch_related("user__groups", "user__access_tokens")
    context = {"form": form, "accounts": accounts.order_by("user__username")}
    return render(request, "accounts/service_accounts.html", context, status=400 if form.errors else 200)


@administrator_required
@require_http_methods(["GET", "POST"])
def service_account(request, public_id):
    account = get_object_or_404(ServiceAccount.objects.select_related("user"), user__public_id=public_id)
    form = AccessTokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        issued = tokens.issue_for_service(account=account, **form.cleaned_data, by=request.user)
        _record_issued(request, issued)
        form = AccessTokenForm()
    context = {"account": account, "form": form, "issued": issued, "tokens": account.user.access_tokens.all()}
    return render(request, "accounts/service_account.html", context, status=400 if form.errors else 200)


@staff_required
@require_POST
def token_revoke(request, public_id):
    """A staff member revokes their own tokens; an administrator a service account's."""
    token = get_visible_or_404(
        AccessToken.objects.select_related("user"), _may_revoke(request.user), public_id=public_id
    )
    if tokens.revoke(token=token):
        audit.record(request, UPDATE, token, detail="api token revoked")
        messages.success(request, _("The token is revoked. It no longer works."))
    if token.kind == AccessToken.Kind.SERVICE:
        return redirect("accounts:service_account", public_id=token.user.public_id)
    return redirect("accounts:api_tokens")


def _may_revoke(user):
    def may_revoke(token: AccessToken) -> bool:
        if token.kind == AccessToken.Kind.SERVICE:
            return user.is_administrator
        return token.user_id == user.pk

    return may_revoke


def _record_issued(request, issued: tokens.IssuedToken) -> None:
    token = issued.token
    access = "read and write" if token.can_write else "read"
    audit.record(request, CREATE, token, detail=f"api token created ({access}: {', '.join(token.parts)})")
