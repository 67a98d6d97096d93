from __future__ import annotations

from django.test import Client

from healtheos.accounts.models import PayerRole, Realm
from tests.conftest import World
from tests.factories import TEST_PASSWORD, UserFactory, totp_code


def test_the_admin_login_form_is_never_offered_password_only(world: World) -> None:
    response = Client().get("/payer/admin/login/?next=/payer/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/payer/admin/"
    UserFactory(
        username="root",
        realm=Realm.PAYER,
        payer_role=PayerRole.ADMINISTRATOR,
        is_staff=True,
        is_superuser=True,
    )
    client = Client()
    client.post("/payer/admin/login/", {"username": "root", "password": TEST_PASSWORD})
    assert client.get("/payer/admin/").status_code == 302


def test_payer_staff_reach_the_console_after_both_factors(world: World) -> None:
    UserFactory(
        username="root",
        realm=Realm.PAYER,
        payer_role=PayerRole.ADMINISTRATOR,
        is_staff=True,
        is_superuser=True,
    )
    client = Client()
    client.post(
        "/accounts/login/", {"login": "root", "password": TEST_PASSWORD, "next": "/payer/admin/"}
    )
    assert client.get("/payer/admin/").status_code == 302  # password alone is not enough
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert response["Location"] == "/payer/admin/"
    assert client.get("/payer/admin/").status_code == 200
