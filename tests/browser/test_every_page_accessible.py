"""Every page of the portal, scanned with axe (WCAG 2.0/2.1 A and AA): not only the pages
the journeys pass through, but every HTML page the isolation matrix
(``tests/access_matrix.py``) says someone may open, filled with real objects, opened by the
first person the matrix lets in. A new page is scanned as soon as it has its line there.

The plan's Django administration console (``/payer/admin/``) is Django's own and is left out;
its users are the plan's administrators, not the offices.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import Browser

from tests import access_matrix as am
from tests.browser.conftest import AXE_SCRIPT, WCAG_TAGS
from tests.conftest import World

#: Who opens a page, in order of preference: office people first, then the plan, a member and
#: nobody.
OPENERS = ("admin", "bill", "clin", "desk", "svc", "ro", "payer", "member", "anon")
LEFT_OUT = ("/payer/admin/",)
#: WCAG 1.4.10: at 320 CSS pixels nothing scrolls sideways but a data table, which may
#: scroll inside its own container. The elements that stick out past the viewport's edge.
OVERFLOW = """() => {
  if (document.documentElement.scrollWidth <= window.innerWidth) return [];
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > window.innerWidth + 1 && !el.closest('table')) {
      const kind = typeof el.className === 'string' ? el.className.split(' ')[0] : '';
      out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (kind ? '.' + kind : ''));
    }
  }
  return out.slice(0, 5);
}"""


@pytest.fixture
def objects(world: World, settings: object, tmp_path: Path) -> am.Objects:
    settings.VAR_DIR = str(tmp_path)  # type: ignore[attr-defined]
    settings.TASK_BACKEND = "inline"  # type: ignore[attr-defined]
    return am.build_objects(world)


def _html_pages(objects: am.Objects) -> dict[str, list[str]]:
    """Each person's pages: the GET routes they are the first opener of, that answer HTML."""
    table = am.rows()
    pages: dict[str, list[str]] = defaultdict(list)
    for row in table:
        if row.method != "GET":
            continue
        opener = next((who for who in OPENERS if row.expected[who] == "ok"), None)
        if opener is None:
            continue
        for route in am.routes_of(row, table):
            path = am.path_for(objects, route, objects.world.bluebonnet)
            if path.startswith(LEFT_OUT):
                continue
            response = am.client_for(objects, opener).get(path)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            if b"<html" in response.content[:500]:  # htmx fragments are scanned in their pages
                pages[opener].append(path)
    return pages


def test_every_page_passes_axe(browser: Browser, live_server: object, objects: am.Objects) -> None:
    pages = _html_pages(objects)
    scanned = sum(len(paths) for paths in pages.values())
    assert scanned >= 50, f"only {scanned} pages found to scan"
    failures: dict[str, list[str]] = {}
    for who, paths in pages.items():
        context = browser.new_context(
            base_url=live_server.url,  # type: ignore[attr-defined]
            viewport={"width": 1280, "height": 900},
            locale="en-US",
        )
        context.add_init_script(path=str(AXE_SCRIPT))
        client = am.client_for(objects, who)
        cookie = client.cookies.get(django_settings.SESSION_COOKIE_NAME)
        if cookie is not None:
            # Sent as a header: a browser refuses a __Host- cookie handed to it for plain HTTP,
            # though it keeps one the server sets on localhost.
            name = django_settings.SESSION_COOKIE_NAME
            context.set_extra_http_headers({"Cookie": f"{name}={cookie.value}"})
        tab = context.new_page()
        for path in paths:
            tab.goto(path)
            tab.wait_for_load_state("load")
            if not tab.url.endswith(path):
                failures[f"{who} {path}"] = [f"opened {tab.url} instead"]
                continue
            tab.evaluate("() => Promise.all(document.getAnimations().map((a) => a.finished))")
            result = tab.evaluate(
                "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                WCAG_TAGS,
            )
            found = [
                f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
                for v in result["violations"]
            ]
            tab.set_viewport_size({"width": 320, "height": 640})
            overflow = tab.evaluate(OVERFLOW)
            if overflow:
                found.append(f"wider than 320 px: {overflow}")
            tab.set_viewport_size({"width": 1280, "height": 900})
            if found:
                failures[f"{who} {path}"] = found
        context.close()
    assert not failures, "axe violations:\n" + "\n".join(
        f"{page}\n  " + "\n  ".join(found) for page, found in failures.items()
    )
