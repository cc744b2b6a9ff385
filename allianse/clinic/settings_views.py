"""The clinic's therapeutic approaches, for administrators (listed on the clinic settings page)."""

from django.contrib import messages
from django.forms import modelformset_factory
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from allianse.accounts import audit
from allianse.accounts.decorators import administrator_required
from allianse.accounts.models import AuditEvent

from .forms import ApproachForm
from .models import Approach

# Every approach the clinic has, and one blank row to add another (none is ever deleted: treatments
# keep theirs; an approach no longer offered is unticked).
ApproachFormSet = modelformset_factory(Approach, form=ApproachForm, extra=1)


@administrator_required
@require_http_methods(["GET", "POST"])
def approaches(request):
    formset = ApproachFormSet(request.POST if request.method == "POST" else None, queryset=Approach.objects.all())
    if request.method == "POST" and formset.is_valid():
        for approach in formset.save():
            audit.record(request, AuditEvent.Action.UPDATE, approach, detail=f"approach: {approach.name_en}")
        messages.success(request, _("The approaches are saved."))
        return redirect("clinic:approaches")
    return render(request, "clinic/approaches.html", {"formset": formset}, status=400 if formset.errors else 200)
