"""The JSON API against its OpenAPI description (``/api/v1/openapi.json``): schemathesis
generates requests from the description (valid and invalid ones) and checks that no answer
is a server error and that every answer matches what the description says: status code,
media type, headers and body.

Examples are bounded (``MAX_EXAMPLES`` per operation) so that the run fits CI; raise it
locally for a longer hunt: ``HEALTHEOS_FUZZ_EXAMPLES=500 pytest tests/apiclients/test_openapi.py``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis import checks

from healtheos.apiclients.openapi import document
from healtheos.apiclients.services import apiclient_create, token_issue
from tests.conftest import World

MAX_EXAMPLES = int(os.environ.get("HEALTHEOS_FUZZ_EXAMPLES", "25"))

#: An 837 or an acknowledgment is text; schemathesis sends generated strings as they are.
schemathesis.serializer.alias("application/edi-x12", "text/plain")
schema = schemathesis.openapi.from_dict(document())
schema.app = WSGIHandler()  # type: ignore[attr-defined]

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
    checks.ignored_auth,
    checks.unsupported_method,
]


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """schemathesis calls the real WSGI handler, whose request signals close "old"
    connections: on PostgreSQL that would close the test's own transaction. Django's test
    client disconnects the same receiver for the same reason."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(world: World) -> dict[str, str]:
    """A live token of a Bluebonnet client that holds every scope the API knows."""
    scopes = [
        "eligibility",
        "claims.read",
        "claims.submit",
        "authorizations",
        "payments",
        "remittances.read",
    ]
    client, _ = apiclient_create(
        office=world.bluebonnet.office, actor=None, name="Fuzzer", scopes=scopes
    )
    token, _ = token_issue(client=client, scopes=scopes)
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.django_db
def test_the_description_is_served_and_names_every_api_route() -> None:
    from tests.urlwalk import all_routes

    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    served = response.json()
    assert served["openapi"].startswith("3.")
    described = {p.replace("{", "<").replace("}", ">") for p in served["paths"]}
    routes = {
        "/" + r.pattern.replace("<int:", "<").replace("<str:", "<")
        for r in all_routes()
        if r.pattern.startswith("api/v1/") and r.name != "api_openapi"
    }
    assert routes <= described, f"API routes missing from the description: {routes - described}"


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
@pytest.mark.django_db
def test_the_api_answers_as_described(case: Any, bearer: dict[str, str]) -> None:
    headers = {} if case.operation.path == "/oauth/token" else dict(bearer)
    if case.headers and "Authorization" in case.headers:
        headers.pop("Authorization", None)
    chosen = CHECKS
    if case.operation.path == "/api/v1/claims/submissions":
        # Any bytes are an 837 to judge: each is stored and answered with 202 and its 999 or
        # TA1 (X12's way of saying what is wrong), so no body is "schema-violating" here.
        chosen = [c for c in CHECKS if c is not checks.negative_data_rejection]
    case.call_and_validate(headers=headers, checks=chosen)


# -- successful answers with real data, checked against the same description -----------------
# Generated requests rarely name a real member or a valid 837; these do, so that the 2xx
# schemas are proven against real answers too.


def _check(method: str, path: str, template: str, **kwargs: Any) -> Any:
    from werkzeug.test import Client as WsgiClient

    response = WsgiClient(WSGIHandler()).open(path, method=method, **kwargs)
    schema[template][method].validate_response(response)
    return response


def test_real_answers_match_the_description(world: World, bearer: dict[str, str]) -> None:
    from tests.authorizations.test_api import _body
    from tests.claims.x12_submissions import file_837
    from tests.eligibility.conftest import add_benefits

    member = world.bluebonnet.member
    add_benefits(member.coverages.get())
    whoami = _check("GET", "/api/v1/whoami", "/api/v1/whoami", headers=bearer)
    assert whoami.status_code == 200
    eligibility = _check(
        "POST",
        "/api/v1/eligibility",
        "/api/v1/eligibility",
        headers=bearer,
        json={"member_id": member.member_id, "date_of_birth": member.birth_date.isoformat()},
    )
    assert eligibility.status_code == 200, eligibility.text
    assert eligibility.json["coverages"]
    submitted = _check(
        "POST",
        "/api/v1/authorizations",
        "/api/v1/authorizations",
        headers={**bearer, "Idempotency-Key": "openapi-1"},
        json=_body(world),
    )
    assert submitted.status_code == 201, submitted.text
    tracking = submitted.json["tracking_number"]
    status = _check(
        "GET",
        f"/api/v1/authorizations/{tracking}",
        "/api/v1/authorizations/{tracking_number}",
        headers=bearer,
    )
    assert status.status_code == 200
    claims = _check(
        "POST",
        "/api/v1/claims/submissions",
        "/api/v1/claims/submissions",
        headers=bearer,
        data=file_837(world),
        content_type="application/edi-x12",
    )
    assert claims.status_code == 202, claims.text
    number = claims.json["id"]
    for path, template in (
        (f"/api/v1/claims/submissions/{number}", "/api/v1/claims/submissions/{submission_id}"),
        (
            f"/api/v1/claims/submissions/{number}/999",
            "/api/v1/claims/submissions/{submission_id}/{which}",
        ),
    ):
        # The acknowledgment may still be on its way (404 problem): both are described.
        assert _check("GET", path, template, headers=bearer).status_code in (200, 404)
