import functools

import segno
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit import ALL
from django_ratelimit.core import get_usage

from allianse.accounts import audit
from allianse.accounts.decorators import staff_required
from allianse.accounts.models import AuditEvent
from allianse.clinic.access import get_session_for_user
from allianse.delivery import services as delivery
from allianse.delivery.forms import SendForm, outcome
from allianse.instruments import registry as instruments
from allianse.instruments.forms import InstrumentForm, raw_answers
from allianse.instruments.language import current_language, respondent_language

from . import sending, services

ANSWERED_COOKIE = "answered_checks"
# Wrong short codes one client address may type on the start page in a window of minutes.
WRONG_CODES = 10
WRONG_CODES_MINUTES = 10


@staff_required
@require_POST
def issue_check(request, public_id):
    session = get_session_for_user(request.user, public_id)
    try:
        administration = services.issue_check(session=session, by=request.user)
    except services.TreatmentEnded:
        messages.info(request, _("This treatment has ended: it gets no new check links."))
        return redirect("caseload:session", public_id=session.public_id)
    audit.record(
        request, AuditEvent.Action.CREATE, administration, patient=session.treatment.patient, detail="check link issued"
    )
    return redirect("caseload:session", public_id=session.public_id)


@staff_required
def check_link(request, public_id, send_form=None):
    """The link as a QR code, its short code and the start page's address: to show the patient's
    phone, print on a card or send."""
    session = get_session_for_user(request.user, public_id)
    link = services.session_link(session)
    if link is None:
        return redirect("caseload:session", public_id=session.public_id)
    audit.record(request, AuditEvent.Action.VIEW, link, patient=session.treatment.patient, detail="check link page")
    url = request.build_absolute_uri(reverse("feedback:check", args=[link.token]))
    context = {
        "session": session,
        "url": url,
        "qr_svg": segno.make(url, error="m").svg_inline(scale=5, dark="#111", light="#fff", omitsize=True),
        "administration": link,
        "start_url": request.build_absolute_uri(reverse("feedback:start")),
        "send_form": send_form or _send_form(link),
        "link_delivery": sending.link_delivery(link),
    }
    return render(request, "feedback/check_link.html", context, status=400 if send_form else 200)


@staff_required
@require_POST
def send_check_link(request, public_id):
    """Send the session's live link by e-mail or SMS; a form with errors shows the link page again."""
    session = get_session_for_user(request.user, public_id)
    link = services.session_link(session)
    if link is None:
        return redirect("caseload:session", public_id=session.public_id)
    form = _send_form(link, request.POST)
    if not form.is_valid():
        return check_link(request, public_id, send_form=form)
    message = sending.send_check_link(link, form.cleaned_data["channel"], form.cleaned_data["to"], request.user)
    audit.record(
        request, AuditEvent.Action.CREATE, message, patient=session.treatment.patient, detail=f"check link {message}"
    )
    sent = message.status == message.Status.SENT
    (messages.success if sent else messages.error)(request, outcome(message))
    return redirect("feedback:check_link", public_id=session.public_id)


def _send_form(link, data=None) -> SendForm:
    return SendForm(data, stored=delivery.stored_recipients(sending.owner(link)))


@never_cache
@require_http_methods(["GET", "POST"])
def start(request):
    """Where a patient or a group member types the short code of their check (see `short_codes`),
    in bokmål unless they switch; a good code leads to the check. Wrong codes of every kind are
    counted together per client address in Django's cache, which must be shared (memcached, Redis)
    where several processes serve."""
    language = respondent_language(request, "nb")
    chosen = request.GET.get("lang")
    problem = None
    if request.method == "POST":
        if _wrong_codes(request, add=False) >= WRONG_CODES:
            problem = "too_many"
        else:
            try:
                url = services.short_code_url(request.POST.get("code", ""))
            except services.LinkProblem as error:
                _wrong_codes(request, add=True)
                problem = error.reason
            else:
                return redirect(f"{url}?lang={language}" if chosen else url)
    context = {
        "language": language,
        "problem": problem,
        "code": request.POST.get("code", ""),
        "minutes": WRONG_CODES_MINUTES,
    }
    status = 429 if problem == "too_many" else 400 if problem else 200
    return render(request, "feedback/start.html", context, status=status)


def _wrong_codes(request, *, add: bool) -> int:
    """How many wrong codes this client address has typed in the current window (one more if `add`)."""
    usage = get_usage(
        request,
        group="feedback.start",
        key="ip",
        rate=f"{WRONG_CODES}/{WRONG_CODES_MINUTES}m",
        method=ALL,
        increment=add,
    )
    return usage["count"]


