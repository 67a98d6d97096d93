"""Patient lists: the office's attributed members, filterable and exportable."""

from __future__ import annotations

import datetime as dt

from healtheos.members.models import PcpAssignment
from tests import factories as f
from tests.conftest import World
from tests.eligibility.conftest import Family


def test_the_list_shows_the_offices_attributed_patients_with_their_coverage(
    world: World, family: Family
) -> None:
    page = world.client_for(world.frank).get("/eligibility/patients/").content.decode()
    assert family.subscriber.member_id in page
    assert "1 patient." in page
    assert "Yes · Commercial" in page


def test_it_filters_by_practitioner_and_line_of_business(world: World, family: Family) -> None:
    other = f.ProviderFactory(
        npi=f.npi_for(1077), organizations=[world.bluebonnet.office.organization]
    )
    client = world.client_for(world.frank)
    page = client.get(f"/eligibility/patients/?practitioner={other.pk}").content.decode()
    assert "0 patients." in page
    page = client.get("/eligibility/patients/?line_of_business=medicaid").content.decode()
    assert "0 patients." in page
    page = client.get("/eligibility/patients/?line_of_business=commercial").content.decode()
    assert "1 patient." in page


def test_it_exports_the_list_as_csv(world: World, family: Family) -> None:
    response = world.client_for(world.frank).get("/eligibility/patients/?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().strip().splitlines()
    assert lines[0].startswith("member_id,last_name")
    assert lines[1].startswith(family.subscriber.member_id)
    assert lines[1].endswith(",yes,commercial")


def test_it_never_lists_another_offices_patients(world: World, family: Family) -> None:
    PcpAssignment.objects.create(
        member=world.prairie.member,
        provider=world.prairie.practitioner,
        organization=world.prairie.office.organization,
        source="assigned",
        start_date=dt.date(2026, 1, 1),
    )
    page = world.client_for(world.olga).get("/eligibility/patients/").content.decode()
    assert world.prairie.member.member_id in page
    assert family.subscriber.member_id not in page
    csv_text = world.client_for(world.olga).get("/eligibility/patients/?format=csv").content
    assert family.subscriber.member_id.encode() not in csv_text
    # A practitioner id of another office is ignored, not honoured.
    page = (
        world.client_for(world.olga)
        .get(f"/eligibility/patients/?practitioner={world.bluebonnet.practitioner.pk}")
        .content.decode()
    )
    assert family.subscriber.member_id not in page
