"""The demo's imported instrument: stored from its FHIR Questionnaire, not validated, exported again as
valid FHIR R4 and scored like any instrument."""

import random

from django.utils import timezone
from fhir.resources.R4B.questionnaire import Questionnaire

from allianse.accounts.models import Role
from allianse.core.measures import score_response
from allianse.demo import fhir
from allianse.demo.clinic import DemoContext
from allianse.fhir import services
from allianse.fhir.models import ImportedInstrument
from allianse.instruments import registry
from tests.conftest import make_user


def test_the_demo_imports_its_sleep_questionnaire(db):
    context = DemoContext(
        now=timezone.now(), rng=random.Random(2026), administrator=make_user("admin", Role.ADMINISTRATOR)
    )
    fhir.build(context)
    stored = ImportedInstrument.objects.get()
    instrument = registry.get(stored.key, imported=True)
    assert instrument in registry.all_instruments(imported=True) and not instrument.validated
    Questionnaire.model_validate(services.questionnaire(instrument))
    assert score_response(instrument, {"sleep_badly": 3, "low_energy": 1, "worries_awake": 2}).scores == {"total": 6.0}
