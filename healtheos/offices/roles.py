"""The role matrix, kept as data in one place (product.md, "Roles").

Views declare the :class:`Function` they need; menus show only the functions the acting
role grants; a user who lacks one is told which roles grant it. Nothing else in the code
compares role names.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models


class OfficeRole(models.TextChoices):
    OFFICE_ADMIN = "office_admin", "Office administrator"
    FRONT_DESK = "front_desk", "Front desk"
    BILLING = "billing", "Billing"
    CLINICAL = "clinical", "Clinical"
    READ_ONLY = "read_only", "Read-only"


class Function(StrEnum):
    ELIGIBILITY = "eligibility"
    CLAIMS_VIEW = "claims_view"
    CLAIMS_SUBMIT = "claims_submit"
    AUTHORIZATIONS_VIEW = "authorizations_view"
    AUTHORIZATIONS_SUBMIT = "authorizations_submit"
    PAYMENTS = "payments"
    MESSAGES_VIEW = "messages_view"
    MESSAGES_SEND = "messages_send"
    OFFICE_ADMIN = "office_admin"


FUNCTION_LABELS: dict[Function, str] = {
    Function.ELIGIBILITY: "Eligibility and patient lists",
    Function.CLAIMS_VIEW: "Claims and claim status",
    Function.CLAIMS_SUBMIT: "Claim submission and appeals",
    Function.AUTHORIZATIONS_VIEW: "Prior authorizations and referrals (view)",
    Function.AUTHORIZATIONS_SUBMIT: "Prior authorizations and referrals (submit)",
    Function.PAYMENTS: "Payments and remittances",
    Function.MESSAGES_VIEW: "Messages (read)",
    Function.MESSAGES_SEND: "Messages (send)",
    Function.OFFICE_ADMIN: "Users, roles and API clients",
}

_ALL = frozenset(Function)

ROLE_FUNCTIONS: dict[str, frozenset[Function]] = {
    OfficeRole.OFFICE_ADMIN: _ALL,
    OfficeRole.FRONT_DESK: frozenset(
        {Function.ELIGIBILITY, Function.MESSAGES_VIEW, Function.MESSAGES_SEND}
    ),
    OfficeRole.BILLING: frozenset(
        {
            Function.ELIGIBILITY,
            Function.CLAIMS_VIEW,
            Function.CLAIMS_SUBMIT,
            Function.PAYMENTS,
            Function.MESSAGES_VIEW,
            Function.MESSAGES_SEND,
        }
    ),
    OfficeRole.CLINICAL: frozenset(
        {
            Function.ELIGIBILITY,
            Function.AUTHORIZATIONS_VIEW,
            Function.AUTHORIZATIONS_SUBMIT,
            Function.MESSAGES_VIEW,
            Function.MESSAGES_SEND,
        }
    ),
    OfficeRole.READ_ONLY: frozenset(
        {
            Function.ELIGIBILITY,
            Function.CLAIMS_VIEW,
            Function.AUTHORIZATIONS_VIEW,
            Function.MESSAGES_VIEW,
        }
    ),
}


def role_allows(role: str, function: Function) -> bool:
    return function in ROLE_FUNCTIONS.get(role, frozenset())


def roles_granting(function: Function) -> list[str]:
    """Human names of the roles that grant a function, for "ask your administrator" text."""
    return [
        OfficeRole(role).label
        for role, functions in ROLE_FUNCTIONS.items()
        if function in functions
    ]
