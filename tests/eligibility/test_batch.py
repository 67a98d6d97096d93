"""Batch eligibility: a schedule in, results and changes out; bad rows named by line."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from healtheos.eligibility.batch import BatchFileError, parse_schedule, template_csv
from healtheos.eligibility.models import BatchRun, Inquiry
from healtheos.members.models import Accumulator, Coverage
from tests.conftest import World
from tests.eligibility.conftest import Family

TODAY = dt.date(2026, 12, 4)


@pytest.fixture(autouse=True)
def _inline_tasks(settings: object) -> None:
    settings.TASK_BACKEND = "inline"  # type: ignore[attr-defined]


def schedule(family: Family, *extra: str) -> bytes:
    lines = [
        "member_id,date_of_birth,last_name,first_name,date_of_service,service_types,patient_account",
        f"{family.subscriber.member_id},1980-05-17,,,,30,A-1",
        f",03/02/2015,{family.child.last_name},Robin,,98;48,A-2",
        *extra,
    ]
    return ("\n".join(lines) + "\n").encode()


def upload(client: Client, data: bytes, name: str = "tomorrow.csv") -> object:
    return client.post(
        "/eligibility/batch/", {"schedule": SimpleUploadedFile(name, data, "text/csv")}
    )


def test_the_template_names_every_column() -> None:
    header = template_csv().splitlines()[0]
    assert header.split(",") == [
        "member_id",
        "date_of_birth",
        "last_name",
        "first_name",
        "date_of_service",
        "service_types",
        "patient_account",
    ]


def test_malformed_rows_are_named_by_line_and_the_good_ones_still_parse() -> None:
    data = (
        b"member_id,date_of_birth,last_name,first_name\n"
        b"TM1,1980-05-17,,\n"
        b"TM2,,,\n"
        b"\n"
        b",1980-13-45,Doe,Jane\n"
        b",1980-05-17,Doe,\n"
        b"TM3,1980-05-17,,,,,,,\n"
    )
    rows = parse_schedule(data, today=TODAY)
    assert [(r.line_number, bool(r.query)) for r in rows] == [
        (2, True),
        (3, False),
        (5, False),
        (6, False),
        (7, False),
    ]
    errors = {r.line_number: r.error for r in rows}
    assert "date_of_birth is missing" in errors[3]
    assert "not a date" in errors[5]
    assert "both last_name and first_name" in errors[6]
    assert "values for 4 columns" in errors[7]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary", "not text"),
        (b"name,phone\nx,y\n", "must name the columns"),
        (b"member_id,date_of_birth,ssn\n", "Unknown columns: ssn"),
        (b"member_id,date_of_birth\n", "no rows"),
    ],
)
def test_a_file_that_is_not_a_schedule_is_refused_with_the_reason(
    data: bytes, message: str
) -> None:
    with pytest.raises(BatchFileError, match=message):
        parse_schedule(data, today=TODAY)


def test_too_many_rows_are_refused(settings: object) -> None:
    settings.ELIGIBILITY_BATCH_MAX_ROWS = 2  # type: ignore[attr-defined]
    data = b"member_id,date_of_birth\nA,1980-01-01\nB,1980-01-01\nC,1980-01-01\n"
    with pytest.raises(BatchFileError, match="more than 2 rows"):
        parse_schedule(data, today=TODAY)


def test_a_schedule_is_checked_and_the_results_shown_and_exported(
    world: World, family: Family
) -> None:
    client = world.client_for(world.frank)
    response = upload(client, schedule(family, "TM999,1980-05-17,,,,,A-3", ",,,,,,A-4"))
    assert response.status_code == 302
    run = BatchRun.objects.for_office(world.bluebonnet.office).get()
    assert run.status == "done"
    assert run.total_rows == 4
    assert run.done_rows == 4
    page = client.get(response["Location"]).content.decode()
    assert "3 rows checked" in page
    assert "Line 5: date_of_birth is missing" in page
    assert family.child.first_name in page
    assert "Not found" in page
    csv_text = client.get(f"/eligibility/batch/{run.pk}/results.csv").content.decode()
    lines = csv_text.strip().splitlines()
    assert len(lines) == 5
    assert lines[1].startswith(f"2,A-1,{family.subscriber.member_id},")
    assert ",active," in lines[1]
    assert Inquiry.objects.for_office(world.bluebonnet.office).filter(channel="batch").count() == 3


def test_rows_that_changed_since_the_last_check_are_highlighted(
    world: World, family: Family
) -> None:
    client = world.client_for(world.frank)
    upload(client, schedule(family))
    Accumulator.objects.filter(coverage=family.coverage, kind="deductible").update(
        met=Decimal("1000.00")
    )
    Coverage.objects.filter(member=family.child).update(end_date=dt.date(2026, 11, 30))
    response = upload(client, schedule(family, ""), name="next-day.csv")
    page = client.get(response["Location"]).content.decode()
    assert "2 changed since the last check" in page
    assert "Deductible met." in page
    assert "Coverage ended on 2026-11-30." in page
    assert 'class="he-changed"' in page


def test_the_same_file_uploaded_twice_is_one_run(world: World, family: Family) -> None:
    client = world.client_for(world.frank)
    first = upload(client, schedule(family))
    second = upload(client, schedule(family))
    assert first["Location"] == second["Location"]
    assert BatchRun.objects.for_office(world.bluebonnet.office).count() == 1


def test_an_unreadable_file_is_a_message_at_the_field(world: World) -> None:
    response = upload(world.client_for(world.frank), b"nothing,useful\n1,2\n")
    assert response.status_code == 400
    assert "must name the columns" in response.content.decode()
    response = upload(world.client_for(world.frank), b"x", name="schedule.xlsx")
    assert response.status_code == 400
    assert "Upload a .csv file" in response.content.decode()


def test_a_run_in_progress_reports_its_progress(
    world: World, family: Family, settings: object
) -> None:
    settings.TASK_BACKEND = "thread"  # type: ignore[attr-defined]
    run = BatchRun.objects.create(
        office=world.bluebonnet.office,
        user=world.frank,
        file_name="big.csv",
        digest="0" * 64,
        status="running",
        total_rows=1000,
        done_rows=250,
        created_at=dt.datetime(2026, 12, 4, tzinfo=dt.UTC),
    )
    client = world.client_for(world.frank)
    page = client.get(f"/eligibility/batch/{run.pk}/").content.decode()
    assert "250 done" in page
    assert 'hx-trigger="every 1s"' in page
    partial = client.get(f"/eligibility/batch/{run.pk}/", HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()
    BatchRun.objects.payer_wide().filter(pk=run.pk).update(status="done", done_rows=1000)
    finished = client.get(f"/eligibility/batch/{run.pk}/", HTTP_HX_REQUEST="true")
    assert finished.status_code == 204
    assert finished["HX-Refresh"] == "true"


def test_it_rejects_another_offices_run(world: World, family: Family) -> None:
    upload(world.client_for(world.frank), schedule(family))
    run = BatchRun.objects.for_office(world.bluebonnet.office).get()
    olga = world.client_for(world.olga)
    assert olga.get(f"/eligibility/batch/{run.pk}/").status_code == 404
    assert olga.get(f"/eligibility/batch/{run.pk}/results.csv").status_code == 404
    assert "tomorrow.csv" not in olga.get("/eligibility/batch/").content.decode()
