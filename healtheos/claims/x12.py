"""Claim status over X12: a 276 read, the office's claims looked up, a 277 answered.

The same selector as the portal's claim search finds the claim, so an office's system
learns exactly what its billers see, and another office's claim is "not found" (D0:35).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from healtheos.claims.codes import STATUS_277
from healtheos.claims.models import Claim
from healtheos.claims.selectors import office_claims
from healtheos.edi.handlers import Reply, unanswerable
from healtheos.eligibility.lookup import normalize_member_id
from healtheos.eligibility.providers import provider_on_file
from healtheos.interop.x12 import (
    ClaimInquiry,
    ClaimStatus,
    ClaimStatusAnswer,
    LineStatus,
    build_277,
    receive_276,
)
from healtheos.interop.x12.claimstatus import Patient
from healtheos.members.models import Member

if TYPE_CHECKING:
    from healtheos.apiclients.models import ApiClient
    from healtheos.offices.models import Office


def claim_status_codes(claim: Claim) -> ClaimStatus:
    category, code = STATUS_277.get(claim.status, ("P1", "20"))
    return ClaimStatus(category, code)


def _find(office: Office, patient: Patient, inquiry: ClaimInquiry) -> Claim | None:
    claims = office_claims(office=office)
    if inquiry.payer_claim_number:
        claims = claims.filter(claim_number=inquiry.payer_claim_number.upper())
    elif inquiry.patient_account_number:
        claims = claims.filter(patient_account_number=inquiry.patient_account_number)
    else:
        return None
    subscriber = patient.subscriber or patient
    if subscriber.member_id:
        # The subscriber and their dependents, found first: one indexed lookup each,
        # where an OR across the joins would scan the claims.
        holder = Member.objects.filter(
            plan_id=office.plan_id, member_id=normalize_member_id(subscriber.member_id)
        ).first()
        if holder is None:
            return None
        family = [holder.pk, *Member.objects.filter(subscriber=holder).values_list("pk", flat=True)]
        claims = claims.filter(member_id__in=family)
    if inquiry.service_dates is not None:
        claims = claims.filter(
            service_from__lte=inquiry.service_dates.end,
            service_to__gte=inquiry.service_dates.start,
        )
    return claims.order_by("-received_at").first()


def _answer(claim: Claim) -> ClaimStatusAnswer:
    payment = claim.payments.select_related("payment").order_by("-payment__payment_date").first()
    status_date = (claim.paid_at or claim.adjudicated_at or claim.received_at).date()
    return ClaimStatusAnswer(
        statuses=(claim_status_codes(claim),),
        payer_claim_number=claim.claim_number,
        patient_account_number=claim.patient_account_number,
        total_charge=claim.total_charge,
        payment_amount=claim.paid_amount,
        adjudication_date=claim.adjudicated_at.date() if claim.adjudicated_at else None,
        check_date=payment.payment.payment_date if payment else None,
        check_number=payment.payment.trace_number if payment else "",
        status_date=status_date,
        lines=tuple(
            LineStatus(
                statuses=(claim_status_codes(claim),),
                procedure_code=line.procedure_code,
                modifiers=tuple(line.modifiers),
                charge=line.charge,
                payment=line.paid_amount,
                revenue_code=line.revenue_code,
                units=line.units,
                service_dates=None,
            )
            for line in claim.lines.all()
        ),
    )


def handle_276(
    payload: bytes, *, office: Office, api_client: ApiClient, control_number: int, at: dt.datetime
) -> Reply:
    """The real-time endpoint's 276 handler: a 277, or a 999/TA1 naming the fault."""
    from healtheos.audit.services import audit_record

    receipt = receive_276(payload)
    refused = unanswerable(
        payload,
        set_id="276",
        errors=receipt.errors,
        envelope=receipt.envelope,
        sets=receipt.inquiries,
        control_number=control_number,
        at=at,
    )
    if refused is not None:
        return refused
    inquiry = receipt.inquiries[0]
    answers: dict[str, ClaimStatusAnswer] = {}
    provider_statuses: dict[str, list[ClaimStatus]] = {}
    traces: list[str] = []
    for source in inquiry.sources:
        for receiver in source.receivers:
            for provider in receiver.providers:
                if provider.problems:
                    continue
                if not provider_on_file(office=office, npi=provider.npi):
                    provider_statuses[provider.hl_id] = [ClaimStatus("A3", "562", "1P")]
                    continue
                for patient in provider.patients:
                    for claim_inquiry in patient.claims:
                        traces.append(claim_inquiry.trace.reference)
                        claim = _find(office, patient, claim_inquiry)
                        if claim is None:
                            answers[claim_inquiry.key] = ClaimStatusAnswer(not_found=True)
                            continue
                        answers[claim_inquiry.key] = _answer(claim)
                        audit_record(
                            action="claims.status_answered",
                            office=office,
                            obj=claim,
                            member_pk=claim.member_id,
                            detail={"channel": "x12", "client": api_client.client_id},
                        )
    text = build_277(
        inquiry,
        answers,
        at=at,
        control_number=control_number,
        provider_statuses=provider_statuses,
    )
    numbers = {
        "ISA13": inquiry.interchange_control_number,
        "GS06": inquiry.group_control_number,
        "ST02": inquiry.set_control_number,
        "BHT03": inquiry.reference,
        "TRN02": ",".join(traces)[:500],
    }
    return Reply("277", text, numbers, subjects=len(answers))
