"""Creating, rotating and revoking client credentials; issuing and checking tokens."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
import time

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from healtheos.accounts.models import User
from healtheos.apiclients.models import PLAN_SCOPES, SCOPES, AccessToken, ApiClient
from healtheos.audit.services import audit_record
from healtheos.offices.models import Office, OfficeStatus
from healtheos.plans.models import Plan

TOKEN_LIFETIME = datetime.timedelta(hours=1)
ROTATION_GRACE = datetime.timedelta(hours=24)


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def apiclient_create(
    *,
    office: Office | None = None,
    plan: Plan | None = None,
    actor: User | None,
    name: str,
    scopes: list[str],
    request: HttpRequest | None = None,
) -> tuple[ApiClient, str]:
    """Register a client for an office, or (with ``plan``) a payer-side client of the
    plan's own systems; returns it with its secret, shown this once and never again."""
    if (office is None) == (plan is None):
        raise ValueError("a client belongs to one office or to one plan")
    allowed = SCOPES if office is not None else PLAN_SCOPES
    unknown = sorted(set(scopes) - set(allowed))
    if unknown or not scopes:
        raise ValueError(f"unknown or missing scopes: {', '.join(unknown) or 'none given'}")
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        client = ApiClient.objects.create(
            office=office,
            plan=plan,
            name=name,
            client_id=f"hc_{secrets.token_urlsafe(12)}",
            secret_hash=digest(secret),
            scopes=sorted(set(scopes)),
            created_by=actor,
            created_at=timezone.now(),
        )
        audit_record(
            action="apiclient.created",
            actor=actor,
            office=office,
            obj=client,
            request=request,
            detail={"scopes": client.scopes, "plan": plan.code if plan is not None else ""},
        )
    return client, secret


def apiclient_rotate(
    *, client: ApiClient, actor: User | None, request: HttpRequest | None = None
) -> str:
    """A new secret; the old one keeps working for a day so systems can be switched over."""
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        client.previous_secret_hash = client.secret_hash
        client.previous_secret_valid_until = timezone.now() + ROTATION_GRACE
        client.secret_hash = digest(secret)
        client.save(
            update_fields=["previous_secret_hash", "previous_secret_valid_until", "secret_hash"]
        )
        audit_record(
            action="apiclient.rotated",
            actor=actor,
            office=client.office,
            obj=client,
            request=request,
        )
    return secret


def apiclient_revoke(
    *, client: ApiClient, actor: User | None, request: HttpRequest | None = None
) -> None:
    with transaction.atomic():
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        AccessToken.objects.filter(client=client).delete()
        audit_record(
            action="apiclient.revoked",
            actor=actor,
            office=client.office,
            obj=client,
            request=request,
        )


def authenticate_client(client_id: str, secret: str) -> ApiClient | None:
    client = (
        ApiClient.objects.select_related("office", "plan")
        .filter(client_id=client_id, revoked_at__isnull=True)
        .first()
    )
    if client is None or not _in_good_standing(client):
        return None
    given = digest(secret)
    if hmac.compare_digest(given, client.secret_hash):
        return client
    grace = client.previous_secret_valid_until
    if (
        client.previous_secret_hash
        and grace
        and grace > timezone.now()
        and hmac.compare_digest(given, client.previous_secret_hash)
    ):
        return client
    return None


def token_issue(*, client: ApiClient, scopes: list[str]) -> tuple[str, AccessToken]:
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    record = AccessToken.objects.create(
        client=client,
        token_hash=digest(token),
        scopes=scopes,
        created_at=now,
        expires_at=now + TOKEN_LIFETIME,
    )
    return token, record


#: Validated tokens of this process: digest → (monotonic deadline, record). A Monday
#: morning of real-time inquiries presents the same few tokens thousands of times a
#: minute; each is checked against the database at most once per
#: ``API_TOKEN_CACHE_SECONDS``. Changes to clients and offices made in this process clear
#: it at once (``apiclients.apps``); those made elsewhere take effect within that time.
_VALIDATED: dict[str, tuple[float, AccessToken]] = {}
_VALIDATED_MAX = 10_000


def token_cache_clear() -> None:
    _VALIDATED.clear()


def token_lookup(token: str) -> AccessToken | None:
    """The live token with its client, office and plan, or None when it is unknown,
    expired or its client revoked or its office no longer approved."""
    key = digest(token)
    ttl = settings.API_TOKEN_CACHE_SECONDS
    cached = _VALIDATED.get(key)
    if cached is not None:
        deadline, known = cached
        if time.monotonic() < deadline and known.expires_at > timezone.now():
            return known
        del _VALIDATED[key]
    record = _token_from_database(key)
    if record is not None and ttl > 0:
        if len(_VALIDATED) >= _VALIDATED_MAX:
            _VALIDATED.clear()
        _VALIDATED[key] = (time.monotonic() + ttl, record)
    return record


def _token_from_database(key: str) -> AccessToken | None:
    record = (
        AccessToken.objects.select_related(
            "client", "client__office", "client__office__plan", "client__plan"
        )
        .filter(token_hash=key, expires_at__gt=timezone.now(), client__revoked_at__isnull=True)
        .first()
    )
    if record is None or not _in_good_standing(record.client):
        return None
    return record


def _in_good_standing(client: ApiClient) -> bool:
    """An office client's office must be approved; a plan client needs only its plan."""
    if client.office is not None:
        return client.office.status == OfficeStatus.APPROVED
    return client.plan is not None
