"""A person at the browser, three ways: with the mouse (and JavaScript), with JavaScript turned
off, and with the keyboard only. The journeys (tests/browser/test_journeys.py) are written once
against this and run the three ways.

The keyboard-only person reaches every control with Tab and Shift+Tab and uses it with Enter,
Space and the arrow keys; at every stop on the way the focused element must show a ring (an
outline or a box-shadow) and be on the screen.
"""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from tests.browser.helpers import FOCUS

MOUSE, NO_SCRIPT, KEYBOARD = "mouse", "no-script", "keyboard"
HOW = (MOUSE, NO_SCRIPT, KEYBOARD)
MAX_TABS = 300

# Where the target is from the focused element: 1 after it, -1 before it, 0 it is focused.
DIRECTION = """el => {
    const active = document.activeElement;
    if (active === el) { return 0; }
    if (!active || active === document.body) { return 1; }
    return active.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING ? 1 : -1;
}"""


# After a press: whether the target (or, for a group, a radio button of its group) has the
# focus, and what has it (helpers.FOCUS), in one round trip.
STEP = f"""(el, group) => {{
    const active = document.activeElement;
    const arrived = active === el || (group && active && active.type === "radio"
        && active.name === el.name);
    return {{arrived: arrived, focus: ({FOCUS})()}};
}}"""

# Whether Enter on the element loads another page (the reply link answers in place).
LOADS_A_PAGE = """el => el.matches(
    'a[href]:not([href^="#"]):not([data-reply-to]), button[type=submit], input[type=submit]')"""


class Actor:
    def __init__(self, page: Page, how: str) -> None:
        self.page = page
        self.how = how
        self.stops: list[dict] = []  # every element the keyboard focused on the way

    @property
    def scripts(self) -> bool:
        return self.how != NO_SCRIPT

    @property
    def keyboard(self) -> bool:
        return self.how == KEYBOARD

    def reach(self, target: Locator, group: bool = False) -> None:
        """Tab (or Shift+Tab) to ``target`` (with ``group``, to any radio button of its
        group), checking that each stop on the way is visibly focused."""
        target.wait_for()
        key = {1: "Tab", -1: "Shift+Tab"}.get(target.evaluate(DIRECTION))
        for _ in range(MAX_TABS):
            if key is None:
                return
            self.page.keyboard.press(key)
            now = target.evaluate(STEP, group)
            if now["focus"] is not None:
                self.stops.append(now["focus"])
                assert now["focus"]["visible"], f"the focus is not visible on {now['focus']}"
                assert now["focus"]["onscreen"], f"the focus is on something unseen: {now}"
            if now["arrived"]:
                return
        raise AssertionError(f"{MAX_TABS} presses of {key} did not reach {target}")

    def click(self, target: Locator) -> None:
        """Follow a link, press a button, open a <details>."""
        if not self.keyboard:
            target.click()
            return
        self.reach(target)
        if target.evaluate(LOADS_A_PAGE):
            with self.page.expect_navigation():
                self.page.keyboard.press("Enter")
        else:
            self.page.keyboard.press("Enter")

    def fill(self, target: Locator, text: str) -> None:
        if self.keyboard:
            self.reach(target)
            self.page.keyboard.press("ControlOrMeta+A")
            self.page.keyboard.press("Delete")
            self.page.keyboard.type(text)
        else:
            target.fill(text)

    def check(self, target: Locator) -> None:
        """Tick a checkbox or choose a radio button."""
        if not self.keyboard:
            target.check()
        elif target.get_attribute("type") == "radio":
            # Tab stops once in a group of radio buttons; the arrow keys choose within it.
            self.reach(target, group=True)
            for _ in range(MAX_TABS):
                if target.is_checked():
                    return
                self.page.keyboard.press("ArrowDown")
            raise AssertionError(f"the arrow keys never chose {target}")
        else:
            self.reach(target)
            if not target.is_checked():
                self.page.keyboard.press("Space")

    def choose(self, target: Locator, label: str) -> None:
        """Choose the option of a <select> by its label."""
        if not self.keyboard:
            target.select_option(label=label)
            return
        self.reach(target)
        options = target.evaluate("el => [...el.options].map(o => o.label)")
        self.page.keyboard.press("Home")
        for _ in range(options.index(label)):
            self.page.keyboard.press("ArrowDown")
        assert target.evaluate("el => el.options[el.selectedIndex].label") == label
