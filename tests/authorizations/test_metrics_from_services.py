"""The metrics read what the authorization services record: a request pended and answered
counts its whole elapsed time (CMS-0057-F measures submission to determination), and the
reviewers' clock uses the due time the services keep."""

from __future__ import annotations

import datetime as dt
import io

from healtheos.authorizations.dashboard import review_dashboard
from healtheos.authorizations.metrics import decision_figures
from healtheos.authorizations.services import (
    Upload,
    authorization_decide,
    authorization_request_info,
    authorization_respond,
)
from tests.authorizations.helpers import submit
from tests.conftest import World

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


def test_figures_and_clocks_follow_the_services_timeline(world: World) -> None:
    pended = submit(world, at=T0)
    authorization_request_info(
        authorization=pended, reviewer=world.petra, question="Send the consult.", at=T0 + 24 * HOUR
    )
    authorization_respond(
        office=world.bluebonnet.office,
        authorization=pended,
        actor=world.clara,
        answer="Attached.",
        attachments=[Upload("consult.pdf", io.BytesIO(b"%PDF-1.4 consult"))],
        at=T0 + 48 * HOUR,
    )
    pended.refresh_from_db()
    authorization_decide(
        authorization=pended, reviewer=world.petra, decision="approve", at=T0 + 72 * HOUR
    )
    quick = submit(world, at=T0)
    authorization_decide(
        authorization=quick,
        reviewer=world.petra,
        decision="deny",
        reason_code="MED_NEC",
        reason_text="Criteria not met.",
        at=T0 + HOUR,
    )
    waiting = submit(world, at=T0)  # due seven days later, still open

    figures = decision_figures(
        start=T0 - HOUR, end=T0 + 30 * 24 * HOUR, plan=world.sunrise, per_line=False
    )
    standard = figures[("all", "standard")]
    assert (standard.decided, standard.approved, standard.denied) == (2, 1, 1)
    # 72 hours (pend included) and 1 hour: average and median 36.5 hours.
    assert standard.average_hours == 36.5
    assert standard.median_hours == 36.5

    assert waiting.due_at == T0 + 7 * 24 * HOUR
    dashboard = review_dashboard(plan=world.sunrise, now=T0 + 6 * 24 * HOUR + 12 * HOUR)
    standard_clock = next(c for c in dashboard.clocks if c.urgency == "standard")
    assert standard_clock.at_risk == 1
    assert standard_clock.overdue == 0
