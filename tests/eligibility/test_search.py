"""The portal search and its result: two identifiers, precise misses, audit and limits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from healtheos.audit.models import AuditEvent
from healtheos.eligibility.models import Inquiry
from healtheos.members.models import Coverage
from healtheos.plans.models import LineOfBusiness
from tests import factories as f
from tests.conftest import World
from tests.eligibility.conftest import Family

URL = "/eligibility/"


def search(client: Client, **fields: str) -> tuple[int, str]:
    response = client.post(URL, fields)
    return response.status_code, response.content.decode()


def test_a_front_desk_user_sees_the_benefits_by_member_id_and_birth_date(
    world: World, family: Family
) -> None:
    client = world.client_for(world.frank)
    status, page = search(client, member_id=family.subscriber.member_id, date_of_birth="1980-05-17")
    assert status == 200
    assert "Active" in page
    assert family.subscriber.first_name in page
    assert "Deductible and out-of-pocket maximum" in page
    assert "$1,000" in page
    assert "$600" in page
    assert "$25 copay; the deductible does not apply" in page
    assert "Typically required" in page  # inpatient hospital
    assert world.bluebonnet.practitioner.npi in page


def test_the_names_and_the_birth_date_find_the_same_member(world: World, family: Family) -> None:
    client = world.client_for(world.frank)
    status, page = search(
        client,
        last_name=family.child.last_name.upper(),
        first_name="robin",
        date_of_birth="2015-03-02",
    )
    assert status == 200
    assert family.child.member_id in page
    assert "Child" in page


def test_a_dependent_searched_with_the_subscribers_birth_date_is_told_so(
    world: World, family: Family
) -> None:
    _, page = search(
        world.client_for(world.frank), member_id=family.child.member_id, date_of_birth="1980-05-17"
    )
    assert "No member found" in page
    assert "the subscriber&#x27;s, not this patient&#x27;s" in page


def test_a_birth_date_with_day_and_month_swapped_is_pointed_out(
    world: World, family: Family
) -> None:
    _, page = search(
        world.client_for(world.frank), member_id=family.child.member_id, date_of_birth="2015-02-03"
    )
    assert "day and the month may be swapped" in page


def test_swapped_names_are_pointed_out(world: World, family: Family) -> None:
    _, page = search(
        world.client_for(world.frank),
        last_name="Robin",
        first_name=family.child.last_name,
        date_of_birth="2015-03-02",
    )
    assert "first and last names may be swapped" in page


def test_a_miss_says_which_identifiers_were_used(world: World, family: Family) -> None:
    _, page = search(
        world.client_for(world.frank), member_id="TM999999999", date_of_birth="1980-05-17"
    )
    assert "No member found" in page
    assert "Searched with: member ID, date of birth" in page


def test_an_id_in_another_plans_format_is_explained(world: World, family: Family) -> None:
    _, page = search(world.client_for(world.frank), member_id="LAK123", date_of_birth="1980-05-17")
    assert "do not look like this one" in page
    assert "They start with TM" in page


def test_one_identifier_is_never_enough(world: World, family: Family) -> None:
    status, page = search(
        world.client_for(world.frank), last_name=family.subscriber.last_name, date_of_birth=""
    )
    assert status == 400
    assert "This field is required" in page
    assert "Give the member ID, or the last and first name" in page
    assert not Inquiry.objects.payer_wide().exists()


def test_a_date_of_service_outside_the_inquiry_window_is_a_field_error(
    world: World, family: Family
) -> None:
    too_old = (timezone.localdate() - dt.timedelta(days=400)).isoformat()
    status, page = search(
        world.client_for(world.frank),
        member_id=family.subscriber.member_id,
        date_of_birth="1980-05-17",
        date_of_service=too_old,
    )
    assert status == 400
    assert "Choose a date from" in page


def test_it_rejects_another_offices_member(world: World, family: Family) -> None:
    """Prairie's member is at Lakeshore: Bluebonnet (at Sunrise) cannot find it."""
    other = world.prairie.member
    _, page = search(
        world.client_for(world.frank),
        member_id=other.member_id,
        date_of_birth=other.birth_date.isoformat(),
    )
    assert "No member found" in page
    assert other.last_name not in page


def test_a_billing_service_finds_members_of_the_office_it_acts_for(
    world: World, family: Family
) -> None:
    client = world.client_for(world.bianca)
    client.post("/office/switch/", {"office": world.prairie.office.pk})
    other = world.prairie.member
    _, page = search(client, member_id=other.member_id, date_of_birth=other.birth_date.isoformat())
    assert "Active" in page
    _, page = search(client, member_id=family.subscriber.member_id, date_of_birth="1980-05-17")
    assert "No member found" in page


