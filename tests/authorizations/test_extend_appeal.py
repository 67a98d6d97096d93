"""Extending a standard request's time frame (the plan's reviewer) and appealing a denial
or a partial approval (the office): the rules, the refusals, the audit trail, the timeline
the office sees, the pages, and the public metrics that count them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from healtheos.accounts.models import PayerRole, Realm
from healtheos.audit.models import AuditEvent
from healtheos.authorizations.metrics import decision_figures
from healtheos.authorizations.models import (
    AuthorizationAttachment,
    AuthorizationStatus,
    PriorAuthorization,
)
from healtheos.authorizations.services import (
    AuthorizationConflict,
    Upload,
    authorization_appeal,
    authorization_decide,
    authorization_extend,
)
from tests import factories as f
from tests.authorizations.helpers import PDF, submit
from tests.conftest import World

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
EXPEDITED = {
    "urgency": "expedited",
    "expedited_justification": "Rapidly worsening symptoms; waiting risks harm.",
}


def _deny(world: World, request: PriorAuthorization, at: dt.datetime) -> PriorAuthorization:
    return authorization_decide(
        authorization=request,
        reviewer=world.petra,
        decision="deny",
        reason_code="INSUFF_DOC",
        reason_text="The notes do not show six weeks of treatment.",
        at=at,
    )


def _appeal(world: World, request: PriorAuthorization, at: dt.datetime) -> PriorAuthorization:
    return authorization_appeal(
        office=world.bluebonnet.office,
        authorization=request,
        actor=world.clara,
        reason="Treatment records for the six weeks are attached.",
        attachments=[Upload("records.pdf", io.BytesIO(PDF))],
        at=at,
    )


# -- extension ----------------------------------------------------------------------------


def test_a_standard_request_is_extended_once_with_a_reason(world: World) -> None:
    request = submit(world, at=T0)
    extended = authorization_extend(
        authorization=request,
        reviewer=world.petra,
        days=14,
        reason="Waiting for the specialist's report.",
        at=T0 + DAY,
    )
    assert extended.extended_review is True
    assert extended.due_at == T0 + 21 * DAY
    event = extended.timeline.order_by("at", "id").last()
    assert event is not None
    assert event.detail["extended"] is True
    assert event.detail["days"] == 14
    assert "14 calendar days" in event.detail["clock_rule"]
    assert event.note == "Waiting for the specialist's report."
    audit = AuditEvent.objects.get(action="authorizations.extended")
    assert audit.actor_id == world.petra.pk
    assert audit.detail == {"days": 14}
    with pytest.raises(AuthorizationConflict, match="already extended"):
        authorization_extend(
            authorization=request, reviewer=world.petra, days=1, reason="Again.", at=T0 + DAY
        )


def test_extension_refusals(world: World) -> None:
    request = submit(world, at=T0)
    for days in (0, 15):
        with pytest.raises(ValidationError) as error:
            authorization_extend(authorization=request, reviewer=world.petra, days=days, reason="x")
        assert "days" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        authorization_extend(authorization=request, reviewer=world.petra, days=3, reason=" ")
    assert "reason" in error.value.message_dict
    expedited = submit(world, at=T0, **EXPEDITED)
    with pytest.raises(AuthorizationConflict, match="expedited"):
        authorization_extend(authorization=expedited, reviewer=world.petra, days=3, reason="x")
    decided = _deny(world, submit(world, at=T0), T0 + DAY)
    with pytest.raises(AuthorizationConflict):
        authorization_extend(authorization=decided, reviewer=world.petra, days=3, reason="x")
    with pytest.raises(PermissionDenied):
        authorization_extend(authorization=request, reviewer=world.clara, days=3, reason="x")
    request.refresh_from_db()
    assert request.extended_review is False
    assert not AuditEvent.objects.filter(action="authorizations.extended").exists()


# -- appeal --------------------------------------------------------------------------------


def test_an_appeal_reopens_a_denial_with_a_new_clock_and_an_approval_marks_it(
    world: World,
) -> None:
    request = _deny(world, submit(world, at=T0), T0 + DAY)
    appealed = _appeal(world, request, T0 + 10 * DAY)
    assert appealed.status == AuthorizationStatus.SUBMITTED
    assert appealed.due_at == T0 + 17 * DAY
    event = appealed.timeline.order_by("at", "id").last()
    assert event is not None
    assert event.detail["appeal"] is True
    assert event.actor == world.clara
    assert AuthorizationAttachment.objects.filter(event=event).count() == 1
    assert AuditEvent.objects.filter(action="authorizations.appealed").count() == 1
    # A double submit is the same appeal, not a second one.
    again = _appeal(world, request, T0 + 10 * DAY)
    assert again.timeline.filter(detail__appeal=True).count() == 1
    assert AuditEvent.objects.filter(action="authorizations.appealed").count() == 1
    approved = authorization_decide(
        authorization=appealed, reviewer=world.petra, decision="approve", at=T0 + 12 * DAY
    )
    assert approved.status == AuthorizationStatus.APPROVED
    assert approved.approved_after_appeal is True
    approved.refresh_from_db()
    assert approved.approved_after_appeal is True


def test_an_expedited_appeal_is_due_in_72_hours(world: World) -> None:
    request = _deny(world, submit(world, at=T0, **EXPEDITED), T0 + DAY)
    appealed = _appeal(world, request, T0 + 2 * DAY)
    assert appealed.due_at == T0 + 5 * DAY


def test_appeal_refusals(world: World) -> None:
    open_request = submit(world, at=T0)
    with pytest.raises(AuthorizationConflict):
        _appeal(world, open_request, T0 + DAY)
    approved = authorization_decide(
        authorization=submit(world, at=T0), reviewer=world.petra, decision="approve", at=T0
    )
    with pytest.raises(AuthorizationConflict):
        _appeal(world, approved, T0 + DAY)
    denied = _deny(world, submit(world, at=T0), T0 + DAY)
    with pytest.raises(AuthorizationConflict, match="within 60 days"):
        _appeal(world, denied, T0 + 62 * DAY)
    with pytest.raises(ValidationError) as error:
        authorization_appeal(
            office=world.bluebonnet.office, authorization=denied, actor=world.clara, reason=""
        )
    assert "reason" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        authorization_appeal(
            office=world.prairie.office, authorization=denied, actor=world.olga, reason="Mine."
        )
    denied.refresh_from_db()
    assert denied.status == AuthorizationStatus.DENIED
    assert not AuditEvent.objects.filter(action="authorizations.appealed").exists()


# -- metrics --------------------------------------------------------------------------------


def test_metrics_count_extended_and_appealed_approvals_from_the_services(world: World) -> None:
    extended = submit(world, at=T0)
    authorization_extend(
        authorization=extended, reviewer=world.petra, days=7, reason="Report due.", at=T0 + DAY
    )
    authorization_decide(
        authorization=extended, reviewer=world.petra, decision="approve", at=T0 + 9 * DAY
    )
    appealed = _deny(world, submit(world, at=T0), T0 + DAY)
    _appeal(world, appealed, T0 + 2 * DAY)
    appealed.refresh_from_db()
    authorization_decide(
        authorization=appealed, reviewer=world.petra, decision="approve", at=T0 + 3 * DAY
    )
    plain = submit(world, at=T0)
    authorization_decide(authorization=plain, reviewer=world.petra, decision="approve", at=T0)

    figures = decision_figures(
        start=T0 - DAY, end=T0 + 30 * DAY, plan=world.sunrise, per_line=False
    )
    standard = figures[("all", "standard")]
    assert standard.decided == 3
    # The appealed request counts once, by its first decision (a denial).
    assert (standard.approved, standard.denied) == (2, 1)
    assert standard.approved_after_appeal == 1
    assert standard.approved_after_extension == 1


# -- pages -----------------------------------------------------------------------------------


def test_the_reviewer_extends_and_the_office_sees_the_new_due_date(world: World) -> None:
    request = submit(world)
    reviewer = world.client_for(world.petra)
    number = request.tracking_number
    assert (
        "Extend the time frame" in reviewer.get(f"/payer/authorizations/{number}/").content.decode()
    )
    refused = reviewer.post(
        f"/payer/authorizations/{number}/extend/", {"days": "30", "reason": "x"}
    )
    assert refused.status_code == 400
    response = reviewer.post(
        f"/payer/authorizations/{number}/extend/",
        {"days": "10", "reason": "Waiting for the cardiology consult."},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.extended_review is True
    assert (
        "Extend the time frame"
        not in reviewer.get(f"/payer/authorizations/{number}/").content.decode()
    )
    page = world.client_for(world.clara).get(f"/authorizations/{number}/").content.decode()
    assert "Time frame extended by 10 days" in page
    assert "Waiting for the cardiology consult." in page
    assert request.due_at is not None
    due = timezone.localtime(request.due_at).strftime("%m/%d/%Y")
    assert f"Decision now due by <strong>{due}" in page


def test_the_office_appeals_a_denial_from_its_page(world: World) -> None:
    request = _deny(world, submit(world), timezone.now())
    client = world.client_for(world.clara)
    number = request.tracking_number
    page = client.get(f"/authorizations/{number}/").content.decode()
    assert "Appeal this decision" in page
    assert "within 60 days" in page
    assert client.post(f"/authorizations/{number}/appeal/", {"reason": ""}).status_code == 400
    response = client.post(
        f"/authorizations/{number}/appeal/", {"reason": "Records attached show criteria met."}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == AuthorizationStatus.SUBMITTED
    # A second click of the same form does not file a second appeal.
    assert client.post(f"/authorizations/{number}/appeal/", {"reason": "Again."}).status_code == 302
    assert request.timeline.filter(detail__appeal=True).count() == 1
    page = client.get(f"/authorizations/{number}/").content.decode()
    assert "Appealed by the office" in page
    # Back in the plan's queue.
    queue = world.client_for(world.petra).get("/payer/authorizations/").content.decode()
    assert number in queue
    assert "Appeal this decision" not in page
    # Read-only staff see the page without the form.
    page = world.client_for(world.rita).get(f"/authorizations/{number}/").content.decode()
    assert "Send the appeal" not in page


def test_another_office_and_another_plan_reach_neither_action(world: World) -> None:
    request = _deny(world, submit(world), timezone.now())
    number = request.tracking_number
    olga = world.client_for(world.olga)
    assert olga.post(f"/authorizations/{number}/appeal/", {"reason": "x"}).status_code == 404
    luke = f.UserFactory(
        username="luke", realm=Realm.PAYER, payer_role=PayerRole.UM_REVIEWER, plan=world.lakeshore
    )
    open_request = submit(world)
    response = world.client_for(luke).post(
        f"/payer/authorizations/{open_request.tracking_number}/extend/",
        {"days": "5", "reason": "x"},
    )
    assert response.status_code == 404
    request.refresh_from_db()
    open_request.refresh_from_db()
    assert request.status == AuthorizationStatus.DENIED
    assert open_request.extended_review is False
