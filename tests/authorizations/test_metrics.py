"""CMS-0057-F metrics against cases computed by hand, from the recorded timeline.

Sunrise Health, Medicaid, calendar year 2026 (times in UTC):

| request | urgency   | timeline                                                      | hours |
|---------|-----------|---------------------------------------------------------------|------:|
| S1      | standard  | submitted 03-02 09:00, approved 03-03 09:00                   |    24 |
| S2      | standard  | submitted 03-02 09:00, pended, in review, denied 03-05 09:00  |    72 |
| S3      | standard  | submitted 03-10 09:00, denied 03-11 21:00, approved 04-01     |    36 |
| S4      | standard  | submitted 03-20 09:00, partially approved 03-26 09:00         |   144 |
| S5      | standard  | submitted 04-01 09:00, approved 04-12 09:00, review extended  |   264 |
| E1      | expedited | submitted 05-01 08:00, approved 05-01 20:00                   |    12 |
| E2      | expedited | submitted 05-02 08:00, denied 05-04 08:00                     |    48 |

Standard: 5 decided; approved S1, S5 = 40.0 %; partially approved S4 = 20.0 %; denied
S2, S3 = 40.0 % (S3's first decision was the denial); approved after appeal S3 = 20.0 %.
Times 24, 36, 72, 144, 264: average 540 / 5 = 108.0 h, median 72.0 h.
Expedited: 2 decided; approved 50.0 %, denied 50.0 %, partially 0.0 %; times 12 and 48:
average 30.0 h, median (12 + 48) / 2 = 30.0 h.
Approved after an extended review: S5, 1 of the 7 decided = 14.3 %.

Not counted in 2026: W (withdrawn), R (still in review), Y (first decided, denied, on
2025-12-22, approved on appeal on 2026-01-15: it belongs to 2025), C (commercial: outside
the rule), L (Lakeshore's). 2025 then has one standard decision, denied, approved on appeal.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence

import pytest
from django.core.management import call_command
from django.test import Client

from healtheos.authorizations.dashboard import review_dashboard
from healtheos.authorizations.metrics import metrics_report, report_csv
from healtheos.authorizations.models import (
    AuthorizationEvent,
    AuthorizationRule,
    AuthorizationStatus,
    PriorAuthorization,
    Urgency,
)
from healtheos.plans.models import LineOfBusiness, Plan
from tests import factories as f
from tests.conftest import World

S = AuthorizationStatus
UTC = dt.UTC


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def request(
    world: World,
    steps: Sequence[tuple[str, str]],
    *,
    urgency: str = Urgency.STANDARD,
    line: str = LineOfBusiness.MEDICAID,
    plan: Plan | None = None,
    extended: bool = False,
    **extra: object,
) -> PriorAuthorization:
    plan = plan or world.sunrise
    here = world.bluebonnet if plan == world.sunrise else world.prairie
    authorization = f.AuthorizationFactory(
        plan=plan,
        member=here.member,
        requesting_organization=here.office.organization,
        requesting_provider=here.practitioner,
        line_of_business=line,
        urgency=urgency,
        status=steps[-1][0],
        extended_review=extended,
        **extra,
    )
    for status, moment in steps:
        AuthorizationEvent.objects.create(authorization=authorization, status=status, at=at(moment))
    return authorization


@pytest.fixture
def year(world: World) -> None:
    request(world, [(S.SUBMITTED, "2026-03-02T09:00"), (S.APPROVED, "2026-03-03T09:00")])
    request(
        world,
        [
            (S.SUBMITTED, "2026-03-02T09:00"),
            (S.IN_REVIEW, "2026-03-02T12:00"),
            (S.PENDED, "2026-03-03T09:00"),
            (S.IN_REVIEW, "2026-03-04T09:00"),
            (S.DENIED, "2026-03-05T09:00"),
        ],
    )
    request(
        world,
        [
            (S.SUBMITTED, "2026-03-10T09:00"),
            (S.DENIED, "2026-03-11T21:00"),
            (S.APPROVED, "2026-04-01T10:00"),
        ],
    )
    request(world, [(S.SUBMITTED, "2026-03-20T09:00"), (S.PARTIALLY_APPROVED, "2026-03-26T09:00")])
    request(
        world,
        [(S.SUBMITTED, "2026-04-01T09:00"), (S.APPROVED, "2026-04-12T09:00")],
        extended=True,
    )
    request(
        world,
        [(S.SUBMITTED, "2026-05-01T08:00"), (S.APPROVED, "2026-05-01T20:00")],
        urgency=Urgency.EXPEDITED,
    )
    request(
        world,
        [(S.SUBMITTED, "2026-05-02T08:00"), (S.DENIED, "2026-05-04T08:00")],
        urgency=Urgency.EXPEDITED,
    )
    # Not counted in 2026:
    request(world, [(S.SUBMITTED, "2026-06-01T09:00"), (S.WITHDRAWN, "2026-06-02T09:00")])
    request(world, [(S.SUBMITTED, "2026-06-01T09:00"), (S.IN_REVIEW, "2026-06-02T09:00")])
    request(
        world,
        [
            (S.SUBMITTED, "2025-12-20T15:00"),
            (S.DENIED, "2025-12-22T15:00"),
            (S.APPROVED, "2026-01-15T15:00"),
        ],
    )
    request(
        world,
        [(S.SUBMITTED, "2026-03-02T09:00"), (S.DENIED, "2026-03-02T10:00")],
        line=LineOfBusiness.COMMERCIAL,
    )
    request(
        world,
        [(S.SUBMITTED, "2026-03-02T09:00"), (S.DENIED, "2026-03-02T10:00")],
        plan=world.lakeshore,
    )
    AuthorizationRule.objects.create(
        plan=world.sunrise,
        line_of_business=LineOfBusiness.MEDICAID,
        procedure_code="70551",
        description="MRI of the brain",
    )
    AuthorizationRule.objects.create(
        plan=world.sunrise,
        line_of_business=LineOfBusiness.COMMERCIAL,
        procedure_code="72148",
        description="MRI of the lumbar spine",
    )


def medicaid(world: World, year: int = 2026):  # type: ignore[no-untyped-def]
    report = metrics_report(plan=world.sunrise, year=year)
    return next(line for line in report.lines if line.line_of_business == "medicaid")


def test_standard_requests_match_the_hand_computed_case(world: World, year: None) -> None:
    standard = medicaid(world).standard
    assert standard.decided == 5
    assert standard.approved_percent == 40.0
    assert standard.partially_approved_percent == 20.0
    assert standard.denied_percent == 40.0
    assert standard.approved_after_appeal_percent == 20.0
    assert standard.average_hours == 108.0
    assert standard.median_hours == 72.0


def test_expedited_requests_match_the_hand_computed_case(world: World, year: None) -> None:
    expedited = medicaid(world).expedited
    assert expedited.decided == 2
    assert expedited.approved_percent == 50.0
    assert expedited.denied_percent == 50.0
    assert expedited.partially_approved_percent == 0.0
    assert expedited.average_hours == 30.0
    assert expedited.median_hours == 30.0


def test_approved_after_an_extension_is_over_every_decided_request(
    world: World, year: None
) -> None:
    assert medicaid(world).approved_after_extension_percent == 14.3


def test_a_request_counts_in_the_year_of_its_first_decision(world: World, year: None) -> None:
    earlier = medicaid(world, 2025).standard
    assert earlier.decided == 1
    assert earlier.denied_percent == 100.0
    assert earlier.approved_after_appeal_percent == 100.0


def test_commercial_coverage_and_other_plans_are_not_reported(world: World, year: None) -> None:
    report = metrics_report(plan=world.sunrise, year=2026)
    assert [line.line_of_business for line in report.lines] == [
        "medicare_advantage",
        "medicaid",
        "marketplace",
    ]
    assert sum(line.decided for line in report.lines) == 7
    assert [s.procedure_code for s in report.services] == ["70551"]


def test_a_request_marked_approved_on_appeal_counts_as_such(world: World) -> None:
    request(
        world,
        [(S.SUBMITTED, "2026-02-02T09:00"), (S.APPROVED, "2026-02-03T09:00")],
        approved_after_appeal=True,
    )
    standard = medicaid(world).standard
    assert standard.approved_after_appeal == 1


def test_a_year_without_decisions_shows_no_figures(world: World) -> None:
    line = medicaid(world)
    assert line.decided == 0
    assert line.standard.approved_percent is None
    assert line.standard.median_hours is None


# -- the CSV, the command, the public page ---------------------------------------------------


def test_the_csv_lists_every_measure(world: World, year: None) -> None:
    rows = list(
        csv.DictReader(io.StringIO(report_csv(metrics_report(plan=world.sunrise, year=2026))))
    )
    values = {(r["line_of_business"], r["measure"]): r["value"] for r in rows}
    assert values[("medicaid", "standard_approved_percent")] == "40.0"
    assert values[("medicaid", "standard_median_hours_to_decision")] == "72.0"
    assert values[("medicaid", "expedited_average_hours_to_decision")] == "30.0"
    assert values[("medicaid", "approved_after_extended_review_percent")] == "14.3"
    assert values[("marketplace", "standard_approved_percent")] == ""
    assert values[("medicaid", "requires_authorization")] == "70551 MRI of the brain"


def test_the_command_prints_the_csv_download(world: World, year: None) -> None:
    download = Client().get(
        "/prior-authorization-metrics.csv", {"plan": "sunrise-tx", "year": 2026}
    )
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    out = io.StringIO()
    call_command("pa_metrics", "--year", "2026", "--plan", "sunrise-tx", stdout=out)
    assert out.getvalue() == download.content.decode()


def test_the_command_without_a_plan_prints_every_plan_under_one_header(
    world: World, year: None
) -> None:
    out = io.StringIO()
    call_command("pa_metrics", "--year", "2026", stdout=out)
    text = out.getvalue()
    assert text.count("plan,year,line_of_business,measure,value") == 1
    assert "lakeshore-il,2026,medicaid,standard_denied_percent,100.0" in text


def test_the_public_page_needs_no_sign_in_and_shows_no_member(world: World, year: None) -> None:
    page = Client().get("/prior-authorization-metrics/", {"plan": "sunrise-tx", "year": 2026})
    assert page.status_code == 200
    body = page.content.decode()
    assert "40.0 %" in body
    assert "72.0 hours" in body
    member = world.bluebonnet.member
    for private in (
        member.member_id,
        member.last_name,
        world.bluebonnet.office.name,
        world.bluebonnet.office.organization.tin,
        world.bluebonnet.practitioner.npi,
        world.bluebonnet.authorization.tracking_number,
    ):
        assert private not in body


@pytest.mark.parametrize("query", [{"plan": "nope"}, {"year": "1999"}, {"year": "x"}])
def test_an_unknown_plan_or_year_is_not_found(world: World, query: dict[str, str]) -> None:
    assert Client().get("/prior-authorization-metrics/", query).status_code == 404
    assert Client().get("/prior-authorization-metrics.csv", query).status_code == 404


# -- the reviewers' live figures -------------------------------------------------------------


def test_the_dashboard_counts_requests_at_risk_and_overdue(world: World) -> None:
    now = at("2026-06-10T12:00")
    hour = dt.timedelta(hours=1)

    def open_request(urgency: str, due: dt.datetime, status: str = S.IN_REVIEW) -> None:
        f.AuthorizationFactory(
            plan=world.sunrise,
            member=world.bluebonnet.member,
            requesting_organization=world.bluebonnet.office.organization,
            requesting_provider=world.bluebonnet.practitioner,
            urgency=urgency,
            status=status,
            due_at=due,
        )

    open_request(Urgency.EXPEDITED, now + 5 * hour)  # at risk (under 24 h left)
    open_request(Urgency.EXPEDITED, now + 30 * hour)  # fine
    # Waiting for the office: its clock stands still, so it is neither at risk nor overdue.
    open_request(Urgency.EXPEDITED, now - 2 * hour, S.PENDED)
    open_request(Urgency.STANDARD, now + 20 * hour)  # at risk (under 24 h left)
    open_request(Urgency.STANDARD, now + 72 * hour)  # fine
    open_request(Urgency.STANDARD, now - hour)  # overdue
    open_request(Urgency.STANDARD, now - hour, S.APPROVED)  # decided: not open
    f.AuthorizationFactory(  # another plan's overdue request is not Sunrise's
        plan=world.lakeshore,
        member=world.prairie.member,
        requesting_organization=world.prairie.office.organization,
        requesting_provider=world.prairie.practitioner,
        status=S.IN_REVIEW,
        due_at=now - hour,
    )
    request(
        world,
        [(S.SUBMITTED, "2026-06-01T09:00"), (S.APPROVED, "2026-06-02T09:00")],
        line=LineOfBusiness.COMMERCIAL,
    )
    dashboard = review_dashboard(plan=world.sunrise, now=now)
    expedited, standard = dashboard.clocks
    # The world's own authorization (submitted, no due time) is open too.
    assert (expedited.open, expedited.pended, expedited.at_risk, expedited.overdue) == (3, 1, 1, 0)
    assert (standard.open, standard.at_risk, standard.overdue) == (4, 1, 1)
    assert dashboard.at_risk == 2
    # The live figures count every line of business, commercial included.
    assert dashboard.standard.decided == 1
    assert dashboard.standard.median_hours == 24.0


def test_the_clock_page_is_for_the_plans_reviewers_only(world: World) -> None:
    page = world.client_for(world.petra).get("/payer/authorizations/clock/")
    assert page.status_code == 200
    assert "Decision clocks" in page.content.decode()
    partial = world.client_for(world.petra).get(
        "/payer/authorizations/clock/", HTTP_HX_REQUEST="true"
    )
    assert "<html" not in partial.content.decode()
    assert world.client_for(world.alice).get("/payer/authorizations/clock/").status_code == 404


def test_without_last_years_figures_the_page_shows_this_year_so_far(world: World) -> None:
    this_year = dt.datetime.now(tz=UTC).year
    request(
        world,
        [
            (S.SUBMITTED, f"{this_year}-01-05T09:00"),
            (S.APPROVED, f"{this_year}-01-06T09:00"),
        ],
    )
    page = Client().get("/prior-authorization-metrics/", {"plan": "sunrise-tx"})
    assert "(year to date)" in page.content.decode()
    assert "24.0 hours" in page.content.decode()


def test_the_public_figures_are_kept_briefly_but_the_command_counts_afresh(
    world: World, year: None
) -> None:
    query = {"plan": "sunrise-tx", "year": 2026}
    first = Client().get("/prior-authorization-metrics.csv", query).content.decode()
    request(world, [(S.SUBMITTED, "2026-07-01T09:00"), (S.DENIED, "2026-07-02T09:00")])
    assert Client().get("/prior-authorization-metrics.csv", query).content.decode() == first
    out = io.StringIO()
    call_command("pa_metrics", "--year", "2026", "--plan", "sunrise-tx", stdout=out)
    assert "sunrise-tx,2026,medicaid,standard_decided,6" in out.getvalue()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [(["--year", "2026", "--plan", "nope"], "no plan"), (["--year", "26"], "calendar year")],
)
def test_the_command_names_a_bad_argument(world: World, arguments: list[str], message: str) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=message):
        call_command("pa_metrics", *arguments, stdout=io.StringIO())
