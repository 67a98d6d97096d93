"""Telling an office that one of its requests changed status: an in-app notice, an email
with no health information, and (when the office configured one) a signed webhook.

The webhook body is JSON naming the request by tracking number, its new status, when, and
a deep link into the portal; never the member. It is signed with the office's secret:
``X-Healtheos-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">``. Failed
deliveries are retried with growing delays. Each attempt's time is stored on the delivery:
a timer starts it in the serving process, and the recovery sweep starts any that a restart
left behind; the delivery's lease lets only one of them make the attempt. A process that
dies in the middle of an attempt leaves it to be made again after the grace period, so a
receiver should treat ``X-Healtheos-Delivery`` as an idempotency key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from healtheos.authorizations.models import (
    AuthorizationNotice,
    AuthorizationStatus,
    DeliveryStatus,
    OfficeWebhook,
    PriorAuthorization,
    WebhookDelivery,
)
from healtheos.core import tasks
from healtheos.core.recovery import Resumer, grace, lease_take
from healtheos.offices.models import Office
from healtheos.offices.roles import Function, role_allows

log = logging.getLogger(__name__)

#: Seconds to wait before each retry: the first attempt is immediate, then these.
RETRY_DELAYS = (10, 60, 300, 1800, 7200)
SIGNATURE_HEADER = "X-Healtheos-Signature"
#: Status changes the plan makes, which the office hears about in the app and by email.
PAYER_CHANGES = frozenset(
    {
        AuthorizationStatus.PENDED,
        AuthorizationStatus.APPROVED,
        AuthorizationStatus.PARTIALLY_APPROVED,
        AuthorizationStatus.DENIED,
    }
)


def office_of(authorization: PriorAuthorization) -> Office | None:
    return (
        Office.objects.filter(
            plan_id=authorization.plan_id, organization_id=authorization.requesting_organization_id
        )
        .select_related("plan")
        .first()
    )


def deep_link(office: Office, tracking_number: str) -> str:
    host = office.plan.host
    base = f"https://{host}" if host else str(settings.PUBLIC_BASE_URL).rstrip("/")
    return f"{base}/authorizations/{tracking_number}/"


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The signature header's value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, body: bytes, header: str, *, tolerance: int = 300) -> bool:
    """What a receiver does: recompute and compare in constant time, refusing old ones."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(time.time() - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, body, timestamp), header)


def status_changed(*, authorization: PriorAuthorization, at: dt.datetime) -> None:
    """Called by every service inside its transaction: record the notice and delivery rows
    now, send mail and webhook once the change has committed."""
    office = office_of(authorization)
    if office is None:
        return
    status = authorization.status
    if status in PAYER_CHANGES:
        AuthorizationNotice.objects.create(
            office=office, authorization=authorization, status=status, created_at=at
        )
        transaction.on_commit(lambda: _email(office))
    webhook = OfficeWebhook.objects.for_office(office).filter(active=True).first()
    if webhook is not None:
        payload = {
            "event": "authorization.status_changed",
            "tracking_number": authorization.tracking_number,
            "status": status,
            "authorization_number": authorization.authorization_number,
            "changed_at": at.isoformat(),
            "link": deep_link(office, authorization.tracking_number),
        }
        delivery = WebhookDelivery.objects.create(
            webhook=webhook,
            authorization=authorization,
            payload=payload,
            created_at=at,
            next_attempt_at=at,
        )
        tasks.run_after_commit(
            "healtheos.authorizations.notifications.webhook_deliver", delivery_id=delivery.pk
        )


def _email(office: Office) -> None:
    """No tracking number, member or service: only that there is news and where to look."""
    recipients = [
        m.user.email
        for m in office.memberships.filter(status="active").select_related("user")
        if m.user.email and role_allows(m.role, Function.AUTHORIZATIONS_VIEW)
    ]
    if recipients:
        send_mail(
            "A prior authorization update in the Healtheos provider portal",
            "The plan has updated a prior authorization request of your office. Sign in to "
            "the portal and open Prior authorizations to see it; for privacy, this email "
            "does not include it.",
            settings.DEFAULT_FROM_EMAIL,
            recipients,
            fail_silently=True,
        )


