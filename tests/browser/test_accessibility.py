"""axe-core on every page type, in light and dark mode: no serious or critical violations."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

LIGHT_AND_DARK = ["light", "dark"]
READER_PAGES = [
    "/",
    "/a/ashcombe-flood",
    "/a/ashcombe-flood/history",
    "/a/ashcombe-flood/s/what-happened/correct",
    "/signin",
    "/a/nope",  # the 404 page
]


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("scheme", LIGHT_AND_DARK)
@pytest.mark.parametrize("path", READER_PAGES)
def test_reader_pages_have_no_serious_accessibility_violations(
    browser, reading_server, path, scheme
):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    try:
        page.goto(reading_server(path))
        assert serious_violations(page) == []
    finally:
        context.close()
