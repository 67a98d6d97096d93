"""ASVS 2.2.3: whoever changes how a person signs in, the person hears of it by email, once,
with what changed, when, and what to do if it was not them, and no health information."""

from __future__ import annotations

import hashlib
import os
import re
from typing import Any

from allauth.mfa.models import Authenticator
from django.core import mail
from django.test import Client

from healtheos.accounts.models import User
from tests.conftest import World
from tests.factories import (
    TEST_PASSWORD,
    MembershipFactory,
    UserFactory,
    totp_code,
)

OFFICE = "198.51.100.7"
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/140.0"
NEW_PASSWORD = "a brand new passphrase 77"


def _signed_in(username: str) -> Client:
    """A real sign-in (password, then the authenticator code), and the password given again
    as allauth asks before any change of second factors."""
    client = Client(REMOTE_ADDR=OFFICE, HTTP_USER_AGENT=BROWSER)
    response = client.post("/accounts/login/", {"login": username, "password": TEST_PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.post("/accounts/2fa/authenticate/", {"code": totp_code()}).status_code == 302
    response = client.post("/accounts/reauthenticate/", {"password": TEST_PASSWORD})
    assert response.status_code == 302
    mail.outbox.clear()
    return client


def _the_one_notice_to(user: User, world: World) -> Any:
    """Exactly one mail went out, to ``user`` alone, and it says nothing about members."""
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    notice = mail.outbox[0]
    assert notice.to == [user.email]
    text = notice.subject + "\n" + notice.body
    for office_world in (world.bluebonnet, world.prairie):
        member = office_world.member
        for detail in (member.first_name, member.last_name, member.member_id):
            assert detail not in text
        assert member.birth_date.isoformat() not in text
        assert member.birth_date.strftime("%m/%d/%Y") not in text
        assert office_world.claim.claim_number not in text
        assert office_world.authorization.tracking_number not in text
    # What changed, when, and what to do if it was not them.
    assert user.username in notice.body
    assert re.search(r"^When: \w+day \d{1,2} \w+ 20\d\d, \d{1,2}:\d\d [AP]M", notice.body, re.M)
    assert re.search(r"If (it was not you|you did not ask for this)", notice.body)
    assert "Forgot your password?" in notice.body
    assert "does not include any health information" in notice.body
    return notice


def test_a_password_change_is_mailed_to_its_owner(world: World) -> None:
    client = _signed_in("frank")
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": TEST_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    notice = _the_one_notice_to(world.frank, world)
    assert notice.subject == "Your Healtheos provider portal password was changed"
    assert "Browser: Firefox on Windows" in notice.body
    assert "tell your office administrator" in notice.body


def test_a_password_reset_by_the_emailed_link_is_mailed_to_its_owner(world: World) -> None:
    client = Client(REMOTE_ADDR=OFFICE)
    client.post("/accounts/password/reset/", {"email": world.frank.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body)
    assert link is not None
    mail.outbox.clear()
    form = client.get(link.group(1), follow=True)
    response = client.post(
        form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    notice = _the_one_notice_to(world.frank, world)
    assert notice.subject == "Your Healtheos provider portal password was reset"


def test_a_first_authenticator_app_is_mailed_to_its_owner(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    user = UserFactory(username="newbie", mfa=False)
    MembershipFactory(user=user, office=world.bluebonnet.office, role="front_desk")
    client = Client(REMOTE_ADDR=OFFICE)
    client.post("/accounts/login/", {"login": "newbie", "password": TEST_PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = page.context["form"].secret
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    # The recovery codes made alongside are part of the same change: one mail, not two.
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists()
    notice = _the_one_notice_to(user, world)
    assert notice.subject == (
        "An authenticator app was added to your Healtheos provider portal account"
    )


def test_removing_the_authenticator_app_is_mailed_to_its_owner(world: World) -> None:
    client = _signed_in("frank")
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=world.frank, type=Authenticator.Type.TOTP).exists()
    notice = _the_one_notice_to(world.frank, world)
    assert notice.subject == (
        "An authenticator app was removed from your Healtheos provider portal account"
    )


def test_new_recovery_codes_are_mailed_to_their_owner(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client = _signed_in("frank")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/2fa/recovery-codes/generate/")
    assert response.status_code == 302
    notice = _the_one_notice_to(world.frank, world)
    assert notice.subject == "New recovery codes for your Healtheos provider portal account"
    assert "the earlier codes no longer work" in notice.body


def _passkey_registration(challenge: str) -> dict[str, Any]:
    """What a browser would post after a passkey answered ``navigator.credentials.create``
    for this portal: a new key pair, "none" attestation, signed for the test server."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from fido2.cose import ES256
    from fido2.utils import websafe_encode
    from fido2.webauthn import (
        Aaguid,
        AttestationObject,
        AttestedCredentialData,
        AuthenticatorData,
        CollectedClientData,
    )

    key = ec.generate_private_key(ec.SECP256R1())
    credential_id = os.urandom(16)
    credential = AttestedCredentialData.create(
        Aaguid.NONE, credential_id, ES256.from_cryptography_key(key.public_key())
    )
    flags = AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.UV | AuthenticatorData.FLAG.AT
    auth_data = AuthenticatorData.create(
        hashlib.sha256(b"testserver").digest(), flags, 0, credential
    )
    client_data = CollectedClientData.create(
        type="webauthn.create", challenge=challenge, origin="https://testserver"
    )
    return {
        "id": websafe_encode(credential_id),
        "rawId": websafe_encode(credential_id),
        "type": "public-key",
        "response": {
            "clientDataJSON": websafe_encode(client_data),
            "attestationObject": websafe_encode(AttestationObject.create("none", auth_data, {})),
        },
        "clientExtensionResults": {},
    }


def test_adding_and_removing_a_passkey_are_each_mailed_to_their_owner(world: World) -> None:
    import json

    client = _signed_in("frank")
    assert client.get("/accounts/2fa/webauthn/add/").status_code == 200
    challenge = client.session["mfa.webauthn.state"]["challenge"]
    response = client.post(
        "/accounts/2fa/webauthn/add/",
        {"name": "Office laptop", "credential": json.dumps(_passkey_registration(challenge))},
    )
    assert response.status_code == 302, response.context["form"].errors
    passkey = Authenticator.objects.get(user=world.frank, type=Authenticator.Type.WEBAUTHN)
    notice = _the_one_notice_to(world.frank, world)
    assert notice.subject == "A passkey was added to your Healtheos provider portal account"

    mail.outbox.clear()
    response = client.post(f"/accounts/2fa/webauthn/keys/{passkey.pk}/remove/")
    assert response.status_code == 302
    assert not Authenticator.objects.filter(pk=passkey.pk).exists()
    notice = _the_one_notice_to(world.frank, world)
    assert notice.subject == "A passkey was removed from your Healtheos provider portal account"


def test_an_administrators_reset_of_the_second_factor_is_mailed_to_its_owner(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    alice = world.client_for(world.alice)
    frank = world.frank.memberships.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = alice.post(f"/office/users/{frank.pk}/reset-second-factor/")
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=world.frank).exists()
    notice = _the_one_notice_to(world.frank, world)
    assert notice.subject == (
        "The second factors of your Healtheos provider portal account were reset"
    )
    assert "Alice" in notice.body
    assert "Browser:" not in notice.body  # the administrator's browser says nothing to frank


def test_someone_without_an_email_address_is_not_mailed_and_the_change_still_happens(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    from allauth.account.models import EmailAddress

    User.objects.filter(pk=world.frank.pk).update(email="")
    EmailAddress.objects.filter(user=world.frank).delete()
    frank = world.client_for(User.objects.get(pk=world.frank.pk))
    response = frank.post(
        "/accounts/password/change/",
        {"oldpassword": TEST_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert User.objects.get(pk=world.frank.pk).check_password(NEW_PASSWORD)

    membership = world.frank.memberships.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for(world.alice).post(
            f"/office/users/{membership.pk}/reset-second-factor/"
        )
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=world.frank).exists()
    assert mail.outbox == []
