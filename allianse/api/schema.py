"""What the OpenAPI schema says beyond the views: how to sign in with a token, and the refusals
every operation can answer (so a client, and the contract tests, know them)."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension

# `detail` in the user's language; the FHIR endpoints answer an OperationOutcome instead.
REFUSAL = {"type": "object", "properties": {"detail": {"type": "string"}}}
FIELD_ERRORS = {"type": "object", "additionalProperties": True}
WRITES = {"post", "put", "patch", "delete"}


class AccessTokenScheme(OpenApiAuthenticationExtension):
    target_class = "allianse.accounts.api_auth.AccessTokenAuthentication"
    name = "accessToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "An access token made under API tokens (a staff member's own) or Service accounts "
                "(an administrator's, for another system): `Authorization: Bearer <token>` "
                "(or `Token <token>`). A token reaches the parts of the API it names, read only "
                "(GET) unless it may write."
            ),
        }


def _response(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def document_refusals(result: dict, generator, request, public: bool) -> dict:
    """A SPECTACULAR_SETTINGS postprocessing hook: 401 (no or an invalid token or session), 403 (the
    role or the token's scope does not allow it), 404 (an unknown object, one the user may not see,
    or a page past the end), 400 (invalid input) and, for changes, 409 (the object no longer takes
    the change) on every operation that does not describe them itself."""
    refusals = {
        "400": _response("Invalid input: messages by field.", FIELD_ERRORS),
        "401": _response("No valid token or session.", REFUSAL),
        "403": _response("Not allowed for this role or outside the token's scope.", REFUSAL),
        "404": _response("Not found, or not the user's to see.", REFUSAL),
    }
    conflict = {"409": _response("The object no longer takes this change.", REFUSAL)}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code, response in {**refusals, **(conflict if method in WRITES else {})}.items():
                responses.setdefault(code, response)
    return result
