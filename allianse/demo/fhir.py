"""The demo's imported instrument: a short sleep questionnaire written for the demo, brought in as a
FHIR R4 Questionnaire (weights in a contained value set, a calculated total, nb with English
translations) and listed under Clinic settings → Questionnaires from FHIR."""

import json

from allianse.fhir import services
from allianse.fhir.vocabulary import CALCULATED, ORDINAL_VALUE, translation

from .clinic import DemoContext

DAYS = [
    ("0", "Ingen dager", "No days"),
    ("1", "1–2 dager", "1–2 days"),
    ("2", "3–4 dager", "3–4 days"),
    ("3", "5–7 dager", "5–7 days"),
]
QUESTIONS = [
    (
        "sleep_badly",
        "Hvor mange dager den siste uka sov du dårlig?",
        "On how many days in the last week did you sleep badly?",
    ),
    (
        "low_energy",
        "Hvor mange dager hadde du lite energi på dagtid?",
        "On how many days did you have little energy in the daytime?",
    ),
    ("worries_awake", "Hvor mange dager holdt bekymringer deg våken?", "On how many days did worries keep you awake?"),
]


def _text(nb: str, en: str, name: str = "text") -> dict:
    return {name: nb, f"_{name}": {"extension": [translation("en", en)]}}


def questionnaire() -> dict:
    return {
        "resourceType": "Questionnaire",
        "id": "demo-sleep",
        "language": "nb",
        "contained": [
            {
                "resourceType": "ValueSet",
                "id": "days",
                "status": "active",
                "compose": {
                    "include": [
                        {
                            "system": "https://example.org/demo/days",
                            "concept": [
                                {
                                    "extension": [{"url": ORDINAL_VALUE, "valueDecimal": int(code)}],
                                    "code": code,
                                    **_text(nb, en, "display"),
                                }
                                for code, nb, en in DAYS
                            ],
                        }
                    ]
                },
            }
        ],
        "url": "https://example.org/demo/Questionnaire/demo-sleep",
        "version": "1",
        **_text("Søvn den siste uka (demo)", "Sleep in the last week (demo)", "title"),
        "status": "draft",
        **_text(
            "Et kort skjema skrevet for demoen av Allianse; ikke et validert instrument.",
            "A short form written for the Allianse demo; not a validated instrument.",
            "description",
        ),
        "item": [
            {
                "linkId": "week",
                **_text("Den siste uka", "The last week"),
                "type": "group",
                "item": [
                    {"linkId": link_id, **_text(nb, en), "type": "choice", "required": True, "answerValueSet": "#days"}
                    for link_id, nb, en in QUESTIONS
                ],
            },
            {
                "extension": [
                    {
                        "url": CALCULATED,
                        "valueExpression": {
                            "language": "text/fhirpath",
                            "expression": "%resource.repeat(item).answer.value.ordinal().sum()",
                        },
                    }
                ],
                "linkId": "total",
                **_text("Sum", "Total"),
                "type": "integer",
                "readOnly": True,
            },
        ],
    }


def build(context: DemoContext) -> None:
    services.import_questionnaire(
        json.dumps(questionnaire()).encode(), file_name="demo-sleep.json", user=context.administrator
    )
    context.say(
        "FHIR: every instrument as a Questionnaire at /api/v1/fhir/; an imported one at /fhir/import/ for admin."
    )