def test_every_search_is_logged_and_every_result_shown_is_audited(
    world: World, family: Family
) -> None:
    client = world.client_for(world.frank)
    search(client, member_id=family.subscriber.member_id, date_of_birth="1980-05-17")
    search(client, member_id="TM999999999", date_of_birth="1980-05-17")
    inquiries = list(Inquiry.objects.for_office(world.bluebonnet.office).order_by("pk"))
    assert [i.outcome for i in inquiries] == ["active", "not_found"]
    assert inquiries[0].member_id == family.subscriber.pk
    assert all(i.channel == "portal" and i.server_ms > 0 for i in inquiries)
    events = AuditEvent.objects.filter(action="eligibility.viewed")
    assert [e.member_pk for e in events] == [family.subscriber.pk]


def test_the_first_result_after_sign_in_records_the_time_it_took(
    world: World, family: Family
) -> None:
    client = Client()
    client.post("/accounts/login/", {"login": "frank", "password": f.TEST_PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": f.totp_code()})
    search(client, member_id=family.subscriber.member_id, date_of_birth="1980-05-17")
    search(client, member_id=family.subscriber.member_id, date_of_birth="1980-05-17")
    first, second = Inquiry.objects.for_office(world.bluebonnet.office).order_by("pk")
    assert first.seconds_after_sign_in is not None
    assert 0 <= first.seconds_after_sign_in < 60
    assert second.seconds_after_sign_in is None


def test_searches_are_limited_per_person(world: World, family: Family, settings: object) -> None:
    settings.ELIGIBILITY_RATE_PER_USER = 2  # type: ignore[attr-defined]
    client = world.client_for(world.frank)
    for _ in range(2):
        status, _ = search(client, member_id="TM999999999", date_of_birth="1980-05-17")
        assert status == 200
    status, page = search(client, member_id="TM999999999", date_of_birth="1980-05-17")
    assert status == 429
    assert "Too many searches" in page
    # A colleague at the same office is not slowed down by it.
    status, _ = search(
        world.client_for(world.bill), member_id="TM999999999", date_of_birth="1980-05-17"
    )
    assert status == 200


def test_an_ended_coverage_is_inactive_with_its_end_date(world: World, family: Family) -> None:
    Coverage.objects.filter(pk=family.coverage.pk).update(end_date=dt.date(2026, 6, 30))
    _, page = search(
        world.client_for(world.frank),
        member_id=family.subscriber.member_id,
        date_of_birth="1980-05-17",
    )
    assert "Inactive" in page
    assert "Coverage ended on 06/30/2026" in page


def test_several_lines_of_business_show_side_by_side_or_one_by_choice(
    world: World, family: Family
) -> None:
    medicaid = f.BenefitPlanFactory(
        plan=world.sunrise, line_of_business=LineOfBusiness.MEDICAID, name="Community Care"
    )
    Coverage.objects.create(
        member=family.subscriber,
        benefit_plan=medicaid,
        line_of_business=LineOfBusiness.MEDICAID,
        start_date=dt.date(2026, 1, 1),
    )
    client = world.client_for(world.frank)
    _, page = search(client, member_id=family.subscriber.member_id, date_of_birth="1980-05-17")
    assert "Community Care" in page
    assert family.coverage.benefit_plan.name in page
    _, page = search(
        client,
        member_id=family.subscriber.member_id,
        date_of_birth="1980-05-17",
        line_of_business="medicaid",
    )
    assert "Community Care" in page
    assert family.coverage.benefit_plan.name not in page
    assert "also has coverage in another line of business" in page


def test_the_search_is_on_the_dashboard(world: World) -> None:
    page = world.client_for(world.frank).get("/dashboard/").content.decode()
    assert 'action="/eligibility/"' in page
    assert "Check eligibility" in page


def test_payer_staff_have_no_office_to_search_for(world: World) -> None:
    response = world.client_for(world.petra).post(
        URL, {"member_id": "TM1", "date_of_birth": "1980-05-17"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "fields",
    [
        {"member_id": "x" * 500, "date_of_birth": "1980-05-17"},
        {"member_id": "<script>", "date_of_birth": "1980-05-17"},
        {"member_id": "TM1", "date_of_birth": "2999-01-01"},
        {"member_id": "TM1", "date_of_birth": "17/05/1980"},
        {"member_id": "TM1", "date_of_birth": "1980-05-17", "service_types": "ZZZ"},
        {"member_id": "TM1", "date_of_birth": "1980-05-17", "line_of_business": "dental"},
    ],
)
def test_bad_input_is_a_message_at_the_field(world: World, fields: dict[str, str]) -> None:
    status, page = search(world.client_for(world.frank), **fields)
    assert status == 400
    assert "usa-error-message" in page
