"""A request the database could not answer is a 503 with Retry-After, in the caller's own
format; any other failure a 500. Neither page needs the database."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory

from healtheos.core.views import server_error

pytestmark = pytest.mark.urls("tests.failing_urls")


@pytest.fixture
def client(db: None) -> Client:
    return Client(raise_request_exception=False)


def test_a_page_whose_database_is_gone_asks_to_try_again(client: Client) -> None:
    response = client.get("/test/database-gone/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.content.decode()
    assert "<h1>Service Unavailable</h1>" in body
    assert "never creates a second copy" in body
    assert 'href="/test/database-gone/"' in body


def test_the_api_answers_a_problem_with_retry_after(client: Client) -> None:
    response = client.get("/api/v1/test/database-gone/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "5"
    assert response.json()["status"] == 503


def test_fhir_answers_a_transient_operation_outcome(client: Client) -> None:
    response = client.get("/fhir/r4/test/database-gone/")
    assert response.status_code == 503
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["code"] == "transient"


def test_x12_answers_plain_text(client: Client) -> None:
    response = client.get("/x12/v1/test/database-gone/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/plain")


def test_any_other_failure_is_a_500_without_retry_after(client: Client) -> None:
    page = client.get("/test/broken/")
    assert page.status_code == 500
    assert "Retry-After" not in page
    assert "<h1>Internal Server Error</h1>" in page.content.decode()
    assert client.get("/api/v1/test/broken/").json()["status"] == 500


def test_the_error_answer_itself_needs_no_database(rf: RequestFactory) -> None:
    """No database fixture here: any query would fail the test."""
    request = rf.get("/claims/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