def _public(url: str) -> bool:
    """Whether every address the host name resolves to is on the public internet: an
    office must not be able to make the portal call into the plan's own network."""
    import ipaddress
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    try:
        infos = socket.getaddrinfo(parts.hostname or "", parts.port or 443)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(info[4][0]).is_global for info in infos)


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST and return the HTTP status (replaced in tests; no network there)."""
    if not settings.DEBUG and not _public(url):
        raise ValueError("webhook address is not public")
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    # Redirects are not followed: they could lead where the address check did not look.
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def webhook_deliver(*, delivery_id: int, attempt: int = 1, lease: str = "") -> None:
    """Make attempt number ``attempt`` (or, with ``lease``, the next attempt under the
    lease the recovery sweep took); on failure, the next attempt is stored and scheduled
    after a growing delay until the attempts run out (then the delivery is marked failed
    for the office to see). An attempt that was already made, or is being made elsewhere,
    is not made again."""
    pending = Q(status=DeliveryStatus.PENDING)
    token = lease_take(
        WebhookDelivery.objects.all(),
        delivery_id,
        unfinished=pending if lease else pending & Q(attempts=attempt - 1),
        token=lease,
    )
    if not token:
        return
    delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
    body = json.dumps(delivery.payload, sort_keys=True, separators=(",", ":")).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Healtheos-Webhook/1",
        SIGNATURE_HEADER: sign(delivery.webhook.secret, body, timestamp),
        "X-Healtheos-Delivery": str(delivery.pk),
    }
    try:
        code = _post(delivery.webhook.url, body, headers)
    except (OSError, ValueError) as error:
        log.warning("webhook delivery %s failed: %s", delivery.pk, type(error).__name__)
        code = 0
    attempts = delivery.attempts + 1
    status, delivered_at, next_attempt_at = DeliveryStatus.PENDING, None, None
    if 200 <= code < 300:
        status, delivered_at = DeliveryStatus.DELIVERED, timezone.now()
    elif attempts > len(RETRY_DELAYS):
        status = DeliveryStatus.FAILED
    else:
        next_attempt_at = timezone.now() + dt.timedelta(seconds=RETRY_DELAYS[attempts - 1])
    # The attempt is recorded and the lease let go in one conditional write: the next
    # attempt is taken by whichever comes first when it is due, the timer or the sweep.
    recorded = WebhookDelivery.objects.filter(pk=delivery.pk, lease_token=token).update(
        attempts=attempts,
        last_response_code=code or None,
        status=status,
        delivered_at=delivered_at,
        next_attempt_at=next_attempt_at,
        lease_token="",
        heartbeat_at=None,
    )
    if recorded and status == DeliveryStatus.PENDING:
        tasks.run_later(
            RETRY_DELAYS[attempts - 1],
            "healtheos.authorizations.notifications.webhook_deliver",
            delivery_id=delivery.pk,
            attempt=attempts + 1,
        )


def _due(now: dt.datetime) -> Q:
    # (Deliveries stored before attempts had a time count from when they were made.)
    return Q(next_attempt_at__lte=now) | Q(
        next_attempt_at__isnull=True, created_at__lt=now - grace()
    )


def webhook_delivery_give_up(delivery_id: int) -> None:
    """Attempts kept stopping midway (the process died each time): stop trying."""
    WebhookDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, next_attempt_at=None
    )


RESUMER = Resumer(
    name="authorizations.webhook_delivery",
    rows=WebhookDelivery.objects.all,
    unfinished=Q(status=DeliveryStatus.PENDING),
    started="created_at",
    task="healtheos.authorizations.notifications.webhook_deliver",
    argument="delivery_id",
    give_up=webhook_delivery_give_up,
    due=_due,
)
