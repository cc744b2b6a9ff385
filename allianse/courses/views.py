from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from allianse.accounts import audit
from allianse.accounts.decorators import staff_required
from allianse.accounts.models import AuditEvent
from allianse.rating.consents import ConsentMissing

from . import access, pages, services
from .access import LEADER, SUPERVISOR
from .forms import (
    AddParticipantForm,
    AttendanceForm,
    BlockForm,
    CharacterForm,
    CourseForm,
    GroupForm,
    MeetingForm,
    PreparationForm,
    ReadingForm,
    RolesForm,
    ScoringForm,
    SupervisionNoteForm,
    VideoForm,
)
from .models import MeetingRole, Participant, Reading

VIEW, CREATE, UPDATE = AuditEvent.Action.VIEW, AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE
LEADING = (LEADER,)


def _saved(request, course_or_obj, detail: str, target):
    audit.record(request, UPDATE, course_or_obj, detail=detail)
    messages.success(request, _("Saved."))
    return target


# -- Courses --------------------------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def course_list(request):
    may_create = access.may_create_courses(request.user)
    form = CourseForm(request.POST or None) if may_create else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            course = form.save()
            course.leaders.add(request.user)
            audit.record(request, CREATE, course, detail="course")
            return redirect("courses:course", public_id=course.public_id)
    return render(request, "courses/list.html", {"courses": pages.courses_of(request.user), "form": form})


@staff_required
def course(request, public_id):
    found = access.get_course(request.user, public_id)
    audit.record(request, VIEW, found, detail="course")
    return render(request, "courses/course.html", pages.course_context(found, request.user))


@staff_required
@require_http_methods(["GET", "POST"])
def course_edit(request, public_id):
    found = access.get_course(request.user, public_id, roles=LEADING)
    form = CourseForm(request.POST or None, instance=found)
    reading_form = ReadingForm(prefix="reading")
    if request.method == "POST" and form.is_valid():
        form.save()
        services.fill_places(found)
        return _saved(request, found, "course", redirect("courses:course", public_id=found.public_id))
    return render(request, "courses/course_edit.html", {"course": found, "form": form, "reading_form": reading_form})


@staff_required
@require_POST
def reading_add(request, public_id):
    found = access.get_course(request.user, public_id, roles=LEADING)
    form = ReadingForm(request.POST, prefix="reading")
    if form.is_valid():
        Reading.objects.create(course=found, **form.cleaned_data)
        return _saved(request, found, "reading", redirect("courses:course_edit", public_id=found.public_id))
    messages.error(request, _("A reading needs a title."))
    return redirect("courses:course_edit", public_id=found.public_id)


@staff_required
@require_http_methods(["GET", "POST"])
def meeting_new(request, public_id):
    found = access.get_course(request.user, public_id, roles=LEADING)
    number = found.meetings.count() + 1
    form = MeetingForm(request.POST or None, initial={"number": number})
    if request.method == "POST" and form.is_valid():
        meeting = form.save(commit=False)
        meeting.course = found
        if found.meetings.filter(number=meeting.number).exists():
            form.add_error("number", _("The course has a meeting with this number."))
        else:
            meeting.save()
            audit.record(request, CREATE, meeting, detail="meeting")
            return redirect("courses:meeting", public_id=meeting.public_id)
    return render(request, "courses/meeting_edit.html", {"course": found, "form": form})


@staff_required
@require_http_methods(["GET", "POST"])
def day_plan(request, public_id):
    """The course's day plan (or, with ?meeting=, one meeting's own), its blocks and overlaps."""
    found = access.get_course(request.user, public_id, roles=LEADING)
    meeting = found.meetings.filter(public_id=request.GET.get("meeting") or None).first()
    form = BlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_block(course=found, meeting=meeting, **form.cleaned_data)
        return _saved(request, found, "day plan", redirect(request.get_full_path()))
    plan = services.day_plan(found, meeting)
    own = meeting is None or meeting.blocks.exists()
    context = {"course": found, "meeting": meeting, "plan": plan, "own": own, "form": form}
    context["overlaps"] = services.plan_overlaps(plan)
    return render(request, "courses/day_plan.html", context)


