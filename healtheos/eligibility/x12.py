"""Eligibility over X12: a read 270 in, the 271's answers out, through the same service
the portal uses (so both channels state the same facts)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from healtheos.edi.handlers import Reply, unanswerable
from healtheos.eligibility.providers import provider_on_file
from healtheos.eligibility.result import (
    Channel,
    CoverageAnswer,
    EligibilityQuery,
    EligibilityResult,
    Outcome,
    Problem,
)
from healtheos.eligibility.services import RateLimited, eligibility_check
from healtheos.interop.x12 import (
    BenefitLine,
    Inquiry270,
    Member,
    Provider,
    Rejection,
    Subject,
    SubjectAnswer,
    build_271,
    receive_270,
)
from healtheos.interop.x12.eligibility import insurance_type_for

if TYPE_CHECKING:
    import datetime as dt

    from healtheos.apiclients.models import ApiClient
    from healtheos.offices.models import Office

#: Why no member was matched → (AAA03 for a subscriber, for a dependent), AAA04.
_REJECTIONS: dict[Problem, tuple[str, str, str]] = {
    Problem.NO_MATCH: ("75", "67", "C"),
    Problem.ID_FORMAT: ("72", "64", "C"),
    Problem.BIRTH_DATE_MISMATCH: ("71", "71", "C"),
    Problem.SUBSCRIBER_BIRTH_DATE: ("71", "71", "C"),
    Problem.DAY_MONTH_SWAPPED: ("71", "71", "C"),
    Problem.NAMES_SWAPPED: ("73", "65", "C"),
    Problem.FIRST_NAME_DIFFERS: ("73", "65", "C"),
    Problem.SEVERAL_MATCHES: ("76", "68", "C"),
    Problem.DATE_OF_SERVICE_RANGE: ("62", "62", "C"),
}

_LEVEL = {"individual": "IND", "family": "FAM"}
_NETWORK = {"in": "Y", "out": "N"}


def _query(subject: Subject) -> EligibilityQuery | None:
    if subject.birth_date is None:
        return None
    day = subject.service_dates.start if subject.service_dates else None
    name = subject.name
    if subject.member_id and subject.level == "22":
        return EligibilityQuery(
            birth_date=subject.birth_date,
            member_id=subject.member_id,
            date_of_service=day,
            service_types=subject.service_types,
        )
    if name is not None and name.last and name.first:
        return EligibilityQuery(
            birth_date=subject.birth_date,
            last_name=name.last,
            first_name=name.first,
            date_of_service=day,
            service_types=subject.service_types,
        )
    if subject.member_id:
        return EligibilityQuery(
            birth_date=subject.birth_date,
            member_id=subject.member_id,
            date_of_service=day,
            service_types=subject.service_types,
        )
    return None


def _percent(value: Decimal | None) -> Decimal | None:
    return None if value is None else (value / 100).normalize()


def _coverage_lines(coverage: CoverageAnswer) -> list[BenefitLine]:
    insurance = insurance_type_for(
        coverage.product_type
        if coverage.line_of_business == "commercial"
        else coverage.line_of_business
    )
    if not coverage.active:
        return [
            BenefitLine(
                "6", "IND", ("30",), insurance, coverage.plan_name, messages=("Coverage ended",)
            )
        ]
    lines = [BenefitLine("1", "IND", ("30",), insurance, coverage.plan_name)]
    for share in coverage.cost_shares:
        code = "C" if share.kind == "deductible" else "G"
        for period, amount in (("23", share.amount), ("29", share.remaining)):
            lines.append(
                BenefitLine(
                    code,
                    _LEVEL[share.level],
                    ("30",),
                    insurance,
                    time_period=period,
                    amount=amount,
                    in_network=_NETWORK[share.network],
                )
            )
    for benefit in coverage.benefits:
        for network in (benefit.in_network, benefit.out_of_network):
            if network is None:
                continue
            flag = _NETWORK[network.network]
            auth = "Y" if network.prior_auth_required else "N"
            if not network.covered:
                lines.append(
                    BenefitLine("I", "IND", (benefit.service_type,), insurance, in_network=flag)
                )
                continue
            if network.copay is not None:
                lines.append(
                    BenefitLine(
                        "B",
                        "IND",
                        (benefit.service_type,),
                        insurance,
                        time_period="27",
                        amount=network.copay,
                        authorization_required=auth,
                        in_network=flag,
                    )
                )
            if network.coinsurance_percent is not None:
                lines.append(
                    BenefitLine(
                        "A",
                        "IND",
                        (benefit.service_type,),
                        insurance,
                        percent=_percent(network.coinsurance_percent),
                        authorization_required=auth,
                        in_network=flag,
                    )
                )
            if network.limitation and network.visits_per_year:
                lines.append(
                    BenefitLine(
                        "F",
                        "IND",
                        (benefit.service_type,),
                        insurance,
                        time_period="22",
                        quantity_qualifier="VS",
                        quantity=Decimal(network.visits_per_year),
                        in_network=flag,
                        messages=(network.limitation,),
                    )
                )
    if coverage.pcp is not None:
        last, _, first = coverage.pcp.name.rpartition(" ")
        lines.append(
            BenefitLine(
                "L",
                provider=Provider(
                    last_name=last or first, first_name=first if last else "", npi=coverage.pcp.npi
                ),
            )
        )
    return lines


def subject_answer(result: EligibilityResult, *, dependent: bool) -> SubjectAnswer:
    """The 271 answer for one subject, from the same result the portal shows."""
    if result.member is None:
        problem = result.problem or Problem.NO_MATCH
        subscriber_code, dependent_code, follow_up = _REJECTIONS[problem]
        return SubjectAnswer(
            rejections=(
                Rejection(
                    dependent_code if dependent else subscriber_code,
                    follow_up,
                    False,
                    result.hint,
                ),
            )
        )
    member = result.member
    coverage = result.coverages[0] if result.coverages else None
    lines: list[BenefitLine] = []
    for answer in result.coverages:
        lines.extend(_coverage_lines(answer))
    return SubjectAnswer(
        member=Member(
            last_name=member.last_name,
            first_name=member.first_name,
            member_id=member.member_id,
            group_number=coverage.group_number if coverage else "",
            group_name=coverage.group_name if coverage else "",
            address_lines=(member.address_line,) if member.address_line else (),
            city=member.city,
            state=member.state,
            postal_code=member.postal_code,
            birth_date=member.birth_date,
            gender=member.sex,
        ),
        benefits=tuple(lines),
        plan_begin=coverage.start_date if coverage else None,
        plan_end=coverage.end_date if coverage else None,
        eligibility_begin=coverage.start_date if coverage and coverage.active else None,
    )


def answer_270(
    inquiry: Inquiry270,
    *,
    office: Office,
    api_client: ApiClient,
    control_numbers: dict[str, str],
) -> tuple[
    dict[str, SubjectAnswer], dict[str, list[Rejection]], dict[str, list[Rejection]], list[str]
]:
    """Answers for every subject of a read 270, and the payer and provider rejections.
    Also returns the TRN02 trace numbers (CAQH CORE asks that they be logged)."""
    answers: dict[str, SubjectAnswer] = {}
    receiver_rejections: dict[str, list[Rejection]] = {}
    source_rejections: dict[str, list[Rejection]] = {}
    traces: list[str] = []
    plan = office.plan
    for source in inquiry.sources:
        if source.name.identifier and source.name.identifier != plan.payer_id:
            source_rejections[source.hl_id] = [
                Rejection("79", "C", True, f"this payer's identifier is {plan.payer_id}")
            ]
            continue
        for receiver in source.receivers:
            if receiver.problems:
                continue
            if not provider_on_file(office=office, npi=receiver.npi):
                receiver_rejections[receiver.hl_id] = [Rejection("51", "C", True, "")]
                continue
            for subject in receiver.subjects:
                traces.extend(t.reference for t in subject.traces)
                if subject.problems:
                    # build_271 answers the reader's problems with their AAA segments.
                    answers[subject.hl_id] = SubjectAnswer()
                    continue
                query = _query(subject)
                if query is None:
                    answers[subject.hl_id] = SubjectAnswer(
                        rejections=(Rejection("15", "C", False, ""),)
                    )
                    continue
                try:
                    result = eligibility_check(
                        office=office,
                        query=query,
                        channel=Channel.X12,
                        api_client=api_client,
                        control_numbers={
                            **control_numbers,
                            "TRN02": ",".join(t.reference for t in subject.traces),
                        },
                    )
                except RateLimited:
                    answers[subject.hl_id] = SubjectAnswer(
                        rejections=(Rejection("42", "R", True, "too many inquiries; retry later"),)
                    )
                    continue
                if result.outcome == Outcome.INVALID and result.problem is None:
                    continue
                answers[subject.hl_id] = subject_answer(result, dependent=subject.level == "23")
    return answers, receiver_rejections, source_rejections, traces


def handle_270(
    payload: bytes, *, office: Office, api_client: ApiClient, control_number: int, at: dt.datetime
) -> Reply:
    """The real-time endpoint's 270 handler: a 271, or a 999/TA1 naming the fault."""
    receipt = receive_270(payload)
    refused = unanswerable(
        payload,
        set_id="270",
        errors=receipt.errors,
        envelope=receipt.envelope,
        sets=receipt.inquiries,
        control_number=control_number,
        at=at,
        hint=" Send a schedule as a batch instead.",
    )
    if refused is not None:
        return refused
    inquiry = receipt.inquiries[0]
    numbers = {
        "ISA13": inquiry.interchange_control_number,
        "GS06": inquiry.group_control_number,
        "ST02": inquiry.set_control_number,
        "BHT03": inquiry.reference,
    }
    answers, receivers, sources, traces = answer_270(
        inquiry, office=office, api_client=api_client, control_numbers=numbers
    )
    text = build_271(
        inquiry,
        answers,
        at=at,
        control_number=control_number,
        receiver_rejections=receivers,
        source_rejections=sources,
    )
    numbers["TRN02"] = ",".join(traces)[:500]
    return Reply("271", text, numbers, subjects=len(answers))
