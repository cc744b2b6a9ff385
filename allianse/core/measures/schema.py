"""JSON Schema of an instrument definition (see docs/instrument-format.md)."""

TEXT = {
    "type": "object",
    "properties": {"nb": {"type": "string", "minLength": 1}, "en": {"type": "string", "minLength": 1}},
    "required": ["nb", "en"],
    "additionalProperties": False,
}

IDENTIFIER = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}

# What the product looks an item or score up by (docs/instrument-format.md lists the roles in use).
ROLES = {"type": "array", "items": IDENTIFIER, "minItems": 1, "uniqueItems": True}

OPTION = {
    "type": "object",
    "properties": {"value": IDENTIFIER, "text": TEXT},
    "required": ["value", "text"],
    "additionalProperties": False,
}

ITEM = {
    "type": "object",
    "properties": {
        "id": IDENTIFIER,
        "section": IDENTIFIER,
        "type": {"enum": ["scale", "yes_no", "choice", "multi_choice", "text"]},
        "text": TEXT,
        "label": TEXT,
        "description": TEXT,
        "min": {"type": "integer"},
        "max": {"type": "integer"},
        "anchors": {"type": "object", "additionalProperties": TEXT},
        "reversed": {"type": "boolean"},
        "required": {"type": "boolean"},
        "max_length": {"type": "integer", "minimum": 1},
        "options": {"type": "array", "items": OPTION, "minItems": 2},
        "shown_when": {
            "type": "object",
            "properties": {"item": IDENTIFIER, "equals": {"type": ["boolean", "integer", "string"]}},
            "required": ["item", "equals"],
            "additionalProperties": False,
        },
        "roles": ROLES,
    },
    "required": ["id", "type", "text"],
    "additionalProperties": False,
    "allOf": [
        {
            "if": {"properties": {"type": {"const": "scale"}}},
            "then": {"required": ["min", "max", "anchors"]},
        },
        {
            "if": {"properties": {"type": {"enum": ["choice", "multi_choice"]}}},
            "then": {"required": ["options"]},
        },
    ],
}

SCORE = {
    "type": "object",
    "properties": {
        "id": IDENTIFIER,
        "title": TEXT,
        "items": {"type": "array", "items": IDENTIFIER, "minItems": 1},
        "method": {"enum": ["mean", "sum"]},
        "min_answered": {"type": "integer", "minimum": 1},
        "reliable_change": {"type": "number", "exclusiveMinimum": 0},
        "reliable_change_source": {"type": "string", "minLength": 1},
        # Published norms (docs/instrument-format.md, "Norms"): they give the reliable change index.
        "norms": {
            "type": "object",
            "properties": {
                "sd": {"type": "number", "exclusiveMinimum": 0},
                "reliability": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
                "source": {"type": "string", "minLength": 1},
            },
            "required": ["sd", "reliability", "source"],
            "additionalProperties": False,
        },
        "better": {"enum": ["higher", "lower"]},
        "primary": {"type": "boolean"},
        "roles": ROLES,
    },
    "required": ["id", "title", "items", "method", "min_answered"],
    "additionalProperties": False,
    "dependentRequired": {"reliable_change": ["reliable_change_source"]},
}

BAND_RANGE = {
    "type": "object",
    "properties": {
        "id": IDENTIFIER,
        "min": {"type": "number"},
        "max": {"type": "number"},
        "concern": {"type": "boolean"},
        "label": TEXT,
    },
    "required": ["id", "min", "max", "concern", "label"],
    "additionalProperties": False,
}

RESPONDENTS = ["patient", "therapist", "group_member", "observer"]


def _texts_by_id(*names: str) -> dict:
    return {
        "type": "object",
        "propertyNames": IDENTIFIER,
        "additionalProperties": {
            "type": "object",
            "properties": {name: TEXT for name in names},
            "additionalProperties": False,
        },
    }


# Another respondent's wording of the same questions (e.g. a group member asked about the group's
# therapists): texts only, so the answers and scores are the same instrument's.
WORDINGS = {
    "type": "object",
    "propertyNames": {"enum": RESPONDENTS},
    "additionalProperties": {
        "type": "object",
        "properties": {
            "introduction": TEXT,
            "sections": _texts_by_id("title", "description"),
            "items": _texts_by_id("text", "description"),
        },
        "additionalProperties": False,
    },
}

INSTRUMENT = {
    "type": "object",
    "properties": {
        "key": {"type": "string", "pattern": "^[a-z][a-z0-9-]*$"},
        "version": {"type": "string", "minLength": 1},
        "respondent": {"enum": RESPONDENTS},
        "validated": {"type": "boolean"},
        "licence": TEXT,
        "attribution": TEXT,
        "title": TEXT,
        "introduction": TEXT,
        "missing_reasons": {"type": "array", "items": IDENTIFIER},
        "sections": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"id": IDENTIFIER, "title": TEXT, "description": TEXT},
                "required": ["id", "title"],
                "additionalProperties": False,
            },
        },
        "items": {"type": "array", "items": ITEM, "minItems": 1},
        "wordings": WORDINGS,
        "scores": {"type": "array", "items": SCORE},
        "bands": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "score": IDENTIFIER,
                    "ranges": {"type": "array", "items": BAND_RANGE, "minItems": 1},
                },
                "required": ["score", "ranges"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["key", "version", "respondent", "validated", "licence", "attribution", "title", "items"],
    "additionalProperties": False,
}
