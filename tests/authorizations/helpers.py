"""Building blocks for prior-authorization tests."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from typing import Any

from healtheos.authorizations.models import PriorAuthorization
from healtheos.authorizations.services import ServiceLine, Upload, authorization_submit
from tests.conftest import World

PDF = b"%PDF-1.4\n% synthetic clinical note\n"


def service_line(**overrides: Any) -> ServiceLine:
    values: dict[str, Any] = {
        "procedure_code": "70551",
        "modifiers": (),
        "units": 1,
        "service_from": dt.date(2026, 12, 10),
        "service_to": dt.date(2026, 12, 31),
    }
    values.update(overrides)
    return ServiceLine(**values)


def submit(world: World, **overrides: Any) -> PriorAuthorization:
    """Bluebonnet's clinician Clara asks Sunrise for an MRI (unless told otherwise)."""
    office = world.bluebonnet
    values: dict[str, Any] = {
        "office": office.office,
        "actor": world.clara,
        "member": office.member,
        "line_of_business": "commercial",
        "requesting_provider": office.practitioner,
        "servicing_provider": office.practitioner.npi,
        "urgency": "standard",
        "expedited_justification": "",
        "place_of_service": "11",
        "diagnosis_codes": ["G43.909"],
        "services": [service_line()],
        "clinical_notes": "Headaches for six weeks despite treatment.",
        "attachments": [Upload("note.pdf", io.BytesIO(PDF))],
        "idempotency_key": uuid.uuid4().hex,
        "channel": "portal",
    }
    values.update(overrides)
    return authorization_submit(**values)
