"""Registration against the records on file: precise mismatches, no disclosure, the queue."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from healtheos.accounts.models import PayerRole, Realm
from healtheos.audit.models import AuditEvent
from healtheos.directory.models import NetworkParticipation
from healtheos.offices.models import Office, OfficeRegistration, OfficeStatus, RegistrationStatus
from healtheos.offices.registration import normalized_name
from tests.conftest import World
from tests.factories import (
    TEST_PASSWORD,
    OrganizationFactory,
    ProviderFactory,
    UserFactory,
    npi_for,
)

ORG_NAME = "Cedar Creek Family Practice, PLLC"


@pytest.fixture
def on_file(world: World) -> dict[str, Any]:
    """An organization under contract with Sunrise Health that has no office yet."""
    org = OrganizationFactory(tin="745550001", legal_name=ORG_NAME, npi=npi_for(777, 2))
    doctor = ProviderFactory(npi=npi_for(7777), organizations=[org])
    NetworkParticipation.objects.create(
        organization=org,
        plan=world.sunrise,
        line_of_business="commercial",
        effective_date="2024-01-01",
    )
    return {"org": org, "doctor": doctor}


def form(world: World, on_file: dict[str, Any], **changes: str) -> dict[str, str]:
    data = {
        "plan": str(world.sunrise.pk),
        "organization_name": "Cedar Creek Family Practice",
        "tin": "74-5550001",
        "npis": f"{on_file['org'].npi}, {on_file['doctor'].npi}",
        "address_line": "12 Cedar St",
        "city": "Austin",
        "state": "tx",
        "postal_code": "78701",
        "first_name": "Paz",
        "last_name": "Merriweather",
        "registrant_role": "Practice manager",
        "email": "paz@cedarcreek.example",
        "username": "paz.cc",
        "password1": "a long enough passphrase here",
        "password2": "a long enough passphrase here",
    }
    data.update(changes)
    return data


def test_a_matching_registration_waits_for_approval_and_sends_a_confirmation(
    world: World, on_file: dict[str, Any]
) -> None:
    response = Client().post("/register/", form(world, on_file))
    assert response.status_code == 302
    registration = OfficeRegistration.objects.get()
    assert registration.status == RegistrationStatus.PENDING
    assert registration.office.status == OfficeStatus.PENDING
    assert registration.registrant.memberships.get().role == "office_admin"
    assert registration.npis == [on_file["org"].npi, on_file["doctor"].npi]
    assert any("paz@cedarcreek.example" in m.to for m in mail.outbox)
    # Signing in now shows where the registration stands.
    answer = Client().post(
        "/accounts/login/", {"login": "paz.cc", "password": "a long enough passphrase here"}
    )
    assert answer.status_code == 403
    assert b"waiting for approval" in answer.content


def test_a_tin_not_on_file_is_named_without_revealing_anything(
    world: World, on_file: dict[str, Any]
) -> None:
    response = Client().post("/register/", form(world, on_file, tin="74-9999999"))
    errors = response.context["form"].errors
    assert "tin" in errors
    assert "not on file with Sunrise Health" in errors["tin"][0]
    assert ORG_NAME.encode() not in response.content
    assert not OfficeRegistration.objects.exists()


def test_an_npi_not_linked_to_the_tin_is_named(world: World, on_file: dict[str, Any]) -> None:
    stranger = world.prairie.practitioner.npi
    response = Client().post(
        "/register/", form(world, on_file, npis=f"{on_file['doctor'].npi} {stranger}")
    )
    assert response.context["form"].errors["npis"] == [
        f"NPI {stranger} is not linked to this tax ID in Sunrise Health's records."
    ]


def test_a_different_name_is_reported_without_showing_the_name_on_file(
    world: World, on_file: dict[str, Any]
) -> None:
    response = Client().post(
        "/register/", form(world, on_file, organization_name="Cedar Creek Pediatrics")
    )
    assert (
        "differs from the name on file" in response.context["form"].errors["organization_name"][0]
    )
    assert b"Family Practice" not in response.content


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("tin", "12-345", "9 digits"),
        ("npis", "1234567894", "check digit"),
        ("npis", "12345", "exactly 10 digits"),
        ("postal_code", "7870", "ZIP code"),
        ("state", "Texas", "two-letter"),
        ("organization_name", "x" * 121, "at most 120"),
        ("password2", "something else entirely", "differ"),
        ("email", "not-an-email", "valid email"),
    ],
)
def test_bad_input_is_reported_at_its_field(
    world: World, on_file: dict[str, Any], field: str, value: str, message: str
) -> None:
    response = Client().post("/register/", form(world, on_file, **{field: value}))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])


def test_a_common_password_is_refused_with_the_reason(
    world: World, on_file: dict[str, Any]
) -> None:
    response = Client().post(
        "/register/", form(world, on_file, password1="password123", password2="password123")
    )
    assert "too common" in " ".join(response.context["form"].errors["password1"])


def test_an_office_already_registered_sends_the_person_to_its_administrator(world: World) -> None:
    org = world.bluebonnet.office.organization
    NetworkParticipation.objects.create(
        organization=org,
        plan=world.sunrise,
        line_of_business="commercial",
        effective_date="2024-01-01",
    )
    response = Client().post(
        "/register/",
        {
            "plan": str(world.sunrise.pk),
            "organization_name": "Bluebonnet Family Medicine",
            "tin": org.tin,
            "npis": world.bluebonnet.practitioner.npi,
            "address_line": "1 A St",
            "city": "Austin",
            "state": "TX",
            "postal_code": "78701",
            "first_name": "A",
            "last_name": "B",
            "registrant_role": "Manager",
            "email": "new@bluebonnet.example",
            "username": "newperson",
            "password1": "a long enough passphrase here",
            "password2": "a long enough passphrase here",
        },
    )
    assert "Ask its portal administrator to invite you" in response.context["form"].errors["tin"][0]
    assert b"alice" not in response.content


def test_the_plan_can_approve_registrations_automatically(
    world: World, on_file: dict[str, Any]
) -> None:
    world.sunrise.auto_approve_registrations = True
    world.sunrise.save()
    Client().post("/register/", form(world, on_file))
    registration = OfficeRegistration.objects.get()
    assert registration.status == RegistrationStatus.APPROVED
    assert registration.auto_approved
    assert registration.office.status == OfficeStatus.APPROVED


def _staff(world: World):
    agent = UserFactory(
        username="sam",
        realm=Realm.PAYER,
        payer_role=PayerRole.PROVIDER_SERVICES,
        plan=world.sunrise,
    )
    return world.client_for(agent)


def test_payer_staff_approve_from_the_queue_and_the_registrant_is_told(
    world: World, on_file: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    Client().post("/register/", form(world, on_file))
    registration = OfficeRegistration.objects.get()
    staff = _staff(world)
    queue = staff.get("/payer/registrations/")
    assert b"Cedar Creek Family Practice" in queue.content
    detail = staff.get(f"/payer/registrations/{registration.pk}/")
    assert b"match the provider records" in detail.content
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(f"/payer/registrations/{registration.pk}/decide/", {"decision": "approve"})
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.APPROVED
    assert registration.office.status == OfficeStatus.APPROVED
    assert "approved" in mail.outbox[0].subject
    assert AuditEvent.objects.filter(action="registration.approved").exists()


def test_a_rejection_needs_a_reason_which_the_registrant_sees(
    world: World, on_file: dict[str, Any]
) -> None:
    Client().post("/register/", form(world, on_file))
    registration = OfficeRegistration.objects.get()
    staff = _staff(world)
    assert (
        staff.post(
            f"/payer/registrations/{registration.pk}/decide/", {"decision": "reject", "reason": ""}
        ).status_code
        == 400
    )
    staff.post(
        f"/payer/registrations/{registration.pk}/decide/",
        {"decision": "reject", "reason": "The address differs from the contract."},
    )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REJECTED
    answer = Client().post(
        "/accounts/login/", {"login": "paz.cc", "password": "a long enough passphrase here"}
    )
    assert b"was not approved" in answer.content
    assert b"The address differs from the contract." in answer.content


def test_staff_of_another_plan_and_office_users_cannot_see_the_registration(
    world: World, on_file: dict[str, Any]
) -> None:
    Client().post("/register/", form(world, on_file))
    registration = OfficeRegistration.objects.get()
    other = UserFactory(
        username="lake",
        realm=Realm.PAYER,
        payer_role=PayerRole.PROVIDER_SERVICES,
        plan=world.lakeshore,
    )
    assert (
        world.client_for(other).get(f"/payer/registrations/{registration.pk}/").status_code == 404
    )
    assert (
        world.client_for(world.alice).get(f"/payer/registrations/{registration.pk}/").status_code
        == 404
    )


def test_names_compare_like_a_person_would() -> None:
    assert normalized_name("Cedar Creek Family Practice, PLLC") == normalized_name(
        "cedar creek family practice"
    )
    assert normalized_name("Smith & Jones, Inc.") == normalized_name("Smith and Jones")
    assert normalized_name("Cedar Creek Pediatrics") != normalized_name(
        "Cedar Creek Family Practice"
    )


def test_an_approved_registrant_signs_in_with_the_password_they_chose(
    world: World, on_file: dict[str, Any]
) -> None:
    world.sunrise.auto_approve_registrations = True
    world.sunrise.save()
    Client().post("/register/", form(world, on_file))
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(email="paz@cedarcreek.example").update(verified=True)
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": "paz.cc", "password": "a long enough passphrase here"}
    )
    assert response.status_code == 302
    # No second factor yet: enrollment comes before anything else.
    assert client.get("/dashboard/")["Location"] == "/accounts/2fa/totp/activate/"
    assert Office.objects.get(name="Cedar Creek Family Practice").status == OfficeStatus.APPROVED
    assert TEST_PASSWORD  # the fixture password is unrelated to the registrant's
