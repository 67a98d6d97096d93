from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from healtheos.accounts.models import User

EXPECTED_STATES = {"active", "pending", "locked", "unverified", "deactivated"}


# Flushing truncates tables, which PostgreSQL refuses inside the per-test transaction.
@pytest.mark.django_db(transaction=True)
def test_seed_refuses_to_mix_with_existing_data_unless_told_to_flush() -> None:
    call_command(
        "seed", scale="small", today=dt.date(2026, 11, 24), stdout=StringIO(), stderr=StringIO()
    )
    with pytest.raises(CommandError, match="--flush"):
        call_command("seed", scale="small", stdout=StringIO(), stderr=StringIO())
    out = StringIO()
    call_command(
        "seed",
        scale="small",
        flush=True,
        today=dt.date(2026, 11, 24),
        stdout=out,
        stderr=StringIO(),
    )
    assert "Seeded scale small" in out.getvalue()


@pytest.mark.django_db
def test_demo_writes_every_kind_of_sign_in(tmp_path: Path) -> None:
    target = tmp_path / "demo-credentials.json"
    out = StringIO()
    call_command("demo", no_serve=True, credentials_file=target, stdout=out, stderr=StringIO())
    credentials = json.loads(target.read_text())
    assert {entry["state"] for entry in credentials} >= EXPECTED_STATES
    assert {entry["realm"] for entry in credentials} == {"provider", "payer", "member"}
    required = {
        "username",
        "password",
        "realm",
        "plan",
        "office_tin",
        "role",
        "state",
        "totp_secret",
    }
    assert all(required <= entry.keys() for entry in credentials)
    billing_service = next(e for e in credentials if e["username"] == "billing.service")
    assert User.objects.get(username="billing.service").memberships.count() == 2
    assert billing_service["realm"] == "provider"
    assert "billing.service" in out.getvalue()


@pytest.mark.django_db
def test_running_the_demo_twice_keeps_the_data(tmp_path: Path) -> None:
    target = tmp_path / "c.json"
    call_command(
        "demo", no_serve=True, credentials_file=target, stdout=StringIO(), stderr=StringIO()
    )
    out = StringIO()
    call_command("demo", no_serve=True, credentials_file=target, stdout=out, stderr=StringIO())
    assert "already present" in out.getvalue()
