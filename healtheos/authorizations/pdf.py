"""The decision letter: a plain PDF of what the plan decided on a request, with the
authorization number, the units approved per service, the validity dates, or the coded
reason of a denial (reportlab, as the remittance PDF)."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

from healtheos.authorizations.codes import DENIAL_REASONS
from healtheos.authorizations.models import (
    AuthorizationService,
    AuthorizationStatus,
    PriorAuthorization,
)


def _p(text: str, style: Any) -> Paragraph:
    return Paragraph(escape(text), style)


def decision_letter_pdf(
    authorization: PriorAuthorization, services: list[AuthorizationService]
) -> bytes:
    styles = getSampleStyleSheet()
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=letter,
        title=f"Prior authorization decision {authorization.tracking_number}",
        leftMargin=0.8 * inch,
        rightMargin=0.8 * inch,
    )
    member = authorization.member
    decided = authorization.decided_at
    story: list[Any] = [
        _p(f"{authorization.plan.name}: prior authorization decision", styles["Title"]),
        _p(f"Tracking number {authorization.tracking_number}", styles["Normal"]),
        _p(f"Decided {decided:%m/%d/%Y %H:%M %Z}" if decided else "", styles["Normal"]),
        Spacer(1, 10),
        _p(
            f"Patient: {member.last_name}, {member.first_name} · member ID {member.member_id} "
            f"· born {member.birth_date:%m/%d/%Y}",
            styles["Normal"],
        ),
        _p(
            f"Requesting provider: {authorization.requesting_provider.display_name} "
            f"(NPI {authorization.requesting_provider.npi})",
            styles["Normal"],
        ),
        _p(
            f"Servicing provider: {authorization.servicing_provider.display_name} "
            f"(NPI {authorization.servicing_provider.npi})",
            styles["Normal"],
        ),
        _p(
            "Diagnoses: "
            + ", ".join(authorization.diagnosis_codes)
            + f" · place of service {authorization.place_of_service}",
            styles["Normal"],
        ),
        Spacer(1, 12),
        _p(f"Decision: {authorization.get_status_display()}", styles["Heading2"]),
    ]
    if authorization.status in (
        AuthorizationStatus.APPROVED,
        AuthorizationStatus.PARTIALLY_APPROVED,
    ):
        story.append(
            _p(
                f"Authorization number {authorization.authorization_number}, valid from "
                f"{authorization.valid_from:%m/%d/%Y} to {authorization.valid_to:%m/%d/%Y}. "
                "Quote this number on the claim.",
                styles["Normal"],
            )
        )
    if authorization.decision_reason_code:
        meaning = DENIAL_REASONS.get(authorization.decision_reason_code, "")
        story.append(
            _p(f"Reason {authorization.decision_reason_code}: {meaning}", styles["Normal"])
        )
    if authorization.decision_reason_text:
        story.append(_p(authorization.decision_reason_text, styles["Normal"]))
    if authorization.auto_decided_by_rule:
        story.append(
            _p("Approved automatically under the plan's auto-approval rules.", styles["Italic"])
        )
    story.append(Spacer(1, 12))
    rows = [["Service", "Modifiers", "Dates", "Units requested", "Units approved"]]
    for line in services:
        rows.append(
            [
                line.procedure_code,
                " ".join(line.modifiers),
                f"{line.service_from:%m/%d/%Y}–{line.service_to:%m/%d/%Y}",
                str(line.requested_units),
                "" if line.approved_units is None else str(line.approved_units),
            ]
        )
    story.append(Table(rows, repeatRows=1))
    if authorization.status in (AuthorizationStatus.DENIED, AuthorizationStatus.PARTIALLY_APPROVED):
        story += [
            Spacer(1, 12),
            _p(
                "You may ask for a peer-to-peer discussion with the reviewer or appeal this "
                "decision through the portal or by contacting the plan's utilization "
                "management department.",
                styles["Normal"],
            ),
        ]
    story += [
        Spacer(1, 12),
        _p(
            "An authorization is not a guarantee of payment; benefits and eligibility on the "
            "date of service apply. Synthetic demonstration data only.",
            styles["Italic"],
        ),
    ]
    document.build(story)
    return out.getvalue()
