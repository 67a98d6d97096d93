"""Referrals: Bluebonnet (a PCP office at Sunrise) refers its patient to a specialist whose
office is also at Sunrise. The specialist's office sees the referral addressed to it, the
referring office sees its own, any other office gets a 404 on every referral page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from healtheos.accounts.models import User
from healtheos.audit.models import AuditEvent
from healtheos.authorizations.models import Referral, ReferralStatus
from healtheos.directory.models import NetworkParticipation
from healtheos.offices.models import Office
from healtheos.plans.models import LineOfBusiness
from tests import factories as f
from tests.conftest import World


class Specialist:
    def __init__(self, world: World) -> None:
        organization = f.OrganizationFactory(tin="751112223", legal_name="Lone Star Orthopedics")
        self.office: Office = f.OfficeFactory(
            plan=world.sunrise, organization=organization, name="Lone Star Orthopedics"
        )
        self.provider = f.ProviderFactory(
            npi=f.npi_for(3003), organizations=[organization], specialty="Orthopaedic surgery"
        )
        self.user: User = f.UserFactory(username="sam")
        f.MembershipFactory(user=self.user, office=self.office, role="clinical")
        coverage_line = world.bluebonnet.member.coverages.get().line_of_business
        NetworkParticipation.objects.create(
            organization=organization,
            plan=world.sunrise,
            line_of_business=coverage_line,
            effective_date=dt.date(2020, 1, 1),
        )


@pytest.fixture
def specialist(world: World) -> Specialist:
    return Specialist(world)


def form(world: World, specialist: Specialist, **changes: object) -> dict[str, object]:
    today = timezone.localdate()
    return {
        "member_id": world.bluebonnet.member.member_id,
        "date_of_birth": world.bluebonnet.member.birth_date.isoformat(),
        "referring_npi": world.bluebonnet.practitioner.npi,
        "servicing_npi": specialist.provider.npi,
        "servicing_tin": "",
        "diagnoses": "M17.11",
        "reason": "Knee pain despite physical therapy",
        "visits": "3",
        "valid_from": today.isoformat(),
        "valid_to": (today + dt.timedelta(days=90)).isoformat(),
        **changes,
    }


def send(world: World, specialist: Specialist, **changes: object) -> object:
    return world.client_for(world.clara).post("/referrals/new/", form(world, specialist, **changes))


def test_a_pcp_office_refers_and_the_specialist_sees_it(
    world: World, specialist: Specialist
) -> None:
    response = send(world, specialist)
    assert response.status_code == 302  # type: ignore[attr-defined]
    referral = Referral.objects.payer_wide().get()
    assert referral.servicing_organization == specialist.office.organization
    assert referral.visits == 3
    assert AuditEvent.objects.filter(action="referrals.created", member_pk=referral.member_id)
    mine = world.client_for(world.clara).get("/referrals/?direction=made").content.decode()
    assert referral.referral_number in mine
    sam = world.client_for(specialist.user)
    received = sam.get("/referrals/?direction=received").content.decode()
    assert referral.referral_number in received
    assert referral.referral_number not in sam.get("/referrals/?direction=made").content.decode()
    detail = sam.get(f"/referrals/{referral.referral_number}/")
    assert detail.status_code == 200
    assert "Addressed to your office" in detail.content.decode()


def test_a_double_click_makes_one_referral(world: World, specialist: Specialist) -> None:
    send(world, specialist)
    send(world, specialist)
    assert Referral.objects.payer_wide().count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"date_of_birth": "1990-01-01"}, "member_id", "date of birth does not match"),
        ({"member_id": "TM000000000"}, "member_id", "No member matches"),
        ({"servicing_npi": "1234567893"}, "servicing_npi", "No provider with this NPI"),
        ({"servicing_npi": "12345"}, "servicing_npi", "An NPI is 10 digits"),
        ({"visits": "0"}, "visits", "greater than or equal to 1"),
        ({"diagnoses": "knee"}, "diagnoses", "Not ICD-10-CM codes"),
        ({"valid_to": "2020-01-01"}, "valid_to", "cannot end before it starts"),
    ],
)
def test_bad_input_is_named_next_to_its_field(
    world: World, specialist: Specialist, changes: dict[str, str], field: str, message: str
) -> None:
    response = send(world, specialist, **changes)
    assert response.status_code == 400  # type: ignore[attr-defined]
    body = response.content.decode()  # type: ignore[attr-defined]
    assert message in body
    assert f'id="id_{field}-error"' in body
    assert not Referral.objects.payer_wide().exists()


def test_a_specialist_out_of_network_for_the_members_coverage_is_refused(
    world: World, specialist: Specialist
) -> None:
    NetworkParticipation.objects.filter(organization=specialist.office.organization).update(
        line_of_business=LineOfBusiness.MEDICAID
    )
    response = send(world, specialist)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "network for the member" in response.content.decode()  # type: ignore[attr-defined]


def test_a_member_without_coverage_on_the_start_date_is_refused(
    world: World, specialist: Specialist
) -> None:
    world.bluebonnet.member.coverages.update(end_date=timezone.localdate() - dt.timedelta(days=40))
    response = send(world, specialist)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "no coverage with this plan" in response.content.decode()  # type: ignore[attr-defined]


def test_the_eligibility_prefill_never_puts_identifiers_in_the_url(
    world: World, specialist: Specialist
) -> None:
    member = world.bluebonnet.member
    page = world.client_for(world.clara).post(
        "/referrals/new/",
        {"prefill": "1", "member_id": member.member_id, "date_of_birth": "1980-05-17"},
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert f'value="{member.member_id}"' in body
    assert "usa-error-message" not in body


def test_the_referring_office_cancels_and_the_specialist_records_visits(
    world: World, specialist: Specialist
) -> None:
    send(world, specialist, visits="1")
    referral = Referral.objects.payer_wide().get()
    url = f"/referrals/{referral.referral_number}/action/"
    sam = world.client_for(specialist.user)
    # The specialist cannot cancel; the PCP cannot record a visit.
    sam.post(url, {"action": "cancel"})
    world.client_for(world.clara).post(url, {"action": "visit"})
    referral.refresh_from_db()
    assert (referral.status, referral.visits_used) == (ReferralStatus.ACTIVE, 0)
    sam.post(url, {"action": "visit"})
    referral.refresh_from_db()
    assert (referral.status, referral.visits_used) == (ReferralStatus.USED, 1)


def test_a_read_only_user_sees_but_does_not_refer(world: World, specialist: Specialist) -> None:
    send(world, specialist)
    number = Referral.objects.payer_wide().get().referral_number
    rita = world.client_for(world.rita)
    assert rita.get(f"/referrals/{number}/").status_code == 200
    assert rita.get("/referrals/new/").status_code == 403
    assert rita.post(f"/referrals/{number}/action/", {"action": "cancel"}).status_code == 403


def test_front_desk_has_no_referrals(world: World) -> None:
    assert world.client_for(world.frank).get("/referrals/").status_code == 403


def test_every_referral_page_is_a_404_for_another_office(
    world: World, specialist: Specialist
) -> None:
    send(world, specialist)
    referral = Referral.objects.payer_wide().get()
    number = referral.referral_number
    # Prairie (another plan) and a third Sunrise office, neither end of the referral.
    third_org = f.OrganizationFactory(tin="759998887", legal_name="Third Clinic")
    third = f.OfficeFactory(plan=world.sunrise, organization=third_org)
    tess = f.UserFactory(username="tess")
    f.MembershipFactory(user=tess, office=third, role="office_admin")
    for user in (world.olga, tess):
        client = world.client_for(user)
        assert client.get(f"/referrals/{number}/").status_code == 404
        assert client.post(f"/referrals/{number}/action/", {"action": "cancel"}).status_code == 404
        assert client.post(f"/referrals/{number}/action/", {"action": "visit"}).status_code == 404
        for direction in ("", "made", "received"):
            listing = client.get(f"/referrals/?direction={direction}").content.decode()
            assert number not in listing
            assert world.bluebonnet.member.last_name not in listing
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACTIVE


def test_an_anonymous_visitor_is_sent_to_sign_in(world: World) -> None:
    response = Client().get("/referrals/")
    assert response.status_code == 302
    assert "/login" in response["Location"]


def test_eligibility_shows_the_referral_requirement_with_a_way_to_refer(
    world: World, specialist: Specialist
) -> None:
    coverage = world.bluebonnet.member.coverages.get()
    coverage.benefit_plan.requires_referral = True
    coverage.benefit_plan.product_type = "HMO"
    coverage.benefit_plan.save()
    page = world.client_for(world.clara).post(
        "/eligibility/",
        {
            "member_id": world.bluebonnet.member.member_id,
            "date_of_birth": "1980-05-17",
            "date_of_service": timezone.localdate().isoformat(),
        },
    )
    body = page.content.decode()
    assert "A referral from the PCP is required" in body
    assert "Refer this patient to a specialist" in body
    assert "/authorizations/required/?line_of_business=" in body


def test_eligibility_lists_the_active_referrals_on_file(
    world: World, specialist: Specialist
) -> None:
    coverage = world.bluebonnet.member.coverages.get()
    coverage.benefit_plan.requires_referral = True
    coverage.benefit_plan.save()
    send(world, specialist)
    number = Referral.objects.payer_wide().get().referral_number
    search = {
        "member_id": world.bluebonnet.member.member_id,
        "date_of_birth": "1980-05-17",
        "date_of_service": timezone.localdate().isoformat(),
    }
    # The specialist's office checks eligibility before the visit and finds the referral.
    specialist_page = world.client_for(specialist.user).post("/eligibility/", search)
    assert number in specialist_page.content.decode()
    # Front desk staff do not see referrals (the role matrix).
    frank = world.client_for(world.frank).post("/eligibility/", search).content.decode()
    assert number not in frank
