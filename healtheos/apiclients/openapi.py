"""The OpenAPI 3.1 description of the JSON API, written by hand as data.

It describes what the views answer, errors included (RFC 9457 problems, RFC 6749 token
errors); ``tests/apiclients/test_openapi.py`` fuzzes the API against it with schemathesis,
so a view and its description cannot drift apart unnoticed.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from healtheos.apiclients.models import SCOPES

Schema = dict[str, Any]


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(required: list[str] | None = None, **properties: Schema) -> Schema:
    return {"type": "object", "required": required or list(properties), "properties": properties}


STRING: Schema = {"type": "string"}
INTEGER: Schema = {"type": "integer"}
BOOLEAN: Schema = {"type": "boolean"}
DATE: Schema = {"type": "string", "format": "date"}
DATETIME: Schema = {"type": "string", "format": "date-time"}
MONEY: Schema = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}


def _nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


def _list(schema: Schema) -> Schema:
    return {"type": "array", "items": schema}


def _json(schema: Schema, description: str) -> Schema:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _problem(description: str, **headers: str) -> Schema:
    answer: Schema = {
        "description": description,
        "content": {"application/problem+json": {"schema": _ref("Problem")}},
    }
    if headers:
        answer["headers"] = {
            name: {"schema": STRING, "description": d} for name, d in headers.items()
        }
    return answer


_UNAUTHORIZED = _problem(
    "No access token, or an unknown, expired or revoked one.",
    **{"WWW-Authenticate": "The Bearer challenge (RFC 6750)."},
)
_FORBIDDEN = _problem(
    "The token lacks the scope this operation needs.",
    **{"WWW-Authenticate": "The Bearer challenge naming the scope."},
)
_NOT_FOUND = _problem("Nothing with this identifier for the token's office.")
_BAD = _problem("The request is not valid; ``errors`` names each field when there are some.")

_EMPTY_405 = {"description": "Method not allowed (no body; the Allow header lists the methods)."}

SCHEMAS: dict[str, Schema] = {
    "Problem": {
        "type": "object",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": STRING,
            "title": STRING,
            "status": INTEGER,
            "detail": STRING,
            "errors": {"type": "object", "additionalProperties": _list(STRING)},
        },
    },
    "TokenError": _obj(
        error={
            "type": "string",
            "enum": [
                "invalid_request",
                "invalid_client",
                "invalid_scope",
                "unsupported_grant_type",
                "slow_down",
            ],
        },
        error_description=STRING,
    ),
    "Token": _obj(
        access_token=STRING,
        token_type={"type": "string", "enum": ["Bearer"]},
        expires_in=INTEGER,
        scope=STRING,
    ),
    "TokenRequest": {
        "type": "object",
        "required": ["grant_type"],
        "properties": {
            "grant_type": {"type": "string", "enum": ["client_credentials"]},
            "scope": {
                "type": "string",
                "description": "Space-separated; all of the client's by default.",
            },
            "client_id": {"type": "string", "description": "When not sent with HTTP Basic."},
            "client_secret": STRING,
        },
    },
    "WhoAmI": _obj(
        client_id=STRING,
        office=_obj(name=STRING, tin=STRING, plan=STRING),
        scopes=_list({"type": "string", "enum": list(SCOPES)}),
        expires_at=DATETIME,
    ),
    "EligibilityRequest": {
        "type": "object",
        "required": ["date_of_birth"],
        "properties": {
            "member_id": {"type": "string", "description": "Letters, digits and dashes."},
            "last_name": {"type": "string", "maxLength": 60},
            "first_name": {"type": "string", "maxLength": 60},
            "date_of_birth": DATE,
            "date_of_service": DATE,
            "service_types": _list({"type": "string", "description": "X12 service type code"}),
            "line_of_business": STRING,
        },
        "description": "The portal search form's fields; a member ID, or names with the date "
        "of birth, find the member.",
    },
    "CostShare": {
        "type": "object",
        "required": ["kind", "network", "level", "amount", "met", "remaining"],
        "properties": {
            "kind": STRING,
            "network": STRING,
            "level": STRING,
            "amount": MONEY,
            "met": MONEY,
            "remaining": MONEY,
        },
    },
    "NetworkBenefit": _obj(
        network=STRING,
        covered=BOOLEAN,
        copay=_nullable(MONEY),
        coinsurance_percent=_nullable(MONEY),
        deductible_applies=BOOLEAN,
        prior_auth_required=BOOLEAN,
        visits_per_year=_nullable(INTEGER),
        limitation=STRING,
    ),
    "ServiceBenefit": _obj(
        service_type=STRING,
        name=STRING,
        in_network=_nullable(_ref("NetworkBenefit")),
        out_of_network=_nullable(_ref("NetworkBenefit")),
    ),
    "Coverage": {
        "type": "object",
        "required": [
            "active",
            "line_of_business",
            "plan_name",
            "start_date",
            "end_date",
            "cost_shares",
            "benefits",
        ],
        "properties": {
            "active": BOOLEAN,
            "line_of_business": STRING,
            "line_of_business_label": STRING,
            "plan_name": STRING,
            "plan_code": STRING,
            "product_type": STRING,
            "group_number": STRING,
            "group_name": STRING,
            "start_date": DATE,
            "end_date": _nullable(DATE),
            "referral_required": BOOLEAN,
            "pcp": _nullable(_obj(["name", "npi"], name=STRING, npi=STRING, phone=STRING)),
            "cost_shares": _list(_ref("CostShare")),
            "benefits": _list(_ref("ServiceBenefit")),
            "plan_year": INTEGER,
        },
    },
    "Eligibility": {
        "type": "object",
        "required": [
            "outcome",
            "date_of_service",
            "service_types",
            "payer_name",
            "payer_id",
            "member",
            "coverages",
        ],
        "properties": {
            "outcome": STRING,
            "date_of_service": DATE,
            "service_types": _list(STRING),
            "payer_name": STRING,
            "payer_id": STRING,
            "member": _nullable(
                {
                    "type": "object",
                    "required": ["member_id", "first_name", "last_name", "birth_date"],
                    "properties": {
                        "member_id": STRING,
                        "first_name": STRING,
                        "last_name": STRING,
                        "birth_date": DATE,
                        "sex": STRING,
                        "relationship": STRING,
                    },
                }
            ),
            "coverages": _list(_ref("Coverage")),
            "problem": _nullable(STRING),
            "hint": STRING,
        },
    },
    "Submission": _obj(
        id=INTEGER,
        status={"type": "string", "enum": ["received", "processing", "done", "failed"]},
        file_name=STRING,
        received_at=DATETIME,
        claims=_obj(total=INTEGER, accepted=INTEGER, rejected=INTEGER),
        acknowledgment=_nullable(_obj(kind=STRING, url={"type": "string", "format": "uri"})),
        claim_acknowledgment=_nullable(_obj(url={"type": "string", "format": "uri"})),
        results=_list(
            _obj(
                patient_control_number=STRING,
                accepted=BOOLEAN,
                status=STRING,
                reason=STRING,
                claim_number=_nullable(STRING),
            )
        ),
    ),
    "AuthorizationRequest": {
        "type": "object",
        "required": ["member", "services", "diagnosis_codes", "requesting_npi"],
        "properties": {
            "member": {
                "type": "object",
                "required": ["birth_date"],
                "properties": {
                    "member_id": STRING,
                    "last_name": STRING,
                    "first_name": STRING,
                    "birth_date": DATE,
                },
            },
            "line_of_business": STRING,
            "requesting_npi": STRING,
            "servicing_npi": STRING,
            "urgency": {"type": "string", "enum": ["standard", "expedited"]},
            "expedited_justification": STRING,
            "place_of_service": STRING,
            "diagnosis_codes": _list(STRING),
            "services": _list(
                {
                    "type": "object",
                    "required": ["procedure_code", "service_from"],
                    "properties": {
                        "procedure_code": STRING,
                        "modifiers": _list(STRING),
                        "units": {"type": "integer", "minimum": 1},
                        "service_from": DATE,
                        "service_to": DATE,
                    },
                }
            ),
            "clinical_notes": STRING,
            "attachments": _list(
                _obj(["data"], name=STRING, data={"type": "string", "contentEncoding": "base64"})
            ),
        },
    },
    "Authorization": _obj(
        tracking_number=STRING,
        status=STRING,
        urgency=STRING,
        submitted_at=_nullable(DATETIME),
        decision_due_at=_nullable(DATETIME),
        clock_stopped_since=_nullable(DATETIME),
        decided_at=_nullable(DATETIME),
        authorization_number=_nullable(STRING),
        valid_from=_nullable(DATE),
        valid_to=_nullable(DATE),
        reason_code=_nullable(STRING),
        reason_text=_nullable(STRING),
        decided_by_rule=BOOLEAN,
        services=_list(
            _obj(
                procedure_code=STRING,
                modifiers=_list(STRING),
                units_requested=INTEGER,
                units_approved=_nullable(INTEGER),
                service_from=_nullable(DATE),
                service_to=_nullable(DATE),
            )
        ),
        timeline=_list(_obj(status=STRING, at=_nullable(DATETIME), note=_nullable(STRING))),
    ),
}

_BEARER: list[dict[str, list[str]]] = [{"bearer": []}]
_SUBMISSION_ID = {
    "name": "submission_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}

_PAYMENT_ID = {
    "name": "payment_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}

PATHS: dict[str, Schema] = {
    "/oauth/token": {
        "post": {
            "operationId": "token",
            "summary": "An access token for a client (OAuth 2.0 client credentials grant).",
            "security": [{"basic": []}, {}],
            "requestBody": {
                "required": True,
                "content": {"application/x-www-form-urlencoded": {"schema": _ref("TokenRequest")}},
            },
            "responses": {
                "200": _json(_ref("Token"), "The token; reuse it until it expires."),
                "400": _json(_ref("TokenError"), "Unsupported grant type or scope."),
                "401": _json(_ref("TokenError"), "Unknown client or wrong secret."),
                "405": _EMPTY_405,
                "429": _json(_ref("TokenError"), "Too many token requests for this client."),
            },
        }
    },
    "/api/v1/whoami": {
        "get": {
            "operationId": "whoami",
            "summary": "The token's office and scopes.",
            "security": _BEARER,
            "responses": {
                "200": _json(_ref("WhoAmI"), "The token's client, office and scopes."),
                "401": _UNAUTHORIZED,
                "405": _EMPTY_405,
            },
        }
    },
    "/api/v1/eligibility": {
        "post": {
            "operationId": "eligibility",
            "summary": "Check a member's eligibility and benefits (scope eligibility).",
            "security": _BEARER,
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("EligibilityRequest")}},
            },
            "responses": {
                "200": _json(_ref("Eligibility"), "The answer, as the portal shows it."),
                "400": _BAD,
                "401": _UNAUTHORIZED,
                "403": _FORBIDDEN,
                "405": _EMPTY_405,
                "429": _problem("Too many checks; wait.", **{"Retry-After": "Seconds to wait."}),
            },
        }
    },
    "/api/v1/claims/submissions": {
        "post": {
            "operationId": "claimSubmit",
            "summary": "Submit an 837P or 837I file (scope claims.submit).",
            "security": _BEARER,
            "parameters": [
                {"name": "X-File-Name", "in": "header", "required": False, "schema": STRING}
            ],
            "requestBody": {
                "required": True,
                "content": {"application/edi-x12": {"schema": STRING}},
            },
            "responses": {
                "200": _json(_ref("Submission"), "The same file was received before."),
                "202": _json(_ref("Submission"), "Stored; acknowledgments follow."),
                "400": _BAD,
                "401": _UNAUTHORIZED,
                "403": _FORBIDDEN,
                "405": _EMPTY_405,
            },
        }
    },
    "/api/v1/claims/submissions/{submission_id}": {
        "get": {
            "operationId": "claimSubmission",
            "summary": "A submission and its claims' results (scope claims.submit).",
            "security": _BEARER,
            "parameters": [_SUBMISSION_ID],
            "responses": {
                "200": _json(_ref("Submission"), "The submission."),
                "401": _UNAUTHORIZED,
                "403": _FORBIDDEN,
                "404": _NOT_FOUND,
                "405": _EMPTY_405,
            },
        }
    },
    "/api/v1/claims/submissions/{submission_id}/{which}": {
        "get": {
            "operationId": "claimSubmissionAcknowledgment",
            "summary": "The 999 (or TA1) or the 277CA a submission was answered with.",
            "security": _BEARER,
            "parameters": [
                _SUBMISSION_ID,
                {
                    "name": "which",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "enum": ["999", "277ca"]},
                },
            ],
            "responses": {
                "200": {
                    "description": "The acknowledgment, as an attachment.",
                    "content": {"application/edi-x12": {"schema": STRING}},
                },
                "401": _UNAUTHORIZED,
                "403": _FORBIDDEN,
                "404": _problem("No such submission, or not acknowledged yet."),
                "405": _EMPTY_405,
            },
        }
    },
    "/api/v1/authorizations": {
        "post": {
            "operationId": "authorizationSubmit",
            "summary": "Submit a prior authorization request (scope authorizations).",
            "security": _BEARER,
            "parameters": [
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": True,
                    "schema": {"type": "string", "minLength": 1, "maxLength": 64},
                }
            ],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("AuthorizationRequest")}},
            },
            "responses": {
                "200": _json(_ref("Authorization"), "Stored before under this Idempotency-Key."),
                "201": _json(_ref("Authorization"), "Stored."),
                "400": _BAD,
                "401": _UNAUTHORIZED,
                "403": _FORBIDDEN,
                "405": _EMPTY_405,
            },
        }
    },
    "/api/v1/authorizations/{tracking_number}": {
        "get": {
            "operationId": "authorization",
            "summary": "A request's status, decision and timeline (scope authorizations).",
            "security": _BEARER,
            "parameters": [
                {"name": "tracking_number", "in": "path", "required": True, "schema": STRING}
            ],
            "responses": {
                "200": _json(_ref("Authorization"), "The request."),
                "401": _UNAUTHORIZED,
                "403": _FORBIDDEN,
                "404": _NOT_FOUND,
                "405": _EMPTY_405,
            },
        }
    },
    "/api/v1/authorizations/requirements": {
        "get": {
            "operationId": "authorizationRequirements",
            "summary": "Is prior authorization required, with the documentation the plan "
            "requires (scope authorizations).",
            "security": _BEARER,
            "parameters": [
                {"name": "line_of_business", "in": "query", "required": True, "schema": STRING},
                {
                    "name": "procedure_code",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "array", "items": STRING, "minItems": 1, "maxItems": 10},
                    "style": "form",
                    "explode": True,
                },
                {"name": "place_of_service", "in": "query", "required": False, "schema": STRING},
            ],
            "responses": {
                "200": _json(
                    _obj(
                        ["plan", "requirements"],
                        plan=STRING,
                        requirements=_list(
                            _obj(
                                ["procedure_code", "authorization_required"],
                                procedure_code=STRING,
                                line_of_business=STRING,
                                place_of_service=_nullable(STRING),
                                authorization_required=BOOLEAN,
                                service=_nullable(STRING),
                                documentation_required=_nullable(STRING),
                                auto_approved=BOOLEAN,
                                rule_place_of_service=_nullable(STRING),
                            )
                        ),
                    ),
                    "One answer per procedure code.",
                ),
                "400": _BAD,
                "401": _UNAUTHORIZED,
                "403": _FORBIDDEN,
                "405": _EMPTY_405,
            },
        }
    },
    "/api/v1/remittances": {
        "get": {
            "operationId": "remittances",
            "summary": "The office's remittances, newest first, 50 a page "
            "(scope remittances.read).",
            "security": _BEARER,
            "parameters": [
                {"name": "page", "in": "query", "required": False, "schema": STRING},
                {"name": "trace_number", "in": "query", "required": False, "schema": STRING},
                {"name": "claim_number", "in": "query", "required": False, "schema": STRING},
                {
                    "name": "paid_from",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "format": "date"},
                },
                {
                    "name": "paid_to",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "format": "date"},
                },
            ],
            "responses": {
                "200": _json(
                    _obj(
                        ["count", "page", "pages", "results"],
                        count=INTEGER,
                        page=INTEGER,
                        pages=INTEGER,
                        results=_list({"type": "object"}),
                    ),
                    "A page of remittances.",
                ),
                "400": _BAD,
                "401": _UNAUTHORIZED,
                "403": _FORBIDDEN,
                "404": _problem("No such page."),
                "405": _problem("Use GET (offices) or POST (the plan)."),
            },
        },
        "post": {
            "operationId": "remittanceIngest",
            "summary": "The plan's 835 file (a plan's client, scope remittances.ingest).",
            "security": _BEARER,
            "parameters": [
                {"name": "X-File-Name", "in": "header", "required": False, "schema": STRING}
            ],
            "requestBody": {
                "required": True,
                "content": {"application/edi-x12": {"schema": STRING}},
            },
            "responses": {
                "200": _json({"type": "object"}, "The same file was stored before."),
                "202": _json({"type": "object"}, "Each payment stored or rejected, with why."),
                "400": _BAD,
                "401": _UNAUTHORIZED,
                "403": _FORBIDDEN,
                "404": _NOT_FOUND,
                "405": _problem("Use GET (offices) or POST (the plan)."),
                "413": _problem("The file is too large."),
            },
        },
    },
    "/api/v1/remittances/{payment_id}": {
        "get": {
            "operationId": "remittance",
            "summary": "One remittance with its claim payments and provider adjustments "
            "(scope remittances.read).",
            "security": _BEARER,
            "parameters": [_PAYMENT_ID],
            "responses": {
                "200": _json({"type": "object"}, "The remittance."),
                "401": _UNAUTHORIZED,
                "403": _FORBIDDEN,
                "404": _NOT_FOUND,
                "405": _EMPTY_405,
            },
        }
    },
    "/api/v1/remittances/{payment_id}/835": {
        "get": {
            "operationId": "remittance835",
            "summary": "The remittance's 835, as received (scope remittances.read).",
            "security": _BEARER,
            "parameters": [_PAYMENT_ID],
            "responses": {
                "200": {
                    "description": "The 835, as an attachment.",
                    "content": {"application/edi-x12": {"schema": STRING}},
                },
                "401": _UNAUTHORIZED,
                "403": _FORBIDDEN,
                "404": _NOT_FOUND,
                "405": _EMPTY_405,
            },
        }
    },
}


def document() -> Schema:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Healtheos JSON API",
            "version": "1",
            "description": "For an office's systems. Get a token at /oauth/token with the "
            "client credentials an office administrator creates; errors are RFC 9457 problems.",
        },
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "basic": {"type": "http", "scheme": "basic"},
            },
        },
    }


@require_GET
def openapi_json(request: HttpRequest) -> JsonResponse:
    """``GET /api/v1/openapi.json``: the description above (public, like FHIR metadata)."""
    return JsonResponse(document())
