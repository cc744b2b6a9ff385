"""Recordings of group sessions and the members' consents to them: the recordings section of a
group session (upload only when every member present has consented), the member consents page of
a group (record, withdraw, history per membership), a consent's scanned form, and deleting a
recording's file after a withdrawal."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from allianse.accounts import audit
from allianse.accounts.decorators import staff_required
from allianse.accounts.models import AuditEvent
from allianse.groups.extensions import Section
from allianse.groups.models import GroupSession, TherapyGroup

from . import access, consents, pages, services
from .files import RecordingRejected
from .forms import MemberConsentForm, RecordingForm
from .models import Recording

VIEW, CREATE, UPDATE = AuditEvent.Action.VIEW, AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE


# -- Extensions of the groups' pages ------------------------------------------------------------------


def session_section(user, session: GroupSession) -> Section:
    """The "Recordings" section of the group session page (its viewers are the group's therapists)."""
    return Section("rating/_group_recordings.html", pages.group_recordings_context(session, None))


def supervision_section(user, group: TherapyGroup) -> Section:
    """The group's recordings on its supervision page, each with its segments and whether it is blocked."""
    recordings = (
        Recording.objects.filter(group_session__group=group)
        .select_related("group_session")
        .prefetch_related("segments")
        .order_by("-group_session__starts_at")
    )
    return Section("rating/_supervised_recordings.html", {"recordings": recordings})


def group_links(user, group: TherapyGroup) -> list[tuple[str, str]]:
    return [(_("Consents to recording"), reverse("rating:group_consents", args=[group.public_id]))]


# -- Views --------------------------------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def group_session_recordings(request, public_id):
    """The section on a page of its own; the section's upload form posts here."""
    if not request.user.is_therapist:
        raise PermissionDenied
    session = access.get_group_session_to_record(request.user, public_id)
    purposes = pages.group_upload_purposes(session)
    form = RecordingForm(request.POST or None, request.FILES or None, purposes=purposes) if purposes else None
    members = [membership.patient_id for membership in consents.members_present(session)]
    if request.method == "POST":
        if form is None:
            messages.error(request, _("No recording can be stored: see the consents below."))
        elif form.is_valid():
            recording = pages.upload(form, session=session, by=request.user)
            if recording is not None:
                audit.record_for_patients(request, CREATE, recording, members, detail="group recording uploaded")
                messages.success(request, _("The recording is stored."))
                return redirect("rating:recording", public_id=recording.public_id)
    audit.record_for_patients(request, VIEW, session, members, detail="group recordings")
    context = {"part": pages.group_recordings_context(session, form), "session": session, "group": session.group}
    refused = request.method == "POST" and (form is None or form.errors)
    return render(request, "rating/group_session_recordings.html", context, status=400 if refused else 200)


def _group_for_consents(request, public_id) -> TherapyGroup:
    if not access.keeps_member_consents(request.user):
        raise PermissionDenied
    return access.get_group_for_consents(request.user, public_id)


@staff_required
@require_http_methods(["GET", "POST"])
def group_consents(request, public_id):
    group = _group_for_consents(request, public_id)
    memberships = pages.member_choices(group)
    form = MemberConsentForm(request.POST or None, request.FILES or None, memberships=memberships)
    if request.method == "POST" and form.is_valid():
        records = _record_member_consent(form, request.user)
        if records:
            membership = records[0].membership
            detail = f"member consent recorded: {','.join(record.purpose for record in records)}"
            audit.record(request, CREATE, membership, patient=membership.patient, detail=detail)
            messages.success(request, _("The consent is recorded."))
            return redirect("rating:group_consents", public_id=group.public_id)
    context = pages.member_consents_context(request.user, group, form)
    patients = [membership.patient_id for membership in context["memberships"]]
    audit.record_for_patients(request, VIEW, group, patients, detail="member consents")
    return render(request, "rating/group_consents.html", context, status=400 if form.errors else 200)


def _record_member_consent(form: MemberConsentForm, by) -> list:
    data = form.cleaned_data
    scanned = data["scanned_form"]
    uploaded = None
    if scanned is not None:
        head = next(scanned.chunks(chunk_size=64), b"")
        scanned.seek(0)
        uploaded = consents.UploadedForm(scanned.name, head, scanned.size, scanned.chunks())
    try:
        return consents.record_member_consent(
            membership=data["membership"],
            purposes=data["purposes"],
            given_at=data["given_at"],
            document_reference=data["document_reference"],
            by=by,
            form=uploaded,
        )
    except RecordingRejected as rejected:
        form.add_error("scanned_form", MemberConsentForm.REJECTIONS[rejected.code])
    return []


@staff_required
@require_POST
def member_withdraw(request, public_id):
    """A member withdraws every consent they gave to recording, at once."""
    if not access.keeps_member_consents(request.user):
        raise PermissionDenied
    membership = access.get_membership_for_consents(request.user, public_id)
    withdrawn = consents.withdraw_member_consents(membership=membership, by=request.user)
    if withdrawn:
        purposes = ",".join(consent.purpose for consent in withdrawn)
        audit.record(
            request, UPDATE, membership, patient=membership.patient, detail=f"member consent withdrawn: {purposes}"
        )
        messages.warning(
            request,
            _(
                "Member %(code)s's consent is withdrawn. Every recording they are in is blocked from now on; "
                "ratings already submitted are kept and marked. You may delete the recordings' files below."
            )
            % {"code": membership.patient.code},
        )
    return redirect(f"{reverse('rating:group_consents', args=[membership.group.public_id])}#withdrawn")


@staff_required
@require_GET
def consent_form(request, public_id):
    """A consent's scanned form, for those who keep the consent."""
    consent = access.get_consent_for_user(request.user, public_id)
    if not consent.form_file_name or not consent.form_path.exists():
        raise Http404
    patient = consent.patient or (consent.membership.patient if consent.membership else None)
    audit.record(request, VIEW, consent, patient=patient, detail="scanned consent form")
    extension = consent.form_file_name.rsplit(".", 1)[-1]
    return FileResponse(
        consent.form_path.open("rb"),
        content_type=consent.form_content_type,
        as_attachment=True,
        filename=f"consent-{consent.public_id}.{extension}",
    )


@staff_required
@require_POST
def recording_delete_file(request, public_id):
    """Delete the recording's file and its segments' files; the recording and its ratings stay."""
    recording = access.get_recording_to_manage(request.user, public_id)
    if not recording.file_deleted:
        services.delete_recording_file(recording=recording, by=request.user)
        patients = consents.patient_ids(recording)
        audit.record_for_patients(request, UPDATE, recording, patients, detail="recording file deleted")
        messages.success(request, _("The recording's file and its segments' files are deleted."))
    return redirect("rating:recording", public_id=recording.public_id)
