"""The caseload's rows are written in Python (caseload_rows `treatment_rows`); they give the HTML the
template's loop gave before them, in English and bokmål: a patient without answers, one whose latest
check reported tension and held something back, one with neither, and a code that needs escaping."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from allianse.clinic.models import Patient, Session, Treatment
from allianse.core.measures import roles
from allianse.feedback.models import Response
from allianse.feedback.services import PATIENT_CHECK
from allianse.instruments import registry as instruments

# The loop of caseload/_treatments.html as it was.
LOOP = Template(
    """{% load i18n instrument_text %}{% for treatment in treatments %}
    <tr>
      <td><a href="{% url 'caseload:patient' treatment.patient.public_id %}">{{ treatment.patient.code }}</a></td>
      <td>{% with alliance=treatment.latest|role_score:"alliance" %}{% if alliance is not None %}{{ alliance|floatformat:1 }}{% else %}<span class="muted">–</span>{% endif %}{% endwith %}</td>
      <td>{% if treatment.latest %}{% blocktranslate with number=treatment.latest.session.number %}session {{ number }}{% endblocktranslate %}
        {% if treatment.latest.rupture_reported %}<span class="tag concern">{% translate "tension reported" %}</span>{% endif %}
        {% if treatment.latest.held_back %}<span class="tag concern">{% translate "held something back" %}</span>{% endif %}
        {% else %}<span class="muted">{% translate "no answers yet" %}</span>{% endif %}</td>
      <td><a href="{% url 'caseload:session_new' treatment.public_id %}">{% translate "New session" %}</a></td>
    </tr>
  {% endfor %}"""  # noqa: E501
)
ROWS = Template("{% load caseload_rows %}{% treatment_rows treatments %}")


def check(number: int, alliance: float | None, *, tension: bool, held_back: bool) -> Response:
    instrument = instruments.get(PATIENT_CHECK)
    answers = {item.id: True for item in instrument.items_with_role(roles.RUPTURE) if tension}
    answers |= {item.id: True for item in instrument.items_with_role(roles.HELD_BACK) if held_back}
    scores = {} if alliance is None else {instrument.score_with_role(roles.ALLIANCE).id: alliance}
    response = Response(instrument_key=PATIENT_CHECK, answers=answers, scores=scores)
    response.session = Session(number=number)
    return response


def treatment(code: str, latest: Response | None) -> Treatment:
    shown = Treatment(patient=Patient(code=code))
    shown.latest = latest
    return shown


TREATMENTS = [
    treatment("A-1", None),
    treatment('<b>"B&2"</b>', check(12, 4.25, tension=True, held_back=True)),
    treatment("C-3", check(1, 3.0, tension=False, held_back=False)),
    treatment("D-4", check(1234, None, tension=True, held_back=False)),
]


@pytest.mark.parametrize("language", ["en", "nb"])
def test_the_rows_are_the_templates(language):
    with translation.override(language):
        expected = LOOP.render(Context({"treatments": TREATMENTS}))
        assert ROWS.render(Context({"treatments": TREATMENTS})) == expected
    assert "&lt;b&gt;&quot;B&amp;2&quot;&lt;/b&gt;" in expected
    assert expected.count('class="tag concern"') == 3


def test_no_treatments_no_rows():
    assert ROWS.render(Context({"treatments": []})) == ""
