"""Walk every URL of the project: anonymous requests are refused everywhere but the public
pages, and no page an office user can open shows another office's data."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import World
from tests.urlwalk import all_routes, concrete_path

#: Pages anyone may open: sign-in and recovery flows, health probes, static assets.
PUBLIC_PREFIXES = (
    "/oauth/token",
    "/accounts/username/",
    "/accounts/",
    "/healthz",
    "/readyz",
    "/static/",
    "/payer/admin/login",
    "/member/login/",
    "/register/",
    "/invitations/",
    "/fhir/r4/metadata",  # FHIR servers publish their CapabilityStatement openly
    "/prior-authorization-metrics",  # CMS-0057-F: plans publish these figures (page and CSV)
)
#: Routes served by Django's admin; guarded by its own staff check (tested separately).
ADMIN_PREFIX = "/payer/admin/"


def _public(path: str) -> bool:
    return path.startswith(PUBLIC_PREFIXES)


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


@pytest.mark.django_db
@pytest.mark.parametrize("path", [p for p in _walkable_paths() if not _public(p)])
def test_anonymous_requests_are_refused_outside_public_pages(path: str) -> None:
    response = Client().get(path, follow=True)
    if response.redirect_chain:
        final = response.redirect_chain[-1][0]
        assert "/login" in final, f"{path} ended at {final}"
    else:
        assert response.status_code in {401, 403, 404, 405}, path


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
