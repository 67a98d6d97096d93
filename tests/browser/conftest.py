"""Real-browser fixtures: Playwright driving the system's Chromium (Debian's package; the
browser download that Playwright offers does not work offline), axe-core for accessibility.

Every page a journey visits is scanned with ``assert_accessible(page)`` (WCAG 2.0/2.1 A and
AA rules, zero violations) and its console is watched for content-security-policy refusals.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

# Playwright's sync API runs an event loop in this thread; Django refuses database access
# from a thread with a running loop unless told that this is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOT_DIR = ROOT / "var" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# What a page.evaluate() reports when the document it ran in was replaced by a navigation.
NAVIGATION_SIGNS = ("Execution context was destroyed", "reading 'documentElement'", "navigat")


def _chromium_path() -> str:
    for candidate in (
        os.environ.get("HEALTHEOS_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    raise RuntimeError("Chromium not found: install Debian's chromium package (see .ci/run)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=_chromium_path(), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class ConsoleWatch:
    def __init__(self) -> None:
        self.csp_refusals: list[str] = []
        self.errors: list[str] = []

    def __call__(self, message: ConsoleMessage) -> None:
        text = message.text
        if "Content Security Policy" in text or "Refused to" in text:
            self.csp_refusals.append(text)
        elif message.type == "error":
            self.errors.append(text)


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-US"
    )
    # An init script is injected by the browser itself, so the page's CSP does not block it.
    context.add_init_script(path=str(AXE_SCRIPT))
    context.set_default_timeout(10_000)
    tab = context.new_page()
    watch = ConsoleWatch()
    tab.on("console", watch)
    tab.console_watch = watch  # type: ignore[attr-defined]
    yield tab
    context.close()
    assert not watch.csp_refusals, f"content security policy refused: {watch.csp_refusals}"


def _axe_scan(page: Page) -> dict[str, Any]:
    """axe's result for the page as it stands once loaded. A click on a link returns when the
    navigation has started, not finished; a scan that began in the old document and lost it
    to the new one is run again on the new one."""
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            page.evaluate("() => Promise.all(document.getAnimations().map((a) => a.finished))")
            result: dict[str, Any] = page.evaluate(
                "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                WCAG_TAGS,
            )
            return result
        except PlaywrightError as error:
            navigated = any(sign in str(error) for sign in NAVIGATION_SIGNS)
            if not navigated or attempt == 2:
                raise
    raise AssertionError("unreachable")


def assert_accessible(page: Page) -> None:
    """Run axe on the current page; fail with a readable list of WCAG A/AA violations.
    Waits for running CSS animations first: mid-fade, text has not reached its contrast."""
    result = _axe_scan(page)
    violations = result["violations"]
    if violations:
        summary = [
            {
                "rule": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"][:5]],
            }
            for v in violations
        ]
        details = json.dumps(summary, indent=2)
        pytest.fail(f"axe found {len(violations)} violation(s) on {page.url}:\n{details}")


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def zoom_and_reflow_screenshots(page: Page, name: str) -> list[Path]:
    """WCAG 1.4.4 / 1.4.10: the same page at 200% zoom and at 320 CSS pixels wide, with no
    horizontal scrolling in the narrow view."""
    paths = []
    original = page.viewport_size or {"width": 1280, "height": 900}
    page.set_viewport_size({"width": 640, "height": 450})  # 1280x900 at 200% zoom
    paths.append(screenshot(page, f"{name}-zoom200"))
    page.set_viewport_size({"width": 320, "height": 640})
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    paths.append(screenshot(page, f"{name}-320px"))
    page.set_viewport_size(original)
    assert overflow <= 0, f"{name}: content is {overflow}px wider than a 320px viewport"
    return paths


def sign_in(page: Page, username: str, *, step: int = 0, next_path: str = "") -> None:
    """Password, then the authenticator code of TOTP step ``step`` (codes work only once)."""
    from tests.factories import TEST_PASSWORD, totp_code

    page.goto("/accounts/login/" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Authenticator or recovery code").fill(totp_code(step=step))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