@staff_required
@require_POST
def block_change(request, public_id):
    """Remove a block, or confirm (undo) that its overlap is intended; the block's id is posted."""
    found = access.get_course(request.user, public_id, roles=LEADING)
    block_id = request.POST.get("block", "")
    block = found.blocks.filter(pk=block_id).select_related("meeting").first() if block_id.isdigit() else None
    target = redirect("courses:day_plan", public_id=found.public_id)
    if block is None:
        return target
    if block.meeting is not None:
        target = redirect(f"{target.url}?meeting={block.meeting.public_id}")
    if request.POST.get("action") == "delete":
        block.delete()
    else:
        services.confirm_overlap(block=block, intended=request.POST.get("intended") == "1")
    return _saved(request, found, "day plan", target)


@staff_required
@require_http_methods(["GET", "POST"])
def participants(request, public_id):
    found = access.get_course(request.user, public_id, roles=LEADING)
    form = AddParticipantForm(request.POST or None, course=found)
    if request.method == "POST" and form.is_valid():
        place = services.enrol(course=found, user=form.cleaned_data["user"])
        if place.status == Participant.Status.WAITING:
            messages.info(request, _("The course is full: %(name)s is on the waiting list.") % {"name": place.user})
        return _saved(request, found, "participants", redirect("courses:participants", public_id=found.public_id))
    context = {
        "course": found,
        "form": form,
        "enrolled": services.enrolled(found),
        "waiting": services.waiting(found).order_by("joined_at", "pk"),
    }
    return render(request, "courses/participants.html", context)


@staff_required
@require_POST
def withdraw(request, public_id):
    participant = access.get_participant(request.user, public_id, own=False, staff=LEADING)
    moved = services.withdraw(participant=participant)
    if moved is not None:
        messages.info(request, _("%(name)s moved from the waiting list to the course.") % {"name": moved.user})
    course_id = participant.course.public_id
    return _saved(request, participant, "withdrawn", redirect("courses:participants", public_id=course_id))


@staff_required
@require_http_methods(["GET", "POST"])
def rota(request, public_id):
    found = access.get_course(request.user, public_id, roles=LEADING)
    if request.method == "POST":
        proposed = services.propose_rota(course=found)
        if not proposed:
            messages.info(request, _("Every meeting has its co-therapists already."))
        return _saved(request, found, "rota", redirect("courses:rota", public_id=found.public_id))
    meetings = found.meetings.order_by("number")
    rows = [(meeting, services.people_in(meeting, MeetingRole.Role.CO_THERAPIST)) for meeting in meetings]
    return render(request, "courses/rota.html", {"course": found, "rows": rows})


# -- Meetings -------------------------------------------------------------------------------------


@staff_required
def meeting(request, public_id):
    found = access.get_meeting(request.user, public_id)
    context = pages.meeting_context(found, request.user)
    if context["is_leader"]:
        context.update(_meeting_forms(found, request.user))
    elif context["may_supervise"]:
        context["note_form"] = SupervisionNoteForm(meeting=found, prefix="note")
    audit.record(request, VIEW, found, detail="meeting")
    return render(request, "courses/meeting.html", context)


def _meeting_forms(meeting, user, **bound) -> dict:
    forms = {
        "roles_form": RolesForm(meeting=meeting, prefix="roles"),
        "attendance_form": AttendanceForm(meeting=meeting, prefix="attendance"),
        "video_form": VideoForm(meeting=meeting, prefix="video"),
        "note_form": SupervisionNoteForm(meeting=meeting, prefix="note"),
        "scoring_form": ScoringForm(meeting=meeting, user=user, prefix="scoring"),
        "edit_form": MeetingForm(instance=meeting, prefix="edit"),
    }
    return {**forms, **bound}


@staff_required
@require_POST
def meeting_change(request, public_id, part):
    """One of the leader's forms on the meeting page (a supervisor may add notes)."""
    roles = (LEADER, SUPERVISOR) if part == "note" else LEADING
    found = access.get_meeting(request.user, public_id, roles=roles)
    target = redirect("courses:meeting", public_id=found.public_id)
    form = _bound(part, found, request)
    if form is None:
        return target
    if form.is_valid():
        try:
            _apply(part, form, found, request.user)
        except ConsentMissing:
            form.add_error(None, _("The recording lacks the written consent for a course."))
        else:
            return _saved(request, found, f"meeting {part}", target)
    context = pages.meeting_context(found, request.user)
    if context["is_leader"]:
        context.update(_meeting_forms(found, request.user, **{f"{part}_form": form}))
    else:
        context["note_form"] = form
    return render(request, "courses/meeting.html", context, status=400)


