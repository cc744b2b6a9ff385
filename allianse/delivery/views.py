from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from allianse.accounts import audit
from allianse.accounts.decorators import administrator_required
from allianse.accounts.models import AuditEvent

from .forms import DeliverySettingsForm
from .models import DeliverySettings


@administrator_required
@require_http_methods(["GET", "POST"])
def clinic_settings(request):
    """The clinic's rules for reminders and contact details, for administrators."""
    form = DeliverySettingsForm(request.POST if request.method == "POST" else None, instance=DeliverySettings.get())
    if request.method == "POST" and form.is_valid():
        if form.has_changed():
            row = form.save()
            audit.record(
                request, AuditEvent.Action.UPDATE, row, detail="delivery settings: " + ", ".join(form.changed_data)
            )
        messages.success(request, _("The reminder and contact rules are saved."))
        return redirect("delivery:settings")
    return render(request, "delivery/settings.html", {"form": form})
