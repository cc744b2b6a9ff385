"""Importing Questionnaires as instruments and building the FHIR resources of stored data."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from allianse.core.measures import Instrument
from allianse.feedback.models import Response
from allianse.instruments import registry

from . import vocabulary as v
from .importing import Conversion, Problem, from_questionnaire
from .models import ImportedInstrument
from .questionnaires import to_questionnaire
from .resources import Unreadable, parse
from .responses import to_observation, to_response

MAX_VERSION = 20


@dataclass
class ImportOutcome:
    """What importing a file gave: the definition, or the reasons it was refused."""

    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    definition: dict[str, Any] | None = None
    questionnaire: dict[str, Any] | None = None
    stored: ImportedInstrument | None = None

    @property
    def accepted(self) -> bool:
        return self.definition is not None and not self.problems


def read_questionnaire(raw: bytes | str) -> ImportOutcome:
    """Parse, validate and convert a Questionnaire (JSON or XML), without storing anything."""
    try:
        parsed = parse(raw, ("Questionnaire",))
    except Unreadable as error:
        return ImportOutcome(problems=error.problems)
    conversion = from_questionnaire(parsed.data)
    outcome = ImportOutcome(problems=list(conversion.problems), notes=list(conversion.notes), questionnaire=parsed.data)
    if conversion.fits and conversion.definition is not None:
        version = conversion.definition["version"]
        if len(version) > MAX_VERSION:
            outcome.problems.append(Problem("", "version_too_long", version))
        else:
            outcome.definition = conversion.definition
    return outcome


def import_questionnaire(raw: bytes | str, *, file_name: str, user, validation_source: str = "") -> ImportOutcome:
    """Store a fitting Questionnaire as an imported instrument; a key in use is refused."""
    outcome = read_questionnaire(raw)
    if not outcome.accepted or outcome.definition is None:
        return outcome
    key = outcome.definition["key"]
    with transaction.atomic():
        if registry.is_shipped(key) or ImportedInstrument.objects.select_for_update().filter(key=key).exists():
            outcome.problems.append(Problem("", "key_exists", key))
            outcome.definition = None
            return outcome
        outcome.stored = ImportedInstrument.objects.create(
            key=key,
            version=outcome.definition["version"],
            definition=outcome.definition,
            questionnaire=outcome.questionnaire,
            file_name=file_name[:200],
            validation_source=validation_source.strip(),
            imported_by=user,
        )
    return outcome


def source_questionnaire(instrument: Instrument) -> dict[str, Any]:
    """The Questionnaire an instrument was imported from, else its own export: the one whose
    linkIds and codes its responses from other systems use."""
    stored = ImportedInstrument.objects.filter(key=instrument.key).first()
    return stored.questionnaire if stored else to_questionnaire(instrument)


def conversion_for(instrument: Instrument) -> Conversion:
    """How the instrument's questions and answers are named in FHIR."""
    return from_questionnaire(source_questionnaire(instrument))


def questionnaire(instrument: Instrument) -> dict[str, Any]:
    """The instrument's Questionnaire; an imported one names the resource it came from."""
    resource = to_questionnaire(instrument)
    stored = ImportedInstrument.objects.filter(key=instrument.key).first()
    source = (stored.questionnaire.get("url") if stored else None) or None
    if source:
        version = stored.questionnaire.get("version") if stored else None
        resource["derivedFrom"] = [f"{source}|{version}" if version else source]
    return resource


def subject(patient, *, in_bundle: bool = False) -> dict[str, Any]:
    """The patient under the pseudonymous code (a reference to the Patient entry inside a Bundle)."""
    if in_bundle:
        return {"reference": f"urn:uuid:{patient.public_id}"}
    return {"identifier": {"system": v.PATIENT_CODE, "value": patient.code}}


def response_resources(response, *, in_bundle: bool = False) -> list[dict[str, Any]]:
    """A stored response as a QuestionnaireResponse, and its scores as an Observation (if it has any)."""
    instrument = registry.get(response.instrument_key, imported=True)
    patient = response.session.treatment.patient
    authored = response.submitted_at.isoformat()
    resources = [
        to_response(
            instrument,
            response_id=str(response.public_id),
            answers=response.answers,
            scores=response.scores,
            authored=authored,
            subject=subject(patient, in_bundle=in_bundle),
        )
    ]
    if instrument.scores:
        reference = f"urn:uuid:{response.public_id}" if in_bundle else f"QuestionnaireResponse/{response.public_id}"
        resources.append(
            to_observation(
                instrument,
                observation_id=str(response.public_id),
                derived_from=reference,
                scores=response.scores,
                effective=authored,
                subject=subject(patient, in_bundle=in_bundle),
            )
        )
    return resources


def observation_uuid(response) -> uuid.UUID:
    """The Observation's own UUID in a Bundle (its id is the response's, as a resource of another type)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{v.BASE}/Observation/{response.public_id}")


def treatment_responses(treatment) -> list:
    """The treatment's current responses (a corrected one only in its correction), oldest first."""
    return list(
        Response.objects.filter(session__treatment=treatment, superseded_by__isnull=True)
        .select_related("session__treatment__patient")
        .order_by("submitted_at", "pk")
    )


def treatment_bundle(treatment, responses) -> dict[str, Any]:
    """A treatment's data as a collection Bundle under pseudonymous identifiers: the patient (code
    only), the questionnaires answered, every current response and its scores."""
    patient = treatment.patient
    entries: list[dict[str, Any]] = [
        {
            "fullUrl": f"urn:uuid:{patient.public_id}",
            "resource": {
                "resourceType": "Patient",
                "id": str(patient.public_id),
                "identifier": [{"system": v.PATIENT_CODE, "value": patient.code}],
            },
        }
    ]
    keys = sorted({response.instrument_key for response in responses})
    for key in keys:
        resource = questionnaire(registry.get(key, imported=True))
        entries.append({"fullUrl": resource["url"], "resource": resource})
    for response in responses:
        answers, *scores = response_resources(response, in_bundle=True)
        entries.append({"fullUrl": f"urn:uuid:{response.public_id}", "resource": answers})
        entries.extend({"fullUrl": f"urn:uuid:{observation_uuid(response)}", "resource": s} for s in scores)
    return {
        "resourceType": "Bundle",
        "id": str(treatment.public_id),
        "type": "collection",
        "timestamp": timezone.now().isoformat(),
        "entry": entries,
    }
