"""The caseload's table rows, the same HTML the template's loop gave, written in Python.

The loop drew each row through about twenty template nodes, two URL reversals and a translated
phrase or three: a page of 25 patients cost the home and the caseload page near ten milliseconds.
Here the links are reversed and the phrases translated once per page, and each row only fills
them in (`tests/caseload/test_caseload_rows.py` compares the HTML with the template's).
"""

from __future__ import annotations

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from allianse.core.measures import roles
from allianse.instruments.templatetags.instrument_text import role_score
from allianse.links import link_to

register = template.Library()


@register.simple_tag
def treatment_rows(treatments) -> SafeString:
    """The caseload's rows: the patient's code, latest alliance, latest check and a new session."""
    patient_url, session_url = link_to("caseload:patient"), link_to("caseload:session_new")
    none = '<span class="muted">–</span>'
    # Translated outside the f-strings, where makemessages would not find them.
    tension, held_back = escape(_("tension reported")), escape(_("held something back"))
    no_answers, new_session = escape(_("no answers yet")), escape(_("New session"))
    tension = f'<span class="tag concern">{tension}</span>'
    held_back = f'<span class="tag concern">{held_back}</span>'
    no_answers = f'<span class="muted">{no_answers}</span>'
    rows = []
    for treatment in treatments:
        patient, latest = treatment.patient, treatment.latest
        alliance = role_score(latest, roles.ALLIANCE)
        if latest:
            check = (
                _("session %(number)s") % {"number": latest.session.number}
                + "\n        "
                + (tension if latest.rupture_reported else "")
                + "\n        "
                + (held_back if latest.held_back else "")
                + "\n        "
            )
        else:
            check = no_answers
        rows.append(
            "\n    <tr>\n"
            f'      <td><a href="{patient_url(patient.public_id)}">{escape(patient.code)}</a></td>\n'
            f"      <td>{none if alliance is None else floatformat(alliance, 1)}</td>\n"
            f"      <td>{check}</td>\n"
            f'      <td><a href="{session_url(treatment.public_id)}">{new_session}</a></td>\n'
            "    </tr>\n  "
        )
    return mark_safe("".join(rows))  # every part escaped above or a number
