"""The printable remittance: a plain PDF of the payment and each claim's amounts, with
adjustment codes in words (reportlab; no template engine, no external fonts)."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

from healtheos.claims.codes import carc_text
from healtheos.payments.models import Payment


def remittance_pdf(payment: Payment, claim_payments: list[Any]) -> bytes:
    styles = getSampleStyleSheet()
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=letter,
        title=f"Remittance {payment.trace_number}",
        leftMargin=0.7 * inch,
        rightMargin=0.7 * inch,
    )
    story: list[Any] = [
        Paragraph(f"Remittance advice {escape(payment.trace_number)}", styles["Title"]),
        Paragraph(
            escape(
                f"{payment.plan.name} to {payment.payee_organization.legal_name} · "
                f"{payment.get_method_display()} on {payment.payment_date:%m/%d/%Y} · "
                f"total ${payment.total_amount:,.2f}"
            ),
            styles["Normal"],
        ),
        Spacer(1, 12),
    ]
    rows = [["Claim", "Patient", "Billed", "Paid", "Patient owes"]]
    notes: list[str] = []
    for cp in claim_payments:
        claim = cp.claim
        rows.append(
            [
                claim.claim_number,
                f"{claim.member.last_name}, {claim.member.first_name}",
                f"${cp.billed_amount:,.2f}",
                f"${cp.paid_amount:,.2f}",
                f"${cp.patient_responsibility:,.2f}",
            ]
        )
        for line in claim.lines.all():
            for adjustment in line.adjustments.all():
                notes.append(
                    f"{claim.claim_number} line {line.line_number}: {adjustment.group_code}-"
                    f"{adjustment.reason_code} ${adjustment.amount:,.2f} — "
                    f"{carc_text(adjustment.reason_code).meaning}"
                )
    story.append(Table(rows, repeatRows=1))
    if notes:
        story += [Spacer(1, 12), Paragraph("Adjustments", styles["Heading2"])]
        story += [Paragraph(escape(n), styles["Normal"]) for n in notes]
    story += [
        Spacer(1, 12),
        Paragraph(
            "Adjustment codes are explained in Healtheos's own words; the X12 CARC and RARC "
            "code lists are authoritative. Synthetic demonstration data only.",
            styles["Italic"],
        ),
    ]
    document.build(story)
    return out.getvalue()
