"""Walk every URL of the project: each person gets the answer the isolation matrix
(``tests/access_matrix.py``) says, another office's objects are never found, and no page an
office user can open shows another office's data.

A new URL fails ``test_every_url_is_classified`` until it has its line in
``tests/access_matrix.MATRIX``; the module's docstring says how to write one."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote_plus, urlsplit

import pytest

from tests import access_matrix as am
from tests.conftest import World
from tests.urlwalk import Route, all_routes, argument_names, concrete_path, route_key

#: Routes served by Django's admin; guarded by its own staff check (tested separately).
ADMIN_PREFIX = "/payer/admin/"


def _walkable_paths() -> list[str]:
    paths = []
    for route in all_routes():
        path = concrete_path(route)
        if path is not None:
            paths.append(path)
    return sorted(set(paths))


def test_the_walk_finds_the_project_pages() -> None:
    paths = _walkable_paths()
    assert "/dashboard/" in paths
    assert "/healthz" in paths


@pytest.mark.parametrize(
    "path", [p for p in _walkable_paths() if not p.startswith((ADMIN_PREFIX, "/static/"))]
)
def test_no_page_shows_another_offices_data(world: World, path: str) -> None:
    client = world.client_for(world.alice)
    response = client.get(path)
    assert response.status_code < 500, path
    body = response.content.decode(errors="replace")
    other = world.prairie
    for secret in (
        other.office.name,
        other.office.organization.tin,
        other.claim.claim_number,
        other.member.member_id,
        other.authorization.tracking_number,
        other.payment.trace_number,
    ):
        assert secret not in body, f"{path} shows {secret!r} of another office"


# -- the isolation matrix --------------------------------------------------------------------

TABLE = am.rows()


def test_every_url_is_classified() -> None:
    missing = sorted(
        {route_key(r) for r in all_routes() if am.row_for(route_key(r), TABLE) is None}
    )
    assert not missing, (
        "These URLs have no line in tests/access_matrix.MATRIX; add one each (see its "
        "docstring):\n" + "\n".join(missing)
    )


def test_a_url_without_a_line_is_found_and_globs_cover_the_console() -> None:
    assert am.row_for("no_such_app:new_page", TABLE) is None
    row = am.row_for("admin:claims_claim_change", TABLE)
    assert row is not None
    assert row.name == "admin:*"


def test_the_matrix_has_no_stale_lines() -> None:
    stale = [row.name for row in TABLE if not am.routes_of(row, TABLE)]
    assert not stale, f"Lines for URLs that no longer exist: {stale}"


def test_the_matrix_names_each_url_once() -> None:
    names = [row.name for row in TABLE]
    assert len(names) == len(set(names))


@pytest.fixture
def objects(world: World, settings: object, tmp_path: object) -> am.Objects:
    settings.VAR_DIR = str(tmp_path)  # type: ignore[attr-defined]
    return am.build_objects(world)


def _line(name: str, method: str, answers: dict[str, str]) -> str:
    return f"{name:<35} {method:<6} " + " ".join(f"{answers[w]:<5}" for w in am.WHO).rstrip()


def _walk(objects: am.Objects, row: am.Row, route: Route, side: object) -> dict[str, str]:
    path = am.path_for(objects, route, side)
    return {
        who: "-"
        if row.expected[who] == "-"
        else am.ask(am.client_for(objects, who), row.method, path)
        for who in am.WHO
    }


@pytest.mark.parametrize("row", TABLE, ids=[row.name for row in TABLE])
def test_each_person_gets_the_answer_the_matrix_gives(objects: am.Objects, row: am.Row) -> None:
    for route in am.routes_of(row, TABLE):
        observed = _walk(objects, row, route, objects.world.bluebonnet)
        assert observed == row.expected, (
            f"{route.pattern}\nexpected: {_line(row.name, row.method, row.expected)}"
            f"\nobserved: {_line(route_key(route), row.method, observed)}"
        )


def _names_an_office_object(route: Route) -> bool:
    return any(name in am.ARGUMENTS for name in argument_names(route))


#: What another office's object answers where ours answers this.
_THEIRS = {"ok": "404", "go": "404", "400": "404"}


@pytest.mark.parametrize(
    "row",
    [row for row in TABLE if any(_names_an_office_object(r) for r in am.routes_of(row, TABLE))],
    ids=lambda row: row.name,
)
def test_another_offices_object_is_not_found(objects: am.Objects, row: am.Row) -> None:
    expected = {who: _THEIRS.get(answer, answer) for who, answer in row.expected.items()}
    for route in am.routes_of(row, TABLE):
        if not _names_an_office_object(route):
            continue
        observed = _walk(objects, row, route, objects.world.prairie)
        assert observed == expected, (
            f"{route.pattern} with Prairie's object\n"
            f"expected: {_line(row.name, row.method, expected)}"
            f"\nobserved: {_line(route_key(route), row.method, observed)}"
        )


# -- search, export and FHIR search parameters never reach another office's objects ----------


def _searches(other: object) -> list[str]:
    o = other  # Prairie's records, searched for from Bluebonnet
    return [
        f"/claims/?number={o.claim.claim_number}",  # type: ignore[attr-defined]
        f"/claims/?member_id={o.member.member_id}",  # type: ignore[attr-defined]
        f"/claims/?number={o.claim.claim_number}&format=csv",  # type: ignore[attr-defined]
        f"/payments/?trace_number={o.payment.trace_number}",  # type: ignore[attr-defined]
        f"/authorizations/?number={o.authorization.tracking_number}",  # type: ignore[attr-defined]
        f"/messages/?q={o.thread.subject}",  # type: ignore[attr-defined]
        "/eligibility/patients/?format=csv",
    ]


def _secrets(world: World) -> tuple[str, ...]:
    other = world.prairie
    return (
        other.office.name,
        other.claim.claim_number,
        other.member.member_id,
        other.authorization.tracking_number,
        other.payment.trace_number,
    )


@pytest.mark.parametrize("who", ["admin", "svc"])
def test_searches_and_exports_never_find_another_offices_records(
    objects: am.Objects, who: str
) -> None:
    client = am.client_for(objects, who)
    for path in _searches(objects.world.prairie):
        response = client.get(path)
        assert response.status_code < 500, path
        body = response.content.decode(errors="replace")
        # The search form and its export link show back what was typed; nothing else may
        # name their records.
        for _, typed in parse_qsl(urlsplit(path).query):
            body = body.replace(f'value="{typed}"', "").replace(f"={quote_plus(typed)}", "=")
        for secret in _secrets(objects.world):
            assert secret not in body, f"{path} as {who} shows {secret!r}"


def test_the_same_searches_find_our_own_records(objects: am.Objects) -> None:
    """The control for the test above: the parameters are real and do find records."""
    client = am.client_for(objects, "admin")
    ours = objects.world.bluebonnet
    for path, shown in (
        (f"/claims/?number={ours.claim.claim_number}", f"/claims/{ours.claim.claim_number}/"),
        (f"/payments/?trace_number={ours.payment.trace_number}", f"/payments/{ours.payment.pk}/"),
        (
            f"/authorizations/?number={ours.authorization.tracking_number}",
            f"/authorizations/{ours.authorization.tracking_number}/",
        ),
    ):
        assert shown in client.get(path).content.decode(), path


def test_fhir_and_api_searches_never_find_another_offices_records(objects: am.Objects) -> None:
    world = objects.world
    api = am.client_for(objects, "api")
    theirs = world.prairie.member
    bundle = api.get(f"/fhir/r4/Coverage?patient=Patient/{theirs.pk}")
    assert bundle.status_code == 200
    assert bundle.json()["total"] == 0
    ours = api.get(f"/fhir/r4/Coverage?patient=Patient/{world.bluebonnet.member.pk}")
    assert ours.json()["total"] >= 1  # the same search finds our own member's coverage
    answer = api.post(
        "/api/v1/eligibility",
        {"member_id": theirs.member_id, "date_of_birth": theirs.birth_date.isoformat()},
        content_type="application/json",
    )
    assert answer.status_code in (200, 400)
    body = answer.content.decode()
    assert theirs.last_name not in body
    assert theirs.first_name not in body
    assert answer.status_code == 400 or answer.json()["member"] is None
