"""The prior-authorization state changes: submission, clocks, pend and answer, decisions."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from healtheos.audit.models import AuditEvent
from healtheos.authorizations.models import (
    AuthorizationRule,
    AuthorizationStatus,
    PriorAuthorization,
)
from healtheos.authorizations.services import (
    AuthorizationConflict,
    Upload,
    authorization_decide,
    authorization_request_info,
    authorization_respond,
    authorization_withdraw,
)
from tests.authorizations.helpers import service_line, submit
from tests.conftest import World

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def test_a_standard_request_is_due_seven_calendar_days_after_receipt(world: World) -> None:
    request = submit(world, at=T0)
    assert request.status == AuthorizationStatus.SUBMITTED
    assert request.due_at == T0 + dt.timedelta(days=7)
    assert request.tracking_number == f"PA{world.sunrise.pk}{request.pk:09d}"
    event = request.timeline.get()
    assert "7 calendar days" in event.detail["clock_rule"]
    assert request.attachments.count() == 1
    assert AuditEvent.objects.filter(action="authorizations.submitted").count() == 1


def test_an_expedited_request_is_due_72_hours_after_receipt(world: World) -> None:
    request = submit(
        world,
        at=T0,
        urgency="expedited",
        expedited_justification="Progressive neurological deficit; waiting risks harm.",
    )
    assert request.due_at == T0 + dt.timedelta(hours=72)


def test_expedited_without_justification_is_refused_at_the_field(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        submit(world, urgency="expedited", expedited_justification="")
    assert set(caught.value.message_dict) == {"expedited_justification"}


def test_a_retry_with_the_same_key_returns_the_same_request(world: World) -> None:
    first = submit(world, idempotency_key="k-1")
    again = submit(world, idempotency_key="k-1")
    assert again.pk == first.pk
    assert (
        PriorAuthorization.objects.for_office(world.bluebonnet.office)
        .filter(idempotency_key="k-1")
        .count()
        == 1
    )


def test_bad_codes_are_reported_per_field(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        submit(
            world,
            diagnosis_codes=["headache"],
            place_of_service="X",
            services=[
                service_line(procedure_code="MRI", units=0),
                service_line(service_from=dt.date(2026, 12, 5), service_to=dt.date(2026, 12, 1)),
            ],
            servicing_provider="1234567893",
        )
    fields = set(caught.value.message_dict)
    assert {
        "diagnosis_codes",
        "place_of_service",
        "services.0.procedure_code",
        "services.0.units",
        "services.1.service_to",
        "servicing_provider",
    } <= fields


def test_dates_outside_coverage_are_refused(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        submit(
            world,
            services=[
                service_line(service_from=dt.date(2025, 6, 1), service_to=dt.date(2025, 6, 2))
            ],
        )
    assert "services.0.service_from" in caught.value.message_dict


def test_another_plans_member_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        submit(world, member=world.prairie.member)
    assert "member" in caught.value.message_dict


def test_a_wrong_type_attachment_fails_the_whole_request(world: World) -> None:
    office = world.bluebonnet.office
    before = PriorAuthorization.objects.for_office(office).count()
    with pytest.raises(ValidationError) as caught:
        submit(world, attachments=[Upload("x.exe", io.BytesIO(b"MZ\x90\x00"))])
    assert "attachments" in caught.value.message_dict
    assert PriorAuthorization.objects.for_office(office).count() == before


def test_pending_stops_the_clock_and_the_answer_resumes_it(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    request = submit(world, at=T0)
    with django_capture_on_commit_callbacks(execute=True):
        pended = authorization_request_info(
            authorization=request,
            reviewer=world.petra,
            question="Send the neurology consult note.",
            at=T0 + dt.timedelta(days=2),
        )
    assert pended.status == AuthorizationStatus.PENDED
    assert len(mail.outbox) == 1
    assert "neurology" not in mail.outbox[0].body
    answered = authorization_respond(
        office=world.bluebonnet.office,
        authorization=pended,
        actor=world.clara,
        answer="Consult note attached.",
        attachments=[Upload("consult.pdf", io.BytesIO(b"%PDF-1.4 consult"))],
        at=T0 + dt.timedelta(days=5),
    )
    assert answered.status == AuthorizationStatus.IN_REVIEW
    # Seven days, plus the three the request waited on the office.
    assert answered.due_at == T0 + dt.timedelta(days=10)
    last = answered.timeline.order_by("at", "pk").last()
    assert last is not None
    assert last.detail["paused_seconds"] == 3 * 86400
    assert "resumes" in last.detail["clock_rule"]


def test_approval_issues_a_number_and_validity(world: World) -> None:
    request = submit(world, at=T0)
    decided = authorization_decide(
        authorization=request, reviewer=world.petra, decision="approve", at=T0
    )
    assert decided.status == AuthorizationStatus.APPROVED
    assert decided.authorization_number == f"AU{decided.pk:010d}"
    assert decided.valid_from == dt.date(2026, 12, 10)
    assert decided.valid_to == dt.date(2026, 12, 31)
    with pytest.raises(AuthorizationConflict):
        authorization_withdraw(
            office=world.bluebonnet.office, authorization=decided, actor=world.clara
        )


def test_partial_approval_records_units_per_service(world: World) -> None:
    request = submit(world, services=[service_line(procedure_code="97110", units=12)])
    line = request.services.get()
    with pytest.raises(ValidationError):
        authorization_decide(
            authorization=request,
            reviewer=world.petra,
            decision="partial",
            approved_units={line.pk: 12},
            reason_code="MED_NEC",
        )
    decided = authorization_decide(
        authorization=request,
        reviewer=world.petra,
        decision="partial",
        approved_units={line.pk: 6},
        reason_code="MED_NEC",
        reason_text="Six visits, then reassess.",
    )
    assert decided.status == AuthorizationStatus.PARTIALLY_APPROVED
    line.refresh_from_db()
    assert line.approved_units == 6


def test_denial_needs_a_coded_reason_and_words(world: World) -> None:
    request = submit(world)
    with pytest.raises(ValidationError) as caught:
        authorization_decide(
            authorization=request, reviewer=world.petra, decision="deny", reason_code="NOPE"
        )
    assert {"reason_code", "reason_text"} <= set(caught.value.message_dict)
    decided = authorization_decide(
        authorization=request,
        reviewer=world.petra,
        decision="deny",
        reason_code="INSUFF_DOC",
        reason_text="No imaging history was sent.",
    )
    assert decided.status == AuthorizationStatus.DENIED
    assert decided.authorization_number == ""


def test_a_rule_approves_at_once_and_says_so(world: World) -> None:
    AuthorizationRule.objects.create(
        plan=world.sunrise,
        line_of_business="commercial",
        procedure_code="97110",
        description="Therapeutic exercise",
        auto_approve=True,
    )
    request = submit(world, services=[service_line(procedure_code="97110", units=6)])
    assert request.status == AuthorizationStatus.APPROVED
    assert request.auto_decided_by_rule.startswith("rule:")
    last = request.timeline.order_by("at", "pk").last()
    assert last is not None
    assert "automatically" in last.note


def test_withdrawing_an_open_request(world: World) -> None:
    request = submit(world)
    withdrawn = authorization_withdraw(
        office=world.bluebonnet.office, authorization=request, actor=world.clara, reason="Done"
    )
    assert withdrawn.status == AuthorizationStatus.WITHDRAWN


def test_another_office_cannot_answer_or_withdraw(world: World) -> None:
    request = submit(world)
    with pytest.raises(Exception):  # noqa: B017, PT011
        authorization_withdraw(office=world.prairie.office, authorization=request, actor=world.olga)


def test_a_gold_carded_provider_is_approved_at_once(world: World, settings: Any) -> None:
    settings.PA_GOLD_CARD_PERCENT = 90
    settings.PA_GOLD_CARD_MIN_DECISIONS = 3
    for _ in range(3):
        earlier = submit(world)
        authorization_decide(authorization=earlier, reviewer=world.petra, decision="approve")
    request = submit(world)
    assert request.status == AuthorizationStatus.APPROVED
    assert request.auto_decided_by_rule == "gold-card"
    settings.PA_GOLD_CARD_PERCENT = 0
    assert submit(world).status == AuthorizationStatus.SUBMITTED


def test_an_expedited_request_pended_and_answered_keeps_its_remaining_hours(
    world: World,
) -> None:
    request = submit(
        world,
        at=T0,
        urgency="expedited",
        expedited_justification="Rapid deterioration; waiting risks serious harm.",
    )
    authorization_request_info(
        authorization=request,
        reviewer=world.petra,
        question="Vitals?",
        at=T0 + dt.timedelta(hours=10),
    )
    answered = authorization_respond(
        office=world.bluebonnet.office,
        authorization=request,
        actor=world.clara,
        answer="Attached.",
        at=T0 + dt.timedelta(hours=30),
    )
    # 62 of the 72 hours were left when the clock stopped; they run from the answer.
    assert answered.due_at == T0 + dt.timedelta(hours=30 + 62)


def test_only_the_plans_reviewers_decide(world: World) -> None:
    from django.core.exceptions import PermissionDenied

    from healtheos.accounts.models import PayerRole, Realm
    from tests import factories as f

    request = submit(world)
    analyst = f.UserFactory(
        username="ana", realm=Realm.PAYER, payer_role=PayerRole.ANALYST, plan=world.sunrise
    )
    other_plan = f.UserFactory(
        username="lars", realm=Realm.PAYER, payer_role=PayerRole.UM_REVIEWER, plan=world.lakeshore
    )
    for user in (analyst, other_plan, world.clara):
        with pytest.raises(PermissionDenied):
            authorization_decide(authorization=request, reviewer=user, decision="approve")
