"""Driving a page with the keyboard alone, as someone who cannot use a mouse does.

``tab_to(page, target)`` presses Tab until ``target`` has the focus; the locator only names
the control the person is looking for, it never clicks or fills. Every control that takes the
focus on the way must show it (WCAG 2.4.7): an outline or a box shadow that differs from
how it looks unfocused, inside the viewport. The controls passed on the way are kept, so a
failure reads as the tab order the person went through.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import Locator, Page

#: The focused element and how it is drawn: its focus outline or ring, its size and place.
#: Transitions run first (a skip link slides into view as it takes the focus), for a second
#: at most.
FOCUS_STATE = """async () => {
  const settled = Promise.all(document.getAnimations().map((a) => a.finished));
  await Promise.race([settled, new Promise((done) => setTimeout(done, 1000))]);
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  // The design system hides the real checkbox or radio and draws it, and its focus ring,
  // as the ::before of the label that follows it.
  const drawn = el.matches('.usa-checkbox__input, .usa-radio__input');
  const shown = drawn ? el.nextElementSibling : el;
  const style = getComputedStyle(shown, drawn ? '::before' : null);
  const box = shown.getBoundingClientRect();
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1;
  const ring = style.boxShadow && style.boxShadow !== 'none';
  const label = el.labels && el.labels[0] && el.labels[0].innerText;
  const name = (el.getAttribute('aria-label') || label || el.innerText || el.value
    || el.getAttribute('name') || '').trim().replace(/\\s+/g, ' ');
  const at = [box.left, box.top, box.width, box.height].map(Math.round);
  return {
    element: `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${name.slice(0, 50)}"`,
    drawn: `outline ${style.outlineStyle} ${style.outlineWidth}, shadow ${style.boxShadow}, `
      + `box ${at[0]},${at[1]} ${at[2]}x${at[3]}`,
    indicated: outline || ring,
    onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
      && box.top < window.innerHeight && box.left < window.innerWidth,
  };
}"""


@dataclass
class FocusTrail:
    """The controls the Tab key reached, in order, and those that did not show the focus."""

    visited: list[str] = field(default_factory=list)
    unmarked: list[str] = field(default_factory=list)

    def record(self, state: dict[str, Any]) -> None:
        self.visited.append(state["element"])
        if not (state["indicated"] and state["onScreen"]):
            self.unmarked.append(f"{state['element']} ({state['drawn']})")


def has_focus(target: Locator) -> bool:
    return bool(
        target.evaluate(
            "(el) => el === document.activeElement || el.contains(document.activeElement)"
        )
    )


def tab_to(
    page: Page, target: Locator, *, limit: int = 80, trail: FocusTrail | None = None
) -> None:
    """Press Tab until ``target`` holds the focus; fail with the tab order if it never does
    or if a control on the way hides its focus."""
    trail = trail if trail is not None else FocusTrail()
    target.wait_for()
    for _ in range(limit):
        if has_focus(target):
            state = page.evaluate(FOCUS_STATE)
            if state:
                trail.record(state)
            break
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        if state:
            trail.record(state)
    else:
        raise AssertionError(
            f"Tab never reached {target} in {limit} presses; the tab order was:\n  "
            + "\n  ".join(trail.visited[-limit:])
        )
    assert not trail.unmarked, f"focus not visible on: {trail.unmarked}"


def type_into(page: Page, target: Locator, text: str) -> None:
    """Tab to a field and type, key by key."""
    tab_to(page, target)
    page.keyboard.type(text)


def type_date(page: Page, target: Locator, iso: str) -> None:
    """A native date field takes month, day and year as typed digits (U.S. English)."""
    year, month, day = iso.split("-")
    tab_to(page, target)
    page.keyboard.type(month + day + year)


def activate(page: Page, target: Locator) -> None:
    """Tab to a link or button and press Enter."""
    tab_to(page, target)
    page.keyboard.press("Enter")


def choose(page: Page, target: Locator, option_text: str) -> None:
    """Tab to a closed select and type the start of an option, as its typeahead expects."""
    tab_to(page, target)
    page.keyboard.type(option_text)
