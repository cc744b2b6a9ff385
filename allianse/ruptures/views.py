from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from allianse import exports
from allianse.accounts import audit
from allianse.accounts.decorators import staff_required
from allianse.accounts.models import AuditEvent
from allianse.clinic.access import get_session_for_user, get_treatment_for_user

from . import guide, overview_export, overview_snapshots, pages, services
from . import rules as signal_rules
from .access import get_episode_for_user, require_administrator
from .forms import CloseForm, KindForm, NoteForm, OpenEpisodeForm, OverviewFilterForm, RulesForm, StageForm
from .guide import KINDS

Action = AuditEvent.Action


@staff_required
def episode(request, public_id):
    episode = get_episode_for_user(request.user, public_id)
    audit.record(request, Action.VIEW, episode, patient=episode.patient, detail="rupture episode")
    services.mark_seen(episode=episode)
    return _episode_page(request, episode)


def _episode_page(request, episode, status=200, **forms):
    context = pages.episode_context(episode)
    context.update(
        note_form=forms.get("note_form") or NoteForm(episode=episode),
        stage_form=forms.get("stage_form") or StageForm(episode=episode),
        kind_form=forms.get("kind_form")
        or KindForm(initial={"kind": episode.kind, "markers": episode.markers, "intensity": episode.intensity}),
        close_form=forms.get("close_form") or CloseForm(),
    )
    return render(request, "ruptures/episode.html", context, status=status)


def _episode_action(anchor: str, make_form, apply, done):
    """A POST on an open episode: validate one form, call one service, back to the episode."""

    @staff_required
    @require_POST
    def view(request, public_id):
        episode = get_episode_for_user(request.user, public_id)
        form = make_form(request.POST, episode)
        if not form.is_valid():
            return _episode_page(request, episode, status=400, **{anchor: form})
        try:
            apply(episode=episode, by=request.user, **form.cleaned_data)
        except services.EpisodeClosed:
            messages.info(request, _("This episode is closed; it can no longer be changed."))
        else:
            audit.record(request, Action.UPDATE, episode, patient=episode.patient, detail=anchor)
            messages.success(request, done)
        return redirect(reverse("ruptures:episode", args=[episode.public_id]) + f"#{anchor}")

    return view


episode_note = _episode_action(
    "note_form",
    lambda data, episode: NoteForm(data, episode=episode),
    services.add_note,
    gettext_lazy("Your note is saved."),
)
episode_stage = _episode_action(
    "stage_form",
    lambda data, episode: StageForm(data, episode=episode),
    services.set_stage,
    gettext_lazy("The stage is updated."),
)
episode_kind = _episode_action(
    "kind_form",
    lambda data, episode: KindForm(data),
    services.change_kind,
    gettext_lazy("Kind and markers are updated."),
)
episode_close = _episode_action(
    "close_form", lambda data, episode: CloseForm(data), services.close_episode, gettext_lazy("The episode is closed.")
)


@staff_required
@require_http_methods(["GET", "POST"])
def episode_new(request, public_id):
    """'I noticed a marker': open an episode by hand from a session."""
    session = get_session_for_user(request.user, public_id)
    form = OpenEpisodeForm(request.POST or None, initial={"kind": "unclear"})
    if request.method == "POST" and form.is_valid():
        episode = services.open_episode(session=session, by=request.user, **form.cleaned_data)
        audit.record(request, Action.CREATE, episode, patient=session.treatment.patient)
        return redirect("ruptures:episode", public_id=episode.public_id)
    audit.record(request, Action.VIEW, session, patient=session.treatment.patient, detail="new episode form")
    return render(request, "ruptures/episode_new.html", {"form": form, "session": session})


@staff_required
@require_POST
def signals_episode(request, public_id):
    """Open an episode from a treatment's signals that belong to none yet."""
    treatment = get_treatment_for_user(request.user, public_id)
    try:
        episode = services.open_from_signals(treatment=treatment, by=request.user)
    except services.NoLooseSignals:
        return redirect("caseload:home")
    audit.record(request, Action.CREATE, episode, patient=treatment.patient, detail="from signals")
    return redirect("ruptures:episode", public_id=episode.public_id)


@staff_required
@require_POST
def signals_acknowledge(request, public_id):
    treatment = get_treatment_for_user(request.user, public_id)
    services.acknowledge_signals(treatment=treatment, by=request.user)
    audit.record(request, Action.UPDATE, treatment, patient=treatment.patient, detail="signals acknowledged")
    messages.success(request, _("Marked as seen."))
    return redirect("caseload:home")


@staff_required
def repair_guide(request):
    """The whole guide for one kind of rupture, to read outside an episode (no patient data)."""
    kind = request.GET.get("kind") if request.GET.get("kind") in KINDS else "withdrawal"
    repair = guide.get()
    context = {"guide": repair, "kind_guide": repair.for_kind(kind), "kinds": KINDS}
    return render(request, "ruptures/guide.html", context)


@staff_required
def overview(request):
    """The clinic's figures for administrators: aggregates only, never a patient."""
    require_administrator(request.user)
    form = OverviewFilterForm(request.GET or None)
    shown = overview_snapshots.overview(form.selection(), form.period(timezone.localdate()))
    context = {"form": form, "figures": shown.figures, "counted_at": shown.counted_at, "rates": shown.rates}
    return render(request, "ruptures/overview.html", context)


@staff_required
def overview_csv(request):
    """The overview's rates beside the published figures, as CSV (the same filters as the page)."""
    require_administrator(request.user)
    form = OverviewFilterForm(request.GET or None)
    table = overview_export.figures_table(overview_snapshots.figures(form.selection()))
    response = HttpResponse(exports.to_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="allianse-overview.csv"'
    return response


@staff_required
@require_http_methods(["GET", "POST"])
def rules(request):
    """The clinic's signal thresholds, for administrators."""
    require_administrator(request.user)
    defaults = signal_rules.default_rules()
    current = signal_rules.current_rules()
    form = RulesForm(request.POST or None, rules=current, defaults=defaults)
    if request.method == "POST" and form.is_valid():
        row = signal_rules.save_rules(overrides=_changed(form, defaults), by=request.user)
        audit.record(request, Action.UPDATE, row, detail="signal rules")
        messages.success(request, _("The signal rules are saved. They apply to new checks from now on."))
        return redirect("ruptures:rules")
    context = {"form": form, "change": current.change_basis, "min_treatments": current.norms_min_treatments}
    return render(request, "ruptures/rules.html", context)


def _changed(form: RulesForm, defaults) -> dict[str, float]:
    """Only values that differ from the defaults become overrides."""
    return {name: value for name, value in form.cleaned_data.items() if value != getattr(defaults, name)}
