"""The remittance API: the plan's systems send 835s; an office reads its own remittances."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from healtheos.apiclients.services import apiclient_create, token_issue
from healtheos.claims.models import Claim
from healtheos.payments.models import Payment
from tests.conftest import World
from tests.payments.test_remittance_ingest import remittance_for, write


def _token(**owner: object) -> str:
    scopes = ["remittances.ingest"] if "plan" in owner else ["remittances.read"]
    client, _ = apiclient_create(actor=None, name="Systems", scopes=scopes, **owner)  # type: ignore[arg-type]
    raw, _ = token_issue(client=client, scopes=scopes)
    return raw


def _post(token: str, body: bytes) -> object:
    return Client().post(
        "/api/v1/remittances",
        data=body,
        content_type="application/edi-x12",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


@pytest.fixture
def plan_token(world: World) -> str:
    return _token(plan=world.sunrise)


@pytest.fixture
def office_token(world: World) -> str:
    return _token(office=world.bluebonnet.office)


def test_the_plans_system_posts_an_835_and_learns_what_became_of_each_payment(
    world: World, tmp_path: Path, plan_token: str
) -> None:
    from dataclasses import replace
    from decimal import Decimal

    Claim.objects.payer_wide().filter(pk=world.bluebonnet.claim.pk).update(status="adjudicated")
    good = remittance_for(world, "EFT-API-1")
    bad = replace(remittance_for(world, "EFT-API-2"), total_paid=Decimal("0.01"))
    body = write(tmp_path, good, bad).read_bytes()
    response = _post(plan_token, body)
    assert response.status_code == 202  # type: ignore[attr-defined]
    result = response.json()  # type: ignore[attr-defined]
    assert [(p["trace_number"], p["status"]) for p in result["payments"]] == [
        ("EFT-API-1", "stored"),
        ("EFT-API-2", "rejected"),
    ]
    assert "does not balance at BPR at position" in result["payments"][1]["reason"]
    assert result["payments"][1]["set_position"] > 0
    stored = Payment.objects.payer_wide().get(trace_number="EFT-API-1")
    assert result["payments"][0]["payment_id"] == stored.pk
    assert Claim.objects.payer_wide().get(pk=world.bluebonnet.claim.pk).status == "paid"

    again = _post(plan_token, body)
    assert again.status_code == 200  # type: ignore[attr-defined]
    assert again.json()["already_ingested"] is True  # type: ignore[attr-defined]
    assert [p["id"] for p in again.json()["payments"]] == [stored.pk]  # type: ignore[attr-defined]
    assert Payment.objects.payer_wide().filter(trace_number="EFT-API-1").count() == 1


def test_a_plan_client_cannot_send_another_plans_payments(world: World, tmp_path: Path) -> None:
    other_plan = world.prairie.office.plan
    token = _token(plan=other_plan)
    response = _post(token, write(tmp_path, remittance_for(world)).read_bytes())
    assert response.status_code == 202  # type: ignore[attr-defined]
    (result,) = response.json()["payments"]  # type: ignore[attr-defined]
    assert result["status"] == "rejected"
    assert "is not the sending plan" in result["reason"]
    assert not Payment.objects.payer_wide().filter(trace_number="EFT-T-1").exists()


@pytest.mark.parametrize("body", [b"", b"ISA*garbage", b"not x12 at all"])
def test_an_unreadable_body_is_a_problem_not_a_500(plan_token: str, body: bytes) -> None:
    response = _post(plan_token, body)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/problem+json"  # type: ignore[index]


def test_client_kinds_and_scopes_are_kept_apart(
    world: World, tmp_path: Path, plan_token: str, office_token: str
) -> None:
    body = write(tmp_path, remittance_for(world)).read_bytes()
    assert _post(office_token, body).status_code == 403  # type: ignore[attr-defined]
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {plan_token}"}
    for path in (
        "/api/v1/remittances",
        f"/api/v1/remittances/{world.bluebonnet.payment.pk}",
        "/api/v1/whoami",
        "/api/v1/eligibility",
    ):
        response = Client().get(path, **bearer)
        if path == "/api/v1/whoami":
            assert response.json()["plan"]["code"] == world.sunrise.code
        else:
            assert response.status_code in (403, 405), path
    with pytest.raises(ValueError, match="unknown or missing scopes"):
        apiclient_create(plan=world.sunrise, actor=None, name="x", scopes=["claims.read"])
    with pytest.raises(ValueError, match="unknown or missing scopes"):
        apiclient_create(
            office=world.bluebonnet.office, actor=None, name="x", scopes=["remittances.ingest"]
        )


def test_an_office_lists_and_reads_its_remittances_and_downloads_the_835(
    world: World, tmp_path: Path, plan_token: str, office_token: str
) -> None:
    _post(plan_token, write(tmp_path, remittance_for(world, "EFT-API-9")).read_bytes())
    payment = Payment.objects.payer_wide().get(trace_number="EFT-API-9")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {office_token}"}
    listing = Client().get("/api/v1/remittances", **bearer).json()
    traces = [row["trace_number"] for row in listing["results"]]
    assert "EFT-API-9" in traces
    assert world.prairie.payment.trace_number not in traces
    found = Client().get("/api/v1/remittances?trace_number=EFT-API-9", **bearer).json()
    assert [row["id"] for row in found["results"]] == [payment.pk]
    detail = Client().get(f"/api/v1/remittances/{payment.pk}", **bearer).json()
    assert detail["claim_payments"][0]["claim_number"] == world.bluebonnet.claim.claim_number
    raw = Client().get(f"/api/v1/remittances/{payment.pk}/835", **bearer)
    assert raw["Content-Type"] == "application/edi-x12"
    assert raw.content.decode().startswith("ISA")
    bad = Client().get("/api/v1/remittances?paid_from=yesterday", **bearer)
    assert bad.status_code == 400


def test_another_offices_remittance_is_a_404(world: World, office_token: str) -> None:
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {office_token}"}
    other = world.prairie.payment.pk
    for path in (f"/api/v1/remittances/{other}", f"/api/v1/remittances/{other}/835"):
        response = Client().get(path, **bearer)
        assert response.status_code == 404, path
        assert world.prairie.payment.trace_number not in response.content.decode()


def test_the_apiclient_command_makes_a_plan_client(world: World) -> None:
    import io

    out = io.StringIO()
    call_command(
        "apiclient",
        "create",
        "--payer",
        world.sunrise.code,
        "--scope",
        "remittances.ingest",
        stdout=out,
    )
    assert "client_secret:" in out.getvalue()
    listing = io.StringIO()
    call_command("apiclient", "list", stdout=listing)
    assert f"plan {world.sunrise.code}" in listing.getvalue()


def test_an_unknown_filter_is_refused_rather_than_ignored(world: World) -> None:
    client, _ = apiclient_create(
        office=world.bluebonnet.office, actor=None, name="PM", scopes=["remittances.read"]
    )
    token, _ = token_issue(client=client, scopes=["remittances.read"])
    answer = Client().get(
        "/api/v1/remittances?trace_nubmer=X", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert answer.status_code == 400
    assert "trace_nubmer" in answer.json()["detail"]
