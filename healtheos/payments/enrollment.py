"""EFT/ERA enrollment: the office gives its bank account once; the plan approves it.

The account number is encrypted with a key derived from the deployment's secret key
(Fernet, from ``cryptography``) and never shown again but for its last four digits. A
routing number must pass the ABA check digit. Changing the secret key makes stored
account numbers unreadable: re-enroll then (documented in the configuration reference).
"""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING

from cryptography.fernet import Fernet
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from healtheos.audit.services import audit_record
from healtheos.payments.models import EftEnrollment, EnrollmentStatus

if TYPE_CHECKING:
    from healtheos.accounts.models import User
    from healtheos.offices.models import Office


def _fernet() -> Fernet:
    digest = hashlib.sha256(f"eft-account:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def routing_number_valid(value: str) -> bool:
    """Nine digits whose weighted sum (3, 7, 1, …) is a multiple of ten."""
    if len(value) != 9 or not value.isdigit():
        return False
    weights = (3, 7, 1) * 3
    return sum(int(d) * w for d, w in zip(value, weights, strict=True)) % 10 == 0


def eft_enrollment_submit(
    *,
    office: Office,
    user: User,
    routing_number: str,
    account_number: str,
    account_type: str,
    era_delivery: str,
    clearinghouse: str = "",
) -> EftEnrollment:
    with transaction.atomic():
        enrollment = EftEnrollment.objects.create(
            office=office,
            routing_number=routing_number,
            account_type=account_type,
            account_last4=account_number[-4:],
            account_encrypted=_fernet().encrypt(account_number.encode()).decode(),
            era_delivery=era_delivery,
            clearinghouse=clearinghouse,
            submitted_by=user,
            submitted_at=timezone.now(),
        )
        audit_record(
            action="payments.eft_enrollment_submitted", actor=user, office=office, obj=enrollment
        )
    return enrollment


def eft_enrollment_decide(
    *, enrollment: EftEnrollment, approve: bool, note: str, actor: User
) -> EftEnrollment:
    enrollment.status = EnrollmentStatus.APPROVED if approve else EnrollmentStatus.REJECTED
    enrollment.decided_at = timezone.now()
    enrollment.decision_note = note[:300]
    enrollment.save(update_fields=["status", "decided_at", "decision_note"])
    audit_record(
        action="payments.eft_enrollment_decided",
        actor=actor,
        office=enrollment.office,
        obj=enrollment,
        detail={"status": enrollment.status},
    )
    return enrollment


def account_number(enrollment: EftEnrollment) -> str:
    """The stored account number (for the plan's payment system only)."""
    return _fernet().decrypt(enrollment.account_encrypted.encode()).decode()
