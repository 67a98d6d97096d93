"""``POST /api/v1/eligibility``: the portal's search as JSON, for an office's systems.

The body takes the portal form's fields (validated by the same form, so the messages are
the same); the answer is the eligibility result, as the portal shows it. Bad input is an
RFC 9457 problem with an ``errors`` member naming each field.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_POST

from healtheos.apiclients.auth import problem, require_bearer
from healtheos.eligibility.forms import EligibilitySearchForm
from healtheos.eligibility.result import Channel, EligibilityResult
from healtheos.eligibility.services import RateLimited, eligibility_check

_SCALARS = (str, int, float, bool, type(None))
#: Field names per dataclass: dataclasses.fields() is slow enough to show in a profile.
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _plain(value: Any) -> Any:
    """JSON-ready values from the result's dataclasses (faster than dataclasses.asdict,
    which deep-copies everything first)."""
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    kind = type(value)
    names = _FIELD_NAMES.get(kind)
    if names is None:
        if not dataclasses.is_dataclass(value):
            return value
        names = tuple(f.name for f in dataclasses.fields(value))
        _FIELD_NAMES[kind] = names
    return {name: _plain(getattr(value, name)) for name in names}


def result_json(result: EligibilityResult) -> dict[str, Any]:
    data: dict[str, Any] = _plain(result)
    data.pop("query", None)
    if data.get("member"):
        data["member"].pop("member_pk", None)
    for coverage, answer in zip(data["coverages"], result.coverages, strict=True):
        coverage.pop("coverage_id", None)
        for share, cost in zip(coverage["cost_shares"], answer.cost_shares, strict=True):
            share["remaining"] = str(cost.remaining)
    return data


@require_POST
@require_bearer("eligibility")
def eligibility(request: HttpRequest) -> JsonResponse:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return problem(400, "Bad Request", "The body must be a JSON object.")
    if not isinstance(body, dict):
        return problem(400, "Bad Request", "The body must be a JSON object.")
    fields: dict[str, Any] = {
        k: v for k, v in body.items() if isinstance(v, str) or k == "service_types"
    }
    types = fields.get("service_types", [])
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        return problem(400, "Bad Request", "service_types must be a list of X12 codes.")
    form = EligibilitySearchForm(
        data={k: v for k, v in fields.items() if k != "service_types"} | {"service_types": types}
    )
    if not form.is_valid():
        response = problem(400, "Bad Request", "Some fields are not valid; see errors.")
        payload = json.loads(response.content)
        payload["errors"] = {name: [str(m) for m in msgs] for name, msgs in form.errors.items()}
        return JsonResponse(payload, status=400, content_type="application/problem+json")
    try:
        result = eligibility_check(
            office=request.acting_office,  # type: ignore[attr-defined]
            query=form.query(),
            channel=Channel.API,
            api_client=request.api_client,  # type: ignore[attr-defined]
        )
    except RateLimited as limited:
        return problem(429, "Too Many Requests", str(limited), Retry_After=str(limited.retry_after))
    return JsonResponse(result_json(result))
