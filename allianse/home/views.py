from django.shortcuts import render

from allianse.accounts import audit
from allianse.accounts.decorators import staff_required

from .pages import home_context


@staff_required
def home(request):
    """Every signed-in staff member's front page, for whatever roles they hold (see pages)."""
    context = home_context(request.user, search=request.GET.get("code", ""), page=request.GET.get("page"))
    audit.record_patients_shown(request, context["patients_shown"], detail="home")
    return render(request, "home/home.html", context)