def _bound(part: str, meeting, request):
    data, user = request.POST, request.user
    makers = {
        "roles": lambda: RolesForm(data, meeting=meeting, prefix="roles"),
        "attendance": lambda: AttendanceForm(data, meeting=meeting, prefix="attendance"),
        "video": lambda: VideoForm(data, meeting=meeting, prefix="video"),
        "note": lambda: SupervisionNoteForm(data, meeting=meeting, prefix="note"),
        "scoring": lambda: ScoringForm(data, meeting=meeting, user=user, prefix="scoring"),
        "edit": lambda: MeetingForm(data, instance=meeting, prefix="edit"),
    }
    return makers[part]() if part in makers else None


def _apply(part: str, form, meeting, user) -> None:
    if part == "roles":
        for role in MeetingRole.Role.values:
            services.set_role(meeting=meeting, role=role, participants=form.cleaned_data[role])
    elif part == "attendance":
        services.record_attendance(meeting=meeting, statuses=form.statuses())
    elif part == "video":
        services.record_video(meeting=meeting, by=user, **form.cleaned_data)
    elif part == "note":
        services.add_supervision_note(meeting=meeting, by=user, **form.cleaned_data)
    elif part == "scoring":
        services.start_scoring_exercise(meeting=meeting, segment=form.cleaned_data["segment"], by=user)
    else:
        form.save()


# -- Participants ---------------------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def participant(request, public_id):
    found = access.get_participant(request.user, public_id)
    is_self = found.user_id == request.user.pk
    part = request.POST.get("part", "")
    forms = {
        "group_form": GroupForm(instance=found, prefix="group"),
        "character_form": CharacterForm(instance=found, prefix="character"),
        "preparation_form": PreparationForm(participant=found, prefix="preparation"),
    }
    if request.method == "POST":
        if not is_self:
            raise PermissionDenied
        result = _participant_post(request, found, part, forms)
        if result is not None:
            return result
    context = {**pages.participant_context(found, request.user, timezone.localdate()), **forms}
    audit.record(request, VIEW, found, detail="participant")
    audit.record_patients_shown(request, [m.patient for m in forms["preparation_form"].members], detail="preparation")
    return render(request, "courses/participant.html", context, status=400 if request.method == "POST" else 200)


def _participant_post(request, found: Participant, part: str, forms: dict):
    target = redirect("courses:participant", public_id=found.public_id)
    if part == "reading":
        reading = found.course.readings.filter(pk=request.POST.get("reading") or None).first()
        if reading is not None:
            services.mark_read(participant=found, reading=reading, read=request.POST.get("read") == "1")
        return _saved(request, found, "reading", target)
    if part == "group":
        form = forms["group_form"] = GroupForm(request.POST, instance=found, prefix="group")
    elif part == "character":
        form = forms["character_form"] = CharacterForm(request.POST, instance=found, prefix="character")
    else:
        form = forms["preparation_form"] = PreparationForm(request.POST, participant=found, prefix="preparation")
    if not form.is_valid():
        return None
    if part in ("group", "character"):
        form.save()
        return _saved(request, found, part, target)
    send = request.POST.get("send") == "1"
    services.save_preparation(
        participant=found,
        group_account=form.cleaned_data["group_account"],
        case_formulation=form.cleaned_data["case_formulation"],
        descriptions=form.descriptions(),
        send=send,
    )
    for label in form.long_descriptions():
        messages.warning(
            request,
            _("The description of %(patient)s is longer than %(lines)s lines; the course asks for 5 to 10.")
            % {"patient": label, "lines": form.LIMIT},
        )
    return _saved(request, found, "preparation", target)


@staff_required
def dossier(request, public_id):
    found = access.get_participant(request.user, public_id)
    audit.record(request, VIEW, found, detail="dossier")
    return render(request, "courses/dossier.html", pages.dossier_context(found))
