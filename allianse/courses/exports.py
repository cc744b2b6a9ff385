"""The course's documents: the printable plan and a participant's dossier (PDF), and the
calendar feeds (iCalendar)."""

from django.http import HttpResponse
from django.utils.translation import get_language

from allianse.accounts import audit
from allianse.accounts.decorators import staff_required
from allianse.accounts.models import AuditEvent
from allianse.pdf import pdf_response, render_pdf

from . import access, ical, pages

EXPORT = AuditEvent.Action.EXPORT


@staff_required
def plan_pdf(request, public_id):
    """The course plan in the reader's language (nb or en)."""
    course = access.get_course(request.user, public_id)
    audit.record(request, EXPORT, course, detail="course plan pdf")
    context = pages.course_context(course, request.user)
    pdf = render_pdf("courses/plan_pdf.html", context, request=request)
    return pdf_response(pdf, f"course-plan-{get_language()}.pdf")


@staff_required
def dossier_pdf(request, public_id):
    participant = access.get_participant(request.user, public_id)
    audit.record(request, EXPORT, participant, detail="dossier pdf")
    pdf = render_pdf("courses/dossier_pdf.html", pages.dossier_context(participant), request=request)
    return pdf_response(pdf, f"dossier-{participant.public_id}.pdf")


@staff_required
def course_calendar(request, public_id):
    course = access.get_course(request.user, public_id)
    audit.record(request, EXPORT, course, detail="calendar")
    return _ics(ical.feed(course), f"course-{course.public_id}.ics")


@staff_required
def participant_calendar(request, public_id):
    participant = access.get_participant(request.user, public_id)
    audit.record(request, EXPORT, participant, detail="calendar")
    return _ics(ical.feed(participant.course, participant), f"course-{participant.public_id}.ics")


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