@never_cache
@require_http_methods(["GET", "POST"])
def check(request, token):
    """The patient's check: no account, their language, one response per link. Valid answers go
    straight to the service; a form is built only to show the questions or their errors."""
    try:
        if request.method == "GET":
            return _check_form(request, token, services.open_check(token))
        administration = services.find_link(token)
        instrument = instruments.get(administration.instrument_key)
        answers = raw_answers(instrument, request.POST)
        outcome = _outcome_instrument(administration.instrument_key)
        outcome_answers = raw_answers(outcome, request.POST) if outcome else None
        with transaction.atomic():  # the response, its task and its audit row: one commit, all or none
            submission = services.submit_check(
                administration=administration, answers=answers, outcome_answers=outcome_answers
            )
            if submission.response is not None and not submission.was_duplicate:
                # One query, never the answers; a patient has no account.
                stored = [submission.response, submission.outcome_response]
                entries = [(response, administration.patient_id) for response in stored if response is not None]
                audit.record_many(request, AuditEvent.Action.CREATE, entries, detail="patient check submitted")
    except services.LinkProblem as problem:
        return _link_problem(request, token, problem)
    if submission.response is None:
        return _check_form(request, token, administration, submission.checked, submission.outcome)
    return _thanked(request, token, respondent_language(request, administration.language))


def _outcome_instrument(instrument_key: str):
    """The outcome measure asked after the patient check's questions (none for other links)."""
    return instruments.get(services.OUTCOME_CHECK) if instrument_key == services.PATIENT_CHECK else None


def _check_form(request, token, administration, checked=None, outcome_checked=None):
    language = respondent_language(request, administration.language)
    instrument = instruments.get(administration.instrument_key)
    if checked is None:
        questions, errors = _blank_questions(administration.instrument_key, language), False
    else:
        questions, errors = _questions(administration.instrument_key, language, request.POST, checked, outcome_checked)
    context = {
        "questions": questions,
        "has_errors": errors,
        "instrument": instrument,
        "language": language,
        "token": token,
        "other_language": "en" if language == "nb" else "nb",
    }
    return render(request, "feedback/check.html", context, status=400 if errors else 200)


@functools.cache
def _blank_questions(instrument_key: str, language: str) -> str:
    """The questions of a check not yet answered, the same for every patient (what is theirs, the
    link and the form's CSRF token, is on the page around them): rendered once per process and
    language, as the shipped instruments never change while it runs. Most of the form page's cost."""
    return _questions(instrument_key, language)[0]


def _questions(instrument_key: str, language: str, posted=None, checked=None, outcome_checked=None):
    """The questions as HTML, with the answers `posted` and those that need another look marked,
    and whether any does."""
    form = InstrumentForm(posted, instrument=instruments.get(instrument_key), language=language)
    outcome = _outcome_instrument(instrument_key)
    outcome_form = InstrumentForm(posted, instrument=outcome, language=language) if outcome else None
    if checked is not None:
        form.is_valid()
        form.show_errors(checked)
    if outcome_form is not None and outcome_checked is not None:
        outcome_form.is_valid()
        outcome_form.show_errors(outcome_checked)
    errors = bool(form.errors or (outcome_form is not None and outcome_form.errors))
    html = render_to_string("feedback/_questions.html", {"form": form, "outcome_form": outcome_form})
    return html, errors


@never_cache
def thanks(request):
    respondent_language(request, "nb")
    return render(request, "feedback/thanks.html")


@staff_required
@require_http_methods(["GET", "POST"])
def therapist_check(request, public_id):
    session = get_session_for_user(request.user, public_id)
    instrument = instruments.get(services.THERAPIST_CHECK)
    posted = request.POST if request.method == "POST" else None
    form = InstrumentForm(posted, instrument=instrument, language=current_language())
    if request.method == "POST":
        submission = services.record_therapist_check(
            session=session, therapist=request.user, answers=form.raw_answers()
        )
        if submission.response is not None:
            audit.record(request, AuditEvent.Action.SUBMIT, submission.response, patient=session.treatment.patient)
            return redirect("caseload:session", public_id=session.public_id)
        form.is_valid()
        form.show_errors(submission.checked)
    audit.record(request, AuditEvent.Action.VIEW, session, patient=session.treatment.patient, detail="therapist check")
    return render(
        request, "feedback/therapist_check.html", {"form": form, "session": session, "instrument": instrument}
    )


def _thanked(request, token: str, language: str):
    """To the thank-you page, remembering in a signed cookie (no server-side session for patients)
    that this browser answered the link, so a retry thanks again instead of saying it was used."""
    response = HttpResponseRedirect(f"{reverse('feedback:thanks')}?lang={language}")
    answered = [part for part in _answered(request) if part != token[-24:]][-9:] + [token[-24:]]
    response.set_signed_cookie(
        ANSWERED_COOKIE,
        ",".join(answered),
        salt=ANSWERED_COOKIE,
        max_age=7 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def _answered(request) -> list[str]:
    value = request.get_signed_cookie(ANSWERED_COOKIE, default="", salt=ANSWERED_COOKIE)
    return [part for part in value.split(",") if part]


def _link_problem(request, token, problem):
    respondent_language(request, problem.administration.language if problem.administration else "nb")
    just_answered = problem.reason == "used" and token[-24:] in _answered(request)  # never for a damaged link
    template = "feedback/thanks.html" if just_answered else "feedback/link_problem.html"
    return render(request, template, {"reason": problem.reason}, status=200 if just_answered else 410)
