"""The clinic's consent rules for recordings, for administrators (listed on the clinic settings page)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from allianse.accounts import audit
from allianse.accounts.decorators import administrator_required
from allianse.accounts.models import AuditEvent

from .forms import RatingSettingsForm
from .models import RatingSettings


@administrator_required
@require_http_methods(["GET", "POST"])
def consent_rules(request):
    form = RatingSettingsForm(request.POST if request.method == "POST" else None, instance=RatingSettings.get())
    if request.method == "POST" and form.is_valid():
        if form.has_changed():
            row = form.save()
            audit.record(
                request,
                AuditEvent.Action.UPDATE,
                row,
                detail=(
                    f"consent rules: requires_superior_consent={row.requires_superior_consent}, "
                    f"group_superior_purposes={','.join(row.group_superior_purposes)}"
                ),
            )
        messages.success(request, _("The consent rules are saved. They apply to every recording from now on."))
        return redirect("rating:consent_rules")
    return render(request, "rating/consent_rules.html", {"form": form})
