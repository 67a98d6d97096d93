from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from healtheos.offices.roles import FUNCTION_LABELS, Function, role_allows


def acting_office(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    allowed: set[str] = set()
    if membership is not None:
        allowed = {f.value for f in Function if role_allows(membership.role, f)}
    return {
        "membership": membership,
        "acting_office": membership.office if membership is not None else None,
        "allowed_functions": allowed,
        "function_labels": {f.value: label for f, label in FUNCTION_LABELS.items()},
    }
